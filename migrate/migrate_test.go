package migrate

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/golden"
)

// djangoSite installs a small Django stack: Django and DRF asked for, the
// rest their dependencies, plus the installer tools.
func djangoSite(w world, site string) world {
	return w.
		add(site, dist{name: "Django", version: "3.2.25", requested: true, topLevel: "django",
			requires: []string{"asgiref (<4,>=3.3.2)", "pytz", "sqlparse (>=0.2.2)", "argon2-cffi (>=19.1.0) ; extra == 'argon2'"}}).
		add(site, dist{name: "djangorestframework", version: "3.12.4", requested: true, topLevel: "rest_framework", requires: []string{"django (>=2.2)"}}).
		add(site, dist{name: "asgiref", version: "3.7.2", topLevel: "asgiref", requires: []string{"typing-extensions (>=4) ; python_version < \"3.11\""}}).
		add(site, dist{name: "typing_extensions", version: "4.9.0", modules: nil}).
		add(site, dist{name: "pytz", version: "2024.1", topLevel: "pytz"}).
		add(site, dist{name: "sqlparse", version: "0.4.4", modules: []string{"sqlparse"}}).
		add(site, dist{name: "pip", version: "23.0.1", topLevel: "pip"}).
		add(site, dist{name: "setuptools", version: "65.5.0", topLevel: "_distutils_hack\npkg_resources\nsetuptools"})
}

func legacyProject() world {
	w := world{}
	w.project(map[string]string{
		"manage.py":           "import os\nimport sys\n\nif __name__ == '__main__':\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n",
		"shop/__init__.py":    "",
		"shop/settings.py":    "import os\nSECRET_KEY = 'x'\nINSTALLED_APPS = ['rest_framework', 'orders']\n",
		"shop/urls.py":        "from django.urls import path\nfrom orders import views\n",
		"orders/__init__.py":  "",
		"orders/views.py":     "from rest_framework import viewsets\nfrom .models import Order\nimport yaml\n\ndef export():\n    import bs4\n    return bs4\n",
		"orders/models.py":    "from django.db import models\n",
		"orders/helpers.py":   "import models  # a Python 2 implicit relative import\n",
		"node_modules/x/a.py": "import leftpad\n",
	})
	djangoSite(w, w.pyvenv("proj/venv", "3.8.10"))
	return w
}

func TestLegacyNoManifest(t *testing.T) {
	in := load(t, legacyProject())
	r := analyze(t, in)

	if got, want := r.TopLevel, []string{"django", "djangorestframework"}; !slices.Equal(got, want) {
		t.Errorf("TopLevel = %v, want %v", got, want)
	}
	var undeclared []string
	for _, d := range r.InstalledNotDeclared {
		undeclared = append(undeclared, d.Name+"=="+d.Installed+" "+d.Source)
	}
	want := []string{
		"django==3.2.25 venv/lib/python3.8/site-packages/Django-3.2.25.dist-info",
		"djangorestframework==3.12.4 venv/lib/python3.8/site-packages/djangorestframework-3.12.4.dist-info",
	}
	if diff := cmp.Diff(want, undeclared); diff != "" {
		t.Errorf("InstalledNotDeclared (-want +got):\n%s", diff)
	}
	if len(r.DeclaredNotInstalled)+len(r.VersionDiffers) != 0 {
		t.Errorf("no manifest, yet drift: %+v %+v", r.DeclaredNotInstalled, r.VersionDiffers)
	}
	wantImports := []Import{
		{Module: "bs4", Source: "orders/views.py:6", Suggest: "beautifulsoup4"},
		{Module: "yaml", Source: "orders/views.py:3", Suggest: "PyYAML"},
	}
	if diff := cmp.Diff(wantImports, r.UnprovidedImports); diff != "" {
		t.Errorf("UnprovidedImports (-want +got):\n%s", diff)
	}
	if r.PythonWarning == "" || !strings.Contains(r.PythonWarning, "nearest is 3.10") {
		t.Errorf("PythonWarning = %q, want the nearest supported version", r.PythonWarning)
	}

	var human bytes.Buffer
	r.Human(&human)
	golden.Assert(t, human.String(), "legacy/report.golden")
	for _, format := range []string{FormatRequirements, FormatPipfile, FormatPyproject} {
		files := plan(t, in, r, format)
		for name, content := range files {
			golden.Assert(t, content, filepath.Join("legacy", format, name))
		}
	}
}

