package venv

import (
	"slices"
	"strings"

	"github.com/containerize/containerize/pep"
)

// TopLevel returns the distributions that were asked for, sorted by name:
// those with a REQUESTED marker (pip writes one for what it installed by
// name), and those nothing else installed requires. Requires-Dist markers
// are evaluated for CPython python on Linux and extras are followed, so
// "asgiref; python_version < '3.11'" counts only for an older Python. In a
// cycle that nothing outside requires (A needs B, B needs A), the REQUESTED
// or else the alphabetically first member stands for it. The installer tools
// (pep.InstallerTool: pip, setuptools, …) are left out unless imported names
// them (by module or distribution name).
func TopLevel(dists []Dist, python string, imported map[string]bool) []Dist {
	byName := map[string]int{}
	var names []string
	for i, d := range dists {
		if _, dup := byName[d.Name]; !dup {
			byName[d.Name] = i
			names = append(names, d.Name)
		}
	}
	slices.Sort(names)

	g := NewGraph(dists, python, nil)

	top := map[string]bool{}
	for _, n := range names {
		if dists[byName[n]].Requested {
			top[n] = true
		}
	}
	for _, scc := range sourceComponents(names, g) {
		rep := scc[0]
		for _, n := range scc {
			if dists[byName[n]].Requested {
				rep = n
				break
			}
		}
		top[rep] = true
	}

	var out []Dist
	for _, n := range names {
		if !top[n] {
			continue
		}
		d := dists[byName[n]]
		if modules, tool := pep.InstallerTool(n); tool && !importedAny(imported, n, modules, d.TopLevel) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func importedAny(imported map[string]bool, name string, lists ...[]string) bool {
	if imported[name] {
		return true
	}
	for _, list := range lists {
		for _, m := range list {
			if imported[m] {
				return true
			}
		}
	}
	return false
}

// sourceComponents returns the strongly connected components of the
// requirement graph that nothing outside them requires, each sorted, in the
// order of names (Tarjan's algorithm). A distribution nobody requires is a
// component of one.
func sourceComponents(names []string, g *Graph) [][]string {
	index, low, comp := map[string]int{}, map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var comps [][]string
	next := 0
	var visit func(v string)
	visit = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range g.Requires(v) {
			if _, done := index[w]; !done {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var c []string
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = len(comps)
				c = append(c, w)
				if w == v {
					break
				}
			}
			slices.Sort(c)
			comps = append(comps, c)
		}
	}
	for _, n := range names {
		if _, done := index[n]; !done {
			visit(n)
		}
	}
	required := make([]bool, len(comps))
	for from, tos := range g.requires {
		for to := range tos {
			if comp[from] != comp[to] {
				required[comp[to]] = true
			}
		}
	}
	var out [][]string
	for i, c := range comps {
		if !required[i] {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	return out
}
