package lockset

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// requested renders the pins the project asks for itself.
func requested(s *Set) []string {
	var out []string
	for _, p := range s.Pins {
		if p.Requested {
			out = append(out, p.Name)
		}
	}
	return out
}

func TestRequested(t *testing.T) {
	tests := []struct {
		name    string
		dir     string
		project Source
		target  Target
		want    []string
	}{
		// uv.lock records the project's dependencies.
		{"uv.lock", "uv", Source{Dir: ".", Lockfile: "uv.lock"}, py312x86, []string{"django", "numpy", "redis"}},
		// A poetry.lock walked from pyproject.toml: its main dependencies.
		{"poetry.lock", "poetry", Source{Dir: ".", Lockfile: "poetry.lock"}, py312arm, []string{"django", "greenlet", "redis"}},
		// Every requirement of a requirements file is asked for.
		{"requirements", "requirements", Source{Dir: ".", RequirementsFile: "requirements.txt"}, py312x86, []string{"django", "redis"}},
		// The others do not record it.
		{"Pipfile.lock", "pipenv", Source{Dir: ".", Lockfile: "Pipfile.lock"}, py312x86, nil},
		{"pdm.lock", "pdm", Source{Dir: ".", Lockfile: "pdm.lock"}, py312x86, nil},
		{"pylock.toml", "pylock", Source{Dir: "."}, py312x86, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Load(fixture(tc.dir), tc.project, tc.target)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, requested(s)); diff != "" {
				t.Errorf("requested (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPoetryExtraMarkers: poetry.lock writes an optional dependency with the
// marker of its extra (markers = "extra == \"hiredis\""); reached through
// that extra, the marker holds, as PEP 508 has it.
func TestPoetryExtraMarkers(t *testing.T) {
	lock := `[[package]]
name = "redis"
version = "5.2.1"
files = [{file = "redis-5.2.1-py3-none-any.whl", hash = "sha256:aa"}]

[package.dependencies]
hiredis = {version = ">=3.0.0", optional = true, markers = "extra == \"hiredis\""}
ocsp = {version = ">=1", optional = true, markers = "extra == \"ocsp\""}

[package.extras]
hiredis = ["hiredis (>=3.0.0)"]
ocsp = ["ocsp (>=1)"]

[[package]]
name = "hiredis"
version = "3.0.0"
files = [{file = "hiredis-3.0.0-cp312-cp312-manylinux_2_17_x86_64.whl", hash = "sha256:bb"}]

[[package]]
name = "ocsp"
version = "1.0"
files = [{file = "ocsp-1.0-py3-none-any.whl", hash = "sha256:cc"}]

[metadata]
lock-version = "2.0"
python-versions = "^3.10"
`
	files := map[string]string{"poetry.lock": lock, "pyproject.toml": "[tool.poetry.dependencies]\npython = \"^3.10\"\nredis = {version = \"^5.0\", extras = [\"hiredis\"]}\n"}
	s, err := load(files, Source{Lockfile: "poetry.lock"}, py312x86)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hiredis==3.0.0", "redis==5.2.1"}, names(s)); diff != "" {
		t.Errorf("pins (-want +got):\n%s", diff)
	}
}
