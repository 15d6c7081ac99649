package pyscan

import (
	"os"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, p := range pyFiles(f) {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, src := range differentialCases {
		f.Add([]byte(src))
	}
	for _, s := range []string{
		"A = [\n", "A = f'{x", "A = \"\"\"", "A = (1, [2, {3: ", "x = f\"{a['b']}{c:{d}}\"\n",
		"if x: A = 1; B += [2]\n", "from . import *\n", "A = lambda: (yield)\n", "\\\n\\",
		"A = b'\\", "A = '\\N{", "A = [*a, **b]\n", "A = {**a, 'b': 1, c}\n", "@\n", "A: = 1\n",
		"def f(:\n  x = 1\nY = 2\n", "A = x[1:2, ::3]\n", "A = not not not x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		m := Parse(src)
		_ = Check(src) // the strict side must not panic either
		lines := strings.Count(normalize(src), "\n") + 1
		check := func(what string, line, indent int) {
			if line < 1 || line > lines || indent < 0 {
				t.Fatalf("%s at line %d indent %d of %d lines", what, line, indent, lines)
			}
		}
		for _, a := range m.Assignments {
			check("assignment "+a.Target, a.Line, a.Indent)
			if a.Target == "" {
				t.Fatalf("assignment without target at line %d", a.Line)
			}
			a.Value.Walk(func(v Value) bool {
				if v.Line != 0 {
					check("value "+v.Text, v.Line, 0)
				}
				return true
			})
			EnvDefault(a.Value)
			a.Value.Strings()
			a.Value.Template()
		}
		for _, im := range m.Imports {
			check("import "+im.Module, im.Line, im.Indent)
		}
		for _, c := range m.Calls {
			check("call "+c.Func, c.Line, c.Indent)
		}
	})
}
