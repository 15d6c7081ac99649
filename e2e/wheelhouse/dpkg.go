package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// dpkgDB is what the wheelhouse needs from dpkg's database: which Debian package owns each
// file under the site directory, and each installed package's version and dependencies.
type dpkgDB struct {
	owner    map[string]string   // site-relative path -> package
	files    map[string][]string // package -> site-relative paths it owns
	version  map[string]string   // installed package -> version
	depends  map[string]string   // installed package -> raw Depends field
	provided map[string]string   // virtual package -> an installed package providing it
}

// readDpkg reads /var/lib/dpkg/info/*.list and /var/lib/dpkg/status from root. site is the
// site directory relative to root (usr/lib/python3/dist-packages).
func readDpkg(root fs.FS, site string) (*dpkgDB, error) {
	db := &dpkgDB{
		owner: map[string]string{}, files: map[string][]string{},
		version: map[string]string{}, depends: map[string]string{}, provided: map[string]string{},
	}
	lists, err := fs.Glob(root, "var/lib/dpkg/info/*.list")
	if err != nil {
		return nil, err
	}
	prefix := "/" + site + "/"
	for _, l := range lists {
		data, err := fs.ReadFile(root, l)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", l, err)
		}
		pkg := strings.TrimSuffix(path.Base(l), ".list")
		pkg, _, _ = strings.Cut(pkg, ":") // python3-foo:amd64
		for line := range strings.SplitSeq(string(data), "\n") {
			if rel, ok := strings.CutPrefix(line, prefix); ok && rel != "" {
				db.owner[rel] = pkg
				db.files[pkg] = append(db.files[pkg], rel)
			}
		}
	}
	status, err := fs.ReadFile(root, "var/lib/dpkg/status")
	if err != nil {
		return nil, fmt.Errorf("read var/lib/dpkg/status: %w", err)
	}
	db.parseStatus(status)
	return db, nil
}

// parseStatus reads the installed packages' Version, Depends and Provides fields.
func (db *dpkgDB) parseStatus(data []byte) {
	for stanza := range bytes.SplitSeq(data, []byte("\n\n")) {
		fields := map[string]string{}
		var last string
		sc := bufio.NewScanner(bytes.NewReader(stanza))
		sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, " ") && last != "" {
				fields[last] += "\n" + line
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			last = k
			fields[k] = strings.TrimSpace(v)
		}
		pkg := fields["Package"]
		if pkg == "" || !strings.HasSuffix(fields["Status"], " installed") {
			continue
		}
		db.version[pkg] = fields["Version"]
		db.depends[pkg] = fields["Depends"]
		for _, p := range splitDeps(fields["Provides"]) {
			db.provided[p[0]] = pkg
		}
	}
}

// splitDeps parses a Depends field into its alternatives, package names only:
// "a (>= 1), b | c:any" -> [[a] [b c]].
func splitDeps(field string) [][]string {
	var out [][]string
	for clause := range strings.SplitSeq(field, ",") {
		var alts []string
		for alt := range strings.SplitSeq(clause, "|") {
			name := strings.Fields(alt)
			if len(name) == 0 {
				continue
			}
			n, _, _ := strings.Cut(name[0], ":")
			alts = append(alts, n)
		}
		if len(alts) > 0 {
			out = append(out, alts)
		}
	}
	return out
}

// installed resolves a dependency name to an installed package (itself or a provider).
func (db *dpkgDB) installed(name string) (string, bool) {
	if _, ok := db.version[name]; ok {
		return name, true
	}
	p, ok := db.provided[name]
	return p, ok
}
