package manifest

import (
	"cmp"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

// ParsePylock parses a pylock.toml (or pylock.NAME.toml, PEP 751) with
// everything an installer needs. It rejects what the spec says an installer
// must reject on reading: a lock-version of another major version, a
// package with conflicting sources, files without hashes. A package's
// Hashes are every algorithm of every file; its URL is set for vcs,
// directory and archive sources. Nothing is marked Dev: a pylock.toml says
// which groups a package belongs to through its marker (dependency_groups).
func ParsePylock(data []byte, file string) (*Lock, error) {
	m, err := decodeTOML(data, file)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	pl := &Lock{Format: "pylock.toml", File: file}

	lv, ok := m["lock-version"].(string)
	if !ok {
		return nil, errorf(file, idx.line("lock-version"), "lock-version must be a string such as \"1.0\" — regenerate the lock file")
	}
	if major, _, _ := strings.Cut(lv, "."); major != "1" {
		return nil, errorf(file, idx.line("lock-version"), "lock-version %q is not supported (only 1.x is) — export the lock with a tool that writes lock-version 1.0", lv)
	}
	pl.Version = lv
	if v, ok := m["requires-python"]; ok {
		line := idx.line("requires-python")
		s, ok := v.(string)
		if !ok {
			return nil, errorf(file, line, "requires-python must be a string such as \">=3.11\"")
		}
		if _, err := pep.ValidateSpecifier(s); err != nil {
			return nil, errorf(file, line, "requires-python: %v", err)
		}
		pl.PythonVersion, pl.PythonVersionLine = strings.TrimSpace(s), line
	}
	for _, k := range []string{"environments", "extras", "dependency-groups", "default-groups"} {
		if v, ok := m[k]; ok {
			if list, ok := arrayOf(v); !ok || len(stringList(v)) != len(list) {
				return nil, errorf(file, idx.line(k), "%s must be an array of strings", k)
			}
		}
	}
	pl.Environments, pl.EnvironmentsLine = stringList(m["environments"]), idx.line("environments")
	for i, e := range pl.Environments {
		if _, err := pep.ParseRequirementMarker(e); err != nil {
			return nil, errorf(file, idx.lineOr("environments", strconv.Itoa(i)), "environments: marker %q: %v", e, err)
		}
	}
	pl.Extras = stringList(m["extras"])
	pl.DependencyGroups = stringList(m["dependency-groups"])
	pl.DefaultGroups = stringList(m["default-groups"])
	pl.CreatedBy = str(m, "created-by")

	raw, ok := m["packages"]
	if !ok {
		return nil, errorf(file, 0, "no [[packages]] — a pylock.toml lists every package it may install; regenerate it")
	}
	list, ok := arrayOf(raw)
	if !ok {
		return nil, errorf(file, idx.line("packages"), "packages must be an array of [[packages]] tables")
	}
	for i, e := range list {
		at := []string{"packages", strconv.Itoa(i)}
		t, ok := e.(map[string]any)
		if !ok {
			return nil, errorf(file, idx.lineOr(at...), "each [[packages]] entry must be a table")
		}
		lp, err := pylockPackage(t, file, idx, at)
		if err != nil {
			return nil, err
		}
		pl.Packages = append(pl.Packages, lp)
	}
	return pl, nil
}

func pylockPackage(t map[string]any, file string, idx *tomlIndex, at []string) (LockedPackage, error) {
	sub := func(keys ...string) []string { return append(slices.Clip(at), keys...) }
	line := idx.lineOr(sub("name")...)
	name, _ := t["name"].(string)
	if name == "" || !validName(name) {
		return LockedPackage{}, errorf(file, line, "[[packages]] needs a valid name, not %q — regenerate the lock file", name)
	}
	lp := LockedPackage{Name: pep.NormalizeName(name), Line: line}
	for _, k := range []string{"version", "marker", "requires-python", "index"} {
		if v, ok := t[k]; ok {
			if _, ok := v.(string); !ok {
				return lp, errorf(file, idx.lineOr(sub(k)...), "%s: %s must be a string", name, k)
			}
		}
	}
	lp.Version = str(t, "version")
	lp.Markers = strings.TrimSpace(str(t, "marker"))
	if lp.Markers != "" {
		if _, err := pep.ParseRequirementMarker(lp.Markers); err != nil {
			return lp, errorf(file, idx.lineOr(sub("marker")...), "%s: marker %q: %v", name, lp.Markers, err)
		}
	}
	lp.RequiresPython = strings.TrimSpace(str(t, "requires-python"))
	if _, err := pep.ValidateSpecifier(lp.RequiresPython); err != nil {
		return lp, errorf(file, idx.lineOr(sub("requires-python")...), "%s: requires-python: %v", name, err)
	}
	lp.Index = str(t, "index")

	var kinds []string
	for _, k := range []string{"vcs", "directory", "archive", "sdist", "wheels"} {
		if _, ok := t[k]; ok {
			kinds = append(kinds, k)
		}
	}
	// The spec allows wheels together with an sdist; any other pair is a
	// conflict an installer must refuse.
	if len(kinds) > 1 && !slices.Equal(kinds, []string{"sdist", "wheels"}) {
		return lp, errorf(file, line, "%s has conflicting sources (%s) — a package takes one of vcs, directory, archive, or sdist and wheels; regenerate the lock file", name, strings.Join(kinds, ", "))
	}
	if len(kinds) == 0 {
		return lp, errorf(file, line, "%s names no source (wheels, sdist, archive, vcs or directory) — regenerate the lock file", name)
	}
	lp.Source.Kind = kinds[len(kinds)-1]

	fileAt := func(v any, keys ...string) (LockedFile, error) {
		ft, ok := v.(map[string]any)
		where := idx.lineOr(sub(keys...)...)
		if !ok {
			return LockedFile{}, errorf(file, where, "%s: %s must be a table", name, strings.Join(keys, "."))
		}
		f, hashes, err := pylockFile(ft, name, file, where)
		lp.Hashes = append(lp.Hashes, hashes...)
		return f, err
	}
	switch lp.Source.Kind {
	case "vcs":
		vt, ok := t["vcs"].(map[string]any)
		if !ok || str(vt, "type") == "" || str(vt, "commit-id") == "" || str(vt, "url") == "" && str(vt, "path") == "" {
			return lp, errorf(file, idx.lineOr(sub("vcs")...), "%s: [packages.vcs] needs type, commit-id and url or path", name)
		}
		lp.Source.Location = cmp.Or(str(vt, "url"), str(vt, "path"))
		lp.URL = str(vt, "type") + "+" + lp.Source.Location + "@" + str(vt, "commit-id")
	case "directory":
		dt, ok := t["directory"].(map[string]any)
		if !ok || str(dt, "path") == "" {
			return lp, errorf(file, idx.lineOr(sub("directory")...), "%s: [packages.directory] needs a path", name)
		}
		lp.Source.Location, lp.URL = str(dt, "path"), str(dt, "path")
		lp.Editable, _ = dt["editable"].(bool)
	case "archive":
		f, err := fileAt(t["archive"], "archive")
		if err != nil {
			return lp, err
		}
		lp.Files = []LockedFile{f}
		lp.Source.Location = cmp.Or(f.URL, f.Path)
		lp.URL = lp.Source.Location
	default:
		var sdist []LockedFile
		if v, ok := t["sdist"]; ok {
			f, err := fileAt(v, "sdist")
			if err != nil {
				return lp, err
			}
			sdist = append(sdist, f)
		}
		if v, ok := t["wheels"]; ok {
			ws, ok := arrayOf(v)
			if !ok {
				return lp, errorf(file, idx.lineOr(sub("wheels")...), "%s: wheels must be an array of tables", name)
			}
			for j, w := range ws {
				f, err := fileAt(w, "wheels", strconv.Itoa(j))
				if err != nil {
					return lp, err
				}
				if !strings.HasSuffix(strings.ToLower(f.Name), ".whl") {
					return lp, errorf(file, f.Line, "%s: wheel %q is not a .whl file — regenerate the lock file", name, f.Name)
				}
				lp.Files = append(lp.Files, f)
			}
		}
		lp.Files = append(lp.Files, sdist...)
	}
	return lp, nil
}

// pylockFile reads a file table: name, url or path, size, hashes. It
// returns the file, with its sha256 (else its first algorithm by name) as
// Hash, and all its hashes as "algorithm:hex", sorted.
func pylockFile(t map[string]any, pkg, file string, line int) (LockedFile, []string, error) {
	f := LockedFile{URL: str(t, "url"), Path: str(t, "path"), Line: line}
	if f.URL == "" && f.Path == "" {
		return f, nil, errorf(file, line, "%s: a file needs a url or a path — regenerate the lock file", pkg)
	}
	f.Name = str(t, "name")
	if f.Name == "" {
		loc := cmp.Or(f.URL, f.Path)
		loc, _, _ = strings.Cut(loc, "#")
		loc, _, _ = strings.Cut(loc, "?")
		f.Name = path.Base(strings.ReplaceAll(loc, `\`, "/"))
	}
	if f.Name == "" || f.Name == "." || f.Name == "/" || strings.ContainsAny(f.Name, `/\`) {
		return f, nil, errorf(file, line, "%s: file name %q is not a plain file name", pkg, f.Name)
	}
	if v, ok := t["size"]; ok {
		n, ok := v.(int64)
		if !ok || n < 0 {
			return f, nil, errorf(file, line, "%s: size of %s must be a non-negative integer", pkg, f.Name)
		}
		f.Size = n
	}
	ht, ok := t["hashes"].(map[string]any)
	if !ok || len(ht) == 0 {
		return f, nil, errorf(file, line, "%s: %s has no hashes — pylock.toml requires at least one (sha256); regenerate the lock file", pkg, f.Name)
	}
	hashes := map[string]string{}
	for alg, v := range ht {
		h, ok := v.(string)
		if !ok || h == "" || alg == "" {
			return f, nil, errorf(file, line, "%s: hashes of %s must map an algorithm to a hex digest, e.g. {sha256 = \"…\"}", pkg, f.Name)
		}
		hashes[strings.ToLower(alg)] = strings.ToLower(h)
	}
	algs := slices.Sorted(maps.Keys(hashes))
	f.Hash = algs[0] + ":" + hashes[algs[0]]
	if h, ok := hashes["sha256"]; ok {
		f.Hash = "sha256:" + h
	}
	var all []string
	for _, a := range algs {
		all = append(all, a+":"+hashes[a])
	}
	slices.Sort(all)
	return f, all, nil
}
