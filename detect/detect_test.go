// The tests of what detection reports are an external package so that they can apply the
// supported-Python policy (config.Python) as `containerize detect` does: detection reports
// the facts, the policy the version chosen, its conflicts and Django's warning.
package detect_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"gotest.tools/v3/golden"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

const projects = "../testdata/projects"

// detectSample detects a sample and applies the Python policy, as `containerize detect` does.
func detectSample(t *testing.T, name string) *detect.Project {
	t.Helper()
	p, err := detect.Detect(os.DirFS(filepath.Join(projects, name)), name)
	if err != nil {
		t.Fatalf("detect %s: %v", name, err)
	}
	config.Python.Apply(p)
	return p
}

// TestSamplesGolden keeps the full findings of every sample under review
// (go test ./detect -update rewrites testdata/<sample>.json).
func TestSamplesGolden(t *testing.T) {
	entries, err := os.ReadDir(projects)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false) // as `containerize detect --json` prints it
			if err := enc.Encode(detectSample(t, e.Name())); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, b.String(), e.Name()+".json")
		})
	}
}

// TestSamples states, per sample, the facts its README promises.
func TestSamples(t *testing.T) {
	for _, tc := range []struct {
		sample, appRoot, manager, python, pythonSource, settings string
		files, services, build, runtime                          []string
		conflict, warning                                        string
	}{
		{sample: "library", appRoot: ".", manager: "pipenv", python: "3.11", pythonSource: "Pipfile:13", settings: "library.settings",
			files: []string{"Pipfile", "Pipfile.lock"}, services: []string{"sqlite"}, warning: "library/settings.py:23"},
		{sample: "requirements-celery", appRoot: ".", manager: "pip", python: "3.12", pythonSource: ".python-version:1", settings: "config.settings",
			files:    []string{"requirements/production.txt", "requirements/base.txt"},
			services: []string{"postgres", "redis", "celery-worker", "celery-beat"},
			build:    []string{"build-essential", "libpq-dev"}, runtime: []string{"libpq5"}, conflict: "runtime.txt:1"},
		{sample: "settings-package", appRoot: ".", manager: "pip", python: "3.12", pythonSource: ".tool-versions:1", settings: "mysite.settings.production",
			files: []string{"requirements.txt"}, services: []string{"postgres"}},
		{sample: "poetry", appRoot: ".", manager: "poetry", python: "3.12", pythonSource: "pyproject.toml:10", settings: "cookbook.settings",
			files: []string{"pyproject.toml", "poetry.lock"}, services: []string{"postgres", "redis"}},
		{sample: "uv", appRoot: ".", manager: "uv", python: "3.12", pythonSource: ".python-version:1", settings: "tracker.settings",
			files: []string{"pyproject.toml", "uv.lock"}, services: []string{"sqlite"}},
		{sample: "channels-asgi", appRoot: ".", manager: "pip", settings: "chat_project.settings",
			files: []string{"requirements.txt"}, services: []string{"postgres", "redis", "channels"}},
		{sample: "monorepo", appRoot: "backend", manager: "pip", python: "3.12", pythonSource: ".python-version:1", settings: "config.settings",
			files: []string{"backend/requirements.txt"}, services: []string{"postgres"}},
		{sample: "mysql", appRoot: ".", manager: "pip", python: "3.11", pythonSource: "runtime.txt:1", settings: "helpdesk.settings",
			files: []string{"requirements.txt"}, services: []string{"mysql", "mail"},
			build: []string{"build-essential", "default-libmysqlclient-dev", "pkg-config"}, runtime: []string{"libmariadb3"}},
		{sample: "db-psycopg2", appRoot: ".", manager: "pip", python: "3.11", pythonSource: ".python-version:1", settings: "pinboard.settings",
			files: []string{"requirements.txt"}, services: []string{"postgres"},
			build: []string{"build-essential", "libpq-dev"}, runtime: []string{"libpq5"}},
		{sample: "geodjango", appRoot: ".", manager: "pipenv", python: "3.11", pythonSource: "Pipfile:17", settings: "atlas.settings",
			files: []string{"Pipfile"}, services: []string{"postgres"},
			build:   []string{"build-essential", "libjpeg-dev", "libpq-dev", "libxml2-dev", "libxslt1-dev", "zlib1g-dev"},
			runtime: []string{"gdal-bin", "libjpeg62-turbo", "libpq5", "libxml2", "libxslt1.1", "zlib1g"}},
		{sample: "legacy-venv", appRoot: ".", manager: "none", python: "3.8", pythonSource: "venv/pyvenv.cfg:3", settings: "warehouse.settings",
			files: []string{}, services: []string{"sqlite"}, warning: "venv"},
		{sample: "pdm", appRoot: ".", manager: "pdm", python: "3.12", pythonSource: "pyproject.toml:14", settings: "meetup.settings",
			files: []string{"pyproject.toml", "pdm.lock"}, services: []string{"postgres"}},
		{sample: "setuptools", appRoot: ".", manager: "setuptools", python: "3.12", pythonSource: "setup.cfg:19", settings: "shop.settings",
			files: []string{"setup.py", "setup.cfg", "pyproject.toml"}, services: []string{"sqlite"}},
	} {
		t.Run(tc.sample, func(t *testing.T) {
			p := detectSample(t, tc.sample)
			check := func(what string, got, want any) {
				t.Helper()
				gb, _ := json.Marshal(got)
				wb, _ := json.Marshal(want)
				if string(gb) != string(wb) {
					t.Errorf("%s = %s, want %s", what, gb, wb)
				}
			}
			check("app_root", p.AppRoot, tc.appRoot)
			check("package_manager", p.PackageManager, tc.manager)
			check("dependency_files", p.DependencyFiles, tc.files)
			check("python.version", p.Python.Version, tc.python)
			check("python.source", p.Python.Source, tc.pythonSource)
			check("services", p.Services, tc.services)
			check("build packages", p.SystemPackages.Build, orEmpty(tc.build))
			check("runtime packages", p.SystemPackages.Runtime, orEmpty(tc.runtime))
			if p.Django == nil {
				t.Fatal("no Django project found")
			}
			check("settings_module", p.Django.SettingsModule, tc.settings)
			if tc.conflict != "" && !slices.ContainsFunc(p.Python.Conflicts, func(c string) bool { return strings.HasPrefix(c, tc.conflict) }) {
				t.Errorf("no Python conflict from %s in %q", tc.conflict, p.Python.Conflicts)
			}
			if tc.conflict == "" && len(p.Python.Conflicts) > 0 {
				t.Errorf("unexpected conflicts %q", p.Python.Conflicts)
			}
			if tc.warning != "" && !slices.ContainsFunc(p.Warnings, func(f detect.Finding) bool { return strings.HasPrefix(f.Source, tc.warning) }) {
				t.Errorf("no warning from %s in %v", tc.warning, p.Warnings)
			}
		})
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestPythonPrecedence covers the version sources one by one and their conflicts.
func TestPythonPrecedence(t *testing.T) {
	manage := &fstest.MapFile{Data: []byte("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'p.settings')\n")}
	for _, tc := range []struct {
		name      string
		files     map[string]string
		version   string
		source    string
		conflicts int
	}{
		{"python-version beats runtime.txt", map[string]string{".python-version": "3.12.4\n", "runtime.txt": "python-3.11.9\n"}, "3.12", ".python-version:1", 1},
		{"comments and blank lines", map[string]string{".python-version": "# pinned\n\n3.13\n"}, "3.13", ".python-version:3", 0},
		{"system is ignored", map[string]string{".python-version": "system\n", "runtime.txt": "python-3.10.2\n"}, "3.10", "runtime.txt:1", 0},
		{"tool-versions", map[string]string{".tool-versions": "nodejs 20.1.0\npython 3.11.2 3.10.1\n"}, "3.11", ".tool-versions:2", 0},
		{"range resolves to newest supported", map[string]string{"pyproject.toml": "[project]\nname = \"p\"\nrequires-python = \">=3.10,<3.13\"\ndependencies = []\n"}, "3.12", "pyproject.toml:3", 0},
		{"range narrowed by Django", map[string]string{"pyproject.toml": "[project]\nname = \"p\"\nrequires-python = \">=3.10\"\ndependencies = [\"django>=4.2,<5.0\"]\n"}, "3.12", "pyproject.toml:3", 0},
		{"pin outside a range conflicts", map[string]string{".python-version": "3.9\n", "pyproject.toml": "[project]\nname = \"p\"\nrequires-python = \">=3.10\"\ndependencies = []\n"}, "3.9", ".python-version:1", 1},
		{"venv last", map[string]string{".venv/pyvenv.cfg": "home = /usr/bin\nversion_info = 3.10.12.final.0\n"}, "3.10", ".venv/pyvenv.cfg:2", 0},
		{"old virtualenv layout", map[string]string{"env/bin/activate": "", "env/lib/python2.7/site-packages/x.py": ""}, "2.7", "env/lib/python2.7", 0},
		{"nothing", map[string]string{}, "", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"manage.py": manage}
			for k, v := range tc.files {
				fsys[k] = &fstest.MapFile{Data: []byte(v)}
			}
			p, err := detect.Detect(fsys, "p")
			if err != nil {
				t.Fatal(err)
			}
			config.Python.Apply(p)
			if p.Python.Version != tc.version || p.Python.Source != tc.source || len(p.Python.Conflicts) != tc.conflicts {
				t.Errorf("python = %+v, want %s from %s with %d conflicts", p.Python, tc.version, tc.source, tc.conflicts)
			}
		})
	}
}

