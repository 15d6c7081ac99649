package manifest

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

// uvDeps reads a list of uv.lock dependency tables.
func uvDeps(v any) []LockedDependency {
	var out []LockedDependency
	for _, t := range tables(v) {
		if str(t, "name") == "" {
			continue
		}
		out = append(out, LockedDependency{
			Dependency: pep.Dependency{Name: pep.NormalizeName(str(t, "name")), Marker: str(t, "marker"), Extras: stringList(t["extra"])},
			Version:    str(t, "version"),
		})
	}
	return out
}

// ParseUVLock parses a uv.lock. The project's own packages (source virtual
// or editable) go to Projects, and the dependencies of the project at "."
// (else of every workspace member) are the Roots. Whether a package is Dev
// is worked out by walking the dependency graph from the projects, every
// marker holding: what their plain dependencies reach is the production
// set. Markers are those on the edges leading to a package ("" if any edge
// is unconditional).
func ParseUVLock(data []byte, path string) (*Lock, error) {
	m, err := decodeTOML(data, path)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	l := &Lock{Format: "uv.lock", File: path}
	switch v := m["version"].(type) {
	case int64:
		l.Version = strconv.FormatInt(v, 10)
	case string:
		l.Version = v
	}
	if s := str(m, "requires-python"); s != "" {
		l.PythonVersion, l.PythonVersionLine = s, idx.line("requires-python")
	}
	tabs, err := lockPackages(m, idx, path)
	if err != nil {
		return nil, err
	}
	pkgs := make([]LockedPackage, len(tabs))
	var projects, atRoot []int
	for i, t := range tabs {
		pkgs[i] = uvPackage(t, idx.lineOr("package", strconv.Itoa(i), "name"))
		if k := pkgs[i].Source.Kind; k == "editable" || k == "virtual" {
			projects = append(projects, i)
			if pkgs[i].Source.Location == "." {
				atRoot = append(atRoot, i)
			}
		}
	}
	if len(atRoot) == 0 {
		atRoot = projects // no project at the lock's own folder: every workspace member
	}
	for _, i := range atRoot {
		l.Roots = append(l.Roots, pkgs[i].Dependencies...)
	}
	main := uvMain(pkgs, projects)
	markers := uvEdgeMarkers(pkgs)
	for i, p := range pkgs {
		if slices.Contains(projects, i) {
			l.Projects = append(l.Projects, p)
			continue
		}
		p.Dev = len(projects) > 0 && !main[i]
		p.Markers = markers[p.Name]
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

// uvPackage reads one [[package]] table of a uv.lock.
func uvPackage(t map[string]any, line int) LockedPackage {
	p := LockedPackage{Name: pep.NormalizeName(str(t, "name")), Version: str(t, "version"),
		Line: line, ResolutionMarkers: stringList(t["resolution-markers"])}
	if src, ok := t["source"].(map[string]any); ok {
		for _, k := range []string{"registry", "git", "url", "path", "directory", "editable", "virtual"} {
			if v, ok := src[k]; ok {
				loc, _ := v.(string)
				p.Source = PackageSource{Kind: k, Location: loc}
				break
			}
		}
		switch p.Source.Kind {
		case "registry":
			p.Index = p.Source.Location
		case "editable":
			p.Editable = true
		}
		switch {
		case str(src, "git") != "":
			p.URL = "git+" + strings.TrimPrefix(str(src, "git"), "git+")
		case str(src, "url") != "":
			p.URL = str(src, "url")
		default:
			p.URL = cmp.Or(str(src, "path"), str(src, "directory"))
		}
	}
	wheels := lockFiles(t["wheels"])
	var sdist []LockedFile
	if sd, ok := t["sdist"].(map[string]any); ok {
		sdist = []LockedFile{lockFile(sd)}
	}
	p.Files = slices.Concat(wheels, sdist)
	p.Hashes = hashesOf(slices.Concat(sdist, wheels)) // the sdist's first, as uv lists them
	p.Dependencies = uvDeps(t["dependencies"])
	od, _ := t["optional-dependencies"].(map[string]any)
	p.Extras = lockedExtras(od, uvDeps)
	if dd, ok := t["dev-dependencies"].(map[string]any); ok {
		p.DependencyGroups = map[string][]LockedDependency{}
		for k, v := range dd {
			p.DependencyGroups[k] = uvDeps(v)
		}
	}
	return p
}

// uvMain is the production graph: what the projects' plain dependencies reach, in every
// environment at once.
func uvMain(pkgs []LockedPackage, projects []int) map[int]bool {
	byName := map[string][]int{}
	for i, p := range pkgs {
		byName[p.Name] = append(byName[p.Name], i)
	}
	walk := pep.Walk[int, LockedDependency]{
		Requires: func(i int, extra string) ([]LockedDependency, error) {
			if extra == "" {
				return pkgs[i].Dependencies, nil
			}
			return pkgs[i].Extras[extra], nil
		},
		Resolve: func(_ int, d LockedDependency) ([]int, error) {
			var to []int
			for _, i := range byName[d.Name] {
				if d.Version == "" || pkgs[i].Version == d.Version {
					to = append(to, i)
				}
			}
			return to, nil
		},
	}
	roots := make([]pep.Step[int], len(projects))
	for j, i := range projects {
		roots[j] = pep.Step[int]{Node: i}
	}
	reached, _ := walk.From(roots...) // a walk in no environment meets no error
	main := map[int]bool{}
	for _, i := range reached {
		main[i] = true
	}
	return main
}

// uvEdgeMarkers is each package's marker from the edges to it: none when any edge is
// unconditional, else the edges' markers joined with or.
func uvEdgeMarkers(pkgs []LockedPackage) map[string]string {
	edgeMarkers := map[string][]string{}
	unconditional := map[string]bool{}
	addEdges := func(ds []LockedDependency) {
		for _, d := range ds {
			if d.Marker == "" {
				unconditional[d.Name] = true
			} else if !slices.Contains(edgeMarkers[d.Name], d.Marker) {
				edgeMarkers[d.Name] = append(edgeMarkers[d.Name], d.Marker)
			}
		}
	}
	for _, p := range pkgs {
		addEdges(p.Dependencies)
		for _, k := range slices.Sorted(maps.Keys(p.DependencyGroups)) {
			addEdges(p.DependencyGroups[k])
		}
		for _, k := range slices.Sorted(maps.Keys(p.Extras)) {
			addEdges(p.Extras[k])
		}
	}
	out := map[string]string{}
	for name, ms := range edgeMarkers {
		switch {
		case unconditional[name]:
		case len(ms) == 1:
			out[name] = ms[0]
		default:
			parts := make([]string, len(ms))
			for j, mk := range ms {
				parts[j] = "(" + mk + ")"
			}
			out[name] = strings.Join(parts, " or ")
		}
	}
	return out
}
