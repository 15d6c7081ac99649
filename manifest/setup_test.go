package manifest

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseSetupCfg(t *testing.T) {
	st, err := ParseSetupCfg(readFixture(t, "setuptools/setup.cfg"), "setup.cfg")
	if err != nil {
		t.Fatal(err)
	}
	want := []brief{
		{"django", ">=3.2,<4.0", "", "", false, 0, "setup.cfg:9"},
		{"psycopg2", ">=2.8", "", "", false, 0, "setup.cfg:11"},
		{"pillow", "", `platform_system != "Windows"`, "", false, 0, "setup.cfg:12"},
		{"django-environ", "", "", "", false, 0, "setup.cfg:14"},
	}
	if diff := cmp.Diff(want, briefs(st.Requirements)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if st.PythonRequires != ">=3.8" || st.PythonRequiresLine != 7 || st.Dynamic {
		t.Errorf("PythonRequires, Dynamic = %q:%d, %v", st.PythonRequires, st.PythonRequiresLine, st.Dynamic)
	}
}

func TestParseSetupCfgCases(t *testing.T) {
	tests := []struct {
		name, src string
		want      []brief
		dynamic   bool
		files     []string
		python    string
	}{
		{"one line, ';' separated", "[options]\ninstall_requires = django>=4; requests\n",
			[]brief{{"django", ">=4", "", "", false, 0, "setup.cfg:2"}, {"requests", "", "", "", false, 0, "setup.cfg:2"}}, false, nil, ""},
		{"value on the key line and continued, dash key, colon", "[options]\ninstall-requires: django\n  celery\npython-requires: >=3.9\n",
			[]brief{{"django", "", "", "", false, 0, "setup.cfg:2"}, {"celery", "", "", "", false, 0, "setup.cfg:3"}}, false, nil, ">=3.9"},
		{"file: directive", "[options]\ninstall_requires = file: requirements.txt, ./extra.txt\n", nil, true, []string{"requirements.txt", "extra.txt"}, ""},
		{"other sections ignored", "[metadata]\ninstall_requires = nope\n[options.extras_require]\ninstall_requires = no\n", nil, false, nil, ""},
		{"no options", "; only a comment\n", nil, false, nil, ""},
		{"python_requires on the next line", "[options]\npython_requires =\n    >=3.10\n", nil, false, nil, ">=3.10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := ParseSetupCfg([]byte(tt.src), "setup.cfg")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, briefs(st.Requirements), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if st.Dynamic != tt.dynamic || !cmp.Equal(st.FromFiles, tt.files) || st.PythonRequires != tt.python {
				t.Errorf("Dynamic, FromFiles, PythonRequires = %v, %q, %q", st.Dynamic, st.FromFiles, st.PythonRequires)
			}
		})
	}
}

func TestParseSetupCfgErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"bad requirement", "[options]\ninstall_requires =\n    django\n    requests>>2\n", `setup.cfg:4: install_requires: invalid requirement "requests>>2"`},
		{"bad header", "[options\n", "setup.cfg:1: section header"},
		{"no delimiter", "[options]\njust words\n", `setup.cfg:2: expected "key = value" in [options]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSetupCfg([]byte(tt.src), "setup.cfg")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant prefix %q", err, tt.want)
			}
		})
	}
}

func TestParseSetupPy(t *testing.T) {
	tests := []struct {
		fixture string
		want    []brief
		python  string
		line    int
		dynamic bool
	}{
		{"setuptools/setup.py", []brief{
			{"django", ">=2.2,<3.0", "", "", false, 0, "setup.py:20"},
			{"celery", ">=4.4", "", "", false, 0, "setup.py:21"},
			{"django-storages", "", "", "", false, 0, "setup.py:22"},
			{"boto3", ">=1.12", "", "", false, 0, "setup.py:24"},
		}, ">=3.6, <4", 17, false},
		{"setuptools/setup_dynamic.py", []brief{
			{"requests", ">=2", "", "", false, 0, "setup.py:8"},
			{"django", "", "", "", false, 0, "setup.py:8"},
		}, "", 0, true},
		{"setuptools/setup_variable.py", []brief{
			{"django", ">=4.2", "", "", false, 0, "setup.py:4"},
			{"gunicorn", "", "", "", false, 0, "setup.py:5"},
		}, ">=3.9", 11, false},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			st, err := ParseSetupPy(readFixture(t, tt.fixture), "setup.py")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, briefs(st.Requirements)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if st.PythonRequires != tt.python || st.PythonRequiresLine != tt.line || st.Dynamic != tt.dynamic {
				t.Errorf("PythonRequires, Dynamic = %q:%d, %v; want %q:%d, %v", st.PythonRequires, st.PythonRequiresLine, st.Dynamic, tt.python, tt.line, tt.dynamic)
			}
		})
	}
}

func TestParseSetupPyCases(t *testing.T) {
	tests := []struct {
		name, src string
		want      []brief
		dynamic   bool
	}{
		{"tuple with trailing comment and no trailing comma",
			"setup(install_requires=(\n  'a', # c\n  'b>=1'\n))\n",
			[]brief{{"a", "", "", "", false, 0, "setup.py:2"}, {"b", ">=1", "", "", false, 0, "setup.py:3"}}, false},
		{"a single string, one per line", "setup(install_requires='''\ndjango\n# c\nrequests\n''')\n",
			[]brief{{"django", "", "", "", false, 0, "setup.py:2"}, {"requests", "", "", "", false, 0, "setup.py:4"}}, false},
		{"dict form", "kw = {\"install_requires\": [\"six\"]}\nsetup(**kw)\n",
			[]brief{{"six", "", "", "", false, 0, "setup.py:1"}}, false},
		{"call", "setup(install_requires=read_reqs('requirements.txt'))\n", nil, true},
		{"comprehension", "setup(install_requires=[l for l in open('r.txt')])\n", nil, true},
		{"mixed list", "setup(install_requires=['a', get_b(), f'c=={V}', 'd'])\n",
			[]brief{{"a", "", "", "", false, 0, "setup.py:1"}, {"d", "", "", "", false, 0, "setup.py:1"}}, true},
		{"list plus", "REQS = ['a'] + EXTRA\nsetup(install_requires=REQS)\n",
			[]brief{{"a", "", "", "", false, 0, "setup.py:1"}}, true},
		{"none", "from setuptools import setup\nsetup(name='x')\n", nil, false},
		{"attribute is not a keyword", "opts.install_requires = ['nope']\nsetup(install_requires=[\"yes\"])\n",
			[]brief{{"yes", "", "", "", false, 0, "setup.py:2"}}, false},
		{"comparison is not an assignment", "if install_requires == ['nope']:\n    pass\nsetup(install_requires=['ok'])\n",
			[]brief{{"ok", "", "", "", false, 0, "setup.py:3"}}, false},
		{"appended later", "R = ['a']\nif WIN:\n    R.append('pywin32')\nsetup(install_requires=R)\n",
			[]brief{{"a", "", "", "", false, 0, "setup.py:1"}}, true},
		{"self reference", "R = R\nsetup(install_requires=R)\n", nil, true},
		{"unterminated", "setup(install_requires=['a', 'b", []brief{{"a", "", "", "", false, 0, "setup.py:1"}}, true},
		{"stray closer", "setup(install_requires=['a', 'b')]\n", []brief{{"a", "", "", "", false, 0, "setup.py:1"}}, true},
		{"string prefixes and a line continuation", "setup(install_requires = \\\n  [r\"six>=1\", U'attrs', \"\"\"pytz\"\"\"])\n",
			[]brief{{"six", ">=1", "", "", false, 0, "setup.py:2"}, {"attrs", "", "", "", false, 0, "setup.py:2"}, {"pytz", "", "", "", false, 0, "setup.py:2"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := ParseSetupPy([]byte(tt.src), "setup.py")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, briefs(st.Requirements), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if st.Dynamic != tt.dynamic {
				t.Errorf("Dynamic = %v, want %v", st.Dynamic, tt.dynamic)
			}
		})
	}
}

func TestParseSetupPyErrors(t *testing.T) {
	src := "from setuptools import setup\n\nsetup(\n    install_requires=[\n        'django>=2.2',\n        'celery>>4',\n    ],\n)\n"
	_, err := ParseSetupPy([]byte(src), "setup.py")
	want := `setup.py:6: install_requires: invalid requirement "celery>>4"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("err = %v\nwant prefix %q", err, want)
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 6 {
		t.Errorf("not a ParseError at line 6: %#v", err)
	}
}

// TestParseSetupCfgExtrasAndSections: [options.extras_require] lists an extra's requirements
// with their lines, and every section header is recorded with its line ([tool:pytest]).
func TestParseSetupCfgExtrasAndSections(t *testing.T) {
	src := "[metadata]\nname = shop\n\n[options.extras_require]\ndev =\n    pytest>=7\n    pytest-django\ndocs = sphinx\n\n[tool:pytest]\naddopts = -q\n"
	st, err := ParseSetupCfg([]byte(src), "setup.cfg")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]brief{
		"dev":  {{"pytest", ">=7", "", "", false, 0, "setup.cfg:6"}, {"pytest-django", "", "", "", false, 0, "setup.cfg:7"}},
		"docs": {{"sphinx", "", "", "", false, 0, "setup.cfg:8"}},
	}
	got := map[string][]brief{}
	for k, v := range st.Extras {
		got[k] = briefs(v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("extras (-want +got):\n%s", diff)
	}
	if st.Sections["tool:pytest"] != 10 || st.Sections["metadata"] != 1 {
		t.Errorf("sections: %v", st.Sections)
	}
	if _, err := ParseSetupCfg([]byte("[options.extras_require]\ndev = pytest >>= 1\n"), "setup.cfg"); err == nil || !strings.Contains(err.Error(), "setup.cfg:2: extras_require dev:") {
		t.Errorf("a bad extra requirement: %v", err)
	}
}
