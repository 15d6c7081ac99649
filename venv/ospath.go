package venv

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// The Locator works in slash paths of one tree rooted at "/", as on Unix, whatever the
// system. Paths of the user's system (the project, the environment's variables, files
// written by the tools) enter through slashPath, which on Windows puts the volume under
// the root ("C:\Users\me" → "/C:/Users/me"); paths shown to the user leave through osPath.
// On Unix both only clean up separators, so nothing changes there.

// slashPath is the Locator's form of a path of this system.
func slashPath(p string) string {
	if v := filepath.VolumeName(p); v != "" && !strings.HasPrefix(v, `\\`) && !strings.HasPrefix(v, "//") {
		return "/" + filepath.ToSlash(p)
	}
	return filepath.ToSlash(p)
}

// osPath turns the Locator's form of a path back into this system's.
func osPath(p string) string {
	if rest, ok := strings.CutPrefix(p, "/"); ok && filepath.VolumeName(filepath.FromSlash(rest)) != "" {
		return filepath.FromSlash(rest)
	}
	return filepath.FromSlash(p)
}

// SystemFS is this system's whole file system as the Locator reads it: its names are the
// Locator's absolute paths without the leading "/" ("home/me/proj", or on Windows
// "C:/Users/me/proj"). os.DirFS("/") is the same on Unix; Windows has no one root.
func SystemFS() fs.FS { return systemFS{} }

type systemFS struct{}

// at runs op on the system path of name, a name of the FS.
func at[T any](opName, name string, op func(string) (T, error)) (T, error) {
	if !fs.ValidPath(name) || (filepath.Separator != '/' && strings.ContainsRune(name, filepath.Separator)) {
		var zero T
		return zero, &fs.PathError{Op: opName, Path: name, Err: fs.ErrInvalid}
	}
	return op(osPath(path.Join("/", name)))
}

func (systemFS) Open(name string) (fs.File, error) {
	return at("open", name, func(p string) (fs.File, error) { return os.Open(p) })
}

func (systemFS) ReadFile(name string) ([]byte, error) { return at("readfile", name, os.ReadFile) }

func (systemFS) ReadDir(name string) ([]fs.DirEntry, error) { return at("readdir", name, os.ReadDir) }

func (systemFS) Stat(name string) (fs.FileInfo, error) { return at("stat", name, os.Stat) }

// ReadLink and Lstat make it an fs.ReadLinkFS, as os.DirFS is: the reader tells a dangling
// link from a missing file.
func (systemFS) ReadLink(name string) (string, error) { return at("readlink", name, os.Readlink) }

func (systemFS) Lstat(name string) (fs.FileInfo, error) { return at("lstat", name, os.Lstat) }
