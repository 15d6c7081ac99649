package django

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"syscall"
)

// skipDirs are folders that never hold the project's own manage.py.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "node_modules": true, "__pycache__": true,
	".venv": true, "venv": true, "env": true, ".tox": true, ".nox": true, "site-packages": true,
}

// FindManagePy returns the paths (slash-separated, relative to the root of fsys) of every
// manage.py below the root, shallowest first. It does not descend into .git,
// node_modules, __pycache__ or virtualenvs (folders holding pyvenv.cfg, or named .venv,
// venv, env, .tox, .nox, site-packages).
func FindManagePy(fsys fs.FS) ([]string, error) {
	var found []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == "." {
				return nil
			}
			if skipDirs[d.Name()] {
				return fs.SkipDir
			}
			venv, err := isFile(fsys, path.Join(p, "pyvenv.cfg"))
			if err != nil {
				return err
			}
			if venv {
				return fs.SkipDir
			}
			return nil
		}
		if d.Name() == "manage.py" {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find manage.py: %w", err)
	}
	sort.SliceStable(found, func(i, j int) bool {
		di, dj := strings.Count(found[i], "/"), strings.Count(found[j], "/")
		if di != dj {
			return di < dj
		}
		return found[i] < found[j]
	})
	return found, nil
}

// isFile reports whether name exists and is not a directory; a missing file is not an error.
func isFile(fsys fs.FS, name string) (bool, error) {
	fi, err := fs.Stat(fsys, name)
	if notExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", name, err)
	}
	return !fi.IsDir(), nil
}

// isDir reports whether name exists and is a directory.
func isDir(fsys fs.FS, name string) (bool, error) {
	fi, err := fs.Stat(fsys, name)
	if notExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", name, err)
	}
	return fi.IsDir(), nil
}

// notExist treats "a path component is a file" like a missing file.
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrInvalid)
}
