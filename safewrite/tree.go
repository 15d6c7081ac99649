package safewrite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxLinks bounds symlink resolution, as the kernel does, so a link loop is an error.
const maxLinks = 40

// tree is the project root. All file access goes through os.Root, so even a symlink swapped
// in after our own checks cannot make a write land outside the root.
type tree struct {
	root *os.Root
	abs  string // absolute, symlink-free path of the root, to judge absolute link targets
	// rename moves a slash path onto another; a field so tests can make it fail.
	rename func(oldpath, newpath string) error
}

func openTree(dir string) (*tree, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("project root %s: %w", dir, err)
	}
	abs, err = filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("project root %s: %w", dir, err)
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("project root %s: %w", dir, err)
	}
	t := &tree{root: r, abs: abs}
	t.rename = func(oldpath, newpath string) error {
		return r.Rename(filepath.FromSlash(oldpath), filepath.FromSlash(newpath))
	}
	return t, nil
}

func (t *tree) close() { t.root.Close() }

// cleanPath checks a File.Path and returns it cleaned. The error names the path and the rule.
func cleanPath(p string) (string, error) {
	switch {
	case p == "":
		return "", errors.New("empty file path; paths are relative to the project root, like \"Dockerfile\"")
	case strings.ContainsRune(p, 0):
		return "", fmt.Errorf("%q: file path contains a NUL byte", p)
	case path.IsAbs(p) || filepath.IsAbs(p) || filepath.VolumeName(p) != "":
		return "", fmt.Errorf("%s: file path is absolute; it must be relative to the project root", p)
	}
	c := path.Clean(p)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("%s: file path escapes the project root (\"..\"); it must stay inside it", p)
	}
	if c == "." {
		return "", fmt.Errorf("%s: file path names the project root itself, not a file", p)
	}
	if _, err := filepath.Localize(c); err != nil {
		return "", fmt.Errorf("%s: not a valid file path on this system: %w", p, err)
	}
	return c, nil
}

// resolve follows every symlink on the cleaned path p and returns the slash path, relative
// to the root, of the file that is really meant, so that writing replaces a link's target
// rather than the link. Links that lead outside the root, loops, and a file used as a
// directory are errors naming p.
func (t *tree) resolve(p string) (string, error) {
	pending := strings.Split(p, "/")
	var done []string
	known := 0 // done[:known] exist; anything after a missing component is not looked up
	links := 0
	for len(pending) > 0 {
		c := pending[0]
		pending = pending[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				// Only a link target can get here; cleanPath rejects a leading "..".
				return "", fmt.Errorf("%s: goes through a symlink that points outside the project root; write the file elsewhere or remove the link", p)
			}
			done = done[:len(done)-1]
			known = min(known, len(done))
			continue
		}
		done = append(done, c)
		if known < len(done)-1 {
			continue
		}
		cur := path.Join(done...)
		fi, err := t.root.Lstat(filepath.FromSlash(cur))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("%s: %w", p, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if !fi.IsDir() && len(pending) > 0 {
				return "", fmt.Errorf("%s: %s is a file, not a directory; move it away to write %s", p, cur, p)
			}
			known = len(done)
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("%s: too many levels of symlinks at %s", p, cur)
		}
		target, err := t.root.Readlink(filepath.FromSlash(cur))
		if err != nil {
			return "", fmt.Errorf("%s: %w", p, err)
		}
		done = done[:len(done)-1]
		known = len(done)
		if filepath.IsAbs(target) {
			rel, ok := t.inside(target)
			if !ok {
				return "", fmt.Errorf("%s: goes through symlink %s, which points outside the project root (to %s); write the file elsewhere or remove the link", p, cur, target)
			}
			target = rel
			done, known = nil, 0
		}
		parts := strings.Split(filepath.ToSlash(target), "/")
		// Check escape via ".." here, where the link's name is known for the message.
		depth := len(done)
		for _, part := range parts {
			switch part {
			case "", ".":
			case "..":
				if depth--; depth < 0 {
					return "", fmt.Errorf("%s: goes through symlink %s, which points outside the project root (to %s); write the file elsewhere or remove the link", p, cur, target)
				}
			default:
				depth++
			}
		}
		pending = append(parts, pending...)
	}
	if len(done) == 0 {
		return "", fmt.Errorf("%s: names the project root itself, not a file", p)
	}
	return path.Join(done...), nil
}

// inside converts an absolute link target to a path relative to the root, if it is inside.
// The target is first judged as written, then with its own symlinks resolved (on macOS
// /tmp is a link to /private/tmp, and the root's path has been resolved).
func (t *tree) inside(target string) (string, bool) {
	if rel, err := filepath.Rel(t.abs, filepath.Clean(target)); err == nil && filepath.IsLocal(rel) {
		return rel, true
	}
	if real, err := filepath.EvalSymlinks(target); err == nil {
		if rel, err := filepath.Rel(t.abs, real); err == nil && filepath.IsLocal(rel) {
			return rel, true
		}
	}
	return "", false
}

// fileState is what is on disk at a resolved path.
type fileState struct {
	exists bool
	data   []byte
	mode   fs.FileMode // permission and setuid/setgid/sticky bits
}

// state reads the regular file at the resolved path real; p is the name for messages.
func (t *tree) state(p, real string) (fileState, error) {
	name := filepath.FromSlash(real)
	fi, err := t.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return fileState{}, nil
	}
	if err != nil {
		return fileState{}, fmt.Errorf("%s: %w", p, err)
	}
	switch {
	case fi.IsDir():
		return fileState{}, fmt.Errorf("%s is a directory, but a file is to be written there; move the directory away first", p)
	case !fi.Mode().IsRegular():
		return fileState{}, fmt.Errorf("%s is not a regular file (%v); move it away first", p, fi.Mode().Type())
	}
	data, err := t.root.ReadFile(name)
	if err != nil {
		return fileState{}, fmt.Errorf("read %s: %w", p, err)
	}
	mode := fi.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	return fileState{exists: true, data: data, mode: mode}, nil
}

// backupName is where the old content of an overwritten file is kept: one backup per
// file, the content the last overwrite replaced.
func backupName(real string) string { return real + ".bak" }

// remove removes name; a name that is not there (or whose parent is not a directory) is
// already removed.
func (t *tree) remove(name string) error {
	err := t.root.Remove(filepath.FromSlash(name))
	if err == nil || errors.Is(err, fs.ErrNotExist) || !t.exists(name) {
		return nil
	}
	return err
}
