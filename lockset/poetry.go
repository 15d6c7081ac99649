package lockset

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	pep440 "github.com/aquasecurity/go-pep440-version"

	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// poetryDoc is the part of a poetry.lock manifest.ParsePoetryLock does not
// keep: file names, dependency edges, extras, sources.
type poetryDoc struct {
	Package  []poetryPackage `toml:"package"`
	Metadata struct {
		LockVersion string                  `toml:"lock-version"`
		Files       map[string][]poetryFile `toml:"files"`
	} `toml:"metadata"`
}

type poetryPackage struct {
	Name         string              `toml:"name"`
	Version      string              `toml:"version"`
	Files        []poetryFile        `toml:"files"`
	Dependencies map[string]any      `toml:"dependencies"`
	Extras       map[string][]string `toml:"extras"`
	Groups       []string            `toml:"groups"`
	Markers      any                 `toml:"markers"`
	Source       struct {
		Type string `toml:"type"`
		URL  string `toml:"url"`
	} `toml:"source"`
}

type poetryFile struct {
	File string `toml:"file"`
	Hash string `toml:"hash"`
}

// poetryEdge is one [package.dependencies] entry (or one alternative of a
// multiple-constraint dependency).
type poetryEdge struct {
	name       string // normalised
	constraint string // Poetry syntax
	marker     string
	python     string // Poetry syntax
	optional   bool
	extras     []string
}

func (l *loader) poetryLock(file string) (*Set, error) {
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	lock, err := manifest.ParsePoetryLock(data, file)
	if err != nil {
		return nil, err
	}
	var doc poetryDoc
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, locErr(file, 0, "unexpected layout: %v — regenerate it with `poetry lock`", err)
	}
	if len(doc.Package) != len(lock.Packages) {
		return nil, locErr(file, 0, "read %d packages, then %d — regenerate it with `poetry lock`", len(lock.Packages), len(doc.Package))
	}
	if lock.PythonVersion != "" {
		spec, err := pep.PoetryToPEP440(lock.PythonVersion)
		if err != nil {
			return nil, locErr(file, lock.PythonVersionLine, "python-versions %q: %v", lock.PythonVersion, err)
		}
		if err := l.checkPython(spec, file, lock.PythonVersionLine, "widen python in pyproject.toml and run `poetry lock`"); err != nil {
			return nil, err
		}
	}

	selected, err := l.poetrySelect(file, lock, &doc)
	if err != nil {
		return nil, err
	}
	s := &Set{Format: "poetry.lock", File: file, Complete: true}
	ps := newPinSet()
	var errs []error
	for _, i := range selected {
		lp, pkg := lock.Packages[i], doc.Package[i]
		pin := Pin{Name: lp.Name, Version: lp.Version, Hashes: lp.Hashes, Source: where(file, lp.Line)}
		files := pkg.Files
		if len(files) == 0 {
			// Poetry before 1.2 kept the files under [metadata.files].
			files = doc.Metadata.Files[pkg.Name]
			if len(files) == 0 {
				files = doc.Metadata.Files[lp.Name]
			}
		}
		for _, f := range files {
			pin.Files = append(pin.Files, File{Name: f.File, Hash: f.Hash})
		}
		switch pkg.Source.Type {
		case "", "legacy":
			addIndex(s, pkg.Source.URL)
		case "url":
			if msg := sourceProblem(lp.Name, pkg.Source.URL, false); msg != "" {
				errs = append(errs, locErr(file, lp.Line, "%s", msg))
				continue
			}
			for j := range pin.Files {
				pin.Files[j].URL = pkg.Source.URL
			}
		default: // git, directory, file
			errs = append(errs, locErr(file, lp.Line, "%s", sourceProblem(lp.Name, cmp.Or(lp.URL, pkg.Source.URL), false)))
			continue
		}
		if len(pin.Hashes) == 0 {
			errs = append(errs, locErr(file, lp.Line, "%s %s has no file hashes (lock-version %q) — regenerate the lock with a current Poetry (`poetry lock`)",
				lp.Name, lp.Version, doc.Metadata.LockVersion))
			continue
		}
		if err := ps.add(pin); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.Pins = ps.sorted()
	return s, nil
}

