package pyscan

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// pyAssignments prints, for each file, Python's own view of its module-level assignments
// of string literals to plain names: [name, value, line].
const pyAssignments = `
import ast, json, sys
out = {}
for path in sys.argv[1:]:
    try:
        tree = ast.parse(open(path, encoding="utf-8").read())
    except (SyntaxError, ValueError):
        out[path] = None  # not Python; nothing to compare
        continue
    found = []
    def add(t, v):
        if isinstance(v, ast.JoinedStr) and all(isinstance(x, ast.Constant) for x in v.values):
            v = ast.Constant("".join(x.value for x in v.values))  # an f-string without fields
        if isinstance(t, ast.Name) and isinstance(v, ast.Constant) and type(v.value) is str:
            found.append([t.id, v.value, t.lineno])
        elif isinstance(t, (ast.Tuple, ast.List)) and isinstance(v, (ast.Tuple, ast.List)) \
                and len(t.elts) == len(v.elts) \
                and not any(isinstance(e, ast.Starred) for e in t.elts + v.elts):
            for a, b in zip(t.elts, v.elts):
                add(a, b)
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for t in node.targets:
                add(t, node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            add(node.target, node.value)
    out[path] = found
print(json.dumps(out))
`

// pyFiles are the Python files the differential test and the fuzz seeds read: this
// package's testdata/*.py and two settings files that other fixtures hold, read where they
// are (a sample project's startproject settings, cookiecutter-style django-environ settings).
func pyFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("testdata/*.py")
	if err != nil {
		tb.Fatal(err)
	}
	return append(files,
		"../testdata/projects/library/library/settings.py",
		"../django/testdata/cookiecutter/config/settings/base.py")
}

// differentialCases are written to files and checked against Python's ast, beside pyFiles.
var differentialCases = []string{
	"A = 'x'\nB = \"y\"\nC = '''z'''\nD = \"\"\"w\"\"\"\n",
	"A = 'a' \"b\" '''c''' r'\\d' u'e'\n",
	"A = \"\\x41\\101\\u00e9\\U0001F600\\n\\t\\\\\\'\\\"\\a\\b\\f\\v\\0\\q\"\n",
	"A = r'\\'' + 'x'\nB = r\"\\\"\"\nC = R'\\n'\n",
	"A = ('x'\n     'y'  # c\n     'z')\nB = 'q'\n",
	"A = 'line \\\n continued'\nB = 'x' \\\n  'y'\n",
	"A, B = 'a', 'b'\n[C, D] = ['c', 'd']\nE = F = 'ef'\n",
	"A: str = 'ann'\nB: 'str'\nC: dict[str, str] = 'x'\n",
	"if True:\n    NESTED = 'no'\nTOP = 'yes'\ndef f():\n    L = 'no'\n",
	"A = f'plain'\nB = f'{{x}}'\nC = 'mixed' f'{{}}'\n",
	"A = '''\nB = 'fake'\n'''\nC = 'real'\n",
	"A = 'x'; B = 'y'; C = 'z'\n",
	"class K:\n    A = 'no'\nZ = 'yes'\n",
	"A = 'tab\\tand\\r'\nB = 'caf\u00e9'\n",
	"A = 'ok'\r\nB = 'crlf'\r\n",
	"x = [\n 'a',\n]\nY = ('one',)\nZ = ('two')\n",
	"lambda_ = lambda: 'x'\nS = 'after'\n",
}

func TestDifferentialPythonAST(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is required for this test when CI is set")
		}
		t.Skip("python3 not found")
	}
	files := pyFiles(t)
	dir := t.TempDir()
	for i, src := range differentialCases {
		p := filepath.Join(dir, fmt.Sprintf("case%02d.py", i))
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	out, err := exec.Command(python, append([]string{"-c", pyAssignments}, files...)...).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var want map[string][][]any
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		if want[path] == nil {
			t.Errorf("%s: Python cannot parse it", path)
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range Parse(src).Assignments {
			if a.Indent == 0 && a.Op == "=" && a.Value.Kind == String && a.TargetValue.Kind == Name &&
				!strings.Contains(a.Target, ".") {
				got = append(got, fmt.Sprintf("%s=%q@%d", a.Target, a.Value.Str, a.Line))
			}
		}
		var exp []string
		for _, w := range want[path] {
			exp = append(exp, fmt.Sprintf("%s=%q@%d", w[0], w[1], int(w[2].(float64))))
		}
		sort.Strings(got)
		sort.Strings(exp)
		if strings.Join(got, "\n") != strings.Join(exp, "\n") {
			t.Errorf("%s:\n pyscan:\n  %s\n python:\n  %s", path, strings.Join(got, "\n  "), strings.Join(exp, "\n  "))
		}
	}
}
