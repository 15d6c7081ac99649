package lockset

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/pep"
)

// FuzzLoad feeds arbitrary lockfiles of each format through Load: it must
// not panic, and what it returns must be a well-formed set.
func FuzzLoad(f *testing.F) {
	for _, seed := range []struct{ name, file string }{
		{"pylock.toml", "testdata/pylock/pylock.toml"},
		{"uv.lock", "testdata/uv/uv.lock"},
		{"poetry.lock", "testdata/poetry/poetry.lock"},
		{"pdm.lock", "testdata/pdm/pdm.lock"},
		{"Pipfile.lock", "testdata/pipenv/Pipfile.lock"},
		{"requirements.txt", "testdata/requirements/requirements.txt"},
	} {
		data, err := os.ReadFile(seed.file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed.name, data, false)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte, arm bool) {
		files := []string{"pylock.toml", "uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock", "requirements.txt"}
		if !slices.Contains(files, name) {
			return
		}
		fsys := fstest.MapFS{name: {Data: data}}
		p := Source{Dir: "."}
		if name == "requirements.txt" {
			p.RequirementsFile = name
		} else if name != "pylock.toml" {
			p.Lockfile = name
		}
		target := py312x86
		if arm {
			target = py312arm
		}
		s, err := Load(fsys, p, target)
		if err != nil {
			if s != nil || err.Error() == "" {
				t.Fatalf("error %v with a set", err)
			}
			return
		}
		for i, pin := range s.Pins {
			if pin.Name == "" || pin.Name != pep.NormalizeName(pin.Name) || pin.Version == "" || !strings.HasPrefix(pin.Source, name) {
				t.Fatalf("bad pin %+v", pin)
			}
			if i > 0 && s.Pins[i-1].Name >= pin.Name {
				t.Fatalf("pins not sorted and unique: %s, %s", s.Pins[i-1].Name, pin.Name)
			}
			if s.Hashed && len(pin.Hashes) == 0 {
				t.Fatalf("Hashed, but %s has no hash", pin.Name)
			}
		}
		if len(s.Key()) != 64 {
			t.Fatal("bad key")
		}
	})
}

// FuzzPoetryWalk feeds a poetry.lock and the pyproject.toml it is walked
// from through Load: the walk must not panic, and a set it returns must be
// well formed.
func FuzzPoetryWalk(f *testing.F) {
	lock, err := os.ReadFile("testdata/poetry/poetry.lock")
	if err != nil {
		f.Fatal(err)
	}
	pyproject, err := os.ReadFile("testdata/poetry/pyproject.toml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(lock, pyproject, false)
	f.Add([]byte("[[package]]\nname = 'a'\nversion = '1'\nfiles = [{file = 'a-1-py3-none-any.whl', hash = 'sha256:aa'}]\n[package.dependencies]\nb = {version = '*', optional = true, markers = 'extra == \"x\"'}\n[package.extras]\nx = ['b[y]']\n"),
		[]byte("[tool.poetry.dependencies]\na = {version = '*', extras = ['x']}\n"), true)
	f.Fuzz(func(t *testing.T, lock, pyproject []byte, arm bool) {
		fsys := fstest.MapFS{"poetry.lock": {Data: lock}, "pyproject.toml": {Data: pyproject}}
		target := py312x86
		if arm {
			target = py312arm
		}
		s, err := Load(fsys, Source{Dir: ".", Lockfile: "poetry.lock"}, target)
		if err != nil {
			if s != nil || err.Error() == "" {
				t.Fatalf("error %v with a set", err)
			}
			return
		}
		for i, pin := range s.Pins {
			if pin.Name == "" || pin.Version == "" || !strings.HasPrefix(pin.Source, "poetry.lock") || len(pin.Hashes) == 0 {
				t.Fatalf("bad pin %+v", pin)
			}
			if i > 0 && s.Pins[i-1].Name >= pin.Name {
				t.Fatalf("pins not sorted and unique: %s, %s", s.Pins[i-1].Name, pin.Name)
			}
		}
	})
}
