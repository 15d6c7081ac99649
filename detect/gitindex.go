package detect

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
)

// maxIndexSize bounds the .git/index read: a real one for a few thousand files is well
// under this.
const maxIndexSize = 64 << 20

// gitIndex is the set of paths git tracks (slash paths from the root), read from
// .git/index, the staging area `git ls-files` lists. ok is false when the tree has no
// readable index (no repository, .git a file pointing elsewhere as in a worktree, an index
// version it does not know): detection cannot run git.
func gitIndex(fsys fs.FS) (tracked map[string]bool, ok bool) {
	fi, err := fs.Stat(fsys, ".git/index")
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxIndexSize {
		return nil, false
	}
	b, err := fs.ReadFile(fsys, ".git/index")
	if err != nil {
		return nil, false
	}
	tracked = map[string]bool{}
	if indexPaths(b, func(p []byte) bool {
		tracked[string(p)] = true
		return true
	}) != nil {
		return nil, false
	}
	return tracked, true
}

var errIndex = errors.New("unreadable git index")

// indexPaths calls fn with the path of each entry of a git index (versions 2 to 4) until
// fn returns false.
func indexPaths(b []byte, fn func([]byte) bool) error {
	if len(b) < 12 || string(b[:4]) != "DIRC" {
		return errIndex
	}
	version := binary.BigEndian.Uint32(b[4:8])
	if version < 2 || version > 4 {
		return errIndex
	}
	n := binary.BigEndian.Uint32(b[8:12])
	off := 12
	var prev []byte
	for i := uint32(0); i < n; i++ {
		// ctime, mtime, dev, ino, mode, uid, gid, size (4 bytes each), the object id
		// (20 bytes for SHA-1), then 16 bits of flags.
		const fixed = 62
		if off+fixed > len(b) {
			return errIndex
		}
		flags := binary.BigEndian.Uint16(b[off+60 : off+62])
		p := off + fixed
		if version >= 3 && flags&0x4000 != 0 { // extended flags
			p += 2
		}
		if p > len(b) {
			return errIndex
		}
		var path []byte
		if version == 4 {
			// The path is the previous one minus a varint count of bytes, plus a NUL-ended suffix.
			strip, k := offsetVarint(b[p:])
			if k == 0 || strip > len(prev) {
				return errIndex
			}
			p += k
			end := bytes.IndexByte(b[p:], 0)
			if end < 0 {
				return errIndex
			}
			path = append(append([]byte{}, prev[:len(prev)-strip]...), b[p:p+end]...)
			off = p + end + 1
		} else {
			end := bytes.IndexByte(b[p:], 0)
			if end < 0 {
				return errIndex
			}
			path = b[p : p+end]
			// Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
			entry := p + end - off
			off += (entry + 8) &^ 7
		}
		prev = path
		if !fn(path) {
			return nil
		}
	}
	return nil
}

// offsetVarint reads git's offset varint (each continuation adds one before shifting); k
// is the bytes used, 0 when malformed.
func offsetVarint(b []byte) (v, k int) {
	for k < len(b) && k < 9 {
		c := b[k]
		k++
		v = v<<7 | int(c&0x7f)
		if c&0x80 == 0 {
			return v, k
		}
		v++
	}
	return 0, 0
}
