package migrate

import (
	"maps"
	"slices"

	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/venv"
)

// requiredBy maps each installed distribution to the installed ones that
// require it, sorted, following Requires-Dist with markers evaluated for
// CPython python on Linux x86_64 and with the extras the requirers ask
// for, and those extras asks for (the manifest's celery[redis]): the
// "# via" of a lock. A marker that cannot be evaluated counts as true,
// the safe side for a dependency.
// TODO share with venv.TopLevel, which follows the same graph but does not
// export it.
func requiredBy(dists []venv.Dist, python string, extras map[string][]string) map[string][]string {
	byName := map[string]venv.Dist{}
	for _, d := range dists {
		if _, dup := byName[d.Name]; !dup {
			byName[d.Name] = d
		}
	}
	env := pep.Linux(python, "x86_64")
	applies := func(marker, extra string) bool {
		if marker == "" {
			return true
		}
		env["extra"] = extra
		ok, err := pep.Eval(marker, env)
		return ok || err != nil
	}
	type node struct{ name, extra string }
	var queue []node
	seen := map[node]bool{}
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		queue = append(queue, node{n, ""})
		seen[node{n, ""}] = true
		for _, x := range extras[n] {
			if next := (node{n, pep.NormalizeName(x)}); !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	edges := map[string]map[string]bool{}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, r := range byName[n.name].Requires {
			if _, installed := byName[r.Name]; !installed || r.Name == n.name || !applies(r.Marker, n.extra) {
				continue
			}
			if edges[r.Name] == nil {
				edges[r.Name] = map[string]bool{}
			}
			edges[r.Name][n.name] = true
			for _, x := range r.Extras {
				next := node{r.Name, pep.NormalizeName(x)}
				if !seen[next] {
					seen[next] = true
					queue = append(queue, next)
				}
			}
		}
	}
	out := map[string][]string{}
	for to, froms := range edges {
		out[to] = slices.Sorted(maps.Keys(froms))
	}
	return out
}
