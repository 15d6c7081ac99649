package manifest

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strconv"
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

// The two TOML libraries do not accept exactly the same documents. What
// BurntSushi rejects is an error with its line, whatever go-toml's parser
// thinks; what it accepts is indexed, even where go-toml's parser would stop.
func TestTOMLLibrariesDisagree(t *testing.T) {
	// go-toml's parser checks syntax only: duplicate keys, impossible dates and
	// integers out of range get past it, and BurntSushi says where they are.
	for doc, want := range map[string]string{
		"[packages]\ndjango = \"*\"\ndjango = \"==4.2\"\n": "Pipfile:3: Key 'packages.django' has already been defined. — fix the TOML syntax",
		"[packages]\n[packages]\n":                         "Pipfile:2: Key 'packages' has already been defined. — fix the TOML syntax",
		"[requires]\nwhen = 2024-02-30\n":                  "Pipfile:2: invalid datetime: \"2024-02-30\" — fix the TOML syntax",
		"[requires]\nn = 9223372036854775808\n":            "Pipfile:2: 9223372036854775808 is out of range for int64 — fix the TOML syntax",
	} {
		_, err := ParsePipfile([]byte(doc), "Pipfile")
		if err == nil || err.Error() != want {
			t.Errorf("ParsePipfile(%q) = %v, want %s", doc, err, want)
		}
	}

	// A UTF-8 byte order mark: BurntSushi skips it, go-toml's parser does
	// not. The index skips it too, so evidence keeps its lines.
	pf, err := ParsePipfile([]byte("\uFEFF[packages]\ndjango = \"*\"\n"), "Pipfile")
	if err != nil {
		t.Fatal(err)
	}
	if len(pf.Packages) != 1 || pf.Packages[0].Where() != "Pipfile:2" {
		var got []string
		for _, r := range pf.Packages {
			got = append(got, r.Name+" at "+r.Where())
		}
		t.Errorf("with a BOM: packages %q, want django at Pipfile:2", got)
	}

	// Should go-toml's parser still stop early, the index keeps what it read
	// and lineOr falls back to it; nothing fails.
	idx := indexTOML([]byte("[packages]\ndjango = \"*\"\nflask = @\nrequests = \"*\"\n"))
	if got := idx.line("packages", "django"); got != 2 {
		t.Errorf("line before the stop = %d, want 2", got)
	}
	if got := idx.lineOr("packages", "requests"); got != 1 {
		t.Errorf("lineOr after the stop = %d, want 1 (the table)", got)
	}
}

// FuzzTOMLIndex checks the index against decoding: every value BurntSushi
// decodes has a line in the document, except the tables a header or dotted
// key opens implicitly ([a.b] opens a) and the key of an array of tables,
// whose elements have the lines.
func FuzzTOMLIndex(f *testing.F) {
	seedFiles(f, "*/pyproject.toml", "*/poetry.lock", "uv/uv.lock", "pdm/pdm.lock", "pylock/pylock.toml", "pipenv/Pipfile")
	f.Add([]byte(nestedTOML))
	f.Add([]byte("\uFEFFa = 1\r\n[[b.c]]\r\nd = {e = [{}]}\r\n[b]\r\n\"f.g\".h = 2\r\n[[b.c]]\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decodeTOML(data, "f.toml")
		if err != nil {
			return
		}
		idx := indexTOML(data)
		last := bytes.Count(data, []byte("\n")) + 1
		check := func(path []string) {
			if l := idx.line(path...); l < 1 || l > last {
				t.Fatalf("%q decodes, but its line is %d (document has %d lines)", path, l, last)
			}
		}
		var walk func(path []string, v any)
		walk = func(path []string, v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					walk(append(slices.Clip(path), k), x)
				}
				if len(v) == 0 {
					check(path)
				}
			case []map[string]any:
				for i, x := range v {
					elem := append(slices.Clip(path), strconv.Itoa(i))
					check(elem)
					walk(elem, x)
				}
			case []any:
				check(path)
				for i, x := range v {
					walk(append(slices.Clip(path), strconv.Itoa(i)), x)
				}
			default:
				check(path)
			}
		}
		for k, v := range m {
			walk([]string{k}, v)
		}
	})
}
