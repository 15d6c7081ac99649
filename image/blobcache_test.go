package image

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/containerize/containerize/image/internal/testkit"
)

func TestCachedBaseKeepsWholeVerifiedBlobs(t *testing.T) {
	reg := testkit.NewRegistry()
	defer reg.Close()
	img, err := testkit.Base(testkit.BaseSpec{})
	if err != nil {
		t.Fatal(err)
	}
	ref := reg.Host + "/python:3.12-slim"
	if err := remote.Write(mustRef(t, ref), img); err != nil {
		t.Fatal(err)
	}
	base, err := remote.Image(mustRef(t, ref))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	layers, err := cachedBase(base, dir).Layers()
	if err != nil {
		t.Fatal(err)
	}
	l := layers[0]
	d, _ := l.Digest()
	read := func(limit int64) []byte {
		t.Helper()
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, limit))
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		return data
	}
	entries := func() int {
		es, _ := os.ReadDir(dir)
		return len(es)
	}

	// A read stopped half way keeps nothing.
	read(10)
	if n := entries(); n != 0 {
		t.Fatalf("%d files after a partial read", n)
	}
	whole := read(1 << 30)
	gets := reg.BlobGets(d)
	if got, _ := os.ReadFile(blobPath(dir, d)); !bytes.Equal(got, whole) {
		t.Fatalf("cached %d bytes, read %d", len(got), len(whole))
	}
	if again := read(1 << 30); !bytes.Equal(again, whole) || reg.BlobGets(d) != gets {
		t.Errorf("second read: %d bytes, %d downloads (want %d)", len(again), reg.BlobGets(d), gets)
	}
	// A blob of the wrong size is fetched again and replaced.
	if err := os.WriteFile(blobPath(dir, d), whole[:5], 0o644); err != nil {
		t.Fatal(err)
	}
	if again := read(1 << 30); !bytes.Equal(again, whole) || reg.BlobGets(d) != gets+1 {
		t.Errorf("after truncation: %d bytes, %d downloads (want %d)", len(again), reg.BlobGets(d), gets+1)
	}
	if got, _ := os.ReadFile(blobPath(dir, d)); !bytes.Equal(got, whole) || entries() != 1 {
		t.Errorf("cache not repaired: %d bytes, %d files", len(got), entries())
	}
	// Uncompressed inflates the cached bytes.
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	tarball, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || len(tarball) == 0 || reg.BlobGets(d) != gets+1 {
		t.Errorf("uncompressed: %d bytes, %v, %d downloads", len(tarball), err, reg.BlobGets(d))
	}
}
