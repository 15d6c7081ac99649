package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/containerize/containerize/pep"
)

// dist is one installed distribution in the site directory.
type dist struct {
	meta     string // its metadata entry, site-relative: Foo-1.0.egg-info (dir or file) or foo-1.0.dist-info
	distInfo bool   // .dist-info rather than .egg-info
	metadata pep.Metadata
	name     string // as its metadata spells it
	version  string
	pkg      string   // Debian package owning the metadata ("" if unknown)
	files    []string // site-relative files that belong in the wheel (symlinks allowed)
}

// findDists lists the distributions installed in site (a directory of fsys).
func findDists(fsys fs.FS, site string, db *dpkgDB) ([]*dist, error) {
	entries, err := fs.ReadDir(fsys, site)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", site, err)
	}
	var out []*dist
	for _, e := range entries {
		n := e.Name()
		d := &dist{meta: n}
		switch {
		case strings.HasSuffix(n, ".dist-info"):
			d.distInfo = true
		case strings.HasSuffix(n, ".egg-info"):
		default:
			continue
		}
		d.pkg = db.owner[n]
		if err := d.load(fsys, site, db); err != nil {
			return nil, fmt.Errorf("%s: %w", path.Join(site, n), err)
		}
		out = append(out, d)
	}
	return dedupe(out), nil
}

// dedupe keeps one entry per project and version. Debian ships some distributions twice
// (python3-cryptography has cryptography-38.0.4.dist-info and cryptography.egg-info);
// the dist-info, written by the build itself, wins.
func dedupe(dists []*dist) []*dist {
	seen := map[string]int{}
	var out []*dist
	for _, d := range dists {
		key := pep.NormalizeName(d.name) + " " + d.version
		i, dup := seen[key]
		if !dup {
			seen[key] = len(out)
			out = append(out, d)
			continue
		}
		if d.distInfo && !out[i].distInfo {
			out[i] = d
		}
	}
	return out
}

// metaFile reads a file of the distribution's metadata folder; an egg-info that is a single
// file is its own PKG-INFO.
func (d *dist) metaFile(fsys fs.FS, site, name string) ([]byte, error) {
	p := path.Join(site, d.meta)
	if st, err := fs.Stat(fsys, p); err == nil && !st.IsDir() {
		if name == "PKG-INFO" {
			return fs.ReadFile(fsys, p)
		}
		return nil, fs.ErrNotExist
	}
	return fs.ReadFile(fsys, path.Join(p, name))
}

func (d *dist) load(fsys fs.FS, site string, db *dpkgDB) error {
	metaName := "PKG-INFO"
	if d.distInfo {
		metaName = "METADATA"
	}
	raw, err := d.metaFile(fsys, site, metaName)
	if err != nil {
		return fmt.Errorf("read %s: %w", metaName, err)
	}
	d.metadata = pep.ParseMetadata(raw)
	d.name, d.version = d.metadata.Get("Name"), d.metadata.Get("Version")
	if d.name == "" || d.version == "" {
		return fmt.Errorf("%s has no Name or Version", metaName)
	}
	files, err := d.listFiles(fsys, site, db)
	if err != nil {
		return err
	}
	sort.Strings(files)
	d.files = files
	return nil
}

// listFiles decides which installed files belong to the distribution: the RECORD of a
// dist-info; else the packages and modules top_level.txt names; else whatever the owning
// Debian package put in the site directory.
func (d *dist) listFiles(fsys fs.FS, site string, db *dpkgDB) ([]string, error) {
	if d.distInfo {
		if rec, err := d.metaFile(fsys, site, "RECORD"); err == nil {
			listed, err := recordFiles(rec, d.meta)
			if err != nil {
				return nil, err
			}
			// Debian removes some files after the RECORD was written (vendored copies,
			// build-time scripts); the wheel carries what is installed.
			var files []string
			for _, f := range listed {
				if _, err := fs.Stat(fsys, path.Join(site, f)); err == nil {
					files = append(files, f)
				}
			}
			return files, nil
		}
	}
	if top, err := d.metaFile(fsys, site, "top_level.txt"); err == nil {
		var files []string
		for name := range strings.FieldsSeq(string(top)) {
			f, err := d.topLevelFiles(fsys, site, name, db)
			if err != nil {
				return nil, err
			}
			files = append(files, f...)
		}
		return files, nil
	}
	if d.pkg == "" {
		return nil, errors.New("no RECORD, no top_level.txt and no Debian package owns it")
	}
	var files []string
	for _, f := range db.files[d.pkg] {
		if keepFile(f) && !strings.Contains(f, ".egg-info") && !strings.Contains(f, ".dist-info") {
			if st, err := fs.Stat(fsys, path.Join(site, f)); err == nil && !st.IsDir() {
				files = append(files, f)
			}
		}
	}
	return files, nil
}

