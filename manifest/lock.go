package manifest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

// Lock is a pinned set from any lockfile.
type Lock struct {
	Format string // "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock"
	// Packages lists every locked package in file order. Those that a
	// default production install leaves out are marked Dev.
	Packages []LockedPackage
	// PythonVersion is the Python constraint the lock records, as written:
	// Pipfile.lock _meta.requires.python_version ("3.11", else
	// python_full_version); poetry.lock
	// metadata.python-versions (a Poetry constraint such as "^3.11", see
	// pep.PoetryToPEP440); uv.lock requires-python; pdm.lock requires_python.
	PythonVersion     string
	PythonVersionLine int
}

// LockedPackage is one pinned package.
type LockedPackage struct {
	Name    string // PEP 503-normalised
	Version string // without "=="; "" for VCS or path entries that have none
	Hashes  []string
	Markers string
	// Dev is set for packages a default production install leaves out:
	// Pipfile.lock "develop", Poetry category "dev" or groups without
	// "main", PDM groups without "default", and for uv.lock packages reachable
	// only from the project's dev dependencies or extras. A poetry.lock 2.0
	// records no groups, so there Dev is always false.
	Dev  bool
	Line int
	URL  string // VCS, URL or path source, when the package does not come from an index
}

// DefaultPackages returns the packages of the production install.
func (l *Lock) DefaultPackages() []LockedPackage {
	var out []LockedPackage
	for _, p := range l.Packages {
		if !p.Dev {
			out = append(out, p)
		}
	}
	return out
}

// jsonIndex maps key paths of a JSON document (as in tomlIndex) to the line
// of the key.
func indexJSON(data []byte) *tomlIndex {
	ls := newLineStarts(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	lines := map[string]int{}
	var walk func(path []string) error
	walk = func(path []string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				p := append(slices.Clip(path), key)
				lines[pathKey(p)] = ls.line(int(dec.InputOffset()) - 1)
				if err := walk(p); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(append(slices.Clip(path), strconv.Itoa(i))); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	_ = walk(nil) // only called on documents json.Unmarshal accepted
	return &tomlIndex{lines: lines}
}

func jsonError(data []byte, path string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &ParseError{File: path, Line: newLineStarts(data).line(int(se.Offset) - 1), Msg: se.Error() + " — fix the JSON syntax (or regenerate it with `pipenv lock`)", Err: err}
	case errors.As(err, &te):
		return &ParseError{File: path, Line: newLineStarts(data).line(int(te.Offset) - 1), Msg: "expected a JSON object — regenerate it with `pipenv lock`", Err: err}
	}
	return &ParseError{File: path, Msg: err.Error(), Err: err}
}

// ParsePipfileLock parses a Pipfile.lock (JSON).
func ParsePipfileLock(data []byte, path string) (*Lock, error) {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(data, path, err)
	}
	idx := indexJSON(data)
	l := &Lock{Format: "Pipfile.lock"}
	if req, ok := tableAt(doc, "_meta", "requires"); ok {
		for _, k := range []string{"python_version", "python_full_version"} {
			if s, ok := req[k].(string); ok && s != "" {
				l.PythonVersion, l.PythonVersionLine = s, idx.line("_meta", "requires", k)
				break
			}
		}
	}
	for _, sect := range []string{"default", "develop"} {
		v, ok := doc[sect]
		if !ok || v == nil {
			continue
		}
		t, ok := v.(map[string]any)
		if !ok {
			return nil, errorf(path, idx.line(sect), "%q must be an object — regenerate it with `pipenv lock`", sect)
		}
		for _, name := range sortedKeys(t, func(k string) int { return idx.line(sect, k) }) {
			line := idx.line(sect, name)
			e, ok := t[name].(map[string]any)
			if !ok {
				return nil, errorf(path, line, "%s: expected an object with \"version\" and \"hashes\"", name)
			}
			p := LockedPackage{Name: pep.NormalizeName(name), Line: line, Dev: sect == "develop", Markers: str(e, "markers")}
			p.Version = strings.TrimPrefix(strings.TrimPrefix(str(e, "version"), "==="), "==")
			if hs, ok := arrayOf(e["hashes"]); ok {
				for _, h := range hs {
					if s, ok := h.(string); ok {
						p.Hashes = append(p.Hashes, s)
					}
				}
			}
			for _, vcs := range []string{"git", "hg", "svn", "bzr"} {
				if u := str(e, vcs); u != "" {
					if !strings.HasPrefix(u, vcs+"+") {
						u = vcs + "+" + u
					}
					if ref := str(e, "ref"); ref != "" {
						u += "@" + ref
					}
					p.URL = u
				}
			}
			if p.URL == "" {
				p.URL = cmp.Or(str(e, "path"), str(e, "file"))
			}
			l.Packages = append(l.Packages, p)
		}
	}
	return l, nil
}