func TestDrift(t *testing.T) {
	w := legacyProject()
	w.project(map[string]string{
		"requirements.txt": "Django==3.1.14\nrequests>=2.0\ncelery[redis]~=5.2\nPyYAML>=5\ndjangorestframework>=3.12,<3.13\n",
		"shop/tasks.py":    "from celery import shared_task\nimport requests\nfrom PIL import Image\nimport gunicorn\n",
	})
	site := "proj/venv/lib/python3.8/site-packages"
	w.add(site, dist{name: "celery", version: "5.2.7", requested: true, topLevel: "celery", requires: []string{"kombu (<6.0,>=5.2.3)", "redis (!=4.0.0,!=4.0.1,>=3.4.1) ; extra == 'redis'"}}).
		add(site, dist{name: "kombu", version: "5.2.4", topLevel: "kombu"}).
		add(site, dist{name: "redis", version: "4.5.5", topLevel: "redis"}).
		add(site, dist{name: "Pillow", version: "9.5.0", requested: true, topLevel: "PIL"}).
		add(site, dist{name: "gunicorn", version: "20.1.0", requested: true, topLevel: "gunicorn", requires: []string{"setuptools (>=3.0)"}})
	in := load(t, w)
	r := analyze(t, in)

	wantDrift := map[string][]Drift{
		"DeclaredNotInstalled": {
			{Name: "pyyaml", Declared: ">=5", Source: "requirements.txt:4"},
			{Name: "requests", Declared: ">=2.0", Source: "requirements.txt:2"},
		},
		"InstalledNotDeclared": {
			{Name: "gunicorn", Installed: "20.1.0", Source: "venv/lib/python3.8/site-packages/gunicorn-20.1.0.dist-info"},
			{Name: "pillow", Installed: "9.5.0", Source: "venv/lib/python3.8/site-packages/Pillow-9.5.0.dist-info"},
		},
		"VersionDiffers": {
			{Name: "django", Declared: "==3.1.14", Installed: "3.2.25", Source: "requirements.txt:1"},
		},
	}
	gotDrift := map[string][]Drift{
		"DeclaredNotInstalled": r.DeclaredNotInstalled,
		"InstalledNotDeclared": r.InstalledNotDeclared,
		"VersionDiffers":       r.VersionDiffers,
	}
	if diff := cmp.Diff(wantDrift, gotDrift); diff != "" {
		t.Errorf("drift (-want +got):\n%s", diff)
	}
	// yaml is declared (PyYAML), requests declared, PIL installed (Pillow):
	// only bs4 is provided by nothing.
	if diff := cmp.Diff([]Import{{Module: "bs4", Source: "orders/views.py:6", Suggest: "beautifulsoup4"}}, r.UnprovidedImports); diff != "" {
		t.Errorf("UnprovidedImports (-want +got):\n%s", diff)
	}
	if got, want := r.TopLevel, []string{"celery", "django", "djangorestframework", "gunicorn", "pillow"}; !slices.Equal(got, want) {
		t.Errorf("TopLevel = %v, want %v", got, want)
	}

	var human bytes.Buffer
	r.Human(&human)
	golden.Assert(t, human.String(), "drift/report.golden")
	for name, content := range plan(t, in, r, FormatRequirements) {
		golden.Assert(t, content, filepath.Join("drift", name))
	}
}