// poetrySelect returns the indexes of the packages a default install takes.
func (l *loader) poetrySelect(file string, lock *manifest.Lock, doc *poetryDoc) ([]int, error) {
	recorded := false // Poetry 2.1+ records groups and markers per package
	for _, p := range doc.Package {
		recorded = recorded || len(p.Groups) > 0 || p.Markers != nil
	}
	pyprojectFile := path.Join(path.Dir(file), "pyproject.toml")
	pyData, err := fs.ReadFile(l.fsys, pyprojectFile)
	if !recorded && err == nil {
		pp, err := manifest.ParsePyproject(pyData, pyprojectFile)
		if err != nil {
			return nil, err
		}
		var roots []manifest.Requirement
		roots = append(roots, pp.Dependencies...)
		if pp.Poetry != nil {
			roots = append(roots, pp.Poetry.Dependencies...)
		}
		return l.poetryWalk(file, lock, doc, roots)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", pyprojectFile, err)
	}
	var out []int
	var errs []error
	for i, p := range lock.Packages {
		if p.Dev {
			continue
		}
		ok, err := holds(p.Markers, l.env, file, p.Line)
		if err != nil {
			errs = append(errs, err)
		} else if ok {
			out = append(out, i)
		}
	}
	return out, errors.Join(errs...)
}

