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

// name is the system path of a name of the FS.
func (systemFS) name(op, name string) (string, error) {
	if !fs.ValidPath(name) || (filepath.Separator != '/' && strings.ContainsRune(name, filepath.Separator)) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return osPath(path.Join("/", name)), nil
}

func (f systemFS) Open(name string) (fs.File, error) {
	p, err := f.name("open", name)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

func (f systemFS) ReadFile(name string) ([]byte, error) {
	p, err := f.name("readfile", name)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

func (f systemFS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := f.name("readdir", name)
	if err != nil {
		return nil, err
	}
	return os.ReadDir(p)
}

func (f systemFS) Stat(name string) (fs.FileInfo, error) {
	p, err := f.name("stat", name)
	if err != nil {
		return nil, err
	}
	return os.Stat(p)
}

// ReadLink and Lstat make it an fs.ReadLinkFS, as os.DirFS is: the reader tells a dangling
// link from a missing file.
func (f systemFS) ReadLink(name string) (string, error) {
	p, err := f.name("readlink", name)
	if err != nil {
		return "", err
	}
	return os.Readlink(p)
}

func (f systemFS) Lstat(name string) (fs.FileInfo, error) {
	p, err := f.name("lstat", name)
	if err != nil {
		return nil, err
	}
	return os.Lstat(p)
}
