package venv

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/containerize/containerize/pep"
)

// Conflict is one Requires-Dist that the installed distributions do not satisfy, as `pip check`
// reports it: the required distribution is missing, or installed at a version the specifier excludes.
type Conflict struct {
	Dist        string // the requirer, as METADATA spells it
	Version     string // the requirer's installed version
	Requirement string // the Requires-Dist as written, without its marker
	Name        string // the required distribution, PEP 503-normalised
	Installed   string // its installed version; "" when it is not installed
	Source      string // the requirer's metadata, path:line of the Requires-Dist
}

func (c Conflict) String() string {
	if c.Installed == "" {
		return fmt.Sprintf("%s %s requires %s, which is not installed (%s)", c.Dist, c.Version, c.Requirement, c.Source)
	}
	return fmt.Sprintf("%s %s requires %s, but %s %s is installed (%s)", c.Dist, c.Version, c.Requirement, c.Name, c.Installed, c.Source)
}

// checkEdge is a Requires-Dist as pep.Walk follows it, keeping the specifier it is checked against.
type checkEdge struct {
	pep.Dependency
	req Requirement
}

// Check is `pip check` for dists on CPython python on Linux x86_64: every Requires-Dist whose marker
// holds there — a distribution's own, and those of the extras that the requirers (or extras, the
// manifest's celery[redis]) ask for — must name an installed distribution whose version its specifier
// admits. A marker that cannot be evaluated counts as true. The conflicts come sorted by requirer,
// then requirement.
func Check(dists []Dist, python string, extras map[string][]string) []Conflict {
	byName := map[string]Dist{}
	for _, d := range dists {
		if _, dup := byName[d.Name]; !dup {
			byName[d.Name] = d
		}
	}
	var roots []pep.Step[string]
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		roots = append(roots, pep.Step[string]{Node: n})
		for _, x := range extras[n] {
			roots = append(roots, pep.Step[string]{Node: n, Extra: x})
		}
	}
	seen := map[string]bool{}
	var out []Conflict
	w := pep.Walk[string, checkEdge]{
		Env: pep.Linux(python, "x86_64"),
		Requires: func(name, _ string) ([]checkEdge, error) {
			reqs := byName[name].Requires
			edges := make([]checkEdge, len(reqs))
			for i, r := range reqs {
				edges[i] = checkEdge{pep.Dependency{Name: r.Name, Marker: r.Marker, Extras: r.Extras}, r}
			}
			return edges, nil
		},
		Resolve: func(from string, e checkEdge) ([]string, error) {
			if e.Name == "" || e.Name == from {
				return nil, nil
			}
			d, installed := byName[e.Name]
			if c, bad := unsatisfied(byName[from], e.req, d, installed); bad && !seen[c.Source+c.Requirement] {
				seen[c.Source+c.Requirement] = true
				out = append(out, c)
			}
			if !installed {
				return nil, nil
			}
			return []string{e.Name}, nil
		},
		BadMarker: func(string, checkEdge, error) error { return nil },
	}
	_, _ = w.From(roots...) // the callbacks report nothing
	slices.SortFunc(out, func(a, b Conflict) int {
		return strings.Compare(strings.ToLower(a.Dist)+"\x00"+a.Requirement, strings.ToLower(b.Dist)+"\x00"+b.Requirement)
	})
	return out
}

// unsatisfied says whether r, a requirement of from, is not met by d (installed or not).
func unsatisfied(from Dist, r Requirement, d Dist, installed bool) (Conflict, bool) {
	text := r.RawName
	if len(r.Extras) > 0 {
		text += "[" + strings.Join(r.Extras, ",") + "]"
	}
	text += r.Specifier
	if r.URL != "" {
		text += " @ " + r.URL
	}
	c := Conflict{Dist: from.RawName, Version: from.Version, Requirement: text, Name: r.Name, Source: from.Source}
	if r.File != "" && r.Line > 0 {
		c.Source = fmt.Sprintf("%s:%d", r.File, r.Line)
	}
	if !installed {
		return c, true
	}
	c.Installed = d.Version
	if r.Specifier == "" {
		return c, false
	}
	spec, err1 := pep.ParseSpecifierSet(r.Specifier)
	v, err2 := pep.ParseVersion(d.Version)
	if err1 != nil || err2 != nil {
		return c, false // unreadable: pip check cannot judge it either; migrate reports unreadable metadata elsewhere
	}
	// An installed pre-release satisfies a specifier, as pip check (packaging's contains with prereleases) counts it.
	return c, !spec.Check(v, true)
}
