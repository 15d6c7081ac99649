package install

import (
	"io/fs"
	"path"
	"strings"

	"github.com/containerize/containerize/image/layer"
)

// pathFilter is dpkg's path-exclude / path-include configuration (dpkg.cfg and dpkg.cfg.d/*): the
// python:*-slim and debian:*-slim images leave out documentation, man pages and translations that way,
// and an image built with apt-get on them has none, so the Debian layer has none either.
type pathFilter []struct {
	include bool
	glob    string
}

// readPathFilter reads the base's dpkg configuration in dpkg's order: dpkg.cfg.d/* by name, then dpkg.cfg.
func readPathFilter(root fs.FS) pathFilter {
	var files []string
	if entries, err := fs.ReadDir(root, "etc/dpkg/dpkg.cfg.d"); err == nil {
		for _, e := range entries {
			files = append(files, "etc/dpkg/dpkg.cfg.d/"+e.Name())
		}
	}
	files = append(files, "etc/dpkg/dpkg.cfg")
	var f pathFilter
	for _, file := range files {
		data, err := fs.ReadFile(root, file)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			opt, arg, _ := strings.Cut(line, " ")
			if o, a, ok := strings.Cut(line, "="); ok && !strings.Contains(o, " ") {
				opt, arg = o, a
			}
			opt = strings.TrimPrefix(opt, "--")
			if opt == "path-exclude" || opt == "path-include" {
				f = append(f, struct {
					include bool
					glob    string
				}{opt == "path-include", strings.TrimSpace(arg)})
			}
		}
	}
	return f
}

// excluded reports whether dpkg leaves p out: the last pattern matching it decides. Patterns are
// fnmatch(3) without FNM_PATHNAME, so "*" matches "/" too.
func (f pathFilter) excluded(p string) bool {
	out := false
	for _, r := range f {
		if globMatch(r.glob, p) {
			out = !r.include
		}
	}
	return out
}

// apply drops excluded entries; an excluded directory stays when something kept lies under it, as dpkg
// creates the directories of the files it installs.
func (f pathFilter) apply(entries []layer.Entry) []layer.Entry {
	if len(f) == 0 {
		return entries
	}
	needed := map[string]bool{}
	var kept []layer.Entry
	for _, e := range entries {
		if !e.Mode.IsDir() && !f.excluded(e.Path) {
			for d := path.Dir(e.Path); d != "/" && !needed[d]; d = path.Dir(d) {
				needed[d] = true
			}
		}
	}
	for _, e := range entries {
		if e.Mode.IsDir() && (needed[e.Path] || !f.excluded(e.Path)) || !e.Mode.IsDir() && !f.excluded(e.Path) {
			kept = append(kept, e)
		}
	}
	return kept
}

// globMatch is fnmatch(pattern, name, 0): "*" and "?" match any byte, "/" included; [...] classes as
// path.Match reads them.
func globMatch(pattern, name string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(name); i >= 0; i-- {
				if globMatch(pattern[1:], name[i:]) {
					return true
				}
			}
			return false
		case '?':
			if name == "" {
				return false
			}
			pattern, name = pattern[1:], name[1:]
		case '[':
			end := strings.IndexByte(pattern, ']')
			if end < 0 || name == "" {
				return false
			}
			if ok, err := path.Match(pattern[:end+1], name[:1]); err != nil || !ok {
				return false
			}
			pattern, name = pattern[end+1:], name[1:]
		case '\\':
			if len(pattern) > 1 {
				pattern = pattern[1:]
			}
			fallthrough
		default:
			if name == "" || pattern[0] != name[0] {
				return false
			}
			pattern, name = pattern[1:], name[1:]
		}
	}
	return name == ""
}
