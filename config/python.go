package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/excerpt"
)

// Python is the supported-Python policy containerize applies.
var Python = PythonPolicy{
	Supported: []string{"3.10", "3.11", "3.12", "3.13", "3.14"},
	Default:   "3.12",
}

// PythonPolicy turns what detection found about a project's Python (detect.Python, facts
// only) into the base image's Python, in one place: which minor versions the image
// supports, how a range resolves (the newest supported minor it allows that the project's
// Django release supports too, when that is known), which source wins (the first in
// detection's precedence order that names a version; the project's Dockerfile's image only
// when no range contradicts it), which sources conflict with it, the
// nearest supported version to an unsupported one, and the default when the project names
// none. The wizard, `containerize detect` and migrate (which is handed it) use it.
type PythonPolicy struct {
	// Supported are the minor versions the generated image can use, oldest first. Treat it
	// as read-only.
	Supported []string
	// Default is the image's Python when the project names no version.
	Default string
}

// PythonChoice is what the policy makes of a project's Python facts.
type PythonChoice struct {
	// Version is the chosen minor version ("3.11"), "" when no source names one; it may
	// be one the image does not support (Choose maps it to one that is).
	Version string
	// Source is the evidence of the candidate Version comes from.
	Source string
	// Candidates are the facts' candidates with Version, and Note for a range that the
	// project's Django narrowed, filled.
	Candidates []detect.PythonCandidate
	// Conflicts say which sources disagree with Version; never nil.
	Conflicts []string
	// Warning, when not nil, says that the project's Django does not support Version.
	Warning *detect.Finding
}

// Check accepts a minor version the image supports.
func (pol PythonPolicy) Check(v string) error {
	if m, ok := detect.ParsePythonMinor(v); !ok || m.String() != v {
		return fmt.Errorf("python must be a minor version like %q, got %s", "3.12", excerpt.Quote(v))
	}
	if !slices.Contains(pol.Supported, v) {
		return fmt.Errorf("python %s is not supported: choose one of %s", v, strings.Join(pol.Supported, ", "))
	}
	return nil
}

// Resolve applies the policy to a project's Python facts. A pin resolves to the minor it
// names; a range to the newest supported minor it allows, narrowed to those the project's
// Django release supports when one of them is allowed (and the candidate's Note says so).
// The first candidate that resolves to a version is chosen; every other that does not
// admit the chosen version is a conflict. Warning is set when Django does not support it.
func (pol PythonPolicy) Resolve(py detect.Python) PythonChoice {
	ch := PythonChoice{Candidates: slices.Clone(py.Candidates), Conflicts: []string{}}
	dj := py.Django
	for i := range ch.Candidates {
		c := &ch.Candidates[i]
		c.Version, c.Note = c.Pin, ""
		if !c.Range {
			continue
		}
		c.Version = pol.newestAllowed(*c, nil)
		if dj == nil {
			continue
		}
		if v := pol.newestAllowed(*c, dj.Python); v != "" && v != c.Version {
			c.Version = v
			c.Note = fmt.Sprintf("newest allowed by the range that Django %s (%s) supports", dj.Spec, dj.Source)
		}
	}
	// The Dockerfile's image narrows the ranges the manifests declare, but gives way to one
	// it contradicts: the range is the project's statement, a stale FROM line is not.
	contradicted := func(img detect.PythonCandidate) bool {
		return img.Image && slices.ContainsFunc(ch.Candidates, func(c detect.PythonCandidate) bool {
			return c.Range && c.Version != "" && !c.Allows(img.Version)
		})
	}
	if i := slices.IndexFunc(ch.Candidates, func(c detect.PythonCandidate) bool { return c.Version != "" && !contradicted(c) }); i >= 0 {
		ch.Version, ch.Source = ch.Candidates[i].Version, ch.Candidates[i].Source
	}
	for _, c := range ch.Candidates {
		if c.Source != ch.Source && ch.Version != "" && !c.Allows(ch.Version) {
			ch.Conflicts = append(ch.Conflicts, fmt.Sprintf("%s says %q, but %s chose %s (it takes precedence)",
				c.Source, c.Spec, ch.Source, ch.Version))
		}
	}
	if dj != nil && ch.Version != "" && !slices.Contains(dj.Python, ch.Version) {
		ch.Warning = &detect.Finding{Name: "django-python", Source: dj.Source,
			Detail: fmt.Sprintf("Django %s does not support Python %s (from %s); expect problems or upgrade Django",
				dj.Spec, ch.Version, ch.Source)}
	}
	return ch
}

// newestAllowed is the newest supported minor version that the range c admits and, when
// only is not nil, that only lists; "" when there is none.
func (pol PythonPolicy) newestAllowed(c detect.PythonCandidate, only []string) string {
	for _, v := range slices.Backward(pol.Supported) {
		if (only == nil || slices.Contains(only, v)) && c.Allows(v) {
			return v
		}
	}
	return ""
}