func TestPython27(t *testing.T) {
	w := world{}
	w.project(map[string]string{
		"manage.py":         "#!/usr/bin/env python\nimport os, sys\nfrom django.core.management import execute_from_command_line\n",
		"site1/__init__.py": "",
		"site1/settings.py": "import ConfigParser\nimport urllib2\nfrom StringIO import StringIO\nimport string\n",
	})
	site := w.legacyVirtualenv("proj/env", "2.7")
	w.add(site, dist{name: "Django", version: "1.11.29", eggInfo: true, modules: []string{"django"}, requires: []string{"pytz"}}).
		add(site, dist{name: "pytz", version: "2019.3", eggInfo: true, modules: []string{"pytz"}}).
		add(site, dist{name: "futures", version: "3.3.0", requiresPython: ">=2.6, <3", requested: true, topLevel: "concurrent"}).
		add(site, dist{name: "six", version: "1.16.0", requiresPython: ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*", requested: true, topLevel: "six"}).
		add(site, dist{name: "MySQL-python", version: "1.2.5", eggInfo: true, modules: []string{"MySQLdb", "_mysql"}})
	in := load(t, w)
	if in.Venv.Layout != "virtualenv-legacy" || in.Venv.Python != "2.7" {
		t.Fatalf("venv = %+v, want a legacy virtualenv of Python 2.7", in.Venv)
	}
	r := analyze(t, in)
	if diff := cmp.Diff([]Blocker{{Name: "futures", Version: "3.3.0", RequiresPython: ">=2.6, <3",
		Source: "env/lib/python2.7/site-packages/futures-3.3.0.dist-info"}}, r.Blockers); diff != "" {
		t.Errorf("Blockers (-want +got):\n%s", diff)
	}
	var py2 []string
	for _, i := range r.UnprovidedImports {
		if i.Py2Only {
			py2 = append(py2, i.Module+"→"+i.Suggest)
		}
	}
	if want := []string{"ConfigParser→configparser", "StringIO→io", "urllib2→urllib.request"}; !slices.Equal(py2, want) {
		t.Errorf("Python 2-only imports = %v, want %v", py2, want)
	}
	var human bytes.Buffer
	r.Human(&human)
	golden.Assert(t, human.String(), "py27/report.golden")
	for name, content := range plan(t, in, r, FormatPipfile) {
		golden.Assert(t, content, filepath.Join("py27", name))
	}
}

// directInstalls is a project whose virtualenv holds editable, VCS, archive
// and local-folder installs.
func directInstalls() world {
	w := world{}
	w.project(map[string]string{
		"manage.py":           "import django\n",
		"web/__init__.py":     "",
		"web/views.py":        "import mylib\nimport legacylib\nimport rellib\nimport gitdep\nimport zipdep\nimport shared\nimport localpkg\n",
		"libs/mylib/setup.py": "from setuptools import setup\nsetup(name='mylib')\n",
	})
	site := w.pyvenv("proj/.venv", "3.11.4")
	djangoSite(w, site)
	w.add(site, dist{name: "mylib", version: "0.3.0", requested: true, topLevel: "mylib",
		directURL: `{"url": "file:///proj/libs/mylib", "dir_info": {"editable": true}}`}).
		add(site, dist{name: "gitdep", version: "1.0.0", requested: true, topLevel: "gitdep",
			directURL: `{"url": "https://github.com/example/gitdep.git", "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef0123456789abcdef01234567", "requested_revision": "main"}}`}).
		add(site, dist{name: "zipdep", version: "2.0", requested: true, topLevel: "zipdep",
			directURL: `{"url": "https://example.com/zipdep-2.0.tar.gz", "archive_info": {}}`}).
		add(site, dist{name: "shared", version: "5.0", requested: true, topLevel: "shared",
			directURL: `{"url": "file:///home/dev/shared", "dir_info": {"editable": true}}`}).
		add(site, dist{name: "localpkg", version: "0.1", requested: true, topLevel: "localpkg",
			directURL: `{"url": "file:///proj/vendor/localpkg", "dir_info": {}}`})
	w.eggLink(site, "legacylib", "0.9", "proj/src/legacylib", "/proj/src/legacylib")
	// A relative .egg-link is relative to site-packages.
	w.eggLink(site, "rellib", "0.1", "proj/src/rellib", "../../../../src/rellib")
	return w
}

func TestEditableAndVCS(t *testing.T) {
	in := load(t, directInstalls())
	r := analyze(t, in)
	if len(r.UnprovidedImports) != 0 {
		t.Errorf("UnprovidedImports = %+v, want none: every import is installed", r.UnprovidedImports)
	}
	for _, format := range []string{FormatRequirements, FormatPipfile, FormatPyproject} {
		for name, content := range plan(t, in, r, format) {
			golden.Assert(t, content, filepath.Join("direct", format, name))
		}
	}
}

// TestAppInSubfolder writes the manifest where the app is, and editable
// installs relative to it.
func TestAppInSubfolder(t *testing.T) {
	w := world{}
	w.project(map[string]string{
		"src/manage.py":        "import django\nimport mylib\n",
		"src/shop/__init__.py": "",
		"src/requirements.txt": "Django==3.2.25\n",
	})
	site := w.pyvenv("proj/venv", "3.12.1")
	djangoSite(w, site)
	w.add(site, dist{name: "mylib", version: "0.3.0", requested: true, topLevel: "mylib",
		directURL: `{"url": "file:///proj/libs/mylib", "dir_info": {"editable": true}}`})
	in := load(t, w)
	r := analyze(t, in)
	if r.PythonWarning != "" || len(r.Blockers) != 0 {
		t.Errorf("Python 3.12 is supported, yet warning %q, blockers %v", r.PythonWarning, r.Blockers)
	}
	files := plan(t, in, r, FormatRequirements)
	got := files["src/requirements.txt"]
	for _, want := range []string{"\nDjango==3.2.25\n", "\n-e ../libs/mylib\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("src/requirements.txt lacks %q:\n%s", want, got)
		}
	}
	if _, ok := files["src/requirements.lock"]; !ok {
		t.Errorf("no src/requirements.lock in %v", files)
	}
}

// TestLockedProject compares a Pipfile.lock with the virtualenv: locked
// versions must be equal, and what only the lock pins stays out of the
// top level.
func TestLockedProject(t *testing.T) {
	w := legacyProject()
	w.project(map[string]string{
		"Pipfile": "[packages]\ndjango = \"~=3.2\"\ndjangorestframework = \"*\"\n\n[requires]\npython_version = \"3.8\"\n",
		"Pipfile.lock": `{
    "_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6, "requires": {"python_version": "3.8"},
              "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]},
    "default": {
        "asgiref": {"hashes": ["sha256:00"], "version": "==3.6.0"},
        "django": {"hashes": ["sha256:00"], "version": "==3.2.25"},
        "djangorestframework": {"hashes": ["sha256:00"], "version": "==3.12.4"},
        "pytz": {"hashes": ["sha256:00"], "version": "==2024.1"},
        "sqlparse": {"hashes": ["sha256:00"], "version": "==0.4.4"},
        "typing-extensions": {"hashes": ["sha256:00"], "version": "==4.9.0"}
    },
    "develop": {}
}
`,
	})
	in := load(t, w)
	if in.Project.Lockfile != "Pipfile.lock" {
		t.Fatalf("lockfile = %q, want Pipfile.lock", in.Project.Lockfile)
	}
	r := analyze(t, in)
	if diff := cmp.Diff([]Drift{{Name: "asgiref", Declared: "==3.6.0", Installed: "3.7.2", Source: "Pipfile.lock:5"}}, r.VersionDiffers); diff != "" {
		t.Errorf("VersionDiffers (-want +got):\n%s", diff)
	}
	if len(r.InstalledNotDeclared)+len(r.DeclaredNotInstalled) != 0 {
		t.Errorf("drift: %+v %+v", r.InstalledNotDeclared, r.DeclaredNotInstalled)
	}
	if want := []string{"django", "djangorestframework"}; !slices.Equal(r.TopLevel, want) {
		t.Errorf("TopLevel = %v, want %v", r.TopLevel, want)
	}
}
