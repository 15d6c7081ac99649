package image

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/containerize/containerize/image/sbom"
)

// sbomPackages is name@version of every package an SPDX document lists but the image itself.
func sbomPackages(t *testing.T, doc []byte) []string {
	t.Helper()
	var d struct {
		Packages []struct {
			Name, VersionInfo, SPDXID string
		}
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range d.Packages {
		if p.SPDXID != "SPDXRef-image" {
			out = append(out, p.Name+"@"+p.VersionInfo)
		}
	}
	return out
}

func TestBuildWritesAndAttachesTheSBOM(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	cache := t.TempDir()
	o := f.options(t, cache)
	o.Epoch = testEpoch
	o.Version = "1.2.3"
	o.Output = Output{Push: f.reg.Host + "/library:sbom", OCILayout: filepath.Join(dir, "oci"), DockerArchive: filepath.Join(dir, "app.tar"), SBOM: filepath.Join(dir, "out", "app.spdx.json")}
	res := f.build(t, o)
	s := res.Images[0].SBOM
	if s == nil {
		t.Fatal("no SBOM in the result")
	}
	want := []string{filepath.Join(dir, "oci", "sbom.spdx.json"), filepath.Join(dir, "app.spdx.json"), filepath.Join(dir, "out", "app.spdx.json")}
	if strings.Join(s.Files, " ") != strings.Join(want, " ") {
		t.Errorf("SBOM files %q, want %q", s.Files, want)
	}
	doc, err := os.ReadFile(want[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range want[1:] {
		if other, _ := os.ReadFile(f); string(other) != string(doc) {
			t.Errorf("%s differs from %s", f, want[0])
		}
	}
	if got := strings.Join(sbomPackages(t, doc), " "); got != "Django@5.1.2 fastext@1.0 gunicorn@23.0.0" {
		t.Errorf("SBOM lists %s", got)
	}
	for _, w := range []string{`"created": "` + testEpoch.UTC().Format("2006-01-02T15:04:05Z") + `"`, `"Tool: containerize-1.2.3"`, res.Digest.Hex} {
		if !strings.Contains(string(doc), w) {
			t.Errorf("SBOM lacks %s", w)
		}
	}

	// The registry's referrers API finds it attached to the pushed image.
	idx, err := remote.Referrers(mustDigest(t, f.reg.Host+"/library", res.Digest))
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 {
		t.Fatalf("referrers %+v", m.Manifests)
	}
	if got := f.reg.Host + "/library@" + m.Manifests[0].Digest.String(); s.Referrer != got {
		t.Errorf("result's referrer %s, registry's %s", s.Referrer, got)
	}
	art, err := remote.Image(mustRef(t, s.Referrer))
	if err != nil {
		t.Fatal(err)
	}
	// The manifest's own artifactType: go-containerregistry's registry lists the config's media type in the
	// referrers index instead.
	if am, err := art.Manifest(); err != nil || am.ArtifactType != sbom.MediaType || am.Subject == nil || am.Subject.Digest != res.Digest {
		t.Errorf("artifact manifest %+v %v", am, err)
	}
	layers, err := art.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("artifact layers %v %v", layers, err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	attached, _ := io.ReadAll(rc)
	rc.Close()
	if string(attached) != string(doc) {
		t.Errorf("the attached SBOM differs from the written one")
	}

	// A rebuild with only a push reads the SBOM of the base's layers from the cache: nothing is downloaded.
	base, _ := remote.Image(mustRef(t, f.baseRef), remote.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"}))
	baseLayers, _ := base.Layers()
	before := map[v1.Hash]int{}
	for _, l := range baseLayers {
		d, _ := l.Digest()
		before[d] = f.reg.BlobGets(d)
	}
	writeFile(t, filepath.Join(f.root, "books/views.py"), "def index(request):\n    return 1\n")
	o.Output = Output{Push: f.reg.Host + "/library:sbom2"}
	again := f.build(t, o)
	if again.Digest == res.Digest || again.Images[0].SBOM == nil || again.Images[0].SBOM.Referrer == "" {
		t.Fatalf("rebuild %+v", again.Images[0])
	}
	for d, n := range before {
		if got := f.reg.BlobGets(d); got != n {
			t.Errorf("base layer %v downloaded again for the SBOM (%d → %d)", d, n, got)
		}
	}

	// --no-sbom makes none.
	o.Output = Output{OCILayout: filepath.Join(dir, "plain"), NoSBOM: true}
	if res := f.build(t, o); res.Images[0].SBOM != nil {
		t.Errorf("--no-sbom made %+v", res.Images[0].SBOM)
	}
	if _, err := os.Stat(filepath.Join(dir, "plain", "sbom.spdx.json")); err == nil {
		t.Error("--no-sbom wrote sbom.spdx.json")
	}
}

func TestBuildMultiPlatformSBOMs(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	o := f.options(t, t.TempDir())
	o.Platforms = []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}
	o.Output = Output{Push: f.reg.Host + "/library:multi", OCILayout: filepath.Join(dir, "oci")}
	res := f.build(t, o)
	for i, p := range []string{"linux-amd64", "linux-arm64-v8"} {
		s := res.Images[i].SBOM
		if s == nil || len(s.Files) != 1 || s.Files[0] != filepath.Join(dir, "oci", "sbom."+p+".spdx.json") {
			t.Fatalf("image %d SBOM %+v", i, s)
		}
		idx, err := remote.Referrers(mustDigest(t, f.reg.Host+"/library", res.Images[i].Digest))
		if err != nil {
			t.Fatal(err)
		}
		if m, _ := idx.IndexManifest(); len(m.Manifests) != 1 || s.Referrer != f.reg.Host+"/library@"+m.Manifests[0].Digest.String() {
			t.Errorf("%s referrers %+v, result %s", p, m, s.Referrer)
		}
	}
}

func mustDigest(t *testing.T, repo string, d v1.Hash) name.Digest {
	t.Helper()
	r, err := name.NewDigest(repo + "@" + d.String())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A registry that refuses artifacts (no OCI 1.1 support) gets the image, and the build warns.
func TestBuildPushWarnsWhenTheRegistryRefusesTheSBOM(t *testing.T) {
	f := newFixture(t)
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") {
			body, _ := io.ReadAll(r.Body)
			if strings.Contains(string(body), `"subject"`) {
				http.Error(w, `{"errors":[{"code":"MANIFEST_INVALID","message":"subject not supported"}]}`, http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(strings.NewReader(string(body)))
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	o := f.options(t, t.TempDir())
	o.Output = Output{Push: strings.TrimPrefix(srv.URL, "http://") + "/library:old"}
	var logBuf strings.Builder
	o.Progress = &logBuf
	res := f.build(t, o)
	if res.Pushed == "" || res.Images[0].SBOM == nil || res.Images[0].SBOM.Referrer != "" {
		t.Fatalf("pushed %q, SBOM %+v", res.Pushed, res.Images[0].SBOM)
	}
	if !strings.Contains(logBuf.String(), "warning: push the SBOM to") || !strings.Contains(logBuf.String(), "the image is pushed without its SBOM") {
		t.Errorf("no warning:\n%s", logBuf.String())
	}
}