// recordFiles takes the file column of a RECORD, without files outside the site directory
// (scripts in ../../../bin) and without the dist-info folder itself, which is rewritten.
func recordFiles(rec []byte, meta string) ([]string, error) {
	rows, err := csv.NewReader(strings.NewReader(string(rec))).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse RECORD: %w", err)
	}
	var files []string
	for _, r := range rows {
		if len(r) == 0 || r[0] == "" {
			continue
		}
		f := path.Clean(r[0])
		if strings.HasPrefix(f, "../") || strings.HasPrefix(f, "/") || strings.HasPrefix(f, meta+"/") || !keepFile(f) {
			continue
		}
		files = append(files, f)
	}
	return files, nil
}

// keepFile drops byte code and .pth hooks (namespace package shims for egg installs).
func keepFile(f string) bool {
	return !strings.Contains("/"+f+"/", "/__pycache__/") && !strings.HasSuffix(f, ".pyc") && !strings.HasSuffix(f, ".pth")
}

// topLevelFiles expands one top_level.txt entry: a package folder, a module, or an extension
// module. A namespace folder (no __init__.py, shared by several distributions such as
// zope.interface and zope.event) keeps only the files this distribution's Debian package owns.
func (d *dist) topLevelFiles(fsys fs.FS, site, name string, db *dpkgDB) ([]string, error) {
	dir := path.Join(site, name)
	if st, err := fs.Stat(fsys, dir); err == nil && st.IsDir() {
		_, initErr := fs.Stat(fsys, path.Join(dir, "__init__.py"))
		namespace := d.pkg != "" && (initErr != nil || d.declaresNamespace(fsys, site, name))
		var files []string
		err := walkFollow(fsys, dir, func(p string) {
			rel := strings.TrimPrefix(p, site+"/")
			if !keepFile(rel) || (namespace && db.owner[rel] != d.pkg) {
				return
			}
			files = append(files, rel)
		})
		return files, err
	}
	var files []string
	entries, err := fs.ReadDir(fsys, path.Dir(dir))
	if err != nil {
		return nil, err
	}
	base := path.Base(name)
	for _, e := range entries {
		n := e.Name()
		if n == base+".py" || (strings.HasPrefix(n, base+".") && strings.HasSuffix(n, ".so")) {
			files = append(files, strings.TrimPrefix(path.Join(path.Dir(dir), n), site+"/"))
		}
	}
	// A top_level.txt may name something Debian moved or dropped; that is not an error.
	return files, nil
}

// declaresNamespace reports whether namespace_packages.txt names the package: Debian then
// ships one shared __init__.py, and sibling distributions (zope.event) live in the folder too.
func (d *dist) declaresNamespace(fsys fs.FS, site, name string) bool {
	txt, err := d.metaFile(fsys, site, "namespace_packages.txt")
	if err != nil {
		return false
	}
	for ns := range strings.FieldsSeq(string(txt)) {
		if ns == name {
			return true
		}
	}
	return false
}

// walkFollow calls fn for every regular file under dir, following symbolic links (Debian
// replaces bundled JavaScript and fonts with links into /usr/share; the wheel must carry the
// content). Dangling links are skipped.
func walkFollow(fsys fs.FS, dir string, fn func(string)) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			st, err := fs.Stat(fsys, p)
			if err != nil {
				continue
			}
			isDir = st.IsDir()
		}
		if isDir {
			if e.Name() == "__pycache__" {
				continue
			}
			if err := walkFollow(fsys, p, fn); err != nil {
				return err
			}
			continue
		}
		fn(p)
	}
	return nil
}
