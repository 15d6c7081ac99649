package image

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/image/internal/testkit"
	"github.com/containerize/containerize/internal/debtest"
)

// debianFixture is the fixture with a base image whose apt sources point at a local archive holding
// libpq5 and its dependency, and a project that needs libpq5 (psycopg2 from source).
func debianFixture(t *testing.T) (*fixture, *debtest.Archive, Options) {
	f := newFixture(t)
	a := &debtest.Archive{
		Installed: "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\nMulti-Arch: same\n",
		Debs: []debtest.Deb{
			{Control: "Package: libpq5\nVersion: 15.10-0+deb12u1\nArchitecture: amd64\nMulti-Arch: same\nDepends: libc6 (>= 2.34), libssl3 (>= 3.0.0)",
				Files: map[string]string{"/usr/lib/x86_64-linux-gnu/libpq.so.5.15": "ELF libpq"},
				Links: map[string]string{"/usr/lib/x86_64-linux-gnu/libpq.so.5": "libpq.so.5.15"}},
			{Control: "Package: libssl3\nVersion: 3.0.15-1\nArchitecture: amd64\nMulti-Arch: same\nDepends: libc6 (>= 2.34)",
				Files: map[string]string{"/lib/x86_64-linux-gnu/libssl.so.3": "ELF libssl"}},
		},
	}
	files := a.Serve(t)
	f.baseRef = f.reg.Host + "/python:3.12-slim-debian"
	pushIndex(t, f.baseRef, testkit.BaseSpec{Arch: "amd64", Files: files})
	f.project.SystemPackages = detect.SystemPackages{Runtime: []string{"libpq5"}, Build: []string{"libpq-dev"},
		Evidence: []detect.Finding{{Name: "psycopg2", Source: "requirements.txt:4", Detail: "psycopg2 compiles against libpq"}}}
	o := f.options(t, t.TempDir())
	o.Debian = DebianOptions{Client: a.Server.Client(), Clock: debtest.Clock}
	return f, a, o
}

func TestBuildDebianPackages(t *testing.T) {
	f, a, o := debianFixture(t)
	o.Output.Push = f.reg.Host + "/library:debian"
	res := f.build(t, o)
	im := res.Images[0]
	if im.Debian == nil || len(im.Debian.Packages) != 2 || im.DebianLayer.Hex == "" || im.DebianCached {
		t.Fatalf("debian: %+v layer %v cached %v", im.Debian, im.DebianLayer, im.DebianCached)
	}
	if p := im.Debian.Packages[1]; p.Name != "libssl3" || strings.Join(p.Why, " ") != "libpq5 libssl3" || p.Relation != "libssl3 (>= 3.0.0)" {
		t.Errorf("libssl3: %+v", p)
	}
	img, err := remote.Image(mustRef(t, o.Output.Push))
	if err != nil {
		t.Fatal(err)
	}
	fs := files(t, img)
	if got := fs["usr/lib/x86_64-linux-gnu/libpq.so.5.15"].data; got != "ELF libpq" {
		t.Errorf("libpq: %q", got)
	}
	if got := fs["usr/lib/x86_64-linux-gnu/libssl.so.3"].data; got != "ELF libssl" {
		t.Errorf("libssl under /usr (the base's /lib is a link): %q", got)
	}
	if h := fs["lib"].hdr; h == nil || h.Linkname != "usr/lib" {
		t.Errorf("the base's /lib link was replaced: %+v", h)
	}
	status := fs["var/lib/dpkg/status"].data
	if !strings.HasPrefix(status, "Package: libc6\n") || !strings.Contains(status, "Package: libpq5\nStatus: install ok installed\n") {
		t.Errorf("dpkg status:\n%s", status)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if h := cf.History[2].CreatedBy; h != "containerize build: Debian packages: libpq5 (2 with dependencies)" {
		t.Errorf("history: %q", h)
	}

	// Warm: the resolution and the layer come from the cache; the archive is not asked.
	asked := a.Requests()
	again := f.build(t, o)
	if n := a.Requests() - asked; n != 0 {
		t.Errorf("a warm build sent %d requests to the archive", n)
	}
	if !again.Images[0].DebianCached || again.Digest != res.Digest {
		t.Errorf("warm build: cached %v, digest %v then %v", again.Images[0].DebianCached, res.Digest, again.Digest)
	}

	// The same layer from another cache (cold): reproducible.
	o.CacheDir = t.TempDir()
	if cold := f.build(t, o); cold.Images[0].DebianLayer != im.DebianLayer || cold.Digest != res.Digest {
		t.Errorf("a cold rebuild gave layer %v image %v, first %v %v", cold.Images[0].DebianLayer, cold.Digest, im.DebianLayer, res.Digest)
	}
}

func TestBuildDebianPlanOnly(t *testing.T) {
	f, _, o := debianFixture(t)
	o.DebianPlanOnly = true
	o.Output.Push = f.reg.Host + "/library:never"
	res := f.build(t, o)
	if len(res.Images) != 1 || res.Images[0].Debian == nil || len(res.Images[0].Debian.Packages) != 2 || res.Digest.Hex != "" {
		t.Fatalf("plan only: %+v", res)
	}
	if _, err := remote.Image(mustRef(t, o.Output.Push)); err == nil {
		t.Error("--print-deb-plan pushed an image")
	}

	// A dependency the archive lacks names the chain.
	f.project.SystemPackages.Runtime = []string{"libpq5", "libgdal32"}
	o.Plan = f.plan(t)
	_, err := Build(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "libgdal32 (requested)") {
		t.Errorf("missing package: %v", err)
	}

	// --ignore-system-packages: nothing is added.
	o.IgnoreSystemPackages, o.DebianPlanOnly = true, false
	o.Output.Push = ""
	if res := f.build(t, o); res.Images[0].Debian != nil || res.Images[0].DebianLayer.Hex != "" {
		t.Errorf("ignored system packages were added: %+v", res.Images[0].Debian)
	}
}

// TestBuildDebianMirror: --apt-mirror replaces the base's source URI; the base's keys still verify it.
func TestBuildDebianMirror(t *testing.T) {
	f, a, o := debianFixture(t)
	files := map[string][]byte{}
	for p, data := range a.Serve(t) {
		files[p] = data
	}
	// The base's own source is unreachable (a closed port); the mirror is the archive.
	dead := strings.Replace(string(files["etc/apt/sources.list.d/debian.sources"]), a.Server.URL, "http://127.0.0.1:9", 1)
	files["etc/apt/sources.list.d/debian.sources"] = []byte(dead)
	f.baseRef = f.reg.Host + "/python:3.12-slim-mirror"
	pushIndex(t, f.baseRef, testkit.BaseSpec{Arch: "amd64", Files: files})
	o.Base = f.baseRef
	o.DebianPlanOnly = true
	if _, err := Build(context.Background(), o); err == nil || !strings.Contains(err.Error(), "127.0.0.1:9") {
		t.Fatalf("without the mirror: %v", err)
	}
	o.Debian.Mirror = a.Server.URL
	o.DebianPlanOnly = false
	res := f.build(t, o)
	if d := res.Images[0].Debian; d == nil || len(d.Packages) != 2 || d.Packages[0].URI != a.Server.URL {
		t.Errorf("through the mirror: %+v", d)
	}
}
