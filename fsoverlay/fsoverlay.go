// Package fsoverlay shows files that are about to be written over a file system, so a reader
// (detection) sees the tree as it will be before anything is written.
package fsoverlay

import (
	"errors"
	"io"
	"io/fs"
	"sort"
	"testing/fstest"
)

// FS is base with files laid over it.
type FS struct {
	base fs.FS
	top  fstest.MapFS
}

// New lays files (slash paths relative to base's root) over base.
func New(base fs.FS, files map[string][]byte) FS {
	top := fstest.MapFS{}
	for name, data := range files {
		top[name] = &fstest.MapFile{Data: data}
	}
	return FS{base: base, top: top}
}

func (o FS) Open(name string) (fs.File, error) {
	if f, ok := o.top[name]; ok && !f.Mode.IsDir() {
		return o.top.Open(name)
	}
	st, err := o.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return o.base.Open(name)
	}
	entries, err := o.ReadDir(name)
	if err != nil {
		return nil, err
	}
	return &dir{info: st, entries: entries}, nil
}

// dir is an opened directory listing both layers.
type dir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	offset  int
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: errors.New("is a directory")}
}
func (d *dir) Close() error { return nil }

func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.offset:]
	if n <= 0 {
		d.offset = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.offset += n
	return rest[:n], nil
}

func (o FS) Stat(name string) (fs.FileInfo, error) {
	if f, ok := o.top[name]; ok && !f.Mode.IsDir() {
		return o.top.Stat(name)
	}
	st, err := fs.Stat(o.base, name)
	if errors.Is(err, fs.ErrNotExist) {
		return o.top.Stat(name) // a folder only the planned files make
	}
	return st, err
}

func (o FS) ReadFile(name string) ([]byte, error) {
	if f, ok := o.top[name]; ok && !f.Mode.IsDir() {
		return append([]byte(nil), f.Data...), nil
	}
	return fs.ReadFile(o.base, name)
}

// ReadDir merges the listings; a planned file replaces the one on disk.
func (o FS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.base, name)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	extra, _ := o.top.ReadDir(name)
	if err != nil && len(extra) == 0 {
		return nil, err
	}
	byName := map[string]fs.DirEntry{}
	for _, e := range entries {
		byName[e.Name()] = e
	}
	for _, e := range extra {
		if _, onDisk := byName[e.Name()]; !onDisk || !e.IsDir() {
			byName[e.Name()] = e
		}
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
