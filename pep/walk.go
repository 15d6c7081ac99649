package pep

import (
	"errors"
	"maps"
	"strings"
)

// Dependency is one edge of a dependency graph: a requirement on the
// distribution Name that applies where Marker holds and asks for Extras of
// it. Lockfiles record edges like this (uv.lock's dependencies, poetry.lock's
// [package.dependencies]); Requires-Dist is one.
type Dependency struct {
	Name   string   // PEP 503-normalised
	Marker string   // an environment marker; "" always holds
	Extras []string // the extras asked for, as written
}

// Edge returns d: a graph whose edges say more than a Dependency (a version
// to choose between several, a constraint) embeds one, and so is a Requirer.
func (d Dependency) Edge() Dependency { return d }

// Requirer is what Walk reads of a graph's edge type: its Dependency.
type Requirer interface{ Edge() Dependency }

// Step is a distribution reached for one of its extras: "" for the
// distribution itself.
type Step[N comparable] struct {
	Node  N
	Extra string // PEP 503-normalised, as PEP 685 compares extras
}

// Walk follows a dependency graph whose nodes are N and edges D as an
// installer does (PEP 508): a distribution reached brings its own
// requirements, and each extra a requirement asks of it brings that extra's
// requirements, whose markers are evaluated with extra set to it. Each
// (distribution, extra) is expanded once, so cycles end.
type Walk[N comparable, D Requirer] struct {
	// Env is the target the markers are evaluated in, but for "extra", which
	// the walk sets ("" for a distribution's own requirements). A nil Env
	// evaluates no marker: every requirement applies, as for a lock that
	// serves every environment at once.
	Env Env
	// Requires lists the requirements of node: its own for extra "", else
	// those extra adds (an error for an extra it does not have, if the graph
	// says so).
	Requires func(node N, extra string) ([]D, error)
	// Resolve returns the nodes a requirement of from leads to once its
	// marker holds: none when it leads nowhere (not installed, not for this
	// target), several when the graph cannot tell them apart.
	Resolve func(from N, d D) ([]N, error)
	// BadMarker says what a marker that cannot be evaluated means: nil takes
	// the requirement (the safe side for a dependency), an error is reported
	// and the requirement is not followed. Nil BadMarker reports err itself.
	BadMarker func(from N, d D, err error) error
}

// From walks from roots and returns the nodes reached, roots first, each
// once, in the order first reached. An error does not stop the walk: every
// one is reported, joined.
func (w Walk[N, D]) From(roots ...Step[N]) ([]N, error) {
	var env Env
	if w.Env != nil {
		env = maps.Clone(w.Env)
	}
	markers := map[string]*Marker{}
	parseErrs := map[string]error{}
	applies := func(marker string) (bool, error) {
		if env == nil || strings.TrimSpace(marker) == "" {
			return true, nil
		}
		m, ok := markers[marker]
		if !ok {
			var err error
			if m, err = Parse(marker); err != nil {
				parseErrs[marker] = err
			}
			markers[marker] = m
		}
		if m == nil {
			return false, parseErrs[marker]
		}
		return m.Eval(env)
	}

	var order []N
	reached := map[N]bool{}
	seen := map[Step[N]]bool{}
	var queue []Step[N]
	push := func(s Step[N]) {
		if seen[s] {
			return
		}
		seen[s] = true
		queue = append(queue, s)
		if !reached[s.Node] {
			reached[s.Node] = true
			order = append(order, s.Node)
		}
	}
	for _, r := range roots {
		r.Extra = NormalizeName(r.Extra)
		push(r)
	}
	var errs []error
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		deps, err := w.Requires(s.Node, s.Extra)
		if err != nil {
			errs = append(errs, err)
		}
		if env != nil {
			env["extra"] = s.Extra
		}
		for _, d := range deps {
			dep := d.Edge()
			ok, err := applies(dep.Marker)
			if err != nil {
				if w.BadMarker != nil {
					err = w.BadMarker(s.Node, d, err)
				}
				if err != nil {
					errs = append(errs, err)
					continue
				}
				ok = true
			}
			if !ok {
				continue
			}
			to, err := w.Resolve(s.Node, d)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, n := range to {
				push(Step[N]{Node: n})
				for _, x := range dep.Extras {
					push(Step[N]{Node: n, Extra: NormalizeName(x)})
				}
			}
		}
	}
	return order, errors.Join(errs...)
}
