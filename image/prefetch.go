package image

import (
	"errors"
	"io"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/image/sbom"
)

// sbomTee wraps a base image for base.Inspect, so that each layer it inflates is also read for the SBOM's
// facts (sbom.CacheLayer) on the way, into the cache; wait returns once those reads are done. On a cold
// cache the SBOM needs every layer of the base, as Inspect does: read separately, after the build, the
// library sample's 166 MB base was inflated twice (~0.8 s of CPU). Without a cache or an SBOM, img itself.
func (o *Options) sbomTee(img v1.Image) (_ v1.Image, wait func()) {
	var wg sync.WaitGroup
	if o.CacheDir == "" || !o.Output.wantSBOM() {
		return img, wg.Wait
	}
	tee := func(l v1.Layer) v1.Layer { return &teeLayer{Layer: l, cacheDir: o.CacheDir, wg: &wg} }
	return &wrappedImage{Image: img, wrap: tee}, wg.Wait
}

type teeLayer struct {
	v1.Layer
	cacheDir string
	wg       *sync.WaitGroup
}

func (t *teeLayer) Uncompressed() (io.ReadCloser, error) {
	rc, err := layer.Uncompressed(t.Layer)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	t.wg.Go(func() {
		// A failed read caches nothing (Generate reads the layer itself then); the rest is drained so
		// that Inspect's reads never wait on this side.
		sbom.CacheLayer(t.Layer, pr, t.cacheDir)
		io.Copy(io.Discard, pr)
	})
	return &teeReader{rc: rc, pw: pw, r: io.TeeReader(rc, pw)}, nil
}

// teeReader passes what Inspect reads to the SBOM's reader too. Inspect stops at the tar's end marker;
// Close sends the rest (the padding after it) so that the SBOM side sees the stream end where the layer
// ends, and gives it an error instead when more than a little is left (Inspect stopped early).
type teeReader struct {
	rc io.ReadCloser
	pw *io.PipeWriter
	r  io.Reader
}

func (t *teeReader) Read(p []byte) (int, error) { return t.r.Read(p) }

func (t *teeReader) Close() error {
	n, err := io.Copy(io.Discard, io.LimitReader(t.r, 1<<20))
	switch {
	case err != nil:
		t.pw.CloseWithError(err)
	case n == 1<<20:
		t.pw.CloseWithError(errors.New("layer not read to its end"))
	default:
		t.pw.Close()
	}
	return t.rc.Close()
}
