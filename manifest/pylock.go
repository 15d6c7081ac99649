package manifest

import (
	"cmp"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

// Pylock is a pylock.toml (PEP 751) in full: the Lock view the other formats
// share, plus what an installer needs that only this format records.
type Pylock struct {
	Lock
	LockVersion      string
	Environments     []string // markers; at least one must hold for the target
	EnvironmentsLine int
	Extras           []string
	DependencyGroups []string
	DefaultGroups    []string // the dependency_groups marker value of a default install
	CreatedBy        string
	// Entries has one element per [[packages]] table, in step with
	// Lock.Packages.
	Entries []PylockPackage
}

// PylockPackage is what a [[packages]] table says beyond LockedPackage.
type PylockPackage struct {
	RequiresPython string
	Index          string // packages.index, the Simple API the files came from
	// Kind says where the package comes from: "wheels" (wheels and maybe an
	// sdist), "sdist", "archive", "vcs" or "directory".
	Kind      string
	Wheels    []PylockFile
	Sdist     *PylockFile
	Archive   *PylockFile
	Editable  bool // directory.editable
	SourceURL string
}

// PylockFile is a wheel, sdist or archive entry.
type PylockFile struct {
	Name   string // file name: name, else the last part of url or path
	URL    string
	Path   string // relative to the lock file's folder, when the file is local
	Size   int64
	Hashes map[string]string // algorithm (lower case) -> hex digest
	Line   int
}

// Hash returns the file's digest as "algorithm:hex", sha256 when the lock
// has it, else the first algorithm by name.
func (f PylockFile) Hash() string {
	if h, ok := f.Hashes["sha256"]; ok {
		return "sha256:" + h
	}
	algs := make([]string, 0, len(f.Hashes))
	for a := range f.Hashes {
		algs = append(algs, a)
	}
	slices.Sort(algs)
	if len(algs) == 0 {
		return ""
	}
	return algs[0] + ":" + f.Hashes[algs[0]]
}

// ParsePylock parses a pylock.toml (or pylock.NAME.toml) into the Lock view.
// Package hashes are every file's "algorithm:hex"; URL is set for vcs,
// directory and archive sources. Nothing is marked Dev: a pylock.toml says
// which groups a package belongs to through its marker (dependency_groups).
func ParsePylock(data []byte, path string) (*Lock, error) {
	pl, err := ParsePylockFile(data, path)
	if err != nil {
		return nil, err
	}
	return &pl.Lock, nil
}

// ParsePylockFile parses a pylock.toml with everything an installer needs.
// It rejects what the spec says an installer must reject on reading: a
// lock-version of another major version, a package with conflicting sources,
// files without hashes.
func ParsePylockFile(data []byte, file string) (*Pylock, error) {
	m, err := decodeTOML(data, file)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	pl := &Pylock{Lock: Lock{Format: "pylock.toml"}}

	lv, ok := m["lock-version"].(string)
	if !ok {
		return nil, errorf(file, idx.line("lock-version"), "lock-version must be a string such as \"1.0\" — regenerate the lock file")
	}
	if major, _, _ := strings.Cut(lv, "."); major != "1" {
		return nil, errorf(file, idx.line("lock-version"), "lock-version %q is not supported (only 1.x is) — export the lock with a tool that writes lock-version 1.0", lv)
	}
	pl.LockVersion = lv
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
		lp, entry, err := pylockPackage(t, file, idx, at)
		if err != nil {
			return nil, err
		}
		pl.Packages = append(pl.Packages, lp)
		pl.Entries = append(pl.Entries, entry)
	}
	return pl, nil
}

