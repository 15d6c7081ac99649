package venv

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// The tests build virtualenvs from files: no Python is needed.

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }

func folder() *fstest.MapFile { return &fstest.MapFile{Mode: fs.ModeDir | 0o755} }

// pkg describes one installed distribution to write into a site-packages.
type pkg struct {
	name, version string
	requires      []string // Requires-Dist values
	requested     bool
	topLevel      string   // top_level.txt content; "" writes none
	files         []string // installed files, relative to site-packages; written and listed in RECORD
	unwritten     []string // listed in RECORD but missing on disk
	meta          map[string]string
	noMetadata    bool
}

// addDistInfo writes p as a wheel install (a .dist-info folder) into site.
func addDistInfo(fsys fstest.MapFS, site string, p pkg) string {
	folder := strings.ReplaceAll(p.name, "-", "_") + "-" + p.version + ".dist-info"
	di := path.Join(site, folder)
	var md strings.Builder
	fmt.Fprintf(&md, "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: test package\n", p.name, p.version)
	for _, r := range p.requires {
		fmt.Fprintf(&md, "Requires-Dist: %s\n", r)
	}
	md.WriteString("\nA description.\n")
	if !p.noMetadata {
		fsys[di+"/METADATA"] = file(md.String())
	}
	fsys[di+"/INSTALLER"] = file("pip\n")
	record := []string{folder + "/METADATA,sha256=x,1", folder + "/RECORD,,", folder + "/WHEEL,sha256=y,2"}
	for _, f := range p.files {
		fsys[path.Join(site, f)] = file("# " + f)
		record = append(record, f+",sha256=z,3")
	}
	for _, f := range p.unwritten {
		record = append(record, f+",sha256=z,3")
	}
	record = append(record, "../../../bin/"+p.name+",sha256=s,4")
	fsys[di+"/RECORD"] = file(strings.Join(record, "\n") + "\n")
	if p.requested {
		fsys[di+"/REQUESTED"] = file("")
	}
	if p.topLevel != "" {
		fsys[di+"/top_level.txt"] = file(p.topLevel)
	}
	for name, content := range p.meta {
		fsys[di+"/"+name] = file(content)
	}
	return di
}

// posixVenv writes the skeleton of a `python -m venv` virtualenv at dir
// (a name in fsys) and returns its site-packages.
func posixVenv(fsys fstest.MapFS, dir, python string) string {
	fsys[dir+"/pyvenv.cfg"] = file("home = /usr/bin\ninclude-system-site-packages = false\nversion = " + python + "\n")
	fsys[dir+"/bin/activate"] = file("# activate\n")
	fsys[dir+"/bin/python"] = file("")
	short := strings.Join(strings.SplitN(python, ".", 3)[:2], ".")
	site := dir + "/lib/python" + short + "/site-packages"
	fsys[site] = folder()
	return site
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// writeTree writes files (slash paths below root → content) to disk.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		full := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
