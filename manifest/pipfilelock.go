package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

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
	l := &Lock{Format: "Pipfile.lock", File: path}
	meta, ok := doc["_meta"].(map[string]any)
	if !ok && doc["_meta"] != nil {
		return nil, errorf(path, idx.line("_meta"), "_meta must be an object — regenerate it with `pipenv lock`")
	}
	if spec, ok := meta["pipfile-spec"].(float64); ok {
		l.Version = strconv.FormatFloat(spec, 'f', -1, 64)
	}
	if req, ok := tableAt(doc, "_meta", "requires"); ok {
		for _, k := range []string{"python_version", "python_full_version"} {
			if s, ok := req[k].(string); ok && s != "" {
				l.PythonVersion, l.PythonVersionLine = s, idx.line("_meta", "requires", k)
				break
			}
		}
	}
	// Pipenv installs from the first source and searches the others after it.
	if v := meta["sources"]; v != nil {
		list, ok := v.([]any)
		if !ok {
			return nil, errorf(path, idx.line("_meta", "sources"), "_meta.sources must be a list of {\"url\": …} — regenerate it with `pipenv lock`")
		}
		for i, e := range list {
			src, ok := e.(map[string]any)
			u, isString := src["url"].(string)
			if e != nil && !ok || src["url"] != nil && !isString {
				return nil, errorf(path, idx.lineOr("_meta", "sources", strconv.Itoa(i)), "_meta.sources: each source must be {\"url\": \"…\"} — regenerate it with `pipenv lock`")
			}
			if u = strings.TrimSpace(u); u != "" && !slices.Contains(l.IndexURLs, u) {
				l.IndexURLs = append(l.IndexURLs, u)
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
			p := LockedPackage{Name: pep.NormalizeName(name), Line: line, Dev: sect == "develop", Markers: str(e, "markers"), Index: str(e, "index")}
			p.Version = strings.TrimPrefix(strings.TrimPrefix(str(e, "version"), "==="), "==")
			p.Editable, _ = e["editable"].(bool)
			if hs, ok := arrayOf(e["hashes"]); ok {
				for _, h := range hs {
					if s, ok := h.(string); ok {
						p.Hashes = append(p.Hashes, s)
					}
				}
			}
			for _, vcs := range []string{"git", "hg", "svn", "bzr"} {
				if u := str(e, vcs); u != "" {
					p.Source = PackageSource{Kind: vcs, Location: u}
					p.URL = vcsURL(vcs, u, str(e, "ref"))
				}
			}
			if p.URL == "" {
				for _, k := range []string{"file", "path"} {
					if u := str(e, k); u != "" {
						p.Source, p.URL = PackageSource{Kind: k, Location: u}, u
					}
				}
			}
			l.Packages = append(l.Packages, p)
		}
	}
	return l, nil
}
