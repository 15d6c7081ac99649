package detect

import (
	"cmp"
	"slices"
	"strings"
)

// djangoReleases lists the Python minor versions each Django feature release supports
// (Django's own FAQ, "What Python version can I use with Django?").
var djangoReleases = []struct {
	django string
	python []string
}{
	{"1.11", []string{"2.7", "3.4", "3.5", "3.6", "3.7"}},
	{"2.0", []string{"3.4", "3.5", "3.6", "3.7"}},
	{"2.1", []string{"3.5", "3.6", "3.7"}},
	{"2.2", []string{"3.5", "3.6", "3.7", "3.8", "3.9"}},
	{"3.0", []string{"3.6", "3.7", "3.8", "3.9"}},
	{"3.1", []string{"3.6", "3.7", "3.8", "3.9"}},
	{"3.2", []string{"3.6", "3.7", "3.8", "3.9", "3.10"}},
	{"4.0", []string{"3.8", "3.9", "3.10"}},
	{"4.1", []string{"3.8", "3.9", "3.10", "3.11"}},
	{"4.2", []string{"3.8", "3.9", "3.10", "3.11", "3.12"}},
	{"5.0", []string{"3.10", "3.11", "3.12"}},
	{"5.1", []string{"3.10", "3.11", "3.12", "3.13"}},
	{"5.2", []string{"3.10", "3.11", "3.12", "3.13", "3.14"}},
	{"6.0", []string{"3.12", "3.13", "3.14"}},
}

// djangoPython is what the project's Django release supports of Python: the union over
// every Django feature release its locked version or declared range admits. nil when the
// project does not depend on Django, names no version of it, or names one the table lacks.
func djangoPython(p *Project) *DjangoPython {
	deps := p.dependencies()
	i := slices.IndexFunc(deps, func(d Dependency) bool { return d.Name == "django" })
	if i < 0 {
		return nil
	}
	dep := deps[i]
	dj := &DjangoPython{Spec: dep.Specifier, Source: dep.Source}
	// A requirements pin ("==4.2.16") names one release as a lock does; a range that admits
	// neither X.Y.0 nor X.Y.99 would otherwise exclude the release it pins.
	version := cmp.Or(dep.Version, exactPin(dep.Specifier))
	if version != "" {
		dj.Spec = version
	}
	if dj.Spec == "" {
		return nil
	}
	for _, rel := range djangoReleases {
		admitted := rangeAllows(dep.Specifier, rel.django)
		if version != "" {
			admitted = strings.HasPrefix(version+".", rel.django+".")
		}
		if !admitted {
			continue
		}
		for _, py := range rel.python {
			if !slices.Contains(dj.Python, py) {
				dj.Python = append(dj.Python, py)
			}
		}
	}
	if len(dj.Python) == 0 {
		return nil
	}
	slices.SortFunc(dj.Python, func(a, b string) int {
		va, _ := ParsePythonMinor(a)
		vb, _ := ParsePythonMinor(b)
		return va.Compare(vb)
	})
	return dj
}

// exactPin is the version an exact specifier ("==4.2.16", "===4.2.16") names; "" for anything else.
func exactPin(spec string) string {
	spec = strings.TrimSpace(spec)
	if strings.ContainsAny(spec, ",*") {
		return ""
	}
	v, ok := strings.CutPrefix(spec, "===")
	if !ok {
		v, ok = strings.CutPrefix(spec, "==")
	}
	if !ok {
		return ""
	}
	return strings.TrimSpace(v)
}
