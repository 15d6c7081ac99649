package lockset

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// poetry selects from a poetry.lock (see poetrySelect) and refuses what
// cannot be installed from wheels.
func (l *loader) poetry(lock *manifest.Lock) (*Set, error) {
	file := lock.File
	if lock.PythonVersion != "" {
		spec, err := pep.PoetryToPEP440(lock.PythonVersion)
		if err != nil {
			return nil, locErr(file, lock.PythonVersionLine, "python-versions %q: %v", lock.PythonVersion, err)
		}
		if err := l.checkPython(spec, file, lock.PythonVersionLine, "widen python in pyproject.toml and run `poetry lock`"); err != nil {
			return nil, err
		}
	}

	selected, requested, err := l.poetrySelect(lock)
	if err != nil {
		return nil, err
	}
	s := &Set{Format: "poetry.lock", File: file, Complete: true}
	ps := newPinSet()
	var errs []error
	for _, i := range selected {
		lp := lock.Packages[i]
		pin := lockPin(lock, lp)
		pin.Requested = requested[lp.Name]
		switch lp.Source.Kind {
		case "", "legacy":
			addIndex(s, lp.Index)
		case "url":
			if msg := sourceProblem(lp.Name, lp.Source.Location, false); msg != "" {
				errs = append(errs, locErr(file, lp.Line, "%s", msg))
				continue
			}
			for j := range pin.Files {
				pin.Files[j].URL = lp.Source.Location
			}
		default: // git, directory, file
			errs = append(errs, locErr(file, lp.Line, "%s", sourceProblem(lp.Name, cmp.Or(lp.URL, lp.Source.Location), false)))
			continue
		}
		if len(pin.Hashes) == 0 {
			errs = append(errs, locErr(file, lp.Line, "%s %s has no file hashes (lock-version %q) — regenerate the lock with a current Poetry (`poetry lock`)",
				lp.Name, lp.Version, lock.Version))
			continue
		}
		if err := ps.add(pin); err != nil {
			errs = append(errs, err)
		}
	}
	return ps.done(s, errs)
}

// poetrySelect returns the indexes of the packages a default install takes,
// and the names the project requires itself when they are known. A lock
// with per-package groups and markers (Poetry 2.1+) is read as written; an
// older one records neither, so the graph is walked from pyproject.toml's
// main dependencies, as Poetry itself re-resolves. Without a pyproject.toml
// every non-dev package whose marker holds is kept.
func (l *loader) poetrySelect(lock *manifest.Lock) ([]int, map[string]bool, error) {
	file := lock.File
	recorded := false
	for _, p := range lock.Packages {
		recorded = recorded || len(p.Groups) > 0 || p.Markers != ""
	}
	pyprojectFile := path.Join(path.Dir(file), "pyproject.toml")
	pyData, err := manifest.ReadFile(l.fsys, pyprojectFile)
	if !recorded && err == nil {
		pp, err := manifest.ParsePyproject(pyData, pyprojectFile)
		if err != nil {
			return nil, nil, err
		}
		var roots []manifest.Requirement
		roots = append(roots, pp.Dependencies...)
		if pp.Poetry != nil {
			roots = append(roots, pp.Poetry.Dependencies...)
		}
		return l.poetryWalk(lock, roots)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("read %s: %w", pyprojectFile, err)
	}
	out, errs := l.defaults(lock)
	return out, nil, errors.Join(errs...)
}

// poetryEdge is a dependency edge of the walk, with where it is written:
// pyproject.toml for the project's own, else the lock at its package.
type poetryEdge struct {
	manifest.LockedDependency
	file string
	line int
}

// project is the node that stands for the project in a walk of lock
// indexes.
const project = -1

