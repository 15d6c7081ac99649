// Package union reads image layers as the union filesystem shows them: a layer's entries hide the same
// paths in the layers below it, and its whiteouts (.wh.NAME) and opaque markers (.wh..wh..opq) delete
// paths and directory contents of the layers below, never of its own layer.
package union

import (
	"archive/tar"
	"path"
	"strings"
)

// Kind says what a layer tar entry does.
type Kind int

const (
	// Skip is an entry outside the filesystem (".", "../x").
	Skip Kind = iota
	// Present is a file, directory or link at the name.
	Present
	// Whiteout deletes the name in lower layers.
	Whiteout
	// Opaque hides the contents of the directory name in lower layers.
	Opaque
)

// Classify reads a layer tar entry's name: the path it is about (relative, without "./"), and what it does
// there.
func Classify(h *tar.Header) (name string, k Kind) {
	name = path.Clean(strings.TrimPrefix(strings.TrimPrefix(h.Name, "./"), "/"))
	if name == "." || name == ".." || strings.HasPrefix(name, "../") {
		return "", Skip
	}
	dir, base := path.Dir(name), path.Base(name)
	if base == ".wh..wh..opq" {
		return dir, Opaque
	}
	if target, ok := strings.CutPrefix(base, ".wh."); ok {
		return path.Join(dir, target), Whiteout
	}
	return name, Present
}

// Hidden is what the layers above have deleted: a path hidden here is not seen in any lower layer.
type Hidden struct {
	deleted map[string]bool
	opaque  map[string]bool
}

// Delete records a layer's whiteout of name; call it once the layer has been read.
func (h *Hidden) Delete(name string) {
	if h.deleted == nil {
		h.deleted = map[string]bool{}
	}
	h.deleted[name] = true
}

// Empty records a layer's opaque marker on dir; call it once the layer has been read.
func (h *Hidden) Empty(dir string) {
	if h.opaque == nil {
		h.opaque = map[string]bool{}
	}
	h.opaque[dir] = true
}

// Has reports whether name, in a lower layer, is deleted: itself or a parent whited out, or a parent made
// opaque.
func (h *Hidden) Has(name string) bool {
	for p := name; p != "." && p != "/"; p = path.Dir(p) {
		if h.deleted[p] || (p != name && h.opaque[p]) {
			return true
		}
	}
	return false
}
