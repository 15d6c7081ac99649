package venv

import (
	"maps"
	"slices"

	"github.com/containerize/containerize/pep"
)

// Graph is which installed distributions require which: Requires-Dist
// followed as pep.Walk follows it, with markers evaluated for CPython python
// on Linux x86_64 and with the extras the requirers ask for. A marker that
// cannot be evaluated counts as true, the safe side for a dependency. Only
// edges between installed distributions count, and none from a distribution
// to itself.
type Graph struct {
	requires map[string]map[string]bool // name -> the names it requires
}

// NewGraph builds the graph of dists (the first of a name stands for it).
// extras are the extras asked of distributions from outside (a manifest's
// celery[redis]); their requirements count too.
func NewGraph(dists []Dist, python string, extras map[string][]string) *Graph {
	byName := map[string]Dist{}
	for _, d := range dists {
		if _, dup := byName[d.Name]; !dup {
			byName[d.Name] = d
		}
	}
	g := &Graph{requires: map[string]map[string]bool{}}
	var roots []pep.Step[string]
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		roots = append(roots, pep.Step[string]{Node: n})
		for _, x := range extras[n] {
			roots = append(roots, pep.Step[string]{Node: n, Extra: x})
		}
	}
	w := pep.Walk[string, pep.Dependency]{
		Env: pep.Linux(python, "x86_64"),
		// Every requirement of every extra: the markers say which apply.
		Requires: func(name, _ string) ([]pep.Dependency, error) {
			reqs := byName[name].Requires
			out := make([]pep.Dependency, len(reqs))
			for i, r := range reqs {
				out[i] = pep.Dependency{Name: r.Name, Marker: r.Marker, Extras: r.Extras}
			}
			return out, nil
		},
		Resolve: func(from string, d pep.Dependency) ([]string, error) {
			if _, installed := byName[d.Name]; !installed || d.Name == from {
				return nil, nil
			}
			if g.requires[from] == nil {
				g.requires[from] = map[string]bool{}
			}
			g.requires[from][d.Name] = true
			return []string{d.Name}, nil
		},
		BadMarker: func(string, pep.Dependency, error) error { return nil },
	}
	_, _ = w.From(roots...) // nothing here reports an error
	return g
}

// Requires returns the installed distributions name requires, sorted.
func (g *Graph) Requires(name string) []string {
	return slices.Sorted(maps.Keys(g.requires[name]))
}

// RequiredBy maps each installed distribution to those that require it,
// sorted: the "# via" of a lock.
func (g *Graph) RequiredBy() map[string][]string {
	by := map[string]map[string]bool{}
	for from, tos := range g.requires {
		for to := range tos {
			if by[to] == nil {
				by[to] = map[string]bool{}
			}
			by[to][from] = true
		}
	}
	out := map[string][]string{}
	for to, froms := range by {
		out[to] = slices.Sorted(maps.Keys(froms))
	}
	return out
}
