package venv

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// TestSystemPaths finds and reads virtualenvs named the way this system writes paths (on
// Windows "C:\Users\…", which Find once refused as not absolute): the project, VIRTUAL_ENV
// and WORKON_HOME come in as the OS gives them, and an outside virtualenv's paths come out
// in the same form.
func TestSystemPaths(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"proj/manage.py":       "",
		"proj/venv/pyvenv.cfg": "version = 3.11.4\n",
		"proj/venv/lib/python3.11/site-packages/django-5.1.dist-info/METADATA": "Metadata-Version: 2.1\nName: Django\nVersion: 5.1\n",
		"active/pyvenv.cfg": "version = 3.12.1\n",
		"active/lib/python3.12/site-packages/rich-13.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: rich\nVersion: 13.0\n",
		"wrapper/shop/pyvenv.cfg":                        "version = 3.10.0\n",
		"wrapper/shop/lib/python3.10/site-packages/x.py": "",
	})
	project, active := filepath.Join(root, "proj"), filepath.Join(root, "active")
	os.WriteFile(filepath.Join(root, "wrapper", "shop", ".project"), []byte(project+"\n"), 0o644)
	l := Locator{Project: project, FS: SystemFS(), Home: filepath.Join(root, "home"),
		Getenv: env(map[string]string{"VIRTUAL_ENV": active, "WORKON_HOME": filepath.Join(root, "wrapper")})}
	found, err := l.Find()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"venv": "project", active: "VIRTUAL_ENV", filepath.Join(root, "wrapper", "shop"): "WORKON_HOME"}
	if len(found) != len(want) {
		t.Fatalf("Find() = %+v", found)
	}
	for _, v := range found {
		if want[v.Path] != v.Origin {
			t.Errorf("found %s (%s); want the paths %v", v.Path, v.Origin, want)
		}
		if v.Origin == "VIRTUAL_ENV" && v.SitePackages[0] != filepath.Join(active, "lib", "python3.12", "site-packages") {
			t.Errorf("site-packages %q not in this system's form", v.SitePackages[0])
		}
		dists, err := l.Read(v)
		if err != nil {
			t.Errorf("Read(%s): %v", v.Path, err)
		}
		if v.Origin != "WORKON_HOME" && len(dists) != 1 {
			t.Errorf("Read(%s) = %+v", v.Path, dists)
		}
	}
	v, err := l.At(active)
	if err != nil || v.Path != active || v.Python != "3.12" {
		t.Errorf("At(%s) = %+v, %v", active, v, err)
	}
	if _, err := (Locator{Project: "proj", FS: SystemFS()}).Find(); err == nil {
		t.Error("a relative project path was accepted")
	}
}

func TestSlashPath(t *testing.T) {
	for _, p := range []string{t.TempDir(), filepath.Join(t.TempDir(), "a b", "c"), "rel/dir"} {
		if got := osPath(slashPath(p)); got != filepath.Clean(p) && got != p {
			t.Errorf("osPath(slashPath(%q)) = %q", p, got)
		}
		if filepath.IsAbs(p) && slashPath(p)[0] != '/' {
			t.Errorf("slashPath(%q) = %q is not rooted", p, slashPath(p))
		}
	}
}

// TestSystemFS holds SystemFS to the fs.FS contract below a temporary folder.
func TestSystemFS(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a/b/c.txt": "c"})
	sub, err := fs.Sub(SystemFS(), strings.TrimPrefix(slashPath(root), "/"))
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(sub, "a/b/c.txt"); err != nil {
		t.Error(err)
	}
	if _, err := SystemFS().Open("/etc"); err == nil {
		t.Error("an invalid name was opened")
	}
}
