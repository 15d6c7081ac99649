package install

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/deb/ldcache"
	"github.com/containerize/containerize/deb/resolve"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/internal/debtest"
)

// geo is a small GeoDjango-like archive: libgeo1 depends on an alternative (libproj25 | libproj22, the
// second missing), a virtual package (libblas.so.3, provided by libblas3 whose postinst makes the
// alternatives link), a package the base has (libc6) and a usr-merge path (/lib/...).
func geo() *debtest.Archive {
	return &debtest.Archive{
		Installed: "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nArchitecture: amd64\nMulti-Arch: same\n",
		Debs: []debtest.Deb{
			{Control: "Package: libgeo1\nVersion: 3.11-1\nArchitecture: amd64\nMulti-Arch: same\nDepends: libc6 (>= 2.34), libproj25 | libproj22, libblas.so.3",
				Files: map[string]string{"/usr/lib/x86_64-linux-gnu/libgeo.so.1.0": "ELF geo"},
				Links: map[string]string{"/usr/lib/x86_64-linux-gnu/libgeo.so.1": "libgeo.so.1.0"}},
			{Control: "Package: libproj25\nVersion: 9.1-1\nArchitecture: amd64\nDepends: libc6",
				Files: map[string]string{"/lib/x86_64-linux-gnu/libproj.so.25": "ELF proj"}},
			{Control: "Package: libblas3\nVersion: 3.11-1\nArchitecture: amd64\nProvides: libblas.so.3",
				Files:    map[string]string{"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3": "ELF blas"},
				Postinst: "#!/bin/sh\nset -e\nupdate-alternatives --install /usr/lib/x86_64-linux-gnu/libblas.so.3 \\\n  libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/blas/libblas.so.3 10\n"},
			{Control: "Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\nMulti-Arch: same",
				Files: map[string]string{"/usr/lib/x86_64-linux-gnu/libc.so.6": "ELF libc"}},
			{Control: "Package: clash\nVersion: 1\nArchitecture: amd64\nDepends: libproj25",
				Files: map[string]string{"/usr/lib/x86_64-linux-gnu/libproj.so.25": "another proj"}},
			{Control: "Package: broken\nVersion: 1\nArchitecture: amd64\nDepends: libgeo1, libnothere (>= 2)"},
		},
	}
}

func options(t *testing.T, a *debtest.Archive) Options {
	files := a.Serve(t)
	root := fstest.MapFS{}
	for p, data := range files {
		root[p] = &fstest.MapFile{Data: data}
	}
	return Options{Root: root, Arch: "amd64", Client: a.Server.Client(), Clock: debtest.Clock, Cache: t.TempDir(), UsrMerged: []string{"/bin", "/lib"}}
}

