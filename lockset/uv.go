package lockset

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// uv selects from a uv.lock: the graph is walked from the project's own
// package (source editable or virtual "."; every workspace member when none
// is at "."), default dependencies only, evaluating each edge's marker;
// where a package is locked at several versions, the edge's version or the
// package's resolution-markers choose.
func (l *loader) uv(lock *manifest.Lock) (*Set, error) {
	file := lock.File
	if err := l.checkPython(lock.PythonVersion, file, lock.PythonVersionLine, "change requires-python in pyproject.toml and run `uv lock`"); err != nil {
		return nil, err
	}
	// The nodes: the packages, then the workspace members.
	pkgs := slices.Concat(lock.Packages, lock.Projects)
	byName := map[string][]int{}
	for i, p := range pkgs {
		byName[p.Name] = append(byName[p.Name], i)
	}
	var roots, members []pep.Step[int]
	for i := len(lock.Packages); i < len(pkgs); i++ {
		members = append(members, pep.Step[int]{Node: i})
		if pkgs[i].Source.Location == "." {
			roots = append(roots, pep.Step[int]{Node: i})
		}
	}
	if len(roots) == 0 {
		roots = members
	}

	var selected []int
	if len(roots) == 0 {
		// Nothing to walk from (not a project lock): take what manifest
		// says a production install has, with the markers of the edges.
		var errs []error
		if selected, errs = l.defaults(lock); len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
	} else {
		var err error
		if selected, err = l.uvWalk(file, pkgs, byName, roots); err != nil {
			return nil, err
		}
	}

	requested := map[string]bool{}
	for _, d := range lock.Roots {
		requested[d.Name] = true
	}
	s := &Set{Format: "uv.lock", File: file, Complete: true}
	ps := newPinSet()
	var errs []error
	for _, i := range selected {
		if i >= len(lock.Packages) && slices.ContainsFunc(roots, func(r pep.Step[int]) bool { return r.Node == i }) {
			continue // the project itself: its code goes into the application layer
		}
		p := pkgs[i]
		kind, loc := p.Source.Kind, p.Source.Location
		switch kind {
		case "registry":
			if strings.Contains(loc, "://") {
				addIndex(s, loc)
			} else if loc != "" {
				errs = append(errs, locErr(file, p.Line, "%s comes from a local folder of wheels (%s); containerize build downloads from an index — publish the wheels to an index or use docker build", p.Name, loc))
				continue
			}
		case "url":
			// A direct URL: the wheels and sdist entries carry it.
		case "editable", "virtual":
			errs = append(errs, locErr(file, p.Line, "%s is a workspace member (%s %q); containerize build installs only wheels: build them into wheels first or use docker build", p.Name, kind, loc))
			continue
		case "git":
			errs = append(errs, locErr(file, p.Line, "%s", sourceProblem(p.Name, "git+"+strings.TrimPrefix(loc, "git+"), false)))
			continue
		default: // path, directory
			errs = append(errs, locErr(file, p.Line, "%s", sourceProblem(p.Name, loc, false)))
			continue
		}
		pin := Pin{Name: p.Name, Version: p.Version, Source: where(file, p.Line), Requested: requested[p.Name]}
		for _, f := range p.Files {
			if f.URL == "" {
				errs = append(errs, locErr(file, p.Line, "%s: file %s has no URL (a local file); containerize build downloads from an index — use docker build", p.Name, cmp.Or(f.Name, f.Path)))
				continue
			}
			pin.Files = append(pin.Files, File{Name: f.Name, URL: f.URL, Hash: f.Hash})
			if f.Hash != "" {
				pin.Hashes = append(pin.Hashes, f.Hash)
			}
		}
		if err := ps.add(pin); err != nil {
			errs = append(errs, err)
		}
	}
	return ps.done(s, errs)
}

// uvWalk follows the graph from the roots' default dependencies: an edge is
// taken when its marker holds; an extra on an edge adds that package's
// optional dependencies, whose markers are evaluated with extra set to it.
func (l *loader) uvWalk(file string, pkgs []manifest.LockedPackage, byName map[string][]int, roots []pep.Step[int]) ([]int, error) {
	w := pep.Walk[int, manifest.LockedDependency]{
		Env: l.env,
		Requires: func(i int, extra string) ([]manifest.LockedDependency, error) {
			if extra == "" {
				return pkgs[i].Dependencies, nil
			}
			deps, ok := pkgs[i].Extras[extra]
			if !ok {
				return nil, locErr(file, pkgs[i].Line, "%s has no extra %q in the lock — run `uv lock`", pkgs[i].Name, extra)
			}
			return deps, nil
		},
		Resolve: func(from int, d manifest.LockedDependency) ([]int, error) {
			i, err := l.uvResolve(file, pkgs, byName[d.Name], d.Name, d.Version, pkgs[from].Line)
			if err != nil {
				return nil, err
			}
			return []int{i}, nil
		},
		BadMarker: func(from int, _ manifest.LockedDependency, err error) error {
			return locErr(file, pkgs[from].Line, "%v — fix the marker or regenerate the lockfile", err)
		},
	}
	reached, err := w.From(roots...)
	if err != nil {
		return nil, err
	}
	slices.Sort(reached)
	return reached, nil
}

// uvResolve picks the package an edge names: by version when the edge
// gives one, else by the packages' resolution-markers (forks of a
// universal lock).
func (l *loader) uvResolve(file string, pkgs []manifest.LockedPackage, cands []int, name, version string, line int) (int, error) {
	if version != "" {
		cands = slices.DeleteFunc(slices.Clone(cands), func(i int) bool { return pkgs[i].Version != version })
	}
	if len(cands) > 1 {
		var fit []int
		for _, i := range cands {
			if ok, err := anyHolds(pkgs[i].ResolutionMarkers, l.env); err != nil {
				return 0, locErr(file, line, "%s: resolution-markers: %v", name, err)
			} else if ok {
				fit = append(fit, i)
			}
		}
		cands = fit
	}
	switch len(cands) {
	case 1:
		return cands[0], nil
	case 0:
		return 0, locErr(file, line, "%s is a dependency but is not locked for this target — run `uv lock`", strings.TrimSpace(name+" "+version))
	}
	var versions []string
	for _, i := range cands {
		versions = append(versions, pkgs[i].Version)
	}
	return 0, locErr(file, line, "%s is locked at several versions (%s) and nothing in the lock chooses one for this target — run `uv lock`", name, strings.Join(versions, ", "))
}

// anyHolds reports whether any marker holds; an empty list holds.
func anyHolds(ms []string, env pep.Env) (bool, error) {
	if len(ms) == 0 {
		return true, nil
	}
	for _, m := range ms {
		ok, err := pep.Eval(m, env)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}