// TestSkipsHeavyFolders: detection must not descend into node_modules, .git or virtualenvs.
func TestSkipsHeavyFolders(t *testing.T) {
	fsys := fstest.MapFS{
		"node_modules/x/manage.py":                        {Data: []byte("")},
		".git/manage.py":                                  {Data: []byte("")},
		"venv/pyvenv.cfg":                                 {Data: []byte("version = 3.11.4\n")},
		"venv/lib/python3.11/site-packages/a/manage.py":   {Data: []byte("")},
		"venv/lib/python3.11/site-packages/a/settings.py": {Data: []byte("")},
		"src/app/manage.py":                               {Data: []byte("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings')\n")},
		"src/app/app/settings.py":                         {Data: []byte("WSGI_APPLICATION = 'app.wsgi.application'\n")},
		"src/app/requirements.txt":                        {Data: []byte("django==5.1.4\n")},
	}
	p, err := detect.Detect(fsys, "repo")
	if err != nil {
		t.Fatal(err)
	}
	if p.AppRoot != "src/app" || p.DependencyDir != "src/app" || p.Django.SettingsModule != "app.settings" {
		t.Errorf("app root %q, dependency dir %q, settings %q", p.AppRoot, p.DependencyDir, p.Django.SettingsModule)
	}
	if len(p.Virtualenvs) != 1 || p.Virtualenvs[0] != "venv" {
		t.Errorf("virtualenvs = %v", p.Virtualenvs)
	}
}