// Version is the minor version the policy chooses from a project's Python facts ("" when
// no source names one): Resolve(py).Version.
func (pol PythonPolicy) Version(py detect.Python) string { return pol.Resolve(py).Version }

// Apply fills the decisions of p.Python (Version, Source, Conflicts, each candidate's
// Version and Note) from its facts and appends the django-python warning when it applies:
// the project as `containerize detect` prints it. Applying it again changes nothing.
func (pol PythonPolicy) Apply(p *detect.Project) {
	ch := pol.Resolve(p.Python)
	p.Python.Version, p.Python.Source = ch.Version, ch.Source
	p.Python.Candidates, p.Python.Conflicts = ch.Candidates, ch.Conflicts
	p.Warnings = slices.DeleteFunc(p.Warnings, func(f detect.Finding) bool { return f.Name == "django-python" })
	if ch.Warning != nil {
		p.Warnings = append(p.Warnings, *ch.Warning)
	}
}

// Nearest maps a Python version ("2.7", "3.8.10") to the nearest minor version the image
// supports: its own minor when supported, the oldest supported for anything older, the
// newest for anything newer, else the next newer supported one. "" when v names no minor
// version.
func (pol PythonPolicy) Nearest(v string) string {
	want, ok := detect.ParsePythonMinor(v)
	if !ok || len(pol.Supported) == 0 {
		return ""
	}
	for _, s := range pol.Supported {
		if m, _ := detect.ParsePythonMinor(s); m.Compare(want) >= 0 {
			return s
		}
	}
	return pol.Supported[len(pol.Supported)-1]
}

// Choose is the base image's Python for a project, with the reason: the version Resolve
// chooses when the image supports it, else the nearest supported one (Nearest), else
// Default when the project names no version.
func (pol PythonPolicy) Choose(py detect.Python) (version, reason string) {
	ch := pol.Resolve(py)
	nearest := pol.Nearest(ch.Version)
	switch {
	case ch.Version == "" || nearest == "":
		return pol.Undeclared(py.Django)
	case nearest == ch.Version && ch.Source == "":
		return nearest, "detected"
	case nearest == ch.Version:
		return nearest, "from " + ch.Source
	}
	named := ch.Version
	if ch.Source != "" {
		named += " (" + ch.Source + ")"
	}
	v, _ := detect.ParsePythonMinor(ch.Version)
	oldest, _ := detect.ParsePythonMinor(pol.Supported[0])
	newest, _ := detect.ParsePythonMinor(pol.Supported[len(pol.Supported)-1])
	switch {
	case v.Compare(oldest) < 0:
		return nearest, fmt.Sprintf("the project names %s, older than the oldest supported Python; using %s", named, nearest)
	case v.Compare(newest) > 0:
		return nearest, fmt.Sprintf("the project names %s, newer than the newest supported Python; using %s", named, nearest)
	}
	return nearest, fmt.Sprintf("the project names %s, which is not supported; using %s, the nearest supported", named, nearest)
}

// Undeclared is the image's Python when the project names no version, with the reason: the newest
// supported version that the project's Django release supports (dj, nil when unknown), else the
// supported version nearest to the newest it supports (a Django too old for every supported Python:
// the plan warns), else Default.
func (pol PythonPolicy) Undeclared(dj *detect.DjangoPython) (version, reason string) {
	if dj == nil || len(dj.Python) == 0 {
		return pol.Default, "no version found in the project; " + pol.Default + " is the default"
	}
	supports := fmt.Sprintf("Django %s (%s) supports Python %s", dj.Spec, dj.Source, PythonSpan(dj.Python))
	for _, v := range slices.Backward(pol.Supported) {
		if slices.Contains(dj.Python, v) {
			return v, fmt.Sprintf("no version found in the project; %s, and %s is the newest of those with a maintained python image", supports, v)
		}
	}
	v := pol.Nearest(dj.Python[len(dj.Python)-1])
	return v, fmt.Sprintf("no version found in the project; %s, none of which has a maintained python image (%s–%s); using %s, the nearest", supports, pol.Supported[0], pol.Supported[len(pol.Supported)-1], v)
}

// PythonSpan writes a sorted list of minor versions as "3.8–3.12" (or "2.7, 3.4–3.7" across majors).
func PythonSpan(vs []string) string {
	var parts []string
	for i := 0; i < len(vs); {
		j := i
		for j+1 < len(vs) && consecutive(vs[j], vs[j+1]) {
			j++
		}
		if i == j {
			parts = append(parts, vs[i])
		} else {
			parts = append(parts, vs[i]+"–"+vs[j])
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func consecutive(a, b string) bool {
	va, ok1 := detect.ParsePythonMinor(a)
	vb, ok2 := detect.ParsePythonMinor(b)
	return ok1 && ok2 && va.Major == vb.Major && vb.Minor == va.Minor+1
}
