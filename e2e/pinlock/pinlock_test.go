package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/containerize/containerize/e2e/internal/pywheel"
)

// variantPipfile is the Pipfile the library scenario locks: the library sample's with
// e2e/projects/library.patch's one change, DRF ~=3.14.0. pipenv 2022.12.19's
// Project.calculate_pipfile_hash() gives 51b7d59c… for it (checked in the python stand-in).
func variantPipfile(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/projects/library/Pipfile")
	if err != nil {
		t.Fatal(err)
	}
	const sample, variant = `djangorestframework = "~=3.11.0"`, `djangorestframework = "~=3.14.0"`
	if !bytes.Contains(data, []byte(sample)) {
		t.Fatalf("the library sample's Pipfile has no %s line any more", sample)
	}
	return strings.Replace(string(data), sample, variant, 1)
}

func TestPipfileHash(t *testing.T) {
	variantPipfile := variantPipfile(t)
	var pf map[string]any
	if _, err := toml.Decode(variantPipfile, &pf); err != nil {
		t.Fatal(err)
	}
	got, err := pipfileHash(pf)
	if err != nil {
		t.Fatal(err)
	}
	if want := "51b7d59cf7660576c6cf985a4300252a06a90c98ba38a9bc657cf739bb0fb7dc"; got != want {
		t.Errorf("pipfileHash = %s, want pipenv's %s", got, want)
	}
	// plette leaves [pipenv] and [scripts] out of the hash but keeps sections it does not know.
	for extra, same := range map[string]bool{"\n[pipenv]\nallow_prereleases = false\n": true, "\n[scripts]\nx = \"y\"\n": true, "\n[custom]\nx = 1\n": false} {
		var pf2 map[string]any
		if _, err := toml.Decode(variantPipfile+extra, &pf2); err != nil {
			t.Fatal(err)
		}
		h, _ := pipfileHash(pf2)
		if (h == got) != same {
			t.Errorf("with %q: hash %s (same as without: %v, want %v)", extra, h, h == got, same)
		}
	}
	if got := asciiJSON(`"é😀<"`); got != `"\u00e9\ud83d\ude00<"` {
		t.Errorf("asciiJSON = %s", got)
	}
}

// wheelDir writes minimal wheels: project -> version and Requires-Dist lines.
func wheelDir(t *testing.T, wheels map[string][]string) string {
	t.Helper()
	dir := t.TempDir()
	for nv, reqs := range wheels {
		name, version, _ := strings.Cut(nv, " ")
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create(pywheel.DistInfoDir(name, version) + "/METADATA")
		md := "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"
		for _, r := range reqs {
			md += "Requires-Dist: " + r + "\n"
		}
		w.Write([]byte(md))
		zw.Close()
		if err := os.WriteFile(filepath.Join(dir, pywheel.WheelFileName(name, version, "py3-none-any")), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var stack = map[string][]string{
	"Django 3.2.25":              {"asgiref", "pytz", "sqlparse", `argon2-cffi>=19.1.0; extra == "argon2"`},
	"djangorestframework 3.14.0": {"django", "pytz"},
	"asgiref 3.6.0":              {`typing-extensions; python_version < "3.8"`},
	"pytz 2022.7.1":              nil,
	"sqlparse 0.4.2":             nil,
	"celery 5.2.6":               {"kombu", `redis!=4.0.0,>=3.4.1; extra == "redis"`, `pywin32; sys_platform == "win32"`},
	"kombu 5.2.4":                nil,
	"redis 4.3.4":                {"async-timeout>=4.0.2"},
	"async_timeout 4.0.2":        nil,
	"legacy_app 1.0":             {"django<3"},
}

func TestLock(t *testing.T) {
	dir := wheelDir(t, stack)
	pipfile := filepath.Join(t.TempDir(), "Pipfile")
	os.WriteFile(pipfile, []byte(variantPipfile(t)+"\n[pipenv]\nallow_prereleases = false\n"), 0o644)
	// Extras and dev packages too.
	data, _ := os.ReadFile(pipfile)
	data = bytes.Replace(data, []byte("[dev-packages]\n"), []byte("[dev-packages]\ncelery = {version = \"*\", extras = [\"redis\"]}\n"), 1)
	os.WriteFile(pipfile, data, 0o644)

	var out bytes.Buffer
	if err := run(dir, pipfile, "3.11.2", &out); err != nil {
		t.Fatal(err)
	}
	var lock struct {
		Meta    map[string]any                    `json:"_meta"`
		Default map[string]map[string]any         `json:"default"`
		Develop map[string]map[string]interface{} `json:"develop"`
	}
	if err := json.Unmarshal(out.Bytes(), &lock); err != nil {
		t.Fatalf("%v\n%s", err, &out)
	}
	names := func(m map[string]map[string]any) []string {
		var n []string
		for k := range m {
			n = append(n, k)
		}
		sort.Strings(n)
		return n
	}
	// typing-extensions is for Python < 3.8 and argon2 is an extra nobody asked for.
	if got, want := names(lock.Default), []string{"asgiref", "django", "djangorestframework", "pytz", "sqlparse"}; !reflect.DeepEqual(got, want) {
		t.Errorf("default %q, want %q", got, want)
	}
	// The redis extra pulls redis and its dependency; the win32 one does not apply.
	if got, want := names(lock.Develop), []string{"async-timeout", "celery", "kombu", "redis"}; !reflect.DeepEqual(got, want) {
		t.Errorf("develop %q, want %q", got, want)
	}
	dj := lock.Default["django"]
	if dj["version"] != "==3.2.25" || dj["index"] != "pypi" {
		t.Errorf("django entry %v", dj)
	}
	if _, ok := lock.Default["pytz"]["index"]; ok {
		t.Error("a transitive dependency got an index")
	}
	whl, _ := os.ReadFile(filepath.Join(dir, "django-3.2.25-py3-none-any.whl"))
	if h := dj["hashes"].([]any); len(h) != 1 || h[0] != "sha256:"+pywheel.HexSHA256(whl) {
		t.Errorf("django hashes %v", h)
	}
	if !reflect.DeepEqual(lock.Develop["celery"]["extras"], []any{"redis"}) {
		t.Errorf("celery extras %v", lock.Develop["celery"]["extras"])
	}
	var pf map[string]any
	toml.Decode(string(data), &pf)
	if want, _ := pipfileHash(pf); lock.Meta["hash"].(map[string]any)["sha256"] != want {
		t.Errorf("_meta.hash %v, want %s", lock.Meta["hash"], want)
	}
	if !strings.HasPrefix(out.String(), "{\n    \"_meta\": {\n        \"hash\": {\n") {
		t.Errorf("not pipenv's layout:\n%s", out.String()[:80])
	}
}

func TestLockErrors(t *testing.T) {
	dir := wheelDir(t, stack)
	tests := map[string]string{
		"django = \"~=4.2\"\n":                 "django ~=4.2 (needed by Pipfile): the wheelhouse has only 3.2.25",
		"flask = \"*\"\n":                      "flask (needed by Pipfile) is not in the wheelhouse",
		"foo = {path = \".\"}\n":               "foo: path requirements are not served",
		"django = \"*\"\nlegacy-app = \"*\"\n": "django <3 (needed by legacy-app 1.0) conflicts with the pinned 3.2.25",
	}
	for packages, want := range tests {
		pipfile := filepath.Join(t.TempDir(), "Pipfile")
		os.WriteFile(pipfile, []byte("[[source]]\nname = \"pypi\"\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\n\n[packages]\n"+packages), 0o644)
		err := run(dir, pipfile, "3.11.2", &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to mention %q", packages, err, want)
		}
	}
}
