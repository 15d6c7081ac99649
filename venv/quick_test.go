package venv

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// Inspect and Names are what detection reads a project's virtualenvs with: paths stay as
// the project names them, and no metadata file is opened.
func TestInspectInProjectTree(t *testing.T) {
	fsys := fstest.MapFS{
		"venv/pyvenv.cfg": file("home = /usr/bin\nversion_info = 3.10.12.final.0\n"),
		"venv/lib/python3.10/site-packages/Django-4.2.dist-info/METADATA": file("Name: Django\n"),
		"env/bin/activate":                       file(""),
		"env/lib/python2.7/site-packages/six.py": file(""),
		"notavenv/x.py":                          file(""),
	}
	for _, tc := range []struct {
		dir  string
		want Venv
		ok   bool
	}{
		{"venv", Venv{Path: "venv", Python: "3.10", PythonFull: "3.10.12", PythonSpec: "3.10.12.final.0", PythonSource: "venv/pyvenv.cfg:2",
			Layout: "pyvenv", Origin: "project", SitePackages: []string{"venv/lib/python3.10/site-packages"}}, true},
		{"env", Venv{Path: "env", Python: "2.7", PythonSpec: "2.7", PythonSource: "env/lib/python2.7",
			Layout: "virtualenv-legacy", Origin: "project", SitePackages: []string{"env/lib/python2.7/site-packages"}}, true},
		{"notavenv", Venv{}, false},
	} {
		got, ok := Inspect(fsys, tc.dir)
		if ok != tc.ok {
			t.Errorf("Inspect(%s) ok = %v, want %v", tc.dir, ok, tc.ok)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Inspect(%s) mismatch (-want +got):\n%s", tc.dir, diff)
		}
	}
}

// listOnly lists folders and fails the test when anything is opened or stat'ed.
type listOnly struct {
	m fstest.MapFS
	t *testing.T
}

func (l listOnly) Open(name string) (fs.File, error) {
	l.t.Errorf("Names opened %s", name)
	return l.m.Open(name)
}

func (l listOnly) ReadDir(name string) ([]fs.DirEntry, error) { return l.m.ReadDir(name) }

func TestNamesReadsFolderNamesOnly(t *testing.T) {
	fsys := listOnly{fstest.MapFS{
		"site/Django-3.2.25.dist-info/METADATA":  file("Name: Django\nVersion: 3.2.25\n"),
		"site/pytz-2024.1-py3.8.egg-info":        file("Name: pytz\n"),
		"site/typing_extensions-4.9.0.dist-info": folder(),
		"site/noversion.dist-info":               folder(),
		"site/legacy-1.0-py2.7.egg":              folder(),
		"site/mylib.egg-link":                    file("/src/mylib\n"),
		"site/django/__init__.py":                file(""),
	}, t}
	got, err := Names(fsys, "site")
	if err != nil {
		t.Fatal(err)
	}
	want := []Dist{
		{Name: "django", RawName: "Django", Version: "3.2.25", Source: "site/Django-3.2.25.dist-info"},
		{Name: "pytz", RawName: "pytz", Version: "2024.1", Source: "site/pytz-2024.1-py3.8.egg-info"},
		{Name: "typing-extensions", RawName: "typing_extensions", Version: "4.9.0", Source: "site/typing_extensions-4.9.0.dist-info"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Names mismatch (-want +got):\n%s", diff)
	}
	if _, err := Names(fsys.m, "missing"); err == nil || err.Error() != "read missing: open missing: file does not exist" {
		t.Errorf("Names(missing) error = %v", err)
	}
}
