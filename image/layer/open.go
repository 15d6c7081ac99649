package layer

import (
	"bufio"
	"bytes"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
)

// Open returns a layer whose digests and size are already known (from Write), reading the compressed bytes
// through open only when something needs them: pushing to a registry that already has the blob reads
// nothing. open must return exactly the bytes b describes.
func Open(b Blob, mediaType types.MediaType, open func() (io.ReadCloser, error)) v1.Layer {
	return &known{blob: b, mediaType: mediaType, open: open}
}

// Build writes entries into memory and returns them as a layer of the given media type.
func Build(entries []Entry, opts Options, mediaType types.MediaType) (v1.Layer, Blob, error) {
	var buf bytes.Buffer
	b, err := Write(&buf, entries, opts)
	if err != nil {
		return nil, Blob{}, err
	}
	data := buf.Bytes()
	return Open(b, mediaType, func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}), b, nil
}

type known struct {
	blob      Blob
	mediaType types.MediaType
	open      func() (io.ReadCloser, error)
}

// Blob is what Write said of the layer.
func (k *known) Blob() Blob { return k.blob }

func (k *known) Digest() (v1.Hash, error)            { return k.blob.Digest, nil }
func (k *known) DiffID() (v1.Hash, error)            { return k.blob.DiffID, nil }
func (k *known) Size() (int64, error)                { return k.blob.Size, nil }
func (k *known) MediaType() (types.MediaType, error) { return k.mediaType, nil }
func (k *known) Compressed() (io.ReadCloser, error)  { return k.open() }

func (k *known) Uncompressed() (io.ReadCloser, error) {
	rc, err := k.open()
	if err != nil {
		return nil, err
	}
	return Gunzip(rc)
}

// Uncompressed is l.Uncompressed(), but a registry's gzip layer is inflated with klauspost/compress, about
// twice as fast as go-containerregistry's compress/gzip (a python:3.11-slim base is 166 MB). Other layers,
// and one that is not gzip after all, go through l: a docker archive's uncompressed layer, say, would be
// compressed on the fly by Compressed.
func Uncompressed(l v1.Layer) (io.ReadCloser, error) {
	if _, ok := l.(*remote.MountableLayer); !ok {
		return l.Uncompressed()
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	if magic, err := br.Peek(2); err != nil || magic[0] != 0x1f || magic[1] != 0x8b {
		rc.Close()
		return l.Uncompressed()
	}
	return Gunzip(struct {
		io.Reader
		io.Closer
	}{br, rc})
}

// Gunzip inflates rc (closed with the reader it returns, or on error), with klauspost/compress: about
// twice as fast as compress/gzip.
func Gunzip(rc io.ReadCloser) (io.ReadCloser, error) {
	zr, err := gzip.NewReader(rc)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return &closeBoth{Reader: zr, zr: zr, rc: rc}, nil
}

type closeBoth struct {
	io.Reader
	zr *gzip.Reader
	rc io.ReadCloser
}

func (c *closeBoth) Close() error {
	err := c.zr.Close()
	if err2 := c.rc.Close(); err == nil {
		err = err2
	}
	return err
}
