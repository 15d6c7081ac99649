package lockset

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/manifest"
)

var (
	py312x86 = Target{Python: "3.12", Arch: "x86_64"}
	py312arm = Target{Python: "3.12.7", Arch: "aarch64"}
	py310x86 = Target{Python: "3.10", Arch: "x86_64"}
)

// names renders pins as "name==version", in set order.
func names(s *Set) []string {
	out := make([]string, len(s.Pins))
	for i, p := range s.Pins {
		out[i] = p.Name + "==" + p.Version
	}
	return out
}

func pin(t *testing.T, s *Set, name string) Pin {
	t.Helper()
	for _, p := range s.Pins {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no pin %s in %q", name, names(s))
	return Pin{}
}

// fixture is a testdata folder read as a project whose lock detect chose.
func fixture(dir string) fs.FS { return os.DirFS(filepath.Join("testdata", dir)) }

func TestFormats(t *testing.T) {
	tests := []struct {
		name    string
		fsys    fs.FS
		project Source
		format  string
		want    map[Target][]string
	}{
		{
			name:    "Pipfile.lock",
			fsys:    fixture("pipenv"),
			project: Source{Manager: "pipenv", Dir: ".", Lockfile: "Pipfile.lock"},
			format:  "Pipfile.lock",
			want: map[Target][]string{
				py312x86: {"django==5.1.4"},
				py312arm: {"django==5.1.4", "greenlet==3.1.1"},
				py310x86: {"django==5.1.4", "tomli==2.2.1"},
			},
		},
		{
			// A Poetry 1.8 lock records no groups or markers: the graph is
			// walked from pyproject.toml's main dependencies.
			name:    "poetry.lock walked from pyproject.toml",
			fsys:    fixture("poetry"),
			project: Source{Manager: "poetry", Dir: ".", Lockfile: "poetry.lock"},
			format:  "poetry.lock",
			want: map[Target][]string{
				py312x86: {"django==5.1.4", "hiredis==3.0.0", "redis==5.2.1"},
				py312arm: {"django==5.1.4", "greenlet==3.1.1", "hiredis==3.0.0", "redis==5.2.1"},
				py310x86: {"django==5.1.4", "hiredis==3.0.0", "redis==5.2.1", "tomli==2.2.1"},
			},
		},
		{
			name:    "uv.lock",
			fsys:    fixture("uv"),
			project: Source{Manager: "uv", Dir: ".", Lockfile: "uv.lock"},
			format:  "uv.lock",
			want: map[Target][]string{
				py312x86: {"django==5.1.4", "hiredis==3.0.0", "numpy==2.2.3", "redis==5.2.1"},
				py312arm: {"django==5.1.4", "greenlet==3.1.1", "hiredis==3.0.0", "numpy==2.2.3", "redis==5.2.1"},
				py310x86: {"django==5.1.4", "hiredis==3.0.0", "numpy==2.1.0", "redis==5.2.1", "tomli==2.2.1"},
			},
		},
		{
			name:    "pdm.lock",
			fsys:    fixture("pdm"),
			project: Source{Manager: "pdm", Dir: ".", Lockfile: "pdm.lock"},
			format:  "pdm.lock",
			want: map[Target][]string{
				py312x86: {"django==5.1.4", "psycopg==3.2.3"},
				py312arm: {"django==5.1.4", "greenlet==3.1.1", "psycopg==3.2.3"},
				py310x86: {"django==5.1.4", "psycopg==3.2.3", "tomli==2.2.1"},
			},
		},
		{
			// detect does not know pylock.toml: Load finds it itself.
			name:    "pylock.toml",
			fsys:    fixture("pylock"),
			project: Source{Manager: "none", Dir: "."},
			format:  "pylock.toml",
			want: map[Target][]string{
				py312x86: {"django==5.1.4"},
				py312arm: {"django==5.1.4", "greenlet==3.1.1"},
				py310x86: {"django==5.1.4", "tomli==2.2.1"},
			},
		},
		{
			name:    "requirements",
			fsys:    fixture("requirements"),
			project: Source{Manager: "pip", Dir: ".", RequirementsFile: "requirements.txt"},
			format:  "requirements",
			want: map[Target][]string{
				py312x86: {"django==5.1.4", "redis==5.2.1"},
				py312arm: {"django==5.1.4", "greenlet==3.1.1", "redis==5.2.1"},
				py310x86: {"django==5.1.4", "redis==5.2.1", "tomli==2.2.1"},
			},
		},
	}
	for _, tc := range tests {
		for target, want := range tc.want {
			t.Run(tc.name+"/"+target.Python+"-"+target.Arch, func(t *testing.T) {
				p := tc.project
				s, err := Load(tc.fsys, p, target)
				if err != nil {
					t.Fatal(err)
				}
				if s.Format != tc.format {
					t.Errorf("Format = %q, want %q", s.Format, tc.format)
				}
				if diff := cmp.Diff(want, names(s)); diff != "" {
					t.Errorf("pins (-want +got):\n%s", diff)
				}
				for _, p := range s.Pins {
					if !strings.HasPrefix(p.Source, s.File+":") {
						t.Errorf("%s: Source %q does not point into %s", p.Name, p.Source, s.File)
					}
				}
			})
		}
	}
}

func TestHashesAndFilesCarried(t *testing.T) {
	const djWheel = "sha256:205c54b459fa7bd6347aa661609292fe61dc8cd9aa93ad80ad1d7d3ba0cc187c"
	const djSdist = "sha256:07e0c52fb1dd22366742d08f747de179f7ff8fc39f95f20ecf6db4181fa7fd36"
	tests := []struct {
		name, dir string
		project   Source
		target    Target
		check     func(t *testing.T, s *Set)
	}{
		{"Pipfile.lock", "pipenv", Source{Dir: ".", Lockfile: "Pipfile.lock"}, py312x86, func(t *testing.T, s *Set) {
			dj := pin(t, s, "django")
			if diff := cmp.Diff([]string{djWheel, djSdist}, dj.Hashes); diff != "" || len(dj.Files) != 0 {
				t.Errorf("django hashes %s, files %v", diff, dj.Files)
			}
			if dj.Source != "Pipfile.lock:17" {
				t.Errorf("Source = %q", dj.Source)
			}
			if !s.Hashed || !s.Complete || !s.PrimaryIndex ||
				!cmp.Equal(s.IndexURLs, []string{"https://pypi.example/simple", "https://pypi.org/simple"}) {
				t.Errorf("Hashed %v Complete %v PrimaryIndex %v IndexURLs %q", s.Hashed, s.Complete, s.PrimaryIndex, s.IndexURLs)
			}
		}},
		{"poetry.lock", "poetry", Source{Dir: ".", Lockfile: "poetry.lock"}, py312x86, func(t *testing.T, s *Set) {
			dj := pin(t, s, "django")
			want := []File{{Name: "Django-5.1.4-py3-none-any.whl", Hash: djWheel}, {Name: "Django-5.1.4.tar.gz", Hash: djSdist}}
			if diff := cmp.Diff(want, dj.Files); diff != "" {
				t.Errorf("django files (-want +got):\n%s", diff)
			}
			if !s.Hashed || len(s.IndexURLs) != 0 {
				t.Errorf("Hashed %v IndexURLs %q", s.Hashed, s.IndexURLs)
			}
		}},
		{"uv.lock", "uv", Source{Dir: ".", Lockfile: "uv.lock"}, py312arm, func(t *testing.T, s *Set) {
			dj := pin(t, s, "django")
			want := []File{
				{Name: "django-5.1.4-py3-none-any.whl", URL: "https://files.example/django-5.1.4-py3-none-any.whl", Hash: djWheel},
				{Name: "django-5.1.4.tar.gz", URL: "https://files.example/django-5.1.4.tar.gz", Hash: djSdist},
			}
			if diff := cmp.Diff(want, dj.Files); diff != "" {
				t.Errorf("django files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{djWheel, djSdist}, dj.Hashes); diff != "" {
				t.Errorf("django hashes: %s", diff)
			}
			// Every wheel is carried; choosing by tag is the installer's job.
			if g := pin(t, s, "greenlet"); len(g.Files) != 2 || len(g.Hashes) != 2 {
				t.Errorf("greenlet files %v", g.Files)
			}
			if !cmp.Equal(s.IndexURLs, []string{"https://pypi.org/simple"}) || s.PrimaryIndex {
				t.Errorf("IndexURLs %q primary %v", s.IndexURLs, s.PrimaryIndex)
			}
		}},
		{"pdm.lock", "pdm", Source{Dir: ".", Lockfile: "pdm.lock"}, py312x86, func(t *testing.T, s *Set) {
			// psycopg and psycopg[binary] are two entries of one pin.
			ps := pin(t, s, "psycopg")
			if len(ps.Files) != 1 || len(ps.Hashes) != 1 || ps.Files[0].Name != "psycopg-3.2.3-py3-none-any.whl" {
				t.Errorf("psycopg %+v", ps)
			}
		}},
		{"pylock.toml", "pylock", Source{Dir: "."}, py312x86, func(t *testing.T, s *Set) {
			dj := pin(t, s, "django")
			want := []File{
				{Name: "django-5.1.4-py3-none-any.whl", URL: "https://files.example/django-5.1.4-py3-none-any.whl", Hash: djWheel},
				{Name: "django-5.1.4.tar.gz", URL: "https://files.example/django-5.1.4.tar.gz", Hash: djSdist},
			}
			if diff := cmp.Diff(want, dj.Files); diff != "" {
				t.Errorf("django files (-want +got):\n%s", diff)
			}
			if s.File != "pylock.toml" || !cmp.Equal(s.IndexURLs, []string{"https://pypi.org/simple/"}) {
				t.Errorf("File %q IndexURLs %q", s.File, s.IndexURLs)
			}
		}},
		{"requirements", "requirements", Source{Dir: ".", RequirementsFile: "requirements.txt"}, py312x86, func(t *testing.T, s *Set) {
			dj := pin(t, s, "django")
			if len(dj.Hashes) != 0 || dj.Source != "requirements.txt:5" {
				t.Errorf("django hashes %q source %q", dj.Hashes, dj.Source)
			}
			// redis is pinned by the constraints file.
			if r := pin(t, s, "redis"); r.Source != "requirements.txt:10" {
				t.Errorf("redis source %q", r.Source)
			}
			if s.Hashed || s.Complete || !s.PrimaryIndex ||
				!cmp.Equal(s.IndexURLs, []string{"https://pypi.example/simple", "https://extra.example/simple"}) {
				t.Errorf("Hashed %v Complete %v PrimaryIndex %v IndexURLs %q", s.Hashed, s.Complete, s.PrimaryIndex, s.IndexURLs)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.project
			s, err := Load(fixture(tc.dir), p, tc.target)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, s)
		})
	}
}

// load runs Load on files written in the test.
func load(files map[string]string, p Source, target Target) (*Set, error) {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	if p.Dir == "" {
		p.Dir = "."
	}
	return Load(fsys, p, target)
}

func reqProject(file string) Source {
	return Source{Manager: "pip", RequirementsFile: file}
}

func TestRequirements(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
		check func(t *testing.T, s *Set)
	}{
		{
			name:  "markers that exclude an unpinned requirement do not matter",
			files: map[string]string{"requirements.txt": "django==5.1.4\npywin32>=300; sys_platform == 'win32'\n"},
			want:  []string{"django==5.1.4"},
		},
		{
			name:  "=== pins and the same pin twice merge",
			files: map[string]string{"requirements.txt": "-r base.txt\nDjango==5.1.4 --hash=sha256:bb\nlegacy===1.0-custom --hash=sha256:cc\n", "base.txt": "django==5.1.4 --hash=sha256:aa\n"},
			want:  []string{"django==5.1.4", "legacy==1.0-custom"},
			check: func(t *testing.T, s *Set) {
				if dj := pin(t, s, "django"); !cmp.Equal(dj.Hashes, []string{"sha256:aa", "sha256:bb"}) || dj.Source != "base.txt:1" {
					t.Errorf("django %+v", dj)
				}
			},
		},
		{
			name:  "a remote wheel URL is a pin with its file",
			files: map[string]string{"requirements.txt": "mylib @ https://wheels.example/mylib-1.2.0-py3-none-any.whl#sha256=ABCD\n"},
			want:  []string{"mylib==1.2.0"},
			check: func(t *testing.T, s *Set) {
				want := []File{{Name: "mylib-1.2.0-py3-none-any.whl", URL: "https://wheels.example/mylib-1.2.0-py3-none-any.whl", Hash: "sha256:abcd"}}
				if p := pin(t, s, "mylib"); !cmp.Equal(p.Files, want) || !cmp.Equal(p.Hashes, []string{"sha256:abcd"}) {
					t.Errorf("mylib %+v", p)
				}
			},
		},
		{
			name: "a pip-compile file is complete",
			files: map[string]string{"requirements.txt": "#\n# This file is autogenerated by pip-compile with Python 3.12\n# by the following command:\n#\n" +
				"asgiref==3.8.1\n    # via django\ndjango==5.1.4\n"},
			want: []string{"asgiref==3.8.1", "django==5.1.4"},
			check: func(t *testing.T, s *Set) {
				if !s.Complete || s.Hashed || len(s.IndexURLs) != 0 {
					t.Errorf("Complete %v Hashed %v IndexURLs %q", s.Complete, s.Hashed, s.IndexURLs)
				}
			},
		},
		{
			name:  "a hashed file is complete; extra indexes only add",
			files: map[string]string{"requirements.txt": "--extra-index-url https://extra.example/simple\ndjango==5.1.4 --hash=sha256:aa\n"},
			want:  []string{"django==5.1.4"},
			check: func(t *testing.T, s *Set) {
				if !s.Complete || !s.Hashed || s.PrimaryIndex || !cmp.Equal(s.IndexURLs, []string{"https://extra.example/simple"}) {
					t.Errorf("Complete %v Hashed %v PrimaryIndex %v IndexURLs %q", s.Complete, s.Hashed, s.PrimaryIndex, s.IndexURLs)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := load(tc.files, reqProject("requirements.txt"), py312x86)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, names(s)); diff != "" {
				t.Errorf("pins (-want +got):\n%s", diff)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	uvHead := "version = 1\nrequires-python = \">=3.10\"\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n"
	tests := []struct {
		name    string
		files   map[string]string
		project Source
		target  Target
		want    []string // each must appear in the error
	}{
		{
			name:    "unpinned requirement",
			files:   map[string]string{"requirements.txt": "gunicorn==23.0.0\n# web\ndjango>=4.2\n"},
			project: reqProject("requirements.txt"),
			want:    []string{"requirements.txt:3: django>=4.2 is not pinned; containerize build needs exact versions: pin it (==) or use a lockfile (pip-compile, uv pip compile)"},
		},
		{
			name:    "unpinned in an included file, and a wildcard",
			files:   map[string]string{"requirements/prod.txt": "-r base.txt\n", "requirements/base.txt": "django==5.1.*\n"},
			project: reqProject("requirements/prod.txt"),
			want:    []string{"requirements/base.txt:1: django==5.1.* is not pinned"},
		},
		{
			name:    "editable, VCS, local path and sdist URL are all named",
			files:   map[string]string{"requirements.txt": "django==5.1.4\n-e ./libs/shared\nmylib @ git+https://github.com/example/mylib@v1\n./vendor/thing-1.0.tar.gz\nother @ https://example.com/other-1.0.tar.gz\n"},
			project: reqProject("requirements.txt"),
			want: []string{
				"requirements.txt:2: ./libs/shared is an editable requirement (./libs/shared); containerize build installs only wheels: build them into wheels first or use docker build",
				"requirements.txt:3: mylib @ git+https://github.com/example/mylib@v1 is a VCS requirement",
				"requirements.txt:4: thing @ ./vendor/thing-1.0.tar.gz is a local-path requirement",
				"requirements.txt:5: other @ https://example.com/other-1.0.tar.gz is a direct URL to a source archive",
			},
		},
		{
			name:    "two pins of one package",
			files:   map[string]string{"requirements.txt": "django==5.1.4\nDjango==5.1.3\n"},
			project: reqProject("requirements.txt"),
			want:    []string{"requirements.txt:2: django 5.1.3 conflicts with django 5.1.4 at requirements.txt:1"},
		},
		{
			name:    "--no-index",
			files:   map[string]string{"requirements.txt": "--no-index\n--find-links ./wheels\ndjango==5.1.4\n"},
			project: reqProject("requirements.txt"),
			want:    []string{"requirements.txt: --no-index"},
		},
		{
			name:    "marker syntax error",
			files:   map[string]string{"Pipfile.lock": `{"default": {"django": {"version": "==5.1.4", "markers": "python_version >> '3'"}}}`},
			project: Source{Lockfile: "Pipfile.lock"},
			want:    []string{"Pipfile.lock:1: marker"},
		},
		{
			name:    "Pipfile.lock for another Python",
			files:   map[string]string{"Pipfile.lock": "{\n\"_meta\": {\"requires\": {\"python_version\": \"3.11\"}},\n\"default\": {}\n}\n"},
			project: Source{Lockfile: "Pipfile.lock"},
			want:    []string{"Pipfile.lock:2: the lock is for Python 3.11, but the target is Python 3.12", "pipenv lock --python 3.12"},
		},
		{
			name:    "Pipfile.lock VCS entry",
			files:   map[string]string{"Pipfile.lock": "{\"default\": {\n\"mylib\": {\"git\": \"https://github.com/example/mylib.git\", \"ref\": \"abc\"}}}"},
			project: Source{Lockfile: "Pipfile.lock"},
			want:    []string{"Pipfile.lock:2: mylib is a VCS requirement (git+https://github.com/example/mylib.git@abc)"},
		},
		{
			name:    "uv.lock requires-python excludes the target",
			files:   map[string]string{"uv.lock": "version = 1\nrequires-python = \">=3.11\"\n"},
			project: Source{Lockfile: "uv.lock"},
			target:  py310x86,
			want:    []string{"uv.lock:2: the lock is for Python >=3.11, but the target is Python 3.10", "uv lock"},
		},
		{
			name: "uv.lock workspace member and git source",
			files: map[string]string{"uv.lock": uvHead + "dependencies = [{ name = \"lib\" }, { name = \"gitdep\" }]\n\n" +
				"[[package]]\nname = \"lib\"\nversion = \"0.1.0\"\nsource = { editable = \"libs/lib\" }\n\n" +
				"[[package]]\nname = \"gitdep\"\nversion = \"1.0\"\nsource = { git = \"https://github.com/example/gitdep?rev=main#0a1b\" }\n"},
			project: Source{Lockfile: "uv.lock"},
			want: []string{
				`uv.lock:11: lib is a workspace member (editable "libs/lib")`,
				"uv.lock:16: gitdep is a VCS requirement (git+https://github.com/example/gitdep?rev=main#0a1b)",
			},
		},
		{
			name:    "uv.lock dependency that is not locked",
			files:   map[string]string{"uv.lock": uvHead + "dependencies = [{ name = \"ghost\" }]\n"},
			project: Source{Lockfile: "uv.lock"},
			want:    []string{"uv.lock:5: ghost is a dependency but is not locked for this target — run `uv lock`"},
		},
		{
			name: "poetry.lock 1.1 without hashes",
			files: map[string]string{
				"poetry.lock":    "[[package]]\nname = \"django\"\nversion = \"3.2.0\"\ncategory = \"main\"\n\n[metadata]\nlock-version = \"1.1\"\npython-versions = \"^3.8\"\n",
				"pyproject.toml": "[tool.poetry.dependencies]\npython = \"^3.8\"\ndjango = \"^3.2\"\n",
			},
			project: Source{Lockfile: "poetry.lock"},
			want:    []string{`poetry.lock:2: django 3.2.0 has no file hashes (lock-version "1.1") — regenerate the lock with a current Poetry`},
		},
		{
			name: "poetry dependency missing from the lock",
			files: map[string]string{
				"poetry.lock":    "[metadata]\nlock-version = \"2.0\"\npython-versions = \"^3.10\"\n",
				"pyproject.toml": "[tool.poetry.dependencies]\npython = \"^3.10\"\ndjango = \"^5.1\"\n",
			},
			project: Source{Lockfile: "poetry.lock"},
			want:    []string{"pyproject.toml:3: django is not in poetry.lock — run `poetry lock`"},
		},
		{
			name:    "pdm.lock editable",
			files:   map[string]string{"pdm.lock": "[metadata]\ngroups = [\"default\"]\n\n[[package]]\nname = \"mylib\"\nversion = \"0.1\"\npath = \"./libs/mylib\"\neditable = true\ngroups = [\"default\"]\n"},
			project: Source{Lockfile: "pdm.lock"},
			want:    []string{"pdm.lock:5: mylib is an editable requirement (./libs/mylib)"},
		},
		{
			name:    "pylock.toml for another platform",
			files:   map[string]string{"pylock.toml": "lock-version = \"1.0\"\nenvironments = [\"sys_platform == 'darwin'\"]\npackages = []\n"},
			project: Source{},
			want:    []string{"pylock.toml:2: none of the lock's environments (sys_platform == 'darwin') is Linux x86_64 with Python 3.12"},
		},
		{
			name: "pylock.toml ambiguous, too-new Python, VCS",
			files: map[string]string{"pylock.toml": `lock-version = "1.0"
[[packages]]
name = "a"
version = "1"
sdist = {url = "https://x/a-1.tar.gz", hashes = {sha256 = "aa"}}
[[packages]]
name = "a"
version = "2"
sdist = {url = "https://x/a-2.tar.gz", hashes = {sha256 = "bb"}}
[[packages]]
name = "b"
version = "1"
requires-python = ">=3.13"
sdist = {url = "https://x/b-1.tar.gz", hashes = {sha256 = "cc"}}
[[packages]]
name = "c"
vcs = {type = "git", url = "https://x/c.git", commit-id = "0a1b"}
`},
			project: Source{},
			want: []string{
				"pylock.toml:7: a: a second entry applies to this target (the first is at line 3)",
				"pylock.toml:11: b 1 requires Python >=3.13, but the target is Python 3.12",
				"pylock.toml:16: c is a VCS requirement (git+https://x/c.git@0a1b)",
			},
		},
		{
			name:    "several named pylock files",
			files:   map[string]string{"pylock.web.toml": "", "pylock.worker.toml": "", "uv.lock": ""},
			project: Source{Lockfile: "uv.lock"},
			want:    []string{"several named lock files (pylock.web.toml, pylock.worker.toml) and no pylock.toml"},
		},
		{
			name:    "no lock for a poetry project",
			files:   map[string]string{"pyproject.toml": "[tool.poetry]\n"},
			project: Source{Manager: "poetry"},
			want:    []string{"no poetry.lock", "run `poetry lock`"},
		},
		{
			name:    "no lock for a setuptools project",
			files:   map[string]string{"setup.py": ""},
			project: Source{Manager: "setuptools"},
			want:    []string{"no lockfile or requirements file", "uv pip compile"},
		},
		{
			name:    "bad target",
			files:   map[string]string{},
			project: Source{},
			target:  Target{Python: "3", Arch: "x86_64"},
			want:    []string{`target Python "3"`},
		},
		{
			name:    "bad arch",
			files:   map[string]string{},
			project: Source{},
			target:  Target{Python: "3.12", Arch: "riscv64"},
			want:    []string{`target architecture "riscv64"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := tc.target
			if target == (Target{}) {
				target = py312x86
			}
			s, err := load(tc.files, tc.project, target)
			if err == nil {
				t.Fatalf("no error; pins %q", names(s))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestErrorsAreLocated(t *testing.T) {
	_, err := load(map[string]string{"requirements.txt": "django>=4\n"}, reqProject("requirements.txt"), py312x86)
	var pe *manifest.ParseError
	if !errors.As(err, &pe) || pe.File != "requirements.txt" || pe.Line != 1 {
		t.Fatalf("error %v is not a ParseError at requirements.txt:1", err)
	}
}

func TestPoetryRecordedGroups(t *testing.T) {
	// Poetry 2.1+ writes groups and markers per package; they are used as
	// written, even when pyproject.toml is there.
	lock := `[[package]]
name = "django"
version = "5.1.4"
groups = ["main"]
files = [{file = "django-5.1.4-py3-none-any.whl", hash = "sha256:aa"}]

[[package]]
name = "tomli"
version = "2.2.1"
groups = ["main", "dev"]
markers = {main = "python_version < \"3.11\"", dev = "python_version < \"3.12\""}
files = [{file = "tomli-2.2.1-py3-none-any.whl", hash = "sha256:bb"}]

[[package]]
name = "colorama"
version = "0.4.6"
groups = ["main"]
markers = "sys_platform == \"win32\""
files = [{file = "colorama-0.4.6-py2.py3-none-any.whl", hash = "sha256:cc"}]

[[package]]
name = "pytest"
version = "8.3.4"
groups = ["dev"]
files = [{file = "pytest-8.3.4-py3-none-any.whl", hash = "sha256:dd"}]

[metadata]
lock-version = "2.1"
python-versions = ">=3.10"
`
	files := map[string]string{"poetry.lock": lock, "pyproject.toml": "[project]\nname = \"x\"\ndependencies = []\n"}
	for target, want := range map[Target][]string{
		py312x86: {"django==5.1.4"},
		py310x86: {"django==5.1.4", "tomli==2.2.1"},
	} {
		s, err := load(files, Source{Lockfile: "poetry.lock"}, target)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, names(s)); diff != "" {
			t.Errorf("%v: pins (-want +got):\n%s", target, diff)
		}
	}
}

func TestPoetryWithoutPyproject(t *testing.T) {
	// No pyproject.toml next to a lock that records no groups: every package
	// that is not marked dev is kept.
	data, err := os.ReadFile("testdata/poetry/poetry.lock")
	if err != nil {
		t.Fatal(err)
	}
	s, err := load(map[string]string{"poetry.lock": string(data)}, Source{Lockfile: "poetry.lock"}, py312x86)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pins) != 9 {
		t.Errorf("pins %q, want all 9", names(s))
	}
}

func TestPylockDiscovery(t *testing.T) {
	pylock, err := os.ReadFile("testdata/pylock/pylock.toml")
	if err != nil {
		t.Fatal(err)
	}
	uv, err := os.ReadFile("testdata/uv/uv.lock")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		files   map[string]string
		project Source
		format  string
		file    string
	}{
		{"pylock.toml wins over uv.lock", map[string]string{"uv.lock": string(uv), "pylock.toml": string(pylock)},
			Source{Lockfile: "uv.lock"}, "pylock.toml", "pylock.toml"},
		{"the only named pylock file", map[string]string{"app/pylock.prod.toml": string(pylock), "app/pylock.x.y.toml": "not a lock"},
			Source{Dir: "app"}, "pylock.toml", "app/pylock.prod.toml"},
		{"pylock.toml wins over named ones", map[string]string{"pylock.toml": string(pylock), "pylock.a.toml": "", "pylock.b.toml": ""},
			Source{}, "pylock.toml", "pylock.toml"},
		{"no pylock file", map[string]string{"uv.lock": string(uv)},
			Source{Lockfile: "uv.lock"}, "uv.lock", "uv.lock"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := load(tc.files, tc.project, py312x86)
			if err != nil {
				t.Fatal(err)
			}
			if s.Format != tc.format || s.File != tc.file {
				t.Errorf("read %s as %s, want %s as %s", s.File, s.Format, tc.file, tc.format)
			}
		})
	}
}

func TestTargetSpellings(t *testing.T) {
	p := Source{Dir: ".", Lockfile: "uv.lock"}
	a, err := Load(fixture("uv"), p, Target{Python: " 3.12 ", Arch: "arm64"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(fixture("uv"), p, py312arm)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(a), names(b)) {
		t.Errorf("arm64 gave %q, aarch64 %q", names(a), names(b))
	}
}

func TestKey(t *testing.T) {
	base := func() *Set {
		return &Set{
			Format: "uv.lock", File: "uv.lock", Hashed: true, IndexURLs: []string{"https://pypi.org/simple"},
			Pins: []Pin{
				{Name: "django", Version: "5.1.4", Hashes: []string{"sha256:aa", "sha256:bb"}, Source: "uv.lock:10",
					Files: []File{{Name: "django-5.1.4-py3-none-any.whl", URL: "https://f/django.whl", Hash: "sha256:aa"}, {Name: "django-5.1.4.tar.gz", URL: "https://f/django.tar.gz", Hash: "sha256:bb"}}},
				{Name: "redis", Version: "5.2.1", Hashes: []string{"sha256:cc"}, Source: "uv.lock:20"},
			},
		}
	}
	key := base().Key()
	if len(key) != 64 || key != base().Key() {
		t.Fatalf("Key not a stable sha256 hex: %q", key)
	}
	same := map[string]func(s *Set){
		"pins reordered":   func(s *Set) { slices.Reverse(s.Pins) },
		"hashes reordered": func(s *Set) { slices.Reverse(s.Pins[0].Hashes) },
		"files reordered":  func(s *Set) { slices.Reverse(s.Pins[0].Files) },
		"evidence moved":   func(s *Set) { s.Pins[0].Source = "uv.lock:99"; s.File = "sub/uv.lock" },
		"other format":     func(s *Set) { s.Format = "pylock.toml" },
	}
	for name, change := range same {
		s := base()
		change(s)
		if s.Key() != key {
			t.Errorf("%s changed the key", name)
		}
	}
	differ := map[string]func(s *Set){
		"version":         func(s *Set) { s.Pins[1].Version = "5.2.2" },
		"hash":            func(s *Set) { s.Pins[1].Hashes[0] = "sha256:cd" },
		"hash added":      func(s *Set) { s.Pins[1].Hashes = append(s.Pins[1].Hashes, "sha256:dd") },
		"file URL":        func(s *Set) { s.Pins[0].Files[0].URL = "https://mirror/django.whl" },
		"file hash":       func(s *Set) { s.Pins[0].Files[1].Hash = "sha256:bc" },
		"name":            func(s *Set) { s.Pins[1].Name = "redis-py" },
		"pin added":       func(s *Set) { s.Pins = append(s.Pins, Pin{Name: "tomli", Version: "2.2.1"}) },
		"pin removed":     func(s *Set) { s.Pins = s.Pins[:1] },
		"index":           func(s *Set) { s.IndexURLs = []string{"https://mirror/simple"} },
		"primary index":   func(s *Set) { s.PrimaryIndex = true },
		"field boundary":  func(s *Set) { s.Pins[1].Name, s.Pins[1].Version = "redis5", ".2.1" },
		"hashes to files": func(s *Set) { s.Pins[1].Hashes = nil; s.Pins[1].Files = []File{{Hash: "sha256:cc"}} },
	}
	for name, change := range differ {
		s := base()
		change(s)
		if s.Key() == key {
			t.Errorf("%s did not change the key", name)
		}
	}
}

func TestKeyOfReorderedLockfile(t *testing.T) {
	a := "django==5.1.4 --hash=sha256:aa --hash=sha256:bb\nredis==5.2.1 --hash=sha256:cc\n"
	b := "# reordered\nredis==5.2.1 --hash=sha256:cc\n\ndjango==5.1.4 --hash=sha256:bb --hash=sha256:aa\n"
	c := "django==5.1.4 --hash=sha256:aa --hash=sha256:bb\nredis==5.2.2 --hash=sha256:cc\n"
	key := func(data string) string {
		s, err := load(map[string]string{"requirements.txt": data}, reqProject("requirements.txt"), py312x86)
		if err != nil {
			t.Fatal(err)
		}
		return s.Key()
	}
	if key(a) != key(b) {
		t.Error("reordering the requirements file changed the key")
	}
	if key(a) == key(c) {
		t.Error("changing a version kept the key")
	}
}

// TestSampleProjects runs Load on the repository's sample projects the way
// containerize build does: detect first, then the lock for the project's
// Python.
func TestSampleProjects(t *testing.T) {
	tests := []struct {
		sample  string
		target  Target
		format  string
		has     []string // name==version that must be pinned
		hasNot  []string // names that must not be
		hashed  bool
		complte bool
	}{
		{"library", Target{"3.11", "x86_64"}, "Pipfile.lock",
			[]string{"django==3.2.25", "djangorestframework==3.11.2", "asgiref==3.8.1", "sqlparse==0.5.1", "pytz==2024.2"}, nil, true, true},
		{"poetry", py312x86, "poetry.lock",
			[]string{"django==4.2.17", "django-redis==5.4.0", "psycopg2-binary==2.9.10", "gunicorn==22.0.0", "packaging==24.2"},
			[]string{"pytest", "pytest-django", "ruff", "colorama", "tzdata", "async-timeout", "iniconfig"}, true, true},
		{"uv", py312arm, "uv.lock",
			[]string{"django==5.1.4", "psycopg==3.2.3", "psycopg-binary==3.2.3", "typing-extensions==4.12.2", "whitenoise==6.8.2"},
			[]string{"tracker", "pytest", "pytest-django", "colorama", "tzdata"}, true, true},
		{"uv", Target{"3.13", "x86_64"}, "uv.lock",
			[]string{"django==5.1.4", "psycopg-binary==3.2.3"}, []string{"typing-extensions"}, true, true},
		{"pdm", py312x86, "pdm.lock",
			[]string{"django==5.1.4", "django-environ==0.11.2", "psycopg2-binary==2.9.10"},
			[]string{"pytest", "colorama", "exceptiongroup", "tzdata", "typing-extensions"}, true, true},
		{"requirements-celery", py312x86, "requirements",
			[]string{"django==5.1.4", "celery==5.4.0", "sentry-sdk==2.19.2"}, []string{"pytest-django"}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.sample+"/"+tc.target.Python+"-"+tc.target.Arch, func(t *testing.T) {
			fsys := os.DirFS(filepath.Join("..", "testdata", "projects", tc.sample))
			p, err := detect.Detect(fsys, tc.sample)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Load(fsys, Source{Dir: p.DependencyDir, Lockfile: p.Lockfile, RequirementsFile: p.RequirementsFile, Manager: string(p.PackageManager)}, tc.target)
			if err != nil {
				t.Fatal(err)
			}
			if s.Format != tc.format || s.Hashed != tc.hashed || s.Complete != tc.complte {
				t.Errorf("Format %q Hashed %v Complete %v", s.Format, s.Hashed, s.Complete)
			}
			got := names(s)
			for _, w := range tc.has {
				if !slices.Contains(got, w) {
					t.Errorf("%s not pinned; pins %q", w, got)
				}
			}
			for _, n := range tc.hasNot {
				for _, g := range got {
					if strings.HasPrefix(g, n+"==") {
						t.Errorf("%s pinned, but must not be", g)
					}
				}
			}
		})
	}
}

func TestUVResolutionMarkers(t *testing.T) {
	// An edge without a version, to a package locked at two versions: the
	// packages' resolution-markers choose.
	lock := `version = 1
requires-python = ">=3.10"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "numpy" }]

[[package]]
name = "numpy"
version = "2.1.0"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version < '3.11'"]
wheels = [{ url = "https://f/numpy-2.1.0-cp310-cp310-manylinux_2_17_x86_64.whl", hash = "sha256:11" }]

[[package]]
name = "numpy"
version = "2.2.3"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version >= '3.11' and platform_machine == 'x86_64'", "python_full_version >= '3.11' and platform_machine == 'aarch64'"]
wheels = [{ url = "https://f/numpy-2.2.3-cp312-cp312-manylinux_2_17_x86_64.whl", hash = "sha256:22" }]
`
	for target, want := range map[Target][]string{
		py310x86: {"numpy==2.1.0"},
		py312x86: {"numpy==2.2.3"},
		py312arm: {"numpy==2.2.3"},
	} {
		s, err := load(map[string]string{"uv.lock": lock}, Source{Lockfile: "uv.lock"}, target)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, names(s)); diff != "" {
			t.Errorf("%v: pins (-want +got):\n%s", target, diff)
		}
	}
}
