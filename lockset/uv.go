package lockset

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// uvDoc is the part of a uv.lock needed to walk its graph and fetch files.
type uvDoc struct {
	RequiresPython string      `toml:"requires-python"`
	Package        []uvPackage `toml:"package"`
}

type uvPackage struct {
	Name                 string              `toml:"name"`
	Version              string              `toml:"version"`
	Source               map[string]any      `toml:"source"`
	Dependencies         []uvEdge            `toml:"dependencies"`
	OptionalDependencies map[string][]uvEdge `toml:"optional-dependencies"`
	ResolutionMarkers    []string            `toml:"resolution-markers"`
	Sdist                *uvFile             `toml:"sdist"`
	Wheels               []uvFile            `toml:"wheels"`
}

type uvEdge struct {
	Name    string   `toml:"name"`
	Version string   `toml:"version"`
	Marker  string   `toml:"marker"`
	Extra   []string `toml:"extra"`
}

type uvFile struct {
	URL      string `toml:"url"`
	Path     string `toml:"path"`
	Filename string `toml:"filename"`
	Hash     string `toml:"hash"`
}

func (p *uvPackage) sourceKind() (kind, loc string) {
	for _, k := range []string{"registry", "git", "url", "path", "directory", "editable", "virtual"} {
		if v, ok := p.Source[k]; ok {
			s, _ := v.(string)
			return k, s
		}
	}
	return "", ""
}

