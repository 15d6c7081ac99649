package base

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/containerize/containerize/image/internal/testkit"
)

var (
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64"}
)

// twoPlatforms is an index of an amd64 and an arm64 stand-in, plus an attestation manifest that must be
// ignored.
func twoPlatforms(t *testing.T) (v1.ImageIndex, map[string]v1.Hash) {
	t.Helper()
	digests := map[string]v1.Hash{}
	idx := v1.ImageIndex(empty.Index)
	for _, p := range []v1.Platform{amd64, {OS: "linux", Architecture: "arm64", Variant: "v8"}, {OS: "unknown", Architecture: "unknown"}} {
		img := mustBase(t, testkit.BaseSpec{Arch: p.Architecture, Variant: p.Variant, OCI: true})
		d, _ := img.Digest()
		digests[p.Architecture] = d
		p := p
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	return idx, digests
}

func TestLoadRemote(t *testing.T) {
	reg := testkit.NewRegistry()
	defer reg.Close()
	ctx := context.Background()
	idx, digests := twoPlatforms(t)
	multi := reg.Host + "/python:multi"
	if err := remote.WriteIndex(mustRef(t, multi), idx); err != nil {
		t.Fatal(err)
	}
	single := reg.Host + "/python:single"
	img := mustBase(t, testkit.BaseSpec{})
	if err := remote.Write(mustRef(t, single), img); err != nil {
		t.Fatal(err)
	}
	singleDigest, _ := img.Digest()

	got, err := Load(ctx, multi, Options{Platforms: []v1.Platform{arm64, amd64}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Digest != digests["arm64"] || got[1].Digest != digests["amd64"] {
		t.Fatalf("got %+v, want arm64 %v then amd64 %v", got, digests["arm64"], digests["amd64"])
	}
	if got[0].Platform.Architecture != "arm64" || got[0].Name != multi {
		t.Errorf("loaded %+v", got[0])
	}
	// A variant asked for must match; arm64's v8 is the same as none.
	if _, err := Load(ctx, multi, Options{Platforms: []v1.Platform{{OS: "linux", Architecture: "arm64", Variant: "v8"}}}); err != nil {
		t.Errorf("arm64/v8: %v", err)
	}
	if _, err := Load(ctx, multi, Options{Platforms: []v1.Platform{{OS: "linux", Architecture: "s390x"}}}); err == nil ||
		!strings.Contains(err.Error(), "no image for linux/s390x; it has linux/amd64, linux/arm64/v8") {
		t.Errorf("missing platform: %v", err)
	}

	got, err = Load(ctx, single, Options{})
	if err != nil || len(got) != 1 || got[0].Digest != singleDigest {
		t.Fatalf("single: %+v, %v", got, err)
	}
	if _, err := Load(ctx, single, Options{Platforms: []v1.Platform{arm64}}); err == nil ||
		!strings.Contains(err.Error(), "single-platform image for linux/amd64, not for linux/arm64") {
		t.Errorf("single with another platform: %v", err)
	}
	if _, err := Load(ctx, "Not A Reference!", Options{}); err == nil || !strings.Contains(err.Error(), "not an image reference") {
		t.Errorf("bad reference: %v", err)
	}
}

func TestLoadLocal(t *testing.T) {
	ctx := context.Background()
	idx, digests := twoPlatforms(t)
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": "3.12-slim"})); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"oci:" + dir, "oci:" + dir + ":3.12-slim"} {
		got, err := Load(ctx, ref, Options{Platforms: []v1.Platform{amd64, arm64}})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if len(got) != 2 || got[0].Digest != digests["amd64"] || got[1].Digest != digests["arm64"] {
			t.Errorf("%s: got %+v", ref, got)
		}
	}
	if _, err := Load(ctx, "oci:"+dir+":latest", Options{}); err == nil || !strings.Contains(err.Error(), `is named "latest"`) {
		t.Errorf("unknown name: %v", err)
	}

	img := mustBase(t, testkit.BaseSpec{})
	want, _ := img.Digest()
	file := filepath.Join(t.TempDir(), "base.tar")
	if err := tarball.WriteToFile(file, name.MustParseReference("python:3.12-slim"), img); err != nil {
		t.Fatal(err)
	}
	got, err := Load(ctx, "docker-archive:"+file, Options{Platforms: []v1.Platform{amd64}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Digest != want {
		t.Errorf("docker archive: %+v, want %v", got, want)
	}
	if b, err := Inspect(got[0].Image); err != nil || b.Python != "3.12.7" {
		t.Errorf("inspect docker archive: %+v, %v", b, err)
	}
}

func TestParsePlatforms(t *testing.T) {
	got, err := ParsePlatforms("linux/amd64, linux/arm64/v8")
	if err != nil || len(got) != 2 || got[1].Variant != "v8" || got[0].Architecture != "amd64" {
		t.Errorf("got %+v, %v", got, err)
	}
	for _, bad := range []string{"linux", "linux/", "/amd64", "linux/arm/v7/x"} {
		if _, err := ParsePlatforms(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLayoutSpec(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout") // C:\…\layout on Windows
	cases := map[string][2]string{
		dir:                {dir, ""},
		dir + ":3.12-slim": {dir, "3.12-slim"},
		"/srv/a:b/layout":  {"/srv/a:b/layout", ""},
		"layout:latest":    {"layout", "latest"},
		":latest":          {":latest", ""},
	}
	if runtime.GOOS == "windows" {
		cases[`C:\images\py`] = [2]string{`C:\images\py`, ""}
		cases[`C:\images\py:3.12`] = [2]string{`C:\images\py`, "3.12"}
		cases[`C:py`] = [2]string{`C:py`, ""}
	}
	for spec, want := range cases {
		if d, n := layoutSpec(spec); d != want[0] || n != want[1] {
			t.Errorf("layoutSpec(%q) = %q, %q; want %q, %q", spec, d, n, want[0], want[1])
		}
	}
}