// lockPackages returns the [[package]] tables of a TOML lockfile.
func lockPackages(m map[string]any, idx *tomlIndex, path string) ([]map[string]any, error) {
	v, ok := m["package"]
	if !ok {
		return nil, nil
	}
	list, ok := arrayOf(v)
	if !ok {
		return nil, errorf(path, idx.line("package"), "package must be an array of [[package]] tables")
	}
	out := make([]map[string]any, 0, len(list))
	for i, e := range list {
		t, ok := e.(map[string]any)
		if !ok {
			return nil, errorf(path, idx.lineOr("package", strconv.Itoa(i)), "each [[package]] must be a table")
		}
		if str(t, "name") == "" {
			return nil, errorf(path, idx.lineOr("package", strconv.Itoa(i)), "[[package]] without a name — regenerate the lockfile")
		}
		out = append(out, t)
	}
	return out, nil
}

func stringList(v any) []string {
	list, _ := arrayOf(v)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// fileHashes collects "hash" from a list of {file = ..., hash = ...} tables.
func fileHashes(v any) []string {
	list, _ := arrayOf(v)
	var out []string
	for _, e := range list {
		if t, ok := e.(map[string]any); ok {
			if h := str(t, "hash"); h != "" {
				out = append(out, h)
			}
		}
	}
	return out
}

// ParsePoetryLock parses a poetry.lock: Poetry 1.x locks mark dev packages
// with category = "dev", Poetry 2.x with groups; very old locks keep the
// hashes under [metadata.files].
func ParsePoetryLock(data []byte, path string) (*Lock, error) {
	m, err := decodeTOML(data, path)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	l := &Lock{Format: "poetry.lock"}
	meta, _ := m["metadata"].(map[string]any)
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
		groups := stringList(t["groups"])
		switch cat := str(t, "category"); {
		case cat != "":
			p.Dev = cat == "dev"
		case len(groups) > 0:
			p.Dev = !slices.Contains(groups, "main")
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
		p.Hashes = fileHashes(t["files"])
		if len(p.Hashes) == 0 && oldFiles != nil {
			p.Hashes = fileHashes(oldFiles[name])
			if len(p.Hashes) == 0 {
				p.Hashes = fileHashes(oldFiles[p.Name])
			}
		}
		if src, ok := t["source"].(map[string]any); ok {
			switch typ := str(src, "type"); typ {
			case "git":
				u := str(src, "url")
				if !strings.HasPrefix(u, "git+") {
					u = "git+" + u
				}
				if ref := cmp.Or(str(src, "resolved_reference"), str(src, "reference")); ref != "" {
					u += "@" + ref
				}
				p.URL = u
			case "directory", "file", "url":
				p.URL = str(src, "url")
			}
		}
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

// ParsePDMLock parses a pdm.lock. requires_python is read from [metadata]
// (lock format 4.0–4.4) or the first [[metadata.targets]] (4.5 and later).
func ParsePDMLock(data []byte, path string) (*Lock, error) {
	m, err := decodeTOML(data, path)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	l := &Lock{Format: "pdm.lock"}
	meta, _ := m["metadata"].(map[string]any)
	if s := str(meta, "requires_python"); s != "" {
		l.PythonVersion, l.PythonVersionLine = s, idx.line("metadata", "requires_python")
	} else if targets, ok := arrayOf(meta["targets"]); ok {
		for i, tg := range targets {
			if t, ok := tg.(map[string]any); ok && str(t, "requires_python") != "" {
				l.PythonVersion = str(t, "requires_python")
				l.PythonVersionLine = idx.lineOr("metadata", "targets", strconv.Itoa(i), "requires_python")
				break
			}
		}
	}
	pkgs, err := lockPackages(m, idx, path)
	if err != nil {
		return nil, err
	}
	for i, t := range pkgs {
		p := LockedPackage{
			Name:    pep.NormalizeName(str(t, "name")),
			Version: str(t, "version"),
			Markers: cmp.Or(str(t, "marker"), str(t, "markers")),
			Hashes:  fileHashes(t["files"]),
			Line:    idx.lineOr("package", strconv.Itoa(i), "name"),
		}
		if groups := stringList(t["groups"]); len(groups) > 0 {
			p.Dev = !slices.Contains(groups, "default")
		}
		switch {
		case str(t, "git") != "":
			p.URL = "git+" + strings.TrimPrefix(str(t, "git"), "git+")
			if rev := cmp.Or(str(t, "revision"), str(t, "ref")); rev != "" {
				p.URL += "@" + rev
			}
		default:
			p.URL = cmp.Or(str(t, "url"), str(t, "path"))
		}
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}

// uvDep is one dependency edge in uv.lock.
type uvDep struct {
	name, version, marker string
	extras                []string
}

func uvDeps(v any) []uvDep {
	list, _ := arrayOf(v)
	var out []uvDep
	for _, e := range list {
		t, ok := e.(map[string]any)
		if !ok || str(t, "name") == "" {
			continue
		}
		out = append(out, uvDep{name: pep.NormalizeName(str(t, "name")), version: str(t, "version"),
			marker: str(t, "marker"), extras: stringList(t["extra"])})
	}
	return out
}

// ParseUVLock parses a uv.lock. The project's own packages (source virtual or
// editable) are left out; whether a package is Dev is worked out by walking
// the dependency graph from them: what their plain dependencies reach is the
// production set. Markers are those on the edges leading to a package ("" if
// any edge is unconditional).
func ParseUVLock(data []byte, path string) (*Lock, error) {
	m, err := decodeTOML(data, path)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	l := &Lock{Format: "uv.lock"}
	if s := str(m, "requires-python"); s != "" {
		l.PythonVersion, l.PythonVersionLine = s, idx.line("requires-python")
	}
	pkgs, err := lockPackages(m, idx, path)
	if err != nil {
		return nil, err
	}
	type node struct {
		pkg   LockedPackage
		root  bool
		deps  []uvDep
		dev   []uvDep
		extra map[string][]uvDep
	}
	nodes := make([]*node, len(pkgs))
	byName := map[string][]int{}
	for i, t := range pkgs {
		n := &node{extra: map[string][]uvDep{}}
		n.pkg = LockedPackage{Name: pep.NormalizeName(str(t, "name")), Version: str(t, "version"),
			Line: idx.lineOr("package", strconv.Itoa(i), "name")}
		if src, ok := t["source"].(map[string]any); ok {
			_, virtual := src["virtual"]
			_, editable := src["editable"]
			n.root = virtual || editable
			switch {
			case str(src, "git") != "":
				n.pkg.URL = "git+" + strings.TrimPrefix(str(src, "git"), "git+")
			case str(src, "url") != "":
				n.pkg.URL = str(src, "url")
			default:
				n.pkg.URL = cmp.Or(str(src, "path"), str(src, "directory"))
			}
		}
		if sd, ok := t["sdist"].(map[string]any); ok && str(sd, "hash") != "" {
			n.pkg.Hashes = append(n.pkg.Hashes, str(sd, "hash"))
		}
		n.pkg.Hashes = append(n.pkg.Hashes, fileHashes(t["wheels"])...)
		n.deps = uvDeps(t["dependencies"])
		if od, ok := t["optional-dependencies"].(map[string]any); ok {
			for k, v := range od {
				n.extra[k] = uvDeps(v)
			}
		}
		if dd, ok := t["dev-dependencies"].(map[string]any); ok {
			for _, k := range sortedKeys(dd, func(string) int { return 0 }) {
				n.dev = append(n.dev, uvDeps(dd[k])...)
			}
		}
		nodes[i] = n
		byName[n.pkg.Name] = append(byName[n.pkg.Name], i)
	}

	// Edge markers: a package is unconditional if any edge to it is.
	edgeMarkers := map[string][]string{}
	unconditional := map[string]bool{}
	addEdges := func(ds []uvDep) {
		for _, d := range ds {
			if d.marker == "" {
				unconditional[d.name] = true
			} else if !slices.Contains(edgeMarkers[d.name], d.marker) {
				edgeMarkers[d.name] = append(edgeMarkers[d.name], d.marker)
			}
		}
	}
	hasRoot := false
	for _, n := range nodes {
		hasRoot = hasRoot || n.root
		addEdges(n.deps)
		addEdges(n.dev)
		for _, ds := range n.extra {
			addEdges(ds)
		}
	}

	// Walk the production graph from the roots' plain dependencies.
	main := map[int]bool{}
	seenExtra := map[string]bool{}
	var queue []uvDep
	for _, n := range nodes {
		if n.root {
			queue = append(queue, n.deps...)
		}
	}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		for _, i := range byName[d.name] {
			if d.version != "" && nodes[i].pkg.Version != d.version {
				continue
			}
			if !main[i] {
				main[i] = true
				queue = append(queue, nodes[i].deps...)
			}
			for _, e := range d.extras {
				k := strconv.Itoa(i) + "\x00" + e
				if !seenExtra[k] {
					seenExtra[k] = true
					queue = append(queue, nodes[i].extra[e]...)
				}
			}
		}
	}

	for i, n := range nodes {
		if n.root {
			continue
		}
		p := n.pkg
		p.Dev = hasRoot && !main[i]
		if ms := edgeMarkers[p.Name]; !unconditional[p.Name] && len(ms) > 0 {
			if len(ms) == 1 {
				p.Markers = ms[0]
			} else {
				parts := make([]string, len(ms))
				for j, mk := range ms {
					parts[j] = "(" + mk + ")"
				}
				p.Markers = strings.Join(parts, " or ")
			}
		}
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}