func (l *loader) uvLock(file string) (*Set, error) {
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	// manifest validates the file and knows each package's line.
	lock, err := manifest.ParseUVLock(data, file)
	if err != nil {
		return nil, err
	}
	var doc uvDoc
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, locErr(file, 0, "unexpected layout: %v — regenerate it with `uv lock`", err)
	}
	if lock.PythonVersion != "" {
		if err := l.checkPython(lock.PythonVersion, file, lock.PythonVersionLine, "change requires-python in pyproject.toml and run `uv lock`"); err != nil {
			return nil, err
		}
	}
	pkgs := doc.Package
	// manifest leaves the project's own packages out, so lines come from
	// the text: the "name =" line of each [[package]], in order.
	lines := nameLines(data, "package")
	lineOf := func(i int) int {
		if len(lines) == len(pkgs) {
			return lines[i]
		}
		return 0
	}

	byName := map[string][]int{}
	var roots, members []int
	for i := range pkgs {
		pkgs[i].Name = pep.NormalizeName(pkgs[i].Name)
		byName[pkgs[i].Name] = append(byName[pkgs[i].Name], i)
		kind, loc := pkgs[i].sourceKind()
		if kind == "editable" || kind == "virtual" {
			members = append(members, i)
			if loc == "." {
				roots = append(roots, i)
			}
		}
	}
	if len(roots) == 0 {
		// No package at the lock's own folder: start from every workspace member.
		roots = members
	}
	isRoot := map[int]bool{}
	for _, i := range roots {
		isRoot[i] = true
	}

	var selected []int
	if len(roots) == 0 {
		// Nothing to walk from (not a project lock): take what manifest
		// says a production install has, with the markers of the edges.
		for _, p := range lock.DefaultPackages() {
			ok, err := holds(p.Markers, l.env, file, p.Line)
			if err != nil {
				return nil, err
			}
			if ok {
				for _, i := range byName[p.Name] {
					if pkgs[i].Version == p.Version {
						selected = append(selected, i)
					}
				}
			}
		}
	} else {
		if selected, err = l.uvWalk(file, pkgs, byName, roots, lineOf); err != nil {
			return nil, err
		}
	}

	s := &Set{Format: "uv.lock", File: file, Complete: true}
	ps := newPinSet()
	var errs []error
	for _, i := range selected {
		if isRoot[i] {
			continue
		}
		p := &pkgs[i]
		line := lineOf(i)
		kind, loc := p.sourceKind()
		switch kind {
		case "registry":
			if strings.Contains(loc, "://") {
				addIndex(s, loc)
			} else if loc != "" {
				errs = append(errs, locErr(file, line, "%s comes from a local folder of wheels (%s); containerize build downloads from an index — publish the wheels to an index or use docker build", p.Name, loc))
				continue
			}
		case "url":
			// A direct URL: the wheels and sdist entries carry it.
		case "editable", "virtual":
			errs = append(errs, locErr(file, line, "%s is a workspace member (%s %q); containerize build installs only wheels: build them into wheels first or use docker build", p.Name, kind, loc))
			continue
		case "git":
			errs = append(errs, locErr(file, line, "%s", sourceProblem(p.Name, "git+"+strings.TrimPrefix(loc, "git+"), false)))
			continue
		default: // path, directory
			errs = append(errs, locErr(file, line, "%s", sourceProblem(p.Name, loc, false)))
			continue
		}
		pin := Pin{Name: p.Name, Version: p.Version, Source: where(file, line)}
		files := slices.Clone(p.Wheels)
		if p.Sdist != nil {
			files = append(files, *p.Sdist)
		}
		for _, f := range files {
			if f.URL == "" {
				errs = append(errs, locErr(file, line, "%s: file %s has no URL (a local file); containerize build downloads from an index — use docker build", p.Name, cmp.Or(f.Filename, f.Path)))
				continue
			}
			pin.Files = append(pin.Files, File{Name: cmp.Or(f.Filename, fileName(f.URL)), URL: f.URL, Hash: f.Hash})
			if f.Hash != "" {
				pin.Hashes = append(pin.Hashes, f.Hash)
			}
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

// uvWalk follows the graph from the roots' default dependencies: an edge is
// taken when its marker holds; an extra on an edge adds that package's
// optional dependencies, whose markers are evaluated with extra set to it.
func (l *loader) uvWalk(file string, pkgs []uvPackage, byName map[string][]int, roots []int, lineOf func(int) int) ([]int, error) {
	type item struct {
		i      int
		extras []string
	}
	var queue []item
	var errs []error
	visited := map[int]bool{}
	extraDone := map[string]bool{}

	follow := func(from int, e uvEdge, extra string) {
		env := l.env
		if extra != "" {
			env = maps.Clone(l.env)
			env["extra"] = extra
		}
		name := pep.NormalizeName(e.Name)
		ok, err := holds(e.Marker, env, file, lineOf(from))
		if err != nil {
			errs = append(errs, err)
			return
		}
		if !ok {
			return
		}
		i, err := l.uvResolve(file, pkgs, byName[name], name, e.Version, lineOf(from))
		if err != nil {
			errs = append(errs, err)
			return
		}
		queue = append(queue, item{i, e.Extra})
	}
	for _, r := range roots {
		visited[r] = true
		for _, e := range pkgs[r].Dependencies {
			follow(r, e, "")
		}
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if !visited[it.i] {
			visited[it.i] = true
			for _, e := range pkgs[it.i].Dependencies {
				follow(it.i, e, "")
			}
		}
		for _, x := range it.extras {
			x = pep.NormalizeName(x)
			key := fmt.Sprintf("%d\x00%s", it.i, x)
			if extraDone[key] {
				continue
			}
			extraDone[key] = true
			found := false
			for k, deps := range pkgs[it.i].OptionalDependencies {
				if pep.NormalizeName(k) != x {
					continue
				}
				found = true
				for _, e := range deps {
					follow(it.i, e, x)
				}
			}
			if !found {
				errs = append(errs, locErr(file, lineOf(it.i), "%s has no extra %q in the lock — run `uv lock`", pkgs[it.i].Name, x))
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

// uvResolve picks the package an edge names: by version when the edge
// gives one, else by the packages' resolution-markers (forks of a
// universal lock).
func (l *loader) uvResolve(file string, pkgs []uvPackage, cands []int, name, version string, line int) (int, error) {
	if version != "" {
		var fit []int
		for _, i := range cands {
			if pkgs[i].Version == version {
				fit = append(fit, i)
			}
		}
		cands = fit
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

// nameLines returns, for each [[table]] header in data, the line of the
// first "name =" key after it (the header's line when there is none).
func nameLines(data []byte, table string) []int {
	var out []int
	header := "[[" + table + "]]"
	inTable := false
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == header:
			out = append(out, n+1)
			inTable = true
		case strings.HasPrefix(line, "["):
			inTable = false
		case inTable && strings.HasPrefix(line, "name") && strings.HasPrefix(strings.TrimSpace(line[len("name"):]), "="):
			out[len(out)-1] = n + 1
			inTable = false
		}
	}
	return out
}
