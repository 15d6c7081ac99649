package venv

import (
	"maps"
	"slices"
	"sort"

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
	sort.Strings(names)

	// Follow every requirement from every installed distribution, with the
	// extras its requirers ask for.
	env := pep.Linux(python, "x86_64")
	parsed := map[string]*pep.Marker{}
	applies := func(marker, extra string) bool {
		if marker == "" {
			return true
		}
		m, ok := parsed[marker]
		if !ok {
			m, _ = pep.Parse(marker)
			parsed[marker] = m
		}
		if m == nil {
			return true // cannot tell: say it applies, the safe side for a dependency
		}
		env["extra"] = extra
		ok, err := m.Eval(env)
		return ok || err != nil
	}
	type node struct{ name, extra string }
	edges := map[string]map[string]bool{}
	seen := map[node]bool{}
	var queue []node
	for _, n := range names {
		queue = append(queue, node{n, ""})
		seen[node{n, ""}] = true
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		d := dists[byName[n.name]]
		for _, r := range d.Requires {
			if _, installed := byName[r.Name]; !installed || r.Name == n.name || !applies(r.Marker, n.extra) {
				continue
			}
			if edges[n.name] == nil {
				edges[n.name] = map[string]bool{}
			}
			edges[n.name][r.Name] = true
			for _, x := range r.Extras {
				next := node{r.Name, pep.NormalizeName(x)}
				if !seen[next] {
					seen[next] = true
					queue = append(queue, next)
				}
			}
		}
	}

	top := map[string]bool{}
	for _, n := range names {
		if dists[byName[n]].Requested {
			top[n] = true
		}
	}
	for _, scc := range sourceComponents(names, edges) {
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
func sourceComponents(names []string, edges map[string]map[string]bool) [][]string {
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
		for _, w := range slices.Sorted(maps.Keys(edges[v])) {
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
			sort.Strings(c)
			comps = append(comps, c)
		}
	}
	for _, n := range names {
		if _, done := index[n]; !done {
			visit(n)
		}
	}
	required := make([]bool, len(comps))
	for from, tos := range edges {
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
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
