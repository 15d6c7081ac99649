package manifest

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lockBrief is the comparable part of a LockedPackage.
type lockBrief struct {
	Name, Version, Markers string
	Hashes                 int
	Dev                    bool
	Line                   int
	URL                    string
}

func lockBriefs(ps []LockedPackage) []lockBrief {
	out := make([]lockBrief, len(ps))
	for i, p := range ps {
		out[i] = lockBrief{p.Name, p.Version, p.Markers, len(p.Hashes), p.Dev, p.Line, p.URL}
	}
	return out
}

func TestParseLocks(t *testing.T) {
	tests := []struct {
		fixture, path string
		parse         func([]byte, string) (*Lock, error)
		format        string
		python        string
		pythonLine    int
		want          []lockBrief
	}{
		{
			fixture: "pipenv/Pipfile.lock", path: "Pipfile.lock", parse: ParsePipfileLock,
			format: "Pipfile.lock", python: "3.8", pythonLine: 8,
			want: []lockBrief{
				{"asgiref", "3.5.2", "python_version >= '3.7'", 2, false, 19, ""},
				{"django", "3.2.16", "", 1, false, 27, ""},
				{"djangorestframework", "3.11.2", "", 1, false, 34, ""},
				{"mylib", "", "", 0, false, 41, "git+https://github.com/example/mylib.git@0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"},
				{"pytest", "7.2.0", "", 1, true, 48, ""},
			},
		},
		{
			fixture: "poetry1/poetry.lock", path: "poetry.lock", parse: ParsePoetryLock,
			format: "poetry.lock", python: "^3.10", pythonLine: 49,
			want: []lockBrief{
				{"asgiref", "3.6.0", "", 2, false, 2, ""},
				{"django", "4.2.1", "", 1, false, 13, ""},
				{"pytest", "7.2.0", "", 0, true, 25, ""},
				{"mylib", "1.0.0", "", 0, false, 33, "git+https://github.com/example/mylib.git@9f8e7d6c5b4a39281706f5e4d3c2b1a098765432"},
			},
		},
		{
			fixture: "poetry2/poetry.lock", path: "poetry.lock", parse: ParsePoetryLock,
			format: "poetry.lock", python: ">=3.11,<4.0", pythonLine: 61,
			want: []lockBrief{
				{"asgiref", "3.8.1", "", 2, false, 4, ""},
				{"colorama", "0.4.6", `sys_platform == "win32"`, 1, true, 19, ""},
				{"django", "5.1.4", "", 2, false, 31, ""},
				{"tzdata", "2024.2", `sys_platform == "win32"`, 1, false, 48, ""},
			},
		},
		{
			fixture: "uv/uv.lock", path: "uv.lock", parse: ParseUVLock,
			format: "uv.lock", python: ">=3.12", pythonLine: 3,
			want: []lockBrief{
				{"asgiref", "3.8.1", "", 2, false, 6, ""},
				{"django", "5.1.4", "", 2, false, 15, ""},
				{"psycopg", "3.2.3", "", 1, false, 57, ""},
				{"psycopg-binary", "3.2.3", "implementation_name != 'pypy'", 1, false, 71, ""},
				{"pytest", "8.3.4", "", 1, true, 79, ""},
				{"colorama", "0.4.6", "sys_platform == 'win32'", 1, true, 88, ""},
				{"redis", "5.2.1", "", 1, true, 96, ""},
				{"sqlparse", "0.5.3", "", 1, false, 104, ""},
				{"tzdata", "2024.2", "sys_platform == 'win32'", 1, false, 112, ""},
			},
		},
		{
			fixture: "pdm/pdm.lock", path: "pdm.lock", parse: ParsePDMLock,
			format: "pdm.lock", python: ">=3.11", pythonLine: 11,
			want: []lockBrief{
				{"django", "5.0.10", "", 2, false, 14, ""},
				{"pytest", "8.3.4", "", 1, true, 30, ""},
				{"tzdata", "2024.2", `sys_platform == "win32"`, 1, false, 40, ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			l, err := tt.parse(readFixture(t, tt.fixture), tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if l.Format != tt.format || l.PythonVersion != tt.python || l.PythonVersionLine != tt.pythonLine {
				t.Errorf("Format, Python = %q, %q:%d; want %q, %q:%d", l.Format, l.PythonVersion, l.PythonVersionLine, tt.format, tt.python, tt.pythonLine)
			}
			if diff := cmp.Diff(tt.want, lockBriefs(l.Packages)); diff != "" {
				t.Errorf("Packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseLockDetails(t *testing.T) {
	l, err := ParsePipfileLock(readFixture(t, "pipenv/Pipfile.lock"), "Pipfile.lock")
	if err != nil {
		t.Fatal(err)
	}
	if h := l.Packages[1].Hashes[0]; h != "sha256:26dc24f99c8956374a054bcbf58aab8dc0cad2e6ac82b0fe036b752c00eee793" {
		t.Errorf("django hash = %q", h)
	}
	u, err := ParseUVLock(readFixture(t, "uv/uv.lock"), "uv.lock")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"sha256:de450c09e91879fa5a307f696e57c851955c910a438a35e6b4c895e86bedc82a",
		"sha256:236e023f021f5ce7dee5779de7b286565fdea5f4ab86bae5338e3f7b69896cf0",
	}
	if diff := cmp.Diff(want, u.Packages[1].Hashes); diff != "" {
		t.Errorf("uv django hashes (sdist first) (-want +got):\n%s", diff)
	}
}

func TestParseUVLockGraph(t *testing.T) {
	src := `version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "lib" }, { name = "numpy", version = "2.0.0", source = { registry = "https://pypi.org/simple" } }]

[[package]]
name = "lib"
version = "1.0"
source = { directory = "libs/lib" }
dependencies = [{ name = "six", marker = "python_version < '3.12'" }]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "six"
version = "1.16.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "gitdep"
version = "0.1.0"
source = { git = "https://github.com/example/gitdep?rev=main#0123abcd" }
`
	l, err := ParseUVLock([]byte(src), "uv.lock")
	if err != nil {
		t.Fatal(err)
	}
	want := []lockBrief{
		{"lib", "1.0", "", 0, false, 11, "libs/lib"},
		{"numpy", "1.26.4", "", 0, true, 17, ""},
		{"numpy", "2.0.0", "", 0, false, 22, ""},
		{"six", "1.16.0", "python_version < '3.12'", 0, false, 27, ""},
		{"gitdep", "0.1.0", "", 0, true, 32, "git+https://github.com/example/gitdep?rev=main#0123abcd"},
	}
	if diff := cmp.Diff(want, lockBriefs(l.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// Without a project package (e.g. a script lock) nothing is dev.
	l, err = ParseUVLock([]byte("version = 1\n[[package]]\nname = \"six\"\nversion = \"1\"\n"), "uv.lock")
	if err != nil || len(l.Packages) != 1 || l.Packages[0].Dev {
		t.Errorf("got %+v, %v", l, err)
	}
}

func TestParseLockErrors(t *testing.T) {
	tests := []struct {
		name  string
		parse func([]byte, string) (*Lock, error)
		path  string
		src   string
		want  string
	}{
		{"json syntax", ParsePipfileLock, "Pipfile.lock", "{\n  \"default\": {\n    \"django\": {\"version\": \"==1\",}\n  }\n}\n",
			"Pipfile.lock:3: invalid character '}' looking for beginning of object key string — fix the JSON syntax"},
		{"json truncated", ParsePipfileLock, "Pipfile.lock", "{\n  \"default\": {\n", "Pipfile.lock:2: unexpected end of JSON input"},
		{"json not an object", ParsePipfileLock, "Pipfile.lock", "\n[1]\n", "Pipfile.lock:2: expected a JSON object"},
		{"json section type", ParsePipfileLock, "Pipfile.lock", "{\"_meta\": {},\n\"default\": []}", `Pipfile.lock:2: "default" must be an object`},
		{"json entry type", ParsePipfileLock, "Pipfile.lock", "{\"default\": {\n\"six\": \"1.0\"}}", `Pipfile.lock:2: six: expected an object`},
		{"poetry syntax", ParsePoetryLock, "poetry.lock", "[[package]]\nname = \"a\"\nversion = 1.0.0\n", "poetry.lock:3: "},
		{"poetry nameless", ParsePoetryLock, "poetry.lock", "[[package]]\nversion = \"1\"\n", "poetry.lock:1: [[package]] without a name"},
		{"uv package type", ParseUVLock, "uv.lock", "version = 1\npackage = 3\n", "uv.lock:2: package must be an array"},
		{"uv package entry", ParseUVLock, "uv.lock", "package = [\n  1,\n]\n", "uv.lock:2: each [[package]] must be a table"},
		{"pdm syntax", ParsePDMLock, "pdm.lock", "[metadata]\ngroups = [\"default\"\n", "pdm.lock:2: expected a comma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.parse([]byte(tt.src), tt.path)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant prefix %q", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line == 0 {
				t.Errorf("not a located ParseError: %#v", err)
			}
		})
	}
}
