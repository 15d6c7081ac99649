package manifest

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

// ParsePoetryLock parses a poetry.lock: Poetry 1.x locks mark dev packages
// with category = "dev", Poetry 2.x with groups; very old locks keep the
// files under [metadata.files].
func ParsePoetryLock(data []byte, path string) (*Lock, error) {
	m, err := decodeTOML(data, path)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	l := &Lock{Format: "poetry.lock", File: path}
	meta, _ := m["metadata"].(map[string]any)
	l.Version = str(meta, "lock-version")
	if s := str(meta, "python-versions"); s != "" {
		l.PythonVersion, l.PythonVersionLine = s, idx.line("metadata", "python-versions")
	}
	oldFiles, _ := tableAt(m, "metadata", "files")
	pkgs, err := lockPackages(m, idx, path)
	if err != nil {
		return nil, err
	}
	for i, t := range pkgs {
		name := str(t, "name")
		p := LockedPackage{Name: pep.NormalizeName(name), Version: str(t, "version"), Line: idx.lineOr("package", strconv.Itoa(i), "name")}
		p.Groups = stringList(t["groups"])
		switch cat := str(t, "category"); {
		case cat != "":
			p.Dev = cat == "dev"
		case len(p.Groups) > 0:
			p.Dev = !slices.Contains(p.Groups, "main")
		}
		switch mk := t["markers"].(type) {
		case string:
			p.Markers = mk
		case map[string]any:
			// Poetry 2 keeps one marker per group; the install uses main's.
			p.Markers = str(mk, "main")
			if p.Markers == "" {
				keys := sortedKeys(mk, func(string) int { return 0 })
				if len(keys) > 0 {
					p.Markers = str(mk, keys[0])
				}
			}
		}
		p.Files = lockFiles(t["files"])
		if len(p.Files) == 0 && oldFiles != nil {
			// Poetry before 1.2 kept the files under [metadata.files].
			if p.Files = lockFiles(oldFiles[name]); len(p.Files) == 0 {
				p.Files = lockFiles(oldFiles[p.Name])
			}
		}
		p.Hashes = hashesOf(p.Files)
		if len(p.Hashes) == 0 && oldFiles != nil {
			if p.Hashes = hashesOf(lockFiles(oldFiles[name])); len(p.Hashes) == 0 {
				p.Hashes = hashesOf(lockFiles(oldFiles[p.Name]))
			}
		}
		if src, ok := t["source"].(map[string]any); ok {
			p.Source = PackageSource{Kind: str(src, "type"), Location: str(src, "url")}
			switch p.Source.Kind {
			case "", "legacy":
				p.Index = p.Source.Location
			case "git":
				p.URL = vcsURL("git", p.Source.Location, cmp.Or(str(src, "resolved_reference"), str(src, "reference")))
			case "directory", "file", "url":
				p.URL = p.Source.Location
			}
		}
		deps, _ := t["dependencies"].(map[string]any)
		p.Dependencies = poetryLockDeps(deps)
		extras, _ := t["extras"].(map[string]any)
		p.Extras = lockedExtras(extras, poetryExtraDeps)
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

// poetryLockDeps reads [package.dependencies]: a constraint string, a table
// (version, markers, python, optional, extras) or a list of such tables (a
// multiple-constraint dependency), in name order.
func poetryLockDeps(deps map[string]any) []LockedDependency {
	var out []LockedDependency
	for _, n := range sortedKeys(deps, func(string) int { return 0 }) {
		base := LockedDependency{Dependency: pep.Dependency{Name: pep.NormalizeName(n)}}
		switch v := deps[n].(type) {
		case string:
			base.Constraint = v
			out = append(out, base)
		case map[string]any:
			out = append(out, poetryLockDep(base, v))
		default:
			for _, t := range tables(v) {
				out = append(out, poetryLockDep(base, t))
			}
		}
	}
	return out
}

func poetryLockDep(d LockedDependency, t map[string]any) LockedDependency {
	d.Constraint = str(t, "version")
	d.Marker = str(t, "markers")
	d.Python = str(t, "python")
	d.Optional, _ = t["optional"].(bool)
	d.Extras = stringList(t["extras"])
	return d
}

// poetryExtraDeps reads the requirements of one [package.extras] entry
// ("redis[hiredis] (>=3)", "pytest"): the name and the extras asked of it,
// which is all a walk needs of them, read leniently.
func poetryExtraDeps(v any) []LockedDependency {
	var out []LockedDependency
	for _, r := range stringList(v) {
		r = strings.TrimSpace(r)
		end := strings.IndexAny(r, " [(;<>=!~")
		if end < 0 {
			end = len(r)
		}
		d := LockedDependency{Dependency: pep.Dependency{Name: pep.NormalizeName(r[:end])}}
		if rest, ok := strings.CutPrefix(r[end:], "["); ok {
			if inner, _, ok := strings.Cut(rest, "]"); ok {
				for x := range strings.SplitSeq(inner, ",") {
					if x = strings.TrimSpace(x); x != "" {
						d.Extras = append(d.Extras, x)
					}
				}
			}
		}
		out = append(out, d)
	}
	return out
}