func pylockPackage(t map[string]any, file string, idx *tomlIndex, at []string) (LockedPackage, PylockPackage, error) {
	sub := func(keys ...string) []string { return append(slices.Clip(at), keys...) }
	line := idx.lineOr(sub("name")...)
	name, _ := t["name"].(string)
	if name == "" || !validName(name) {
		return LockedPackage{}, PylockPackage{}, errorf(file, line, "[[packages]] needs a valid name, not %q — regenerate the lock file", name)
	}
	lp := LockedPackage{Name: pep.NormalizeName(name), Line: line}
	var entry PylockPackage
	for _, k := range []string{"version", "marker", "requires-python", "index"} {
		if v, ok := t[k]; ok {
			if _, ok := v.(string); !ok {
				return lp, entry, errorf(file, idx.lineOr(sub(k)...), "%s: %s must be a string", name, k)
			}
		}
	}
	lp.Version = str(t, "version")
	lp.Markers = strings.TrimSpace(str(t, "marker"))
	if lp.Markers != "" {
		if _, err := pep.ParseRequirementMarker(lp.Markers); err != nil {
			return lp, entry, errorf(file, idx.lineOr(sub("marker")...), "%s: marker %q: %v", name, lp.Markers, err)
		}
	}
	entry.RequiresPython = strings.TrimSpace(str(t, "requires-python"))
	if _, err := pep.ValidateSpecifier(entry.RequiresPython); err != nil {
		return lp, entry, errorf(file, idx.lineOr(sub("requires-python")...), "%s: requires-python: %v", name, err)
	}
	entry.Index = str(t, "index")

	var kinds []string
	for _, k := range []string{"vcs", "directory", "archive", "sdist", "wheels"} {
		if _, ok := t[k]; ok {
			kinds = append(kinds, k)
		}
	}
	// The spec allows wheels together with an sdist; any other pair is a
	// conflict an installer must refuse.
	if len(kinds) > 1 && !slices.Equal(kinds, []string{"sdist", "wheels"}) {
		return lp, entry, errorf(file, line, "%s has conflicting sources (%s) — a package takes one of vcs, directory, archive, or sdist and wheels; regenerate the lock file", name, strings.Join(kinds, ", "))
	}
	if len(kinds) == 0 {
		return lp, entry, errorf(file, line, "%s names no source (wheels, sdist, archive, vcs or directory) — regenerate the lock file", name)
	}
	entry.Kind = kinds[len(kinds)-1]

	fileAt := func(v any, keys ...string) (*PylockFile, error) {
		ft, ok := v.(map[string]any)
		where := idx.lineOr(sub(keys...)...)
		if !ok {
			return nil, errorf(file, where, "%s: %s must be a table", name, strings.Join(keys, "."))
		}
		f, err := pylockFile(ft, name, file, where)
		if err != nil {
			return nil, err
		}
		lp.Hashes = append(lp.Hashes, fileHashList(f)...)
		return f, nil
	}
	var err error
	switch entry.Kind {
	case "vcs":
		vt, ok := t["vcs"].(map[string]any)
		if !ok || str(vt, "type") == "" || str(vt, "commit-id") == "" || str(vt, "url") == "" && str(vt, "path") == "" {
			return lp, entry, errorf(file, idx.lineOr(sub("vcs")...), "%s: [packages.vcs] needs type, commit-id and url or path", name)
		}
		entry.SourceURL = str(vt, "type") + "+" + cmp.Or(str(vt, "url"), str(vt, "path")) + "@" + str(vt, "commit-id")
	case "directory":
		dt, ok := t["directory"].(map[string]any)
		if !ok || str(dt, "path") == "" {
			return lp, entry, errorf(file, idx.lineOr(sub("directory")...), "%s: [packages.directory] needs a path", name)
		}
		entry.SourceURL = str(dt, "path")
		entry.Editable, _ = dt["editable"].(bool)
	case "archive":
		if entry.Archive, err = fileAt(t["archive"], "archive"); err != nil {
			return lp, entry, err
		}
		entry.SourceURL = cmp.Or(entry.Archive.URL, entry.Archive.Path)
	default:
		if v, ok := t["sdist"]; ok {
			if entry.Sdist, err = fileAt(v, "sdist"); err != nil {
				return lp, entry, err
			}
		}
		if v, ok := t["wheels"]; ok {
			ws, ok := arrayOf(v)
			if !ok {
				return lp, entry, errorf(file, idx.lineOr(sub("wheels")...), "%s: wheels must be an array of tables", name)
			}
			for j, w := range ws {
				f, err := fileAt(w, "wheels", strconv.Itoa(j))
				if err != nil {
					return lp, entry, err
				}
				if !strings.HasSuffix(strings.ToLower(f.Name), ".whl") {
					return lp, entry, errorf(file, f.Line, "%s: wheel %q is not a .whl file — regenerate the lock file", name, f.Name)
				}
				entry.Wheels = append(entry.Wheels, *f)
			}
		}
	}
	lp.URL = entry.SourceURL
	return lp, entry, nil
}

// pylockFile reads a file table: name, url or path, size, hashes.
func pylockFile(t map[string]any, pkg, file string, line int) (*PylockFile, error) {
	f := &PylockFile{URL: str(t, "url"), Path: str(t, "path"), Line: line}
	if f.URL == "" && f.Path == "" {
		return nil, errorf(file, line, "%s: a file needs a url or a path — regenerate the lock file", pkg)
	}
	f.Name = str(t, "name")
	if f.Name == "" {
		loc := cmp.Or(f.URL, f.Path)
		loc, _, _ = strings.Cut(loc, "#")
		loc, _, _ = strings.Cut(loc, "?")
		f.Name = path.Base(strings.ReplaceAll(loc, `\`, "/"))
	}
	if f.Name == "" || f.Name == "." || f.Name == "/" || strings.ContainsAny(f.Name, `/\`) {
		return nil, errorf(file, line, "%s: file name %q is not a plain file name", pkg, f.Name)
	}
	if v, ok := t["size"]; ok {
		n, ok := v.(int64)
		if !ok || n < 0 {
			return nil, errorf(file, line, "%s: size of %s must be a non-negative integer", pkg, f.Name)
		}
		f.Size = n
	}
	ht, ok := t["hashes"].(map[string]any)
	if !ok || len(ht) == 0 {
		return nil, errorf(file, line, "%s: %s has no hashes — pylock.toml requires at least one (sha256); regenerate the lock file", pkg, f.Name)
	}
	f.Hashes = map[string]string{}
	for alg, v := range ht {
		h, ok := v.(string)
		if !ok || h == "" || alg == "" {
			return nil, errorf(file, line, "%s: hashes of %s must map an algorithm to a hex digest, e.g. {sha256 = \"…\"}", pkg, f.Name)
		}
		f.Hashes[strings.ToLower(alg)] = strings.ToLower(h)
	}
	return f, nil
}

// fileHashList renders a file's hashes as "algorithm:hex", sorted.
func fileHashList(f *PylockFile) []string {
	out := make([]string, 0, len(f.Hashes))
	for alg, h := range f.Hashes {
		out = append(out, alg+":"+h)
	}
	slices.Sort(out)
	return out
}
