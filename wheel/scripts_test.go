package wheel

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseEntryPointScripts(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string // "console|gui name module attr"
		err  string
	}{
		{name: "plain", in: "[console_scripts]\na = m:f\n[gui_scripts]\nb=m.n:o.p\n",
			want: []string{"console a m f", "gui b m.n o.p"}},
		{name: "indented as setup.py writes it", in: "\n    [console_scripts]\n    uvicorn=uvicorn.main:main\n    ",
			want: []string{"console uvicorn uvicorn.main main"}},
		{name: "comments, CRLF, extras, keys keep case", in: "# c\r\n[console_scripts]\r\n; c\r\nMyTool = pkg.mod:run [extra1,extra2]\r\n",
			want: []string{"console MyTool pkg.mod run"}},
		{name: "other sections are not validated", in: "[pytest11]\nplugin = !!not valid!!\nno delimiter here\n[console_scripts]\nx = a:b\n",
			want: []string{"console x a b"}},
		{name: "no scripts", in: "[flake8.extension]\nE = pkg:Checker\n"},
		{name: "continuation", in: "[console_scripts]\nx = a:b\n    :c\n", err: "entry_points.txt:3: a continuation line"},
		{name: "no delimiter", in: "[console_scripts]\nx a:b\n", err: "entry_points.txt:2: want NAME = MODULE:FUNCTION"},
		{name: "module only", in: "[console_scripts]\nx = a\n", err: "no :FUNCTION"},
		{name: "not identifiers", in: "[console_scripts]\nx = a-b:c\n", err: "Python identifiers"},
		{name: "digit first", in: "[console_scripts]\nx = a:1c\n", err: "Python identifiers"},
		{name: "duplicate", in: "[console_scripts]\nx = a:b\nx = a:c\n", err: "already defined on line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scripts, err := parseEntryPointScripts([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range scripts {
				kind := "console"
				if s.gui {
					kind = "gui"
				}
				got = append(got, fmt.Sprintf("%s %s %s %s", kind, s.name, s.module, s.attr))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRewriteShebang(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"#!python\nprint(1)\n", "#!/i/python\nprint(1)\n"},
		{"#!pythonw\nprint(1)\n", "#!/i/python\nprint(1)\n"},
		{"#!python3 -u\r\nx", "#!/i/python\nx"},
		{"#!python", "#!/i/python\n"},
		{"#!/usr/bin/env python\n", "#!/usr/bin/env python\n"},
		{" #!python\n", " #!python\n"},
		{"", ""},
	} {
		if got := string(rewriteShebang([]byte(tc.in), "/i/python")); got != tc.want {
			t.Errorf("rewriteShebang(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestScriptStem(t *testing.T) {
	for in, want := range map[string]string{"a.exe": "a", "a-script.py": "a", "a-script.pyw": "a", "a.pya": "a", "a.py": "a.py", "a": "a"} {
		if got := scriptStem(in); got != want {
			t.Errorf("scriptStem(%q) = %q, want %q", in, got, want)
		}
	}
}