// poetryWalk follows the dependency graph from the project's main
// dependencies, as Poetry does for a lock that records no groups.
func (l *loader) poetryWalk(file string, lock *manifest.Lock, doc *poetryDoc, roots []manifest.Requirement) ([]int, error) {
	byName := map[string][]int{}
	for i, p := range lock.Packages {
		byName[p.Name] = append(byName[p.Name], i)
	}
	edges := make([][]poetryEdge, len(doc.Package))
	for i, p := range doc.Package {
		edges[i] = poetryEdges(p.Dependencies)
	}
	type item struct {
		i      int
		extras []string
	}
	var queue []item
	var errs []error
	visited := map[int]bool{}
	extraDone := map[string]bool{}

	// follow queues the package an active edge leads to.
	follow := func(e poetryEdge, from string, line int) {
		ok, err := l.poetryEdgeHolds(e, from, line)
		if err != nil {
			errs = append(errs, err)
			return
		}
		if !ok {
			return
		}
		i, err := l.poetryResolve(e, byName, lock, from, line)
		if err != nil {
			errs = append(errs, err)
			return
		}
		queue = append(queue, item{i, e.extras})
	}
	for _, r := range roots {
		if r.Optional {
			continue // only through an extra, and a default install selects none
		}
		ok, err := holds(r.Marker, l.env, r.File, r.Line)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		if len(byName[r.Name]) == 0 {
			errs = append(errs, locErr(r.File, r.Line, "%s is not in %s — run `poetry lock`", r.Name, file))
			continue
		}
		follow(poetryEdge{name: r.Name, constraint: r.Specifier, extras: r.Extras}, r.File, r.Line)
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		lp := lock.Packages[it.i]
		if !visited[it.i] {
			visited[it.i] = true
			for _, e := range edges[it.i] {
				if !e.optional {
					follow(e, file, lp.Line)
				}
			}
		}
		for _, x := range it.extras {
			key := fmt.Sprintf("%d\x00%s", it.i, pep.NormalizeName(x))
			if extraDone[key] {
				continue
			}
			extraDone[key] = true
			wanted := poetryExtraNames(doc.Package[it.i].Extras, x)
			for _, e := range edges[it.i] {
				if extra, ok := wanted[e.name]; ok && e.optional {
					e.extras = appendNew(slices.Clone(e.extras), extra...)
					follow(e, file, lp.Line)
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]int, 0, len(visited))
	for i := range visited {
		out = append(out, i)
	}
	slices.Sort(out)
	return out, nil
}

// poetryEdgeHolds evaluates a dependency's markers and python constraint.
func (l *loader) poetryEdgeHolds(e poetryEdge, file string, line int) (bool, error) {
	if e.python != "" {
		spec, err := pep.PoetryToPEP440(e.python)
		if err != nil {
			return false, locErr(file, line, "%s: python = %q: %v", e.name, e.python, err)
		}
		ok, err := l.allowsPython(spec)
		if err != nil {
			return false, locErr(file, line, "%s: python = %q: %v", e.name, e.python, err)
		}
		if !ok {
			return false, nil
		}
	}
	return holds(e.marker, l.env, file, line)
}

// poetryResolve finds the locked package an edge leads to: the only one of
// that name, else the one whose version meets the edge's constraint.
func (l *loader) poetryResolve(e poetryEdge, byName map[string][]int, lock *manifest.Lock, file string, line int) (int, error) {
	cands := byName[e.name]
	switch len(cands) {
	case 0:
		return 0, locErr(file, line, "%s is a dependency but is not locked — run `poetry lock`", e.name)
	case 1:
		return cands[0], nil
	}
	spec, err := pep.PoetryToPEP440(e.constraint)
	var fit []int
	if err == nil {
		ss, err := pep440.NewSpecifiers(cmp.Or(spec, ">=0"), pep440.WithPreRelease(true))
		if err == nil {
			for _, i := range cands {
				if v, err := pep440.Parse(lock.Packages[i].Version); err == nil && ss.Check(v) {
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
	return 0, locErr(file, line, "%s is locked at several versions (%s) and the constraint %q does not choose one — regenerate the lock with `poetry lock`",
		e.name, strings.Join(versions, ", "), e.constraint)
}

// poetryEdges reads [package.dependencies]: a constraint string, a table
// (version, markers, python, optional, extras) or a list of such tables.
func poetryEdges(deps map[string]any) []poetryEdge {
	names := make([]string, 0, len(deps))
	for n := range deps {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []poetryEdge
	for _, n := range names {
		base := poetryEdge{name: pep.NormalizeName(n)}
		switch v := deps[n].(type) {
		case string:
			base.constraint = v
			out = append(out, base)
		case map[string]any:
			out = append(out, poetryEdgeTable(base, v))
		case []map[string]any:
			for _, t := range v {
				out = append(out, poetryEdgeTable(base, t))
			}
		case []any:
			for _, t := range v {
				if m, ok := t.(map[string]any); ok {
					out = append(out, poetryEdgeTable(base, m))
				}
			}
		}
	}
	return out
}

func poetryEdgeTable(e poetryEdge, t map[string]any) poetryEdge {
	e.constraint, _ = t["version"].(string)
	e.marker, _ = t["markers"].(string)
	e.python, _ = t["python"].(string)
	e.optional, _ = t["optional"].(bool)
	if xs, ok := t["extras"].([]any); ok {
		for _, x := range xs {
			if s, ok := x.(string); ok {
				e.extras = append(e.extras, s)
			}
		}
	}
	return e
}

// poetryExtraNames maps the packages an extra pulls in ("redis[hiredis]
// (>=3)", "pytest") to the extras requested of them.
func poetryExtraNames(extras map[string][]string, extra string) map[string][]string {
	out := map[string][]string{}
	for k, reqs := range extras {
		if pep.NormalizeName(k) != pep.NormalizeName(extra) {
			continue
		}
		for _, r := range reqs {
			r = strings.TrimSpace(r)
			end := strings.IndexAny(r, " [(;<>=!~")
			if end < 0 {
				end = len(r)
			}
			name := pep.NormalizeName(r[:end])
			var sub []string
			if rest := r[end:]; strings.HasPrefix(rest, "[") {
				if close := strings.IndexByte(rest, ']'); close > 0 {
					for _, x := range strings.Split(rest[1:close], ",") {
						if x = strings.TrimSpace(x); x != "" {
							sub = append(sub, x)
						}
					}
				}
			}
			out[name] = append(out[name], sub...)
		}
	}
	return out
}
