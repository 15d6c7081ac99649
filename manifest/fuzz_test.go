package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/pep"
)

// seedFiles adds every fixture matching the globs (under testdata/) to f.
func seedFiles(f *testing.F, globs ...string) {
	f.Helper()
	for _, g := range globs {
		names, err := filepath.Glob(filepath.Join("testdata", g))
		if err != nil || len(names) == 0 {
			f.Fatalf("no seed files for %s", g)
		}
		for _, n := range names {
			data, err := os.ReadFile(n)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// checkLocated fails unless err is nil or a *ParseError naming path.
func checkLocated(t *testing.T, err error, path string) {
	t.Helper()
	if err == nil {
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != path {
		t.Fatalf("error %q is not a ParseError for %s", err, path)
	}
}

func FuzzParseRequirementsFile(f *testing.F) {
	for _, n := range []string{"reqs/requirements/base.txt", "reqs/requirements/production.txt", "reqs/hashed/requirements.txt", "reqs/cycle/b.txt"} {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, []byte("-r r.txt\nsix==1.16\n"))
	}
	f.Add([]byte("-r b.txt\n-c b.txt\n-e .\n"), []byte("a==1 \\\n --hash=sha256:x\n"))
	f.Fuzz(func(t *testing.T, root, other []byte) {
		fsys := fstest.MapFS{
			"r.txt":     {Data: root},
			"b.txt":     {Data: other},
			"sub/c.txt": {Data: other},
		}
		rs, err := ParseRequirementsFile(fsys, "r.txt")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line == 0 {
				t.Fatalf("error %q is not a located ParseError", err)
			}
			return
		}
		if len(rs.Files) == 0 || rs.Files[0] != "r.txt" || len(rs.Files) > 3 {
			t.Fatalf("Files = %q", rs.Files)
		}
		for _, r := range append(rs.Requirements, rs.Constraints...) {
			if r.Line < 1 || r.File == "" {
				t.Fatalf("requirement without evidence: %+v", r)
			}
		}
		for _, r := range rs.Requirements {
			if rs.Hashed && len(r.Hashes) == 0 {
				t.Fatalf("Hashed, but %s has no hash", r.Where())
			}
		}
	})
}

func fuzzLockfile(f *testing.F, parse func([]byte, string) (*Lock, error), path string) {
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := parse(data, path)
		checkLocated(t, err, path)
		if err != nil {
			return
		}
		if l.File != path {
			t.Fatalf("File = %q", l.File)
		}
		normal := func(deps []LockedDependency) {
			for _, d := range deps {
				if d.Name != pep.NormalizeName(d.Name) {
					t.Fatalf("dependency name %q not normalised", d.Name)
				}
			}
		}
		normal(l.Roots)
		for _, p := range append(l.Packages, l.Projects...) {
			if p.Line < 0 {
				t.Fatalf("negative line: %+v", p)
			}
			normal(p.Dependencies)
			for x, deps := range p.Extras {
				if x != pep.NormalizeName(x) {
					t.Fatalf("extra %q not normalised", x)
				}
				normal(deps)
			}
		}
	})
}

func FuzzParsePipfileLock(f *testing.F) {
	seedFiles(f, "pipenv/Pipfile.lock")
	f.Add([]byte(`{"default": {"a": {"version": "==1", "hashes": ["sha256:x"]}}, "develop": null}`))
	fuzzLockfile(f, ParsePipfileLock, "Pipfile.lock")
}

func FuzzParsePoetryLock(f *testing.F) {
	seedFiles(f, "poetry*/poetry.lock")
	fuzzLockfile(f, ParsePoetryLock, "poetry.lock")
}

func FuzzParseUVLock(f *testing.F) {
	seedFiles(f, "uv/uv.lock")
	fuzzLockfile(f, ParseUVLock, "uv.lock")
}

func FuzzParsePDMLock(f *testing.F) {
	seedFiles(f, "pdm/pdm.lock")
	fuzzLockfile(f, ParsePDMLock, "pdm.lock")
}

func FuzzParsePipfile(f *testing.F) {
	seedFiles(f, "pipenv/Pipfile")
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := ParsePipfile(data, "Pipfile")
		checkLocated(t, err, "Pipfile")
		if err == nil {
			for _, r := range append(pf.Packages, pf.DevPackages...) {
				if r.Name == "" || r.File != "Pipfile" {
					t.Fatalf("bad requirement %+v", r)
				}
			}
		}
	})
}

func FuzzParsePyproject(f *testing.F) {
	seedFiles(f, "*/pyproject.toml")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParsePyproject(data, "pyproject.toml")
		checkLocated(t, err, "pyproject.toml")
	})
}

func FuzzParseSetupPy(f *testing.F) {
	seedFiles(f, "setuptools/*.py")
	f.Add([]byte("setup(install_requires='''\ndjango\n''', python_requires=f'>={V}')"))
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseSetupPy(data, "setup.py")
		checkLocated(t, err, "setup.py")
		if err == nil {
			for _, r := range st.Requirements {
				if r.Line < 1 {
					t.Fatalf("requirement without a line: %+v", r)
				}
			}
		}
	})
}

func FuzzParseSetupCfg(f *testing.F) {
	seedFiles(f, "setuptools/setup.cfg")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseSetupCfg(data, "setup.cfg")
		checkLocated(t, err, "setup.cfg")
	})
}