// TestBadManifestNamesFileAndLine: a broken dependency file is an error with its location.
func TestBadManifestNamesFileAndLine(t *testing.T) {
	fsys := fstest.MapFS{
		"manage.py":        {Data: []byte("")},
		"requirements.txt": {Data: []byte("django==5.1\n--frobnicate\n")},
	}
	_, err := detect.Detect(fsys, "p")
	if err == nil || !strings.Contains(err.Error(), "requirements.txt:2") {
		t.Fatalf("err = %v, want it to name requirements.txt:2", err)
	}
}

// TestManagePyOrder: the shallowest manage.py is the app, ties broken by path, and the
// others are reported; a folder merely named env or venv is still searched.
func TestManagePyOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"z/manage.py":             {Data: nil},
		"a/b/manage.py":           {Data: nil},
		"b/manage.py":             {Data: nil},
		"env/manage.py":           {Data: nil},
		"custom/pyvenv.cfg":       {Data: []byte("version = 3.12.0\n")},
		"custom/manage.py":        {Data: nil},
		"x/__pycache__/manage.py": {Data: nil},
	}
	p, err := detect.Detect(fsys, "repo")
	if err != nil {
		t.Fatal(err)
	}
	if p.AppRoot != "b" {
		t.Errorf("app root %q, want b", p.AppRoot)
	}
	if !slices.ContainsFunc(p.Warnings, func(f detect.Finding) bool {
		return f.Name == "several-manage-py" && strings.Contains(f.Detail, "b/manage.py, env/manage.py, z/manage.py, a/b/manage.py")
	}) {
		t.Errorf("warnings %v do not list the manage.py files in order", p.Warnings)
	}
}

// TestProjectNameFromFolder: without a name of its own, the project is named after the
// folder Detect was given, a path of this system.
func TestProjectNameFromFolder(t *testing.T) {
	fsys := fstest.MapFS{"manage.py": {Data: []byte("")}, "requirements.txt": {Data: []byte("Django==5.1\n")}}
	cases := map[string]string{
		filepath.Join("home", "me", "shop"):                              "shop",
		filepath.Join("home", "me", "shop") + string(filepath.Separator): "shop",
		".":                        "app",
		string(filepath.Separator): "app",
	}
	if runtime.GOOS != "windows" {
		cases[`/home/me/odd\name`] = `odd\name` // a backslash is a name's character on Unix
	}
	for root, want := range cases {
		p, err := detect.Detect(fsys, root)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != want {
			t.Errorf("Detect(%q).Name = %q, want %q", root, p.Name, want)
		}
	}
}
