package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadServedAndCheck(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"django-3.2.25-py3-none-any.whl":                    "",
		"psycopg2-2.9.5-cp311-cp311-linux_x86_64.whl":       "",
		"other-1.0-cp312-cp312-linux_x86_64.whl":            "", // not for the 3.11 image
		"virtualenv-20.17.1+ds-py3-none-any.whl":            "",
		"typing_extensions-4.4.0-py3-none-any.whl":          "",
		"armonly-1.0-cp311-cp311-linux_aarch64.whl":         "",
		"Pillow-9.4.0-cp311-cp311-linux_x86_64.whl":         "",
		"zope.interface-5.5.2-cp311-cp311-linux_x86_64.whl": "",
	})
	served, err := loadServed(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := served["other"]; ok {
		t.Error("a cp312 wheel counted as served to the 3.11 image")
	}
	if _, ok := served["armonly"]; ok {
		t.Error("an aarch64 wheel counted as served to an x86_64 image")
	}
	misses := served.check([]Want{
		{Name: "Django", Specifier: ">=3.2,<4"},
		{Name: "django", Specifier: "==5.2.7", From: "uv.lock:3"},
		{Name: "psycopg2", Specifier: "==2.9.5"},
		{Name: "virtualenv", Specifier: ">=20"},
		{Name: "typing-extensions"},
		{Name: "pillow", Specifier: "~=9.4"},
		{Name: "zope-interface"},
		{Name: "uv", From: "tools"},
		{Name: "other"},
	})
	want := []Miss{
		{Name: "django", Asked: "==5.2.7", Served: []string{"3.2.25"}, From: "uv.lock:3"},
		{Name: "uv", From: "tools"},
		{Name: "other"},
	}
	if !reflect.DeepEqual(misses, want) {
		t.Errorf("misses:\n got %+v\nwant %+v", misses, want)
	}
	if s := misses[0].String(); s != "django==5.2.7: served 3.2.25" {
		t.Errorf("miss shown as %q", s)
	}
	if s := misses[1].String(); s != "uv (any): not served" {
		t.Errorf("miss shown as %q", s)
	}
	if _, err := loadServed(t.TempDir()); err == nil {
		t.Error("an empty wheel folder loaded")
	}
}

func TestWantsAndHashes(t *testing.T) {
	tree := t.TempDir()
	write(t, tree, map[string]string{
		"pyproject.toml":   "[build-system]\nrequires = [\"hatchling>=1.20\"]\nbuild-backend = \"hatchling.build\"\n",
		"requirements.txt": "django==4.2.3 \\\n    --hash=sha256:abc\n",
	})
	var p plan
	p.Plan.Image.Dependencies.Command = "pip install ."
	p.Plan.Image.ExtraPackage = []string{"gunicorn"}
	var d detected
	d.Dependencies = append(d.Dependencies, struct {
		Name      string `json:"name"`
		Specifier string `json:"specifier"`
		Version   string `json:"version"`
		Source    string `json:"source"`
	}{Name: "django", Specifier: ">=4.2", Source: "pyproject.toml:7"})
	got := wants(p, d, tree)
	want := []Want{
		{Name: "django", Specifier: ">=4.2", From: "pyproject.toml:7"},
		{Name: "hatchling", Specifier: ">=1.20", From: "pyproject.toml [build-system] requires"},
		{Name: "gunicorn", From: "the plan's extra packages"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("wants of pip install .:\n got %+v\nwant %+v", got, want)
	}
	if h := hashChecked(p, tree); h != "" {
		t.Errorf("pip install . is not hash-checked, got %q", h)
	}

	// A lockfile through its tool: the tool is installed first, the pins are exact, and the
	// install checks PyPI's hashes.
	var lp plan
	lp.Plan.Image.Dependencies.Tools = []string{"uv"}
	lp.Plan.Image.Dependencies.Lockfile = "uv.lock"
	d.Dependencies[0].Version = "5.2.7"
	got = wants(lp, d, tree)
	if len(got) != 2 || got[0].Name != "uv" || got[1].Specifier != "==5.2.7" {
		t.Errorf("wants of a uv lock: %+v", got)
	}
	if h := hashChecked(lp, tree); !strings.Contains(h, "uv.lock") {
		t.Errorf("a lockfile export is hash-checked, got %q", h)
	}

	var rp plan
	rp.Plan.Image.Dependencies.RequirementsFile = "requirements.txt"
	if h := hashChecked(rp, tree); !strings.Contains(h, "requirements.txt") {
		t.Errorf("a requirements file with --hash is hash-checked, got %q", h)
	}

	// No pyproject.toml: pip builds with setuptools' legacy backend.
	if reqs := buildRequires(filepath.Join(t.TempDir(), "pyproject.toml")); len(reqs) != 2 || reqs[0].Name != "setuptools" {
		t.Errorf("legacy build requires: %+v", reqs)
	}
}

func TestAdminURL(t *testing.T) {
	for name, c := range map[string]struct {
		files map[string]string
		want  string
	}{
		"path":        {map[string]string{"proj/urls.py": "urlpatterns = [\n    path('backoffice/', admin.site.urls),\n]\n"}, "/backoffice/"},
		"old url":     {map[string]string{"proj/urls.py": "urlpatterns = [url(r'^admin/', include(admin.site.urls))]\n"}, "/admin/"},
		"re_path":     {map[string]string{"a/urls.py": "re_path(r\"^django-admin/\", admin.site.urls),\n"}, "/django-admin/"},
		"none":        {map[string]string{"proj/urls.py": "urlpatterns = []\n"}, "/admin/"},
		"from a name": {map[string]string{"proj/urls.py": "path(settings.ADMIN_URL, admin.site.urls)\n"}, "/admin/"},
		"in tests":    {map[string]string{"tests/urls.py": "path('x/', admin.site.urls)\n"}, "/admin/"},
	} {
		dir := t.TempDir()
		write(t, dir, c.files)
		if got := adminURL(dir); got != c.want {
			t.Errorf("%s: got %q, want %q", name, got, c.want)
		}
	}
}

func TestReason(t *testing.T) {
	r := Result{Checked: 3, Hashes: "hash-checked: …", Unservable: []Miss{{Name: "uv"}}}
	if got := r.Reason(); !strings.HasPrefix(got, "1 of 3 requirements unservable, first uv (any)") {
		t.Errorf("reason %q", got)
	}
	r.Unservable = nil
	if got := r.Reason(); got != "hash-checked: …" {
		t.Errorf("reason %q", got)
	}
	r.InitError = "no WSGI application found"
	if got := r.Reason(); got != "init: no WSGI application found" {
		t.Errorf("reason %q", got)
	}
}
