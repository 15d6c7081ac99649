// Package layer writes reproducible image layers: the same entries always give the same bytes, and so the
// same digest, on any machine.
//
// A layer is a gzip-compressed tar whose entries are sorted by path, carry one fixed modification time, numeric
// owners without user or group names, normalised modes (0755 for directories and executables, 0644 for other
// files) and no access or change times; the gzip stream has no name and no timestamp and is written at one
// fixed compression level by github.com/klauspost/compress, whose output depends only on its input, the
// level and the module's version (go.mod pins it). Every parent directory is present, so the layer never
// relies on the order a runtime creates directories in.
package layer

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
	"unicode"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/klauspost/compress/gzip"
)

// Entry is one file, directory or symlink of a layer.
type Entry struct {
	Path string      // absolute, clean, slash-separated ("/opt/venv/bin/python")
	Mode fs.FileMode // fs.ModeDir, fs.ModeSymlink or a regular file; only the exec bits of the permissions count
	Data []byte      // file content, when it is held in memory
	// Open, when set, gives the content instead of Data: the file is streamed into the layer, never held
	// in memory, and must yield exactly Size bytes (a file that changed in between is an error).
	Open     func() (io.ReadCloser, error)
	Size     int64
	Link     string // symlink target
	UID, GID int
}

// Options fix what is not in the entries.
type Options struct {
	// ModTime is every entry's modification time (whole seconds; anything finer is dropped).
	ModTime time.Time
	// ParentUID and ParentGID own the parent directories the entries imply but do not list.
	ParentUID, ParentGID int
}

// Level is the gzip level of every layer. Changing it, or the compressor's version, changes every digest.
//
// klauspost/compress at 6 compresses a dependency layer about 3× as fast as compress/gzip at its default (6),
// for 3% more bytes (library sample: 45 MB of tar in 0.38 s against 1.06 s, 13.1 MB against 12.7 MB).
const Level = 6

// Blob describes a compressed layer: what a registry and an image config need to know about it.
type Blob struct {
	Digest v1.Hash // sha256 of the compressed bytes
	DiffID v1.Hash // sha256 of the uncompressed tar
	Size   int64   // compressed size
	// DiffSize is the uncompressed tar's size (0 in records written before it was kept).
	DiffSize int64 `json:"DiffSize,omitempty"`
}

// Write writes entries as a gzip-compressed tar to w and returns the blob's digests and size.
func Write(w io.Writer, entries []Entry, opts Options) (Blob, error) {
	sorted, err := normalize(entries, opts)
	if err != nil {
		return Blob{}, err
	}
	compressed := &countingHash{h: sha256.New()}
	zw, err := gzip.NewWriterLevel(io.MultiWriter(w, compressed), Level)
	if err != nil {
		return Blob{}, err
	}
	// No timestamp in the header (0 means none); unlike compress/gzip, klauspost writes a zero time.Time's
	// seconds, which are not 0.
	zw.ModTime = time.Unix(0, 0)
	uncompressed := &countingHash{h: sha256.New()}
	tw := tar.NewWriter(io.MultiWriter(zw, uncompressed))
	mtime := opts.ModTime.Truncate(time.Second).UTC()
	for _, e := range sorted {
		hdr := &tar.Header{
			Name:    strings.TrimPrefix(e.Path, "/"),
			ModTime: mtime,
			Uid:     e.UID,
			Gid:     e.GID,
			Mode:    0o644,
		}
		switch {
		case e.Mode.IsDir():
			hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, hdr.Name+"/", 0o755
		case e.Mode&fs.ModeSymlink != 0:
			hdr.Typeflag, hdr.Linkname, hdr.Mode = tar.TypeSymlink, e.Link, 0o777
		default:
			hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(e.Data))
			if e.Open != nil {
				hdr.Size = e.Size
			}
			if e.Mode&0o111 != 0 {
				hdr.Mode = 0o755
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return Blob{}, fmt.Errorf("layer entry %s: %w", e.Path, err)
		}
		if hdr.Typeflag == tar.TypeReg {
			if err := writeContent(tw, e); err != nil {
				return Blob{}, fmt.Errorf("layer entry %s: %w", e.Path, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return Blob{}, err
	}
	if err := zw.Close(); err != nil {
		return Blob{}, err
	}
	return Blob{
		Digest:   v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(compressed.h.Sum(nil))},
		DiffID:   v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(uncompressed.h.Sum(nil))},
		Size:     compressed.n,
		DiffSize: uncompressed.n,
	}, nil
}

// writeContent writes e's content: Data, or what Open streams, which must be Size bytes long.
func writeContent(w io.Writer, e Entry) error {
	if e.Open == nil {
		_, err := w.Write(e.Data)
		return err
	}
	rc, err := e.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	n, err := io.Copy(w, io.LimitReader(rc, e.Size))
	if err != nil {
		return err
	}
	if n != e.Size {
		return fmt.Errorf("file shrank from %d to %d bytes while the layer was written", e.Size, n)
	}
	if extra, _ := rc.Read(make([]byte, 1)); extra > 0 {
		return fmt.Errorf("file grew beyond %d bytes while the layer was written", e.Size)
	}
	return nil
}

type countingHash struct {
	h hash.Hash
	n int64
}

func (c *countingHash) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}

// normalize checks the entries, adds missing parent directories, merges directories listed twice and sorts
// by path. Two different entries at one path, or a file where a directory is needed, are errors.
func normalize(entries []Entry, opts Options) ([]Entry, error) {
	byPath := make(map[string]Entry, len(entries))
	for _, e := range entries {
		if err := checkPath(e.Path); err != nil {
			return nil, err
		}
		if e.Mode&(fs.ModeType&^(fs.ModeDir|fs.ModeSymlink)) != 0 {
			return nil, fmt.Errorf("layer entry %s: only files, directories and symlinks can be written (mode %s)", e.Path, e.Mode)
		}
		if e.Mode&fs.ModeSymlink != 0 && e.Link == "" {
			return nil, fmt.Errorf("layer entry %s: symlink without a target", e.Path)
		}
		if prev, dup := byPath[e.Path]; dup {
			if !same(prev, e) {
				return nil, fmt.Errorf("layer entry %s is given twice, differently", e.Path)
			}
			continue
		}
		byPath[e.Path] = e
	}
	for _, e := range entries {
		for d := path.Dir(e.Path); d != "/"; d = path.Dir(d) {
			prev, ok := byPath[d]
			if ok && !prev.Mode.IsDir() {
				return nil, fmt.Errorf("layer entry %s needs %s to be a directory, but it is also given as a file or symlink", e.Path, d)
			}
			if ok {
				continue
			}
			byPath[d] = Entry{Path: d, Mode: fs.ModeDir | 0o755, UID: opts.ParentUID, GID: opts.ParentGID}
		}
	}
	out := make([]Entry, 0, len(byPath))
	for _, e := range byPath {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func same(a, b Entry) bool {
	return a.Mode.Type() == b.Mode.Type() && a.Mode&0o111 == b.Mode&0o111 && a.Link == b.Link &&
		a.UID == b.UID && a.GID == b.GID && a.Open == nil && b.Open == nil && string(a.Data) == string(b.Data)
}

func checkPath(p string) error {
	if p == "" || p[0] != '/' || p == "/" || path.Clean(p) != p || strings.ContainsFunc(p, unicode.IsControl) {
		return fmt.Errorf("layer entry %q: want an absolute, clean path below /", p)
	}
	return nil
}
