package image

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/containerize/containerize/image/internal/testkit"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/pypi"
	"github.com/containerize/containerize/wheel"
)

var glibcTarget = wheel.Target{PythonVersion: "3.12", Arch: "x86_64", Libc: wheel.Glibc, LibcVersion: "2.36"}

func TestResolve(t *testing.T) {
	ix := testkit.NewIndex()
	defer ix.Close()
	add := func(name, version, tag string) (string, string) {
		file, data := testkit.Wheel(testkit.WheelSpec{Name: name, Version: version, Tag: tag, Files: map[string]string{name + "/__init__.py": tag}})
		ix.Add(name, file, data)
		return file, "sha256:" + testkit.SHA256(data)
	}
	pure, pureHash := add("mixed", "2.0", "py3-none-any")
	_, _ = add("mixed", "2.0", "cp312-cp312-manylinux_2_17_x86_64")
	add("mixed", "1.9", "py3-none-any") // another version: never a candidate
	abi3, abi3Hash := add("stable", "1.0", "cp39-abi3-manylinux_2_28_x86_64")
	add("stable", "1.0", "cp39-abi3-musllinux_1_1_x86_64")
	_, _ = add("viaurl", "3.0", "py3-none-any")
	client, err := pypi.New(pypi.Options{IndexURL: ix.URL(), CacheDir: t.TempDir(), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	urlFile := "viaurl-3.0-py3-none-any.whl"
	reqs := []lockset.Pin{
		// The lock allows only the pure wheel, though the index has a better one: pip's rule keeps the locked one.
		{Name: "mixed", Version: "2.0", Hashes: []string{pureHash}},
		{Name: "stable", Version: "1.0.0", Hashes: []string{abi3Hash}},
		{Name: "viaurl", Version: "3.0", Files: []lockset.File{{Name: urlFile, URL: ix.FileURL(urlFile)}}},
	}
	choices, err := resolve(context.Background(), newIndexClient(client), glibcTarget, reqs)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{choices[0].file.Filename, choices[1].file.Filename, choices[2].file.Filename}
	want := []string{pure, abi3, urlFile}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("choice %d: %s, want %s", i, got[i], want[i])
		}
	}
	if choices[0].want != strings.TrimPrefix(pureHash, "sha256:") {
		t.Errorf("download not pinned to the locked hash: %q", choices[0].want)
	}
	if n := ix.Pages.Load(); n != 2 {
		t.Errorf("%d project pages requested, want 2 (the lock gave viaurl's URL)", n)
	}

	musl := glibcTarget
	musl.Libc, musl.LibcVersion = wheel.Musl, "1.2"
	unhashed := lockset.Pin{Name: "stable", Version: "1.0"}
	choices, err = resolve(context.Background(), newIndexClient(client), musl, []lockset.Pin{unhashed})
	if err != nil || !strings.Contains(choices[0].file.Filename, "musllinux_1_1") {
		t.Errorf("musl: %+v, %v", choices, err)
	}
	// Locked for glibc only: the musl wheel is on the index but not allowed.
	_, err = resolve(context.Background(), newIndexClient(client), musl, reqs[1:2])
	if err == nil || !strings.Contains(err.Error(), "none of its wheels is for this image (stable-1.0-cp39-abi3-manylinux_2_28_x86_64.whl); the index also has stable-1.0-cp39-abi3-musllinux_1_1_x86_64.whl, whose hash the lock does not list") {
		t.Errorf("musl with a glibc-only lock: %v", err)
	}
}

func TestParseHashes(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	h, err := parseHashes(lockset.Pin{Name: "x", Hashes: []string{"sha256:" + hex, "SHA256=" + strings.ToUpper(hex), hex, "sha512:" + strings.Repeat("cd", 64)},
		Files: []lockset.File{{Hash: "sha256:" + strings.Repeat("ef", 32)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.sha256) != 2 || len(h.other) != 1 {
		t.Errorf("%+v", h)
	}
	for _, bad := range []string{"sha256:xyz", "md5:" + hex, "nonsense"} {
		if _, err := parseHashes(lockset.Pin{Name: "x", Version: "1", Hashes: []string{bad}}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDepsCacheIgnoresDamagedEntries(t *testing.T) {
	c := depsCache{dir: t.TempDir()}
	entries := []layer.Entry{{Path: "/opt/venv/x", Mode: 0o644, Data: []byte("x")}}
	_, b, err := c.put("k", entries, layer.Options{}, 1, types.OCILayer)
	if err != nil {
		t.Fatal(err)
	}
	l, rec, ok := c.get("k", types.OCILayer)
	if !ok || rec.Blob != b || rec.Packages != 1 {
		t.Fatalf("get after put: %v %+v", ok, rec)
	}
	if d, _ := l.Digest(); d != b.Digest {
		t.Errorf("digest %v", d)
	}
	blob, record := c.paths("k")
	if err := os.WriteFile(blob, []byte("short"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := c.get("k", types.OCILayer); ok {
		t.Errorf("a truncated blob was used")
	}
	if err := os.Remove(record); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := c.get("k", types.OCILayer); ok {
		t.Errorf("a blob without its record was used")
	}
	if _, _, ok := (depsCache{}).get("k", types.OCILayer); ok {
		t.Errorf("a disabled cache hit")
	}
	if matches, _ := filepath.Glob(filepath.Join(c.dir, ".tmp-*")); len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestInstallRejectsClashes(t *testing.T) {
	ix := testkit.NewIndex()
	defer ix.Close()
	var reqs []lockset.Pin
	for _, name := range []string{"one", "two"} {
		file, data := testkit.Wheel(testkit.WheelSpec{Name: name, Version: "1.0", Files: map[string]string{"shared/mod.py": "from " + name}})
		ix.Add(name, file, data)
		reqs = append(reqs, lockset.Pin{Name: name, Version: "1.0"})
	}
	client, err := pypi.New(pypi.Options{IndexURL: ix.URL(), CacheDir: t.TempDir(), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	choices, err := resolve(context.Background(), newIndexClient(client), glibcTarget, reqs)
	if err != nil {
		t.Fatal(err)
	}
	_, err = install(context.Background(), newIndexClient(client), choices, wheel.VenvLayout(VenvPrefix, "3.12"))
	if err == nil || !strings.Contains(err.Error(), "one-1.0-py3-none-any.whl and two-1.0-py3-none-any.whl both install /opt/venv/lib/python3.12/site-packages/shared/mod.py") {
		t.Errorf("err = %v", err)
	}
}