func TestResolveAndLay(t *testing.T) {
	a := geo()
	opts := options(t, a)
	set, err := Resolve(context.Background(), opts, []string{"libgeo1", "libc6"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range set.Packages {
		got = append(got, p.Name+" "+strings.Join(p.Why, ">"))
	}
	want := []string{"libblas3 libgeo1>libblas3", "libgeo1 libgeo1", "libproj25 libgeo1>libproj25"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("packages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Join(set.AlreadyInstalled, ",") != "libc6" || set.Release != "debian bookworm amd64" {
		t.Errorf("already %v, release %q", set.AlreadyInstalled, set.Release)
	}

	laid, err := Lay(context.Background(), opts, set, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]layer.Entry{}
	for _, e := range laid.Entries {
		if _, dup := entries[e.Path]; dup {
			t.Errorf("%s twice", e.Path)
		}
		entries[e.Path] = e
	}
	content := func(p string) string {
		e, ok := entries[p]
		if !ok {
			t.Errorf("no %s", p)
			return ""
		}
		if e.Link != "" {
			return "-> " + e.Link
		}
		if e.Data != nil {
			return string(e.Data)
		}
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, _ := io.ReadAll(rc)
		return string(b)
	}
	for p, w := range map[string]string{
		"/usr/lib/x86_64-linux-gnu/libgeo.so.1.0":         "ELF geo",
		"/usr/lib/x86_64-linux-gnu/libgeo.so.1":           "-> libgeo.so.1.0",
		"/usr/lib/x86_64-linux-gnu/libproj.so.25":         "ELF proj", // shipped under /lib, a symlink in the base
		"/usr/lib/x86_64-linux-gnu/libblas.so.3":          "-> /etc/alternatives/libblas.so.3-x86_64-linux-gnu",
		"/etc/alternatives/libblas.so.3-x86_64-linux-gnu": "-> /usr/lib/x86_64-linux-gnu/blas/libblas.so.3",
	} {
		if got := content(p); got != w {
			t.Errorf("%s: %q, want %q", p, got, w)
		}
	}
	for _, p := range []string{"/lib", "/lib/x86_64-linux-gnu", "/var/lib/dpkg/status.d/libgeo1"} {
		if _, ok := entries[p]; ok {
			t.Errorf("%s should not be in the layer", p)
		}
	}
	status := content("/var/lib/dpkg/status")
	if !strings.HasPrefix(status, "Package: libc6\nStatus: install ok installed\n") || !strings.Contains(status, "\n\nPackage: libgeo1\nStatus: install ok installed\nVersion: 3.11-1\n") {
		t.Errorf("merged status:\n%s", status)
	}
	if !strings.Contains(content("/var/lib/dpkg/info/libgeo1:amd64.list"), "/usr/lib/x86_64-linux-gnu/libgeo.so.1.0\n") {
		t.Errorf("libgeo1's file list")
	}
	if len(laid.Scripts) != 1 || laid.Scripts[0].Package != "libblas3" || laid.Scripts[0].Actions[0].Kind != resolve.KindAlternatives {
		t.Errorf("scripts: %+v", laid.Scripts)
	}
	if _, err := layer.Write(io.Discard, laid.Entries, layer.Options{}); err != nil {
		t.Errorf("the entries do not make a layer: %v", err)
	}

	// A second Lay takes every .deb from the cache: no request.
	before := a.Requests()
	if _, err := Lay(context.Background(), opts, set, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if n := a.Requests() - before; n != 0 {
		t.Errorf("a warm Lay sent %d requests", n)
	}
}

func TestRefusals(t *testing.T) {
	ctx := context.Background()

	// An unresolvable dependency names its chain.
	opts := options(t, geo())
	_, err := Resolve(ctx, opts, []string{"broken"})
	var chain *resolve.ChainError
	if !errors.As(err, &chain) || !strings.Contains(err.Error(), "broken (requested) → libnothere (>= 2) → not in the archive") {
		t.Errorf("missing dependency: %v", err)
	}

	// Two packages shipping one file.
	set, err := Resolve(ctx, opts, []string{"clash"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lay(ctx, opts, set, t.TempDir()); err == nil || !strings.Contains(err.Error(), "libproj25 and clash both ship /usr/lib/x86_64-linux-gnu/libproj.so.25") &&
		!strings.Contains(err.Error(), "clash and libproj25 both ship /usr/lib/x86_64-linux-gnu/libproj.so.25") {
		t.Errorf("file clash: %v", err)
	}

	// A .deb that differs from the index.
	a := geo()
	a.TamperDeb = "libproj25"
	opts = options(t, a)
	set, err = Resolve(ctx, opts, []string{"libproj25"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lay(ctx, opts, set, t.TempDir()); err == nil || !strings.Contains(err.Error(), "does not match the Packages index") {
		t.Errorf("tampered .deb: %v", err)
	}

	// An index signed by a key the base does not trust.
	a = geo()
	a.Trusted = debtest.NewKey(t, "someone else")
	opts = options(t, a)
	if _, err := Resolve(ctx, opts, []string{"libgeo1"}); err == nil || !strings.Contains(err.Error(), "InRelease") {
		t.Errorf("untrusted signature: %v", err)
	}

	// Lay needs a cache.
	opts.Cache = ""
	if _, err := Lay(ctx, opts, &Set{}, filepath.Join(t.TempDir(), "s")); err == nil {
		t.Error("Lay without a cache")
	}
}

// TestLdCache lays a real shared library (this machine's zlib) on a base with this machine's
// ld.so.cache: the new cache lists it where the layer put it.
func TestLdCache(t *testing.T) {
	libs, _ := filepath.Glob("/usr/lib/x86_64-linux-gnu/libz.so.1.*")
	cache, err := os.ReadFile("/etc/ld.so.cache")
	if len(libs) == 0 || err != nil {
		t.Skip("no x86-64 zlib or ld.so.cache on this machine")
	}
	elfData, err := os.ReadFile(libs[0])
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(libs[0])
	a := &debtest.Archive{Debs: []debtest.Deb{{Control: "Package: zlib1g\nVersion: 1.3-1\nArchitecture: amd64",
		Files: map[string]string{"/opt/zz/lib/" + name: string(elfData), "/etc/ld.so.conf.d/zz.conf": "/opt/zz/lib\n"},
		Links: map[string]string{"/opt/zz/lib/libz.so.1": name}}}}
	opts := options(t, a)
	opts.Root.(fstest.MapFS)["etc/ld.so.cache"] = &fstest.MapFile{Data: cache}
	set, err := Resolve(context.Background(), opts, []string{"zlib1g"})
	if err != nil {
		t.Fatal(err)
	}
	laid, err := Lay(context.Background(), opts, set, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range laid.Entries {
		if e.Path != "/etc/ld.so.cache" {
			continue
		}
		c, err := ldcache.Parse(e.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, le := range c.Entries {
			if le.Value == "/opt/zz/lib/libz.so.1" && le.Key == "libz.so.1" {
				return
			}
		}
		t.Fatal("the new cache does not list /opt/zz/lib/libz.so.1")
	}
	t.Fatal("no /etc/ld.so.cache in the layer")
}

func TestPathFilter(t *testing.T) {
	root := fstest.MapFS{"etc/dpkg/dpkg.cfg.d/docker": {Data: []byte("# slim\npath-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude=/usr/share/man/*\n")}}
	f := readPathFilter(root)
	dir := func(p string) layer.Entry { return layer.Entry{Path: p, Mode: fs.ModeDir | 0o755} }
	file := func(p string) layer.Entry { return layer.Entry{Path: p, Mode: 0o644} }
	var got []string
	for _, e := range f.apply([]layer.Entry{dir("/usr"), dir("/usr/share"), dir("/usr/share/doc"), dir("/usr/share/doc/libpq5"),
		file("/usr/share/doc/libpq5/changelog.Debian.gz"), file("/usr/share/doc/libpq5/copyright"),
		dir("/usr/share/man"), dir("/usr/share/man/man1"), file("/usr/share/man/man1/psql.1.gz"), file("/usr/lib/libpq.so.5")}) {
		got = append(got, e.Path)
	}
	want := "/usr /usr/share /usr/share/doc /usr/share/doc/libpq5 /usr/share/doc/libpq5/copyright /usr/share/man /usr/lib/libpq.so.5"
	if strings.Join(got, " ") != want {
		t.Errorf("kept %s\nwant %s", strings.Join(got, " "), want)
	}
	for _, c := range []struct {
		glob, name string
		match      bool
	}{{"/usr/share/doc/*", "/usr/share/doc/a/b/c", true}, {"/usr/share/doc/*/copyright", "/usr/share/doc/x/copyright", true},
		{"/usr/share/locale/*", "/usr/share/localex", false}, {"/usr/lib/[lm]ib*", "/usr/lib/libx", true}, {"/a?c", "/a/c", true}} {
		if globMatch(c.glob, c.name) != c.match {
			t.Errorf("globMatch(%q, %q) != %v", c.glob, c.name, c.match)
		}
	}
}
