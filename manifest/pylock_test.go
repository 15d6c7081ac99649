package manifest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/containerize/containerize/pep"
)

func TestParsePylockFile(t *testing.T) {
	data, err := os.ReadFile("testdata/pylock/pylock.toml")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := ParsePylock(data, "pylock.toml")
	if err != nil {
		t.Fatal(err)
	}
	if pl.Format != "pylock.toml" || pl.Version != "1.0" || pl.PythonVersion != ">=3.10" || pl.PythonVersionLine != 3 {
		t.Errorf("header: format %q version %q python %q line %d", pl.Format, pl.Version, pl.PythonVersion, pl.PythonVersionLine)
	}
	if diff := cmp.Diff([]string{"sys_platform == 'linux'", "sys_platform == 'darwin'"}, pl.Environments); diff != "" || pl.EnvironmentsLine != 2 {
		t.Errorf("environments (line %d): %s", pl.EnvironmentsLine, diff)
	}
	if !slicesEqual(pl.DefaultGroups, []string{"default"}) || !slicesEqual(pl.DependencyGroups, []string{"dev"}) || pl.CreatedBy != "hand" {
		t.Errorf("groups %q %q created-by %q", pl.DefaultGroups, pl.DependencyGroups, pl.CreatedBy)
	}
	want := []lockBrief{
		{"django", "5.1.4", "", 2, false, 10, ""},
		{"tomli", "2.2.1", "python_version < '3.11'", 2, false, 22, ""},
		{"pytest", "8.3.4", "'dev' in dependency_groups", 1, false, 30, ""},
		{"mylib", "", "", 0, false, 36, "git+https://github.com/example/mylib.git@0a1b2c3d"},
		{"app", "", "", 0, false, 43, "."},
	}
	if diff := cmp.Diff(want, lockBriefs(pl.Packages)); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	dj := pl.Packages[0]
	if dj.Source.Kind != "wheels" || dj.Index != "https://pypi.org/simple/" || dj.RequiresPython != ">=3.10" || len(dj.Files) != 2 {
		t.Fatalf("django: %+v", dj)
	}
	w := dj.Files[0]
	if w.Name != "django-5.1.4-py3-none-any.whl" || w.Size != 8276000 || w.Line != 15 ||
		w.Hash != "sha256:205c54b459fa7bd6347aa661609292fe61dc8cd9aa93ad80ad1d7d3ba0cc187c" {
		t.Errorf("django wheel: %+v", w)
	}
	if sd := dj.Files[1]; sd.Name != "django-5.1.4.tar.gz" || sd.URL != "https://files.example/django-5.1.4.tar.gz" {
		t.Errorf("django sdist (after the wheels): %+v", sd)
	}
	if got := pl.Packages[1].Hashes; !slicesEqual(got, []string{"blake2b:00", "sha256:cb55c73c5f4408779d0cf3eef9f762b9c9f147a77de7b258bef0a5628adc85cc"}) {
		t.Errorf("tomli hashes %q", got)
	}
	if tw := pl.Packages[1].Files; len(tw) != 1 || tw[0].Name != "tomli-2.2.1-py3-none-any.whl" || tw[0].Line != 25 ||
		tw[0].Hash != "sha256:cb55c73c5f4408779d0cf3eef9f762b9c9f147a77de7b258bef0a5628adc85cc" {
		t.Errorf("tomli wheels (name from the URL, sha256 chosen): %+v", tw)
	}
	if p := pl.Packages[3]; p.Source.Kind != "vcs" || p.Source.Location != "https://github.com/example/mylib.git" {
		t.Errorf("mylib source %+v", p.Source)
	}
	if p := pl.Packages[4]; p.Source.Kind != "directory" || !p.Editable {
		t.Errorf("app %+v", p)
	}
}

func slicesEqual(a, b []string) bool { return cmp.Equal(a, b) }

func TestParsePylockErrors(t *testing.T) {
	const wheel = `wheels = [{url = "https://x/a-1-py3-none-any.whl", hashes = {sha256 = "ab"}}]`
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"no version", "[[packages]]\nname = \"a\"\n" + wheel, 0, "lock-version must be a string"},
		{"major 2", "lock-version = \"2.0\"\n", 1, `lock-version "2.0" is not supported`},
		{"no packages", "lock-version = \"1.0\"\n", 0, "no [[packages]]"},
		{"bad requires-python", "lock-version = \"1.0\"\nrequires-python = \"3.x\"\npackages = []\n", 2, "requires-python"},
		{"bad environment", "lock-version = \"1.0\"\nenvironments = [\"os_nam == 'x'\"]\npackages = []\n", 2, "environments: marker"},
		{"no name", "lock-version = \"1.0\"\n[[packages]]\nversion = \"1\"\n" + wheel, 2, "needs a valid name"},
		{"bad marker", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\nmarker = \"python_version <\"\n" + wheel, 4, `a: marker "python_version <"`},
		{"conflicting sources", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\ndirectory = {path = \".\"}\n" + wheel, 3, "conflicting sources (directory, wheels)"},
		{"no source", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\nversion = \"1\"\n", 3, "names no source"},
		{"no hashes", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\nwheels = [{url = \"https://x/a-1-py3-none-any.whl\"}]\n", 4, "has no hashes"},
		{"no url", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\nwheels = [{name = \"a-1-py3-none-any.whl\", hashes = {sha256 = \"ab\"}}]\n", 4, "needs a url or a path"},
		{"not a wheel", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\nwheels = [{url = \"https://x/a-1.tar.gz\", hashes = {sha256 = \"ab\"}}]\n", 4, "is not a .whl file"},
		{"vcs without commit", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\nvcs = {type = \"git\", url = \"https://x\"}\n", 4, "needs type, commit-id"},
		{"negative size", "lock-version = \"1.0\"\n[[packages]]\nname = \"a\"\nsdist = {url = \"https://x/a-1.tar.gz\", size = -1, hashes = {sha256 = \"ab\"}}\n", 4, "non-negative"},
		{"syntax", "lock-version = \"1.0\"\n[[packages]\n", 3, "fix the TOML syntax"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePylock([]byte(tc.doc), "pylock.toml")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a ParseError", err)
			}
			if pe.File != "pylock.toml" || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("got %q (line %d), want line %d and %q", err, pe.Line, tc.line, tc.msg)
			}
		})
	}
}

func FuzzParsePylock(f *testing.F) {
	seedFiles(f, "pylock/pylock.toml")
	f.Add([]byte("lock-version = '1.0'\npackages = [{name = 'a', archive = {path = 'a.whl', hashes = {sha256 = 'x'}}}]\n"))
	f.Add([]byte("lock-version = '1.1'\nenvironments = ['extra == \"x\"']\n[[packages]]\nname = 'b'\nsdist = {url = 'https://x/b-1.tar.gz?y#z', hashes = {md5 = 'q'}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pl, err := ParsePylock(data, "pylock.toml")
		checkLocated(t, err, "pylock.toml")
		if err != nil {
			return
		}
		for _, p := range pl.Packages {
			if p.Name == "" || p.Name != pep.NormalizeName(p.Name) || p.Line < 0 {
				t.Fatalf("bad package %+v", p)
			}
			for _, f := range p.Files {
				if f.Name == "" || strings.ContainsAny(f.Name, `/\`) || f.Hash == "" || f.URL == "" && f.Path == "" {
					t.Fatalf("bad file %+v in %s", f, p.Name)
				}
			}
		}
	})
}
