package manifest

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestTOMLIndex(t *testing.T) {
	doc := `# comment [not.a.table]
title = "x" # trailing [comment]
[project]
name = "demo"
dependencies = [
  "django>=4", # [x]
  'requests',

  """multi
line""",
  "last"
]
"quoted.key" = 1
dotted.inner = { a = 1, b = [1, 2] }
desc = """
name = "not a key"
[not.a.table]
"""

[tool.poetry.dependencies]
python = "^3.11"
  Django = "^4.2"

[[package]]
name = "a"
[package.dependencies]
x = "1"

[[package]]
name = "b"
files = [
    {file = "b.whl", hash = "sha256:1"},
    {file = "b.tar.gz", hash = "sha256:2"},
]
[[package.wheels]]
url = "u"

[ 'odd table' . "sub" ]
key = 1
date = 1979-05-27 07:32:00Z
after = true
`
	if _, err := decodeTOML([]byte(doc), "t.toml"); err != nil {
		t.Fatalf("test document is not valid TOML: %v", err)
	}
	idx := indexTOML([]byte(doc))
	tests := []struct {
		path []string
		line int
	}{
		{[]string{"title"}, 2},
		{[]string{"project"}, 3},
		{[]string{"project", "name"}, 4},
		{[]string{"project", "dependencies"}, 5},
		{[]string{"project", "dependencies", "0"}, 6},
		{[]string{"project", "dependencies", "1"}, 7},
		{[]string{"project", "dependencies", "2"}, 9},
		{[]string{"project", "dependencies", "3"}, 11},
		{[]string{"project", "quoted.key"}, 13},
		{[]string{"project", "dotted"}, 14},
		{[]string{"project", "dotted", "inner", "b", "1"}, 14},
		{[]string{"project", "desc"}, 15},
		{[]string{"not", "a", "table"}, 0},
		{[]string{"project", "name "}, 0},
		{[]string{"tool", "poetry", "dependencies", "python"}, 21},
		{[]string{"tool", "poetry", "dependencies", "Django"}, 22},
		{[]string{"package", "0"}, 24},
		{[]string{"package", "0", "name"}, 25},
		{[]string{"package", "0", "dependencies", "x"}, 27},
		{[]string{"package", "1", "name"}, 30},
		{[]string{"package", "1", "files", "1", "hash"}, 33},
		{[]string{"package", "1", "wheels", "0", "url"}, 36},
		{[]string{"odd table", "sub", "key"}, 39},
		{[]string{"odd table", "sub", "date"}, 40},
		{[]string{"odd table", "sub", "after"}, 41},
	}
	for _, tt := range tests {
		if got := idx.line(tt.path...); got != tt.line {
			t.Errorf("line(%q) = %d, want %d", strings.Join(tt.path, "."), got, tt.line)
		}
	}
	if got := idx.lineOr("project", "dependencies", "99"); got != 5 {
		t.Errorf("lineOr falls back to %d, want 5", got)
	}
}

func TestDecodeTOMLError(t *testing.T) {
	doc := "[packages]\ndjango = \"*\"\nrequests = {version = \"*\"\n"
	_, err := decodeTOML([]byte(doc), "Pipfile")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != "Pipfile" || pe.Line != 3 {
		t.Fatalf("err = %#v, want a ParseError at Pipfile:3", err)
	}
	if !strings.HasPrefix(err.Error(), "Pipfile:3: ") || !strings.HasSuffix(err.Error(), " — fix the TOML syntax") {
		t.Errorf("message = %q", err)
	}
}

// nestedTOML has what go-toml's tree gives no position for: arrays (nested,
// empty, spread over lines, with comments holding brackets) and the ends of
// inline tables.
const nestedTOML = `matrix = [
  [
    1, 2],
  [], # [
  [ # ]
    [],
  ],
  { a = [[
    "x"]], b = {} },
  [{c = '''
[not]'''}, ["]", 3]],
]
"k[" = [[1]]
`

func TestTOMLIndexNested(t *testing.T) {
	if _, err := decodeTOML([]byte(nestedTOML), "t.toml"); err != nil {
		t.Fatalf("test document is not valid TOML: %v", err)
	}
	idx := indexTOML([]byte(nestedTOML))
	tests := []struct {
		path []string
		line int
	}{
		{[]string{"matrix"}, 1},
		{[]string{"matrix", "0"}, 2},
		{[]string{"matrix", "0", "0"}, 3},
		{[]string{"matrix", "0", "1"}, 3},
		{[]string{"matrix", "1"}, 4},
		{[]string{"matrix", "2"}, 5},
		{[]string{"matrix", "2", "0"}, 6},
		{[]string{"matrix", "3"}, 8},
		{[]string{"matrix", "3", "a", "0"}, 8},
		{[]string{"matrix", "3", "a", "0", "0"}, 9},
		{[]string{"matrix", "3", "b"}, 9},
		{[]string{"matrix", "4"}, 10},
		{[]string{"matrix", "4", "0", "c"}, 10},
		{[]string{"matrix", "4", "1"}, 11},
		{[]string{"matrix", "4", "1", "1"}, 11},
		{[]string{"matrix", "5"}, 0},
		{[]string{"k["}, 13},
		{[]string{"k[", "0", "0"}, 13},
	}
	for _, tt := range tests {
		if got := idx.line(tt.path...); got != tt.line {
			t.Errorf("line(%q) = %d, want %d", strings.Join(tt.path, "."), got, tt.line)
		}
	}
}

func TestTOMLIndexKeys(t *testing.T) {
	// Quoted keys are unescaped as the decoder does; CRLF ends lines too.
	doc := "\"a\\tb\" = 1\r\n'c\\d' = 2\r\n[\"\\u00e9\".\"x\\\\y\"]\r\nz = 3\r\n"
	m, err := decodeTOML([]byte(doc), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	idx := indexTOML([]byte(doc))
	for _, tt := range []struct {
		path []string
		line int
	}{{[]string{"a\tb"}, 1}, {[]string{`c\d`}, 2}, {[]string{"é", `x\y`}, 3}, {[]string{"é", `x\y`, "z"}, 4}} {
		if _, ok := m[tt.path[0]]; !ok {
			t.Errorf("decoded keys %q lack %q", slices.Collect(maps.Keys(m)), tt.path[0])
		}
		if got := idx.line(tt.path...); got != tt.line {
			t.Errorf("line(%q) = %d, want %d", tt.path, got, tt.line)
		}
	}
}