// poetryWalk follows the dependency graph from the project's main
// dependencies, evaluating each edge's python constraint and marker and
// following requested extras.
func (l *loader) poetryWalk(lock *manifest.Lock, roots []manifest.Requirement) ([]int, map[string]bool, error) {
	file := lock.File
	byName := map[string][]int{}
	for i, p := range lock.Packages {
		byName[p.Name] = append(byName[p.Name], i)
	}
	requested := map[string]bool{}
	var rootEdges []poetryEdge
	for _, r := range roots {
		if r.Optional {
			continue // only through an extra, and a default install selects none
		}
		requested[r.Name] = true
		d := manifest.LockedDependency{Dependency: pep.Dependency{Name: r.Name, Marker: r.Marker, Extras: r.Extras}, Constraint: r.Specifier}
		rootEdges = append(rootEdges, poetryEdge{d, r.File, r.Line})
	}
	w := pep.Walk[int, poetryEdge]{
		Env: l.env,
		Requires: func(i int, extra string) ([]poetryEdge, error) {
			if i == project {
				return rootEdges, nil
			}
			lp := lock.Packages[i]
			// An extra takes the optional dependencies it names, with the
			// extras it asks of them.
			var wanted map[string][]string
			if extra != "" {
				wanted = map[string][]string{}
				for _, d := range lp.Extras[extra] {
					wanted[d.Name] = append(wanted[d.Name], d.Extras...)
				}
			}
			var out []poetryEdge
			var errs []error
			for _, d := range lp.Dependencies {
				if extra == "" && d.Optional {
					continue
				}
				if extra != "" {
					x, ok := wanted[d.Name]
					if !ok || !d.Optional {
						continue
					}
					d.Extras = appendNew(slices.Clip(d.Extras), x...)
				}
				ok, err := l.poetryPython(d, file, lp.Line)
				if err != nil {
					errs = append(errs, err)
				} else if ok {
					out = append(out, poetryEdge{d, file, lp.Line})
				}
			}
			return out, errors.Join(errs...)
		},
		Resolve: func(from int, e poetryEdge) ([]int, error) {
			if from == project && len(byName[e.Name]) == 0 {
				return nil, locErr(e.file, e.line, "%s is not in %s — run `poetry lock`", e.Name, file)
			}
			i, err := poetryResolve(e, byName[e.Name], lock)
			if err != nil {
				return nil, err
			}
			return []int{i}, nil
		},
		BadMarker: func(_ int, e poetryEdge, err error) error {
			return locErr(e.file, e.line, "%v — fix the marker or regenerate the lockfile", err)
		},
	}
	reached, err := w.From(pep.Step[int]{Node: project})
	if err != nil {
		return nil, nil, err
	}
	out := slices.DeleteFunc(reached, func(i int) bool { return i == project })
	slices.Sort(out)
	return out, requested, nil
}

// poetryPython evaluates a dependency's python constraint.
func (l *loader) poetryPython(d manifest.LockedDependency, file string, line int) (bool, error) {
	if d.Python == "" {
		return true, nil
	}
	spec, err := pep.PoetryToPEP440(d.Python)
	if err != nil {
		return false, locErr(file, line, "%s: python = %q: %v", d.Name, d.Python, err)
	}
	ok, err := l.allowsPython(spec)
	if err != nil {
		return false, locErr(file, line, "%s: python = %q: %v", d.Name, d.Python, err)
	}
	return ok, nil
}

// poetryResolve finds the locked package an edge leads to: the only one of
// that name, else the one whose version meets the edge's constraint.
func poetryResolve(e poetryEdge, cands []int, lock *manifest.Lock) (int, error) {
	switch len(cands) {
	case 0:
		return 0, locErr(e.file, e.line, "%s is a dependency but is not locked — run `poetry lock`", e.Name)
	case 1:
		return cands[0], nil
	}
	spec, err := pep.PoetryToPEP440(e.Constraint)
	var fit []int
	if err == nil {
		ss, err := pep.ParseSpecifierSet(spec)
		if err == nil {
			for _, i := range cands {
				if v, err := pep.ParseVersion(lock.Packages[i].Version); err == nil && ss.Check(v, true) {
					fit = append(fit, i)
				}
			}
		}
	}
	if len(fit) == 1 {
		return fit[0], nil
	}
	var versions []string
	for _, i := range cands {
		versions = append(versions, lock.Packages[i].Version)
	}
	return 0, locErr(e.file, e.line, "%s is locked at several versions (%s) and the constraint %q does not choose one — regenerate the lock with `poetry lock`",
		e.Name, strings.Join(versions, ", "), e.Constraint)
}
