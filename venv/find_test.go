package venv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const project = "/home/u/proj"

// p names a file of the project in a file system rooted at "/".
func p(rel string) string { return strings.TrimPrefix(project, "/") + "/" + rel }

func TestFindInProject(t *testing.T) {
	fsys := fstest.MapFS{
		p("manage.py"): file(""),
		// python -m venv
		p("venv/pyvenv.cfg"):                       file("home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.8.10\n"),
		p("venv/bin/activate"):                     file(""),
		p("venv/lib/python3.8/site-packages/x.py"): file(""),
		// virtualenv < 20: no pyvenv.cfg, orig-prefix.txt beside site-packages
		p("services/api/env/bin/activate"):                       file(""),
		p("services/api/env/lib/python2.7/orig-prefix.txt"):      file("/usr\n"),
		p("services/api/env/lib/python2.7/site-packages/six.py"): file(""),
		// virtualenv 20+: version_info
		p("tools/.venv/pyvenv.cfg"):                        file("home = /usr/local/bin\nimplementation = CPython\nversion_info = 3.11.4.final.0\nvirtualenv = 20.24.1\n"),
		p("tools/.venv/lib/python3.11/site-packages/a.py"): file(""),
		// copied from Windows: Scripts/ and Lib/site-packages, the version in pyvenv.cfg
		p("winvenv/pyvenv.cfg"):             file("home = C:\\Users\\u\\AppData\\Local\\Programs\\Python\\Python39\r\nversion = 3.9.13\r\n"),
		p("winvenv/Scripts/activate.bat"):   file(""),
		p("winvenv/Lib/site-packages/a.py"): file(""),
		// an old Windows virtualenv: the version only in orig-prefix.txt
		p("oldwin/Scripts/activate.bat"):   file(""),
		p("oldwin/Lib/orig-prefix.txt"):    file("C:\\Python27"),
		p("oldwin/Lib/site-packages/a.py"): file(""),
		// not virtualenvs: a lib tree without bin/, and folders that are never walked
		p("vendor/lib/python3.8/site-packages/x.py"): file(""),
		p("build/bin/tool"):                          file(""),
		p("build/lib/tool.py"):                       file(""),
		p("node_modules/pkg/venv/pyvenv.cfg"):        file("version = 3.7.0\n"),
		p(".git/venv/pyvenv.cfg"):                    file("version = 3.7.0\n"),
		p(".tox/py38/pyvenv.cfg"):                    file("version = 3.8.0\n"),
	}
	got, err := Locator{Project: project, FS: fsys}.Find()
	if err != nil {
		t.Fatal(err)
	}
	want := []Venv{
		{Path: "oldwin", Python: "2.7", PythonSpec: "2.7", PythonSource: "oldwin/Lib/orig-prefix.txt:1", Layout: "windows", Origin: "project",
			SitePackages: []string{"oldwin/Lib/site-packages"}},
		{Path: "venv", Python: "3.8", PythonFull: "3.8.10", PythonSpec: "3.8.10", PythonSource: "venv/pyvenv.cfg:3", Layout: "pyvenv", Origin: "project",
			SitePackages: []string{"venv/lib/python3.8/site-packages"}},
		{Path: "winvenv", Python: "3.9", PythonFull: "3.9.13", PythonSpec: "3.9.13", PythonSource: "winvenv/pyvenv.cfg:2", Layout: "windows", Origin: "project",
			SitePackages: []string{"winvenv/Lib/site-packages"}},
		{Path: "tools/.venv", Python: "3.11", PythonFull: "3.11.4", PythonSpec: "3.11.4.final.0", PythonSource: "tools/.venv/pyvenv.cfg:3", Layout: "pyvenv", Origin: "project",
			SitePackages: []string{"tools/.venv/lib/python3.11/site-packages"}},
		{Path: "services/api/env", Python: "2.7", PythonSpec: "2.7", PythonSource: "services/api/env/lib/python2.7", Layout: "virtualenv-legacy", Origin: "project",
			SitePackages: []string{"services/api/env/lib/python2.7/site-packages"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Find() mismatch (-want +got):\n%s", diff)
	}
}

func TestFindPythonVersionFallbacks(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  Venv
	}{
		{"pyvenv.cfg without a version: lib/pythonX.Y", fstest.MapFS{
			p("v/pyvenv.cfg"):                        file("home = /usr/bin\n"),
			p("v/lib/python3.12/site-packages/a.py"): file(""),
		}, Venv{Path: "v", Python: "3.12", PythonSpec: "3.12", PythonSource: "v/lib/python3.12", Layout: "pyvenv", Origin: "project",
			SitePackages: []string{"v/lib/python3.12/site-packages"}}},
		{"two lib/pythonX.Y folders (upgraded in place): the newest", fstest.MapFS{
			p("v/bin/activate"):                      file(""),
			p("v/lib/python3.9/site-packages/a.py"):  file(""),
			p("v/lib/python3.10/site-packages/a.py"): file(""),
		}, Venv{Path: "v", Python: "3.10", PythonSpec: "3.10", PythonSource: "v/lib/python3.10", Layout: "virtualenv-legacy", Origin: "project",
			SitePackages: []string{"v/lib/python3.10/site-packages", "v/lib/python3.9/site-packages"}}},
		{"Windows pyvenv.cfg with only home", fstest.MapFS{
			p("v/pyvenv.cfg"):             file("home = C:\\Python38\n"),
			p("v/Scripts/python.exe"):     file(""),
			p("v/Lib/site-packages/a.py"): file(""),
		}, Venv{Path: "v", Python: "3.8", PythonSpec: "3.8", PythonSource: "v/pyvenv.cfg:1", Layout: "windows", Origin: "project",
			SitePackages: []string{"v/Lib/site-packages"}}},
		{"uv's version_info", fstest.MapFS{
			p("v/pyvenv.cfg"):                        file("home = /usr/bin\nimplementation = CPython\nuv = 0.4.0\nversion_info = 3.12.4\n"),
			p("v/lib/python3.12/site-packages/a.py"): file(""),
		}, Venv{Path: "v", Python: "3.12", PythonFull: "3.12.4", PythonSpec: "3.12.4", PythonSource: "v/pyvenv.cfg:4", Layout: "pyvenv", Origin: "project",
			SitePackages: []string{"v/lib/python3.12/site-packages"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Locator{Project: project, FS: tt.files}.Find()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]Venv{tt.want}, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFindOutside(t *testing.T) {
	base := func() fstest.MapFS {
		fsys := fstest.MapFS{p("manage.py"): file("")}
		return fsys
	}
	tests := []struct {
		name  string
		setup func(fstest.MapFS)
		env   map[string]string
		want  []Venv
	}{
		{
			name:  "VIRTUAL_ENV outside the project",
			setup: func(fsys fstest.MapFS) { posixVenv(fsys, "opt/venvs/app", "3.10.12") },
			env:   map[string]string{"VIRTUAL_ENV": "/opt/venvs/app"},
			want: []Venv{{Path: "/opt/venvs/app", Python: "3.10", PythonFull: "3.10.12", PythonSource: "/opt/venvs/app/pyvenv.cfg:3",
				Layout: "pyvenv", Origin: "VIRTUAL_ENV", SitePackages: []string{"/opt/venvs/app/lib/python3.10/site-packages"}}},
		},
		{
			name:  "VIRTUAL_ENV inside the project is the project's venv, listed once",
			setup: func(fsys fstest.MapFS) { posixVenv(fsys, p("venv"), "3.8.10") },
			env:   map[string]string{"VIRTUAL_ENV": project + "/venv"},
			want: []Venv{{Path: "venv", Python: "3.8", PythonFull: "3.8.10", PythonSource: "venv/pyvenv.cfg:3",
				Layout: "pyvenv", Origin: "VIRTUAL_ENV", SitePackages: []string{"venv/lib/python3.8/site-packages"}}},
		},
		{
			name: "virtualenvwrapper: the environment whose .project names the project",
			setup: func(fsys fstest.MapFS) {
				posixVenv(fsys, "home/u/.virtualenvs/proj", "3.9.2")
				fsys["home/u/.virtualenvs/proj/.project"] = file(project + "\n")
				posixVenv(fsys, "home/u/.virtualenvs/other", "3.9.2")
				fsys["home/u/.virtualenvs/other/.project"] = file("/home/u/other\n")
				posixVenv(fsys, "home/u/.virtualenvs/noproject", "3.9.2")
			},
			want: []Venv{{Path: "/home/u/.virtualenvs/proj", Python: "3.9", PythonFull: "3.9.2", PythonSource: "/home/u/.virtualenvs/proj/pyvenv.cfg:3",
				Layout: "pyvenv", Origin: "WORKON_HOME", SitePackages: []string{"/home/u/.virtualenvs/proj/lib/python3.9/site-packages"}}},
		},
		{
			name: "virtualenvwrapper with $WORKON_HOME",
			setup: func(fsys fstest.MapFS) {
				posixVenv(fsys, "srv/envs/proj", "3.9.2")
				fsys["srv/envs/proj/.project"] = file(project + "/\n")
			},
			env: map[string]string{"WORKON_HOME": "/srv/envs"},
			want: []Venv{{Path: "/srv/envs/proj", Python: "3.9", PythonFull: "3.9.2", PythonSource: "/srv/envs/proj/pyvenv.cfg:3",
				Layout: "pyvenv", Origin: "WORKON_HOME", SitePackages: []string{"/srv/envs/proj/lib/python3.9/site-packages"}}},
		},
		{
			name: "pipenv's default folder, named by its hash rule",
			setup: func(fsys fstest.MapFS) {
				fsys[p("Pipfile")] = file("[packages]\n")
				posixVenv(fsys, "home/u/.local/share/virtualenvs/proj-kl-QKK3C", "3.11.2")
				posixVenv(fsys, "home/u/.local/share/virtualenvs/proj-AAAAAAAA", "3.11.2") // another folder named proj
			},
			want: []Venv{{Path: "/home/u/.local/share/virtualenvs/proj-kl-QKK3C", Python: "3.11", PythonFull: "3.11.2",
				PythonSource: "/home/u/.local/share/virtualenvs/proj-kl-QKK3C/pyvenv.cfg:3", Layout: "pyvenv", Origin: "pipenv",
				SitePackages: []string{"/home/u/.local/share/virtualenvs/proj-kl-QKK3C/lib/python3.11/site-packages"}}},
		},
		{
			name: "pipenv with $WORKON_HOME and PIPENV_PYTHON's suffix",
			setup: func(fsys fstest.MapFS) {
				posixVenv(fsys, "w/proj-kl-QKK3C-3.8", "3.8.1")
			},
			env: map[string]string{"WORKON_HOME": "${HOME}/../../w"},
			want: []Venv{{Path: "/w/proj-kl-QKK3C-3.8", Python: "3.8", PythonFull: "3.8.1", PythonSource: "/w/proj-kl-QKK3C-3.8/pyvenv.cfg:3",
				Layout: "pyvenv", Origin: "pipenv", SitePackages: []string{"/w/proj-kl-QKK3C-3.8/lib/python3.8/site-packages"}}},
		},
		{
			name: "pipenv with $XDG_DATA_HOME and PIPENV_CUSTOM_VENV_NAME",
			setup: func(fsys fstest.MapFS) {
				posixVenv(fsys, "data/virtualenvs/mine", "3.8.1")
			},
			env: map[string]string{"XDG_DATA_HOME": "/data", "PIPENV_CUSTOM_VENV_NAME": "mine"},
			want: []Venv{{Path: "/data/virtualenvs/mine", Python: "3.8", PythonFull: "3.8.1", PythonSource: "/data/virtualenvs/mine/pyvenv.cfg:3",
				Layout: "pyvenv", Origin: "pipenv", SitePackages: []string{"/data/virtualenvs/mine/lib/python3.8/site-packages"}}},
		},
		{
			name: "PIPENV_VENV_IN_PROJECT: .venv is pipenv's, and the hashed folder is not looked at",
			setup: func(fsys fstest.MapFS) {
				posixVenv(fsys, p(".venv"), "3.12.1")
				posixVenv(fsys, "home/u/.local/share/virtualenvs/proj-kl-QKK3C", "3.11.2")
			},
			env: map[string]string{"PIPENV_VENV_IN_PROJECT": "1"},
			want: []Venv{{Path: ".venv", Python: "3.12", PythonFull: "3.12.1", PythonSource: ".venv/pyvenv.cfg:3", Layout: "pyvenv",
				Origin: "pipenv", SitePackages: []string{".venv/lib/python3.12/site-packages"}}},
		},
		{
			name: "a .venv folder beside a Pipfile is pipenv's",
			setup: func(fsys fstest.MapFS) {
				fsys[p("Pipfile")] = file("")
				posixVenv(fsys, p(".venv"), "3.12.1")
			},
			want: []Venv{{Path: ".venv", Python: "3.12", PythonFull: "3.12.1", PythonSource: ".venv/pyvenv.cfg:3", Layout: "pyvenv",
				Origin: "pipenv", SitePackages: []string{".venv/lib/python3.12/site-packages"}}},
		},
		{
			name: "a .venv file names pipenv's environment",
			setup: func(fsys fstest.MapFS) {
				fsys[p(".venv")] = file("shared-env\n")
				posixVenv(fsys, "home/u/.local/share/virtualenvs/shared-env", "3.10.0")
			},
			want: []Venv{{Path: "/home/u/.local/share/virtualenvs/shared-env", Python: "3.10", PythonFull: "3.10.0",
				PythonSource: "/home/u/.local/share/virtualenvs/shared-env/pyvenv.cfg:3", Layout: "pyvenv", Origin: "pipenv",
				SitePackages: []string{"/home/u/.local/share/virtualenvs/shared-env/lib/python3.10/site-packages"}}},
		},
		{
			name: "a .venv file holding a path",
			setup: func(fsys fstest.MapFS) {
				fsys[p(".venv")] = file("../envs/proj\n")
				posixVenv(fsys, "home/u/envs/proj", "3.10.0")
			},
			want: []Venv{{Path: "/home/u/envs/proj", Python: "3.10", PythonFull: "3.10.0",
				PythonSource: "/home/u/envs/proj/pyvenv.cfg:3", Layout: "pyvenv", Origin: "pipenv",
				SitePackages: []string{"/home/u/envs/proj/lib/python3.10/site-packages"}}},
		},
		{
			name: "Poetry's cache: one environment per Python, newest first",
			setup: func(fsys fstest.MapFS) {
				fsys[p("pyproject.toml")] = file("[tool.poetry]\nname = \"My_App\"\nversion = \"1.0\"\n")
				posixVenv(fsys, "home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.9", "3.9.18")
				posixVenv(fsys, "home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.11", "3.11.6")
				posixVenv(fsys, "home/u/.cache/pypoetry/virtualenvs/my-app-zzzzzzzz-py3.11", "3.11.6") // same name, other folder
			},
			want: []Venv{
				{Path: "/home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.11", Python: "3.11", PythonFull: "3.11.6",
					PythonSource: "/home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.11/pyvenv.cfg:3", Layout: "pyvenv", Origin: "poetry",
					SitePackages: []string{"/home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.11/lib/python3.11/site-packages"}},
				{Path: "/home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.9", Python: "3.9", PythonFull: "3.9.18",
					PythonSource: "/home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.9/pyvenv.cfg:3", Layout: "pyvenv", Origin: "poetry",
					SitePackages: []string{"/home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.9/lib/python3.9/site-packages"}},
			},
		},
		{
			name: "Poetry with $POETRY_CACHE_DIR and a PEP 621 name",
			setup: func(fsys fstest.MapFS) {
				fsys[p("pyproject.toml")] = file("[project]\nname = \"my-app\"\nversion = \"1.0\"\n")
				posixVenv(fsys, "cache/poetry/virtualenvs/my-app-nAn4BVom-py3.12", "3.12.0")
			},
			env: map[string]string{"POETRY_CACHE_DIR": "/cache/poetry"},
			want: []Venv{{Path: "/cache/poetry/virtualenvs/my-app-nAn4BVom-py3.12", Python: "3.12", PythonFull: "3.12.0",
				PythonSource: "/cache/poetry/virtualenvs/my-app-nAn4BVom-py3.12/pyvenv.cfg:3", Layout: "pyvenv", Origin: "poetry",
				SitePackages: []string{"/cache/poetry/virtualenvs/my-app-nAn4BVom-py3.12/lib/python3.12/site-packages"}}},
		},
		{
			name: "Poetry with $POETRY_VIRTUALENVS_PATH using ~",
			setup: func(fsys fstest.MapFS) {
				fsys[p("pyproject.toml")] = file("[project]\nname = \"my-app\"\n")
				posixVenv(fsys, "home/u/pv/my-app-nAn4BVom-py3.12", "3.12.0")
			},
			env: map[string]string{"POETRY_VIRTUALENVS_PATH": "~/pv"},
			want: []Venv{{Path: "/home/u/pv/my-app-nAn4BVom-py3.12", Python: "3.12", PythonFull: "3.12.0",
				PythonSource: "/home/u/pv/my-app-nAn4BVom-py3.12/pyvenv.cfg:3", Layout: "pyvenv", Origin: "poetry",
				SitePackages: []string{"/home/u/pv/my-app-nAn4BVom-py3.12/lib/python3.12/site-packages"}}},
		},
		{
			name:  "nothing anywhere",
			setup: func(fsys fstest.MapFS) {},
			env:   map[string]string{"VIRTUAL_ENV": "/gone"},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// pipenv's and Poetry's folder names hash the project's path as the system writes
			// it; these cases name the folders of a Unix machine's /home/u/proj.
			if w := fmt.Sprint(tt.want); runtime.GOOS == "windows" &&
				(strings.Contains(w, PipenvName(project+"/Pipfile")) || strings.Contains(w, PoetryName("my-app", project))) {
				t.Skip("the folder's name hashes a Unix path")
			}
			fsys := base()
			tt.setup(fsys)
			l := Locator{Project: project, Home: "/home/u", FS: fsys, Getenv: env(tt.env)}
			got, err := l.Find()
			if err != nil {
				t.Fatal(err)
			}
			// PythonSpec is checked where the version fallbacks are.
			if diff := cmp.Diff(systemForm(tt.want), got, cmpopts.IgnoreFields(Venv{}, "PythonSpec")); diff != "" {
				t.Errorf("Find() mismatch (-want +got):\n%s", diff)
			}
			again, _ := l.Find()
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("a second Find() differs:\n%s", diff)
			}
		})
	}
}

func TestFindEverywhereAtOnce(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the pipenv and Poetry folders' names hash a Unix path")
	}
	fsys := fstest.MapFS{}
	posixVenv(fsys, p("venv"), "3.8.10")
	posixVenv(fsys, "opt/active", "3.9.1")
	posixVenv(fsys, "home/u/.virtualenvs/proj", "3.9.2")
	fsys["home/u/.virtualenvs/proj/.project"] = file(project)
	posixVenv(fsys, "home/u/.local/share/virtualenvs/proj-kl-QKK3C", "3.10.1")
	fsys[p("pyproject.toml")] = file("[project]\nname = \"my-app\"\n")
	posixVenv(fsys, "home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.11", "3.11.6")
	got, err := Locator{Project: project + "/", Home: "/home/u", FS: fsys, Getenv: env(map[string]string{"VIRTUAL_ENV": "/opt/active"})}.Find()
	if err != nil {
		t.Fatal(err)
	}
	var summary []string
	for _, v := range got {
		summary = append(summary, v.Origin+" "+v.Path+" "+v.Python)
	}
	want := []string{
		"project venv 3.8",
		"VIRTUAL_ENV /opt/active 3.9",
		"WORKON_HOME /home/u/.virtualenvs/proj 3.9",
		"pipenv /home/u/.local/share/virtualenvs/proj-kl-QKK3C 3.10",
		"poetry /home/u/.cache/pypoetry/virtualenvs/my-app-nAn4BVom-py3.11 3.11",
	}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("Find() mismatch (-want +got):\n%s", diff)
	}
}

func TestFindErrors(t *testing.T) {
	if _, err := (Locator{Project: "relative/proj", FS: fstest.MapFS{}}).Find(); err == nil || !strings.Contains(err.Error(), "not absolute") {
		t.Errorf("relative project: err = %v", err)
	}
	if _, err := (Locator{Project: "/nowhere", FS: fstest.MapFS{}}).Find(); err == nil || !strings.Contains(err.Error(), "read project /nowhere") {
		t.Errorf("missing project: err = %v", err)
	}
	if _, err := (Locator{Project: "/p"}).At("v"); err == nil || !strings.Contains(err.Error(), "--venv v: no file system") {
		t.Errorf("no FS: err = %v", err)
	}
}

func TestAt(t *testing.T) {
	fsys := fstest.MapFS{}
	posixVenv(fsys, p("env"), "3.8.10")
	posixVenv(fsys, "opt/venv", "3.9.1")
	fsys[p("notavenv/readme")] = file("")
	l := Locator{Project: project, FS: fsys}
	for in, wantPath := range map[string]string{"env": "env", project + "/env": "env", "/opt/venv": "/opt/venv", "../../../opt/venv": "/opt/venv"} {
		v, err := l.At(in)
		if err != nil {
			t.Errorf("At(%q): %v", in, err)
			continue
		}
		if strings.HasPrefix(wantPath, "/") {
			wantPath = filepath.FromSlash(wantPath) // outside the project: as the system writes it
		}
		if v.Path != wantPath || v.Origin != "--venv" || len(v.SitePackages) != 1 {
			t.Errorf("At(%q) = %+v, want Path %q from --venv", in, v, wantPath)
		}
	}
	if _, err := l.At("notavenv"); err == nil || !strings.Contains(err.Error(), "--venv notavenv: not a virtualenv") {
		t.Errorf("At(notavenv) err = %v", err)
	}
}

// The naming rules, checked against values the tools' own code gives:
// pipenv's source documents "/home/user/MY_PROJECT/Pipfile" -> "…-wyUfYPqE".
func TestNamingRules(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{PipenvName("/home/user/MY_PROJECT/Pipfile"), "MY_PROJECT-wyUfYPqE"},
		{PipenvName("/home/u/proj/Pipfile"), "proj-kl-QKK3C"},
		{PipenvName("/home/u/my project (old)/Pipfile"), "my_project__old_-4NXIzASy"},
		{PipenvName("/x/" + strings.Repeat("é", 50) + "/Pipfile")[:2*42], strings.Repeat("é", 42)},
		{PoetryName("My_App", "/home/u/proj"), "my-app-nAn4BVom"},
		{PoetryName("poetry", "/root/.local/share/pypoetry/venv/bin/poetry"), "poetry-0GbuvIBJ"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// A virtualenv kept elsewhere and linked into the project is found; the walk
// follows no other link.
func TestFindLinkedVenv(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinked folders")
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"real/pyvenv.cfg":                        "version = 3.10.2\n",
		"real/lib/python3.10/site-packages/a.py": "",
		"proj/manage.py":                         "",
		"other/pyvenv.cfg":                       "version = 3.9.0\n",
		"other/sub/pyvenv.cfg":                   "version = 3.9.0\n",
	})
	for link, target := range map[string]string{"proj/venv": "../real", "proj/linked-dir": "../other/sub/..", "proj/loop": "."} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Locator{Project: filepath.ToSlash(root) + "/proj", FS: SystemFS()}.Find()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, v := range got {
		paths = append(paths, v.Path+" "+v.Python)
	}
	if diff := cmp.Diff([]string{"linked-dir 3.9", "venv 3.10"}, paths); diff != "" {
		t.Errorf("Find() mismatch (-want +got):\n%s", diff)
	}
}

// systemForm is want as this system shows the paths of virtualenvs outside the project
// (on Windows, /opt/venvs/app is \opt\venvs\app); in-project paths stay slash-separated.
func systemForm(want []Venv) []Venv {
	var out []Venv
	for _, v := range want {
		if strings.HasPrefix(v.Path, "/") {
			v.Path, v.PythonSource = filepath.FromSlash(v.Path), filepath.FromSlash(v.PythonSource)
			v.SitePackages = slices.Clone(v.SitePackages)
			for i, sp := range v.SitePackages {
				v.SitePackages[i] = filepath.FromSlash(sp)
			}
		}
		out = append(out, v)
	}
	return out
}
