package image

import (
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// On a cold cache the base's layers are inflated once, for base.Inspect and the SBOM together, and the SBOM
// is the one Generate makes reading the layers itself.
func TestSBOMReadsTheBaseWithInspect(t *testing.T) {
	f := newFixture(t)
	cache := t.TempDir()
	o := f.options(t, cache)
	o.Output = Output{Push: f.reg.Host + "/library:dev"}
	base, err := remote.Image(mustRef(t, f.baseRef), remote.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"}))
	if err != nil {
		t.Fatal(err)
	}
	layers, _ := base.Layers()
	first := f.build(t, o)
	for _, l := range layers {
		d, _ := l.Digest()
		if n := f.reg.BlobGets(d); n != 1 {
			t.Errorf("base layer %v downloaded %d times, want once", d, n)
		}
	}
	if first.Images[0].SBOM == nil {
		t.Fatal("no SBOM")
	}
	// The base's facts are cached now: a build without the SBOM's cache does not inspect the base, and
	// Generate reads every layer itself.
	if err := os.RemoveAll(filepath.Join(cache, "sbom")); err != nil {
		t.Fatal(err)
	}
	again := f.build(t, o)
	if again.Images[0].SBOM.Digest != first.Images[0].SBOM.Digest {
		t.Errorf("SBOM %v with the base read alongside Inspect, %v read by Generate", first.Images[0].SBOM.Digest, again.Images[0].SBOM.Digest)
	}
}
