package detect

import (
	"reflect"
	"testing"
	"testing/fstest"
)

func TestParsePythonMinor(t *testing.T) {
	for s, want := range map[string]string{
		"3.11": "3.11", "3.11.4": "3.11", "3.12.0rc1": "3.12", "3.10.12.final.0": "3.10", "3.13t": "3.13",
		"2.7": "2.7", "3": "", "pypy": "", "": "", "99999999999999999999.1": "",
	} {
		v, ok := ParsePythonMinor(s)
		if got := map[bool]string{true: v.String(), false: ""}[ok]; got != want {
			t.Errorf("ParsePythonMinor(%q) = %q, %v; want %q", s, v, ok, want)
		}
	}
	a, _ := ParsePythonMinor("3.9")
	b, _ := ParsePythonMinor("3.10")
	if a.Compare(b) >= 0 || b.Compare(a) <= 0 || a.Compare(a) != 0 {
		t.Errorf("3.9 vs 3.10: %d, %d", a.Compare(b), b.Compare(a))
	}
}

// TestPythonFactsOnly: detection reports what each source says and what Django supports;
// which version that makes is left to the policy.
func TestPythonFactsOnly(t *testing.T) {
	fsys := fstest.MapFS{
		"manage.py":        {Data: []byte("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'p.settings')\n")},
		".python-version":  {Data: []byte("3.9.18\n")},
		"pyproject.toml":   {Data: []byte("[project]\nname = \"p\"\nrequires-python = \">=3.10\"\ndependencies = [\"django>=4.2,<5.0\"]\n")},
		"venv/pyvenv.cfg":  {Data: []byte("home = /usr/bin\nversion_info = 3.8.10.final.0\n")},
		"venv/lib/x/x.txt": {Data: nil},
	}
	p, err := Detect(fsys, "p")
	if err != nil {
		t.Fatal(err)
	}
	want := Python{
		Candidates: []PythonCandidate{
			{Spec: "3.9.18", Pin: "3.9", Source: ".python-version:1"},
			{Spec: ">=3.10", Range: true, Source: "pyproject.toml:3"},
			{Spec: "3.8.10.final.0", Pin: "3.8", Source: "venv/pyvenv.cfg:2"},
		},
		Conflicts: []string{},
		Django:    &DjangoPython{Spec: ">=4.2,<5.0", Source: "pyproject.toml:4", Python: []string{"3.8", "3.9", "3.10", "3.11", "3.12"}},
	}
	if !reflect.DeepEqual(p.Python, want) {
		t.Errorf("python =\n%+v\nwant\n%+v", p.Python, want)
	}
	for _, w := range p.Warnings {
		if w.Name == "django-python" {
			t.Errorf("detection warned %v: that is the policy's to say", w)
		}
	}
	c := p.Python.Candidates
	if !c[1].Allows("3.10") || c[1].Allows("3.9") || !c[0].Allows("3.9") || c[0].Allows("3.10") {
		t.Errorf("Allows: a range admits what it allows, a pin its own minor")
	}
}
