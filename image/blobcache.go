package image

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/containerize/containerize/image/layer"
)

// cachedBase reads a base image's layers through dir (Options.CacheDir/blobs): the compressed bytes of a
// layer are kept the first time something reads them to the end, and read from there afterwards.
//
// go-containerregistry's cache.Image does the same but hashes every cached blob again, and inflates it to
// compute its diff ID, whenever the image is assembled: for python:3.11-slim, 50 MB hashed and 166 MB
// inflated on each warm --load or archive, before a byte is sent. Here a cached blob is trusted by its
// name and size, as the dependency layers are: it was only stored after the registry's bytes matched the
// digest (go-containerregistry checks a registry layer's digest when its reader reaches the end), and
// digests and diff IDs come from the base's manifest and config, never from the file.
func cachedBase(img v1.Image, dir string) v1.Image {
	return &wrappedImage{Image: img, wrap: func(l v1.Layer) v1.Layer { return &blobCachedLayer{Layer: l, dir: dir} }}
}

// wrappedImage is an image whose layers are replaced by wrap's wrappers of them.
type wrappedImage struct {
	v1.Image
	wrap func(v1.Layer) v1.Layer
}

func (w *wrappedImage) Layers() ([]v1.Layer, error) {
	ls, err := w.Image.Layers()
	if err != nil {
		return nil, err
	}
	out := make([]v1.Layer, len(ls))
	for i, l := range ls {
		out[i] = w.wrap(l)
	}
	return out, nil
}

func (w *wrappedImage) LayerByDigest(h v1.Hash) (v1.Layer, error) {
	l, err := w.Image.LayerByDigest(h)
	if err != nil {
		return nil, err
	}
	return w.wrap(l), nil
}

func (w *wrappedImage) LayerByDiffID(h v1.Hash) (v1.Layer, error) {
	l, err := w.Image.LayerByDiffID(h)
	if err != nil {
		return nil, err
	}
	return w.wrap(l), nil
}

type blobCachedLayer struct {
	v1.Layer
	dir string
}

// blobPath names a blob as go-containerregistry's filesystem cache did, so blobs cached by earlier
// releases are used.
func blobPath(dir string, h v1.Hash) string {
	if runtime.GOOS == "windows" {
		return filepath.Join(dir, h.Algorithm+"-"+h.Hex)
	}
	return filepath.Join(dir, h.String())
}

func (l *blobCachedLayer) Compressed() (io.ReadCloser, error) {
	d, err := l.Digest()
	if err != nil {
		return nil, err
	}
	size, err := l.Size()
	if err != nil {
		return nil, err
	}
	p := blobPath(l.dir, d)
	if f, err := os.Open(p); err == nil {
		if st, err := f.Stat(); err == nil && st.Size() == size {
			return f, nil
		}
		f.Close() // a blob of the wrong size: fetched again and replaced
	}
	rc, err := l.Layer.Compressed()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		rc.Close()
		return nil, fmt.Errorf("base layer cache: %w", err)
	}
	tmp, err := os.CreateTemp(l.dir, ".blob-*.tmp")
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("base layer cache: %w", err)
	}
	return &keepBlob{rc: rc, tmp: tmp, dest: p, size: size}, nil
}

func (l *blobCachedLayer) Uncompressed() (io.ReadCloser, error) {
	mt, err := l.MediaType()
	if err != nil || (mt != types.DockerLayer && mt != types.OCILayer) {
		return l.Layer.Uncompressed()
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	return layer.Gunzip(rc)
}

// keepBlob passes a layer's bytes through and keeps them in tmp, moved to dest once the reader ended
// cleanly with size bytes (the digest checked by then); otherwise tmp is removed on Close.
type keepBlob struct {
	rc   io.ReadCloser
	tmp  *os.File
	dest string
	size int64
	n    int64
	kept bool
	bad  bool
}

func (k *keepBlob) Read(p []byte) (int, error) {
	n, err := k.rc.Read(p)
	if n > 0 && !k.bad {
		if _, werr := k.tmp.Write(p[:n]); werr != nil {
			k.bad = true // the cache is a convenience: the read goes on
		}
		k.n += int64(n)
	}
	if errors.Is(err, io.EOF) && !k.bad && k.n == k.size {
		if k.tmp.Close() == nil && os.Rename(k.tmp.Name(), k.dest) == nil {
			k.kept = true
		}
	}
	return n, err
}

func (k *keepBlob) Close() error {
	err := k.rc.Close()
	if !k.kept {
		k.tmp.Close()
		os.Remove(k.tmp.Name())
	}
	return err
}
