package config

import (
	"reflect"
	"testing"

	"github.com/containerize/containerize/detect"
)

func pin(spec, minor, source string) detect.PythonCandidate {
	return detect.PythonCandidate{Spec: spec, Pin: minor, Source: source}
}

func rng(spec, source string) detect.PythonCandidate {
	return detect.PythonCandidate{Spec: spec, Range: true, Source: source}
}

func image(spec, minor, source string) detect.PythonCandidate {
	return detect.PythonCandidate{Spec: spec, Pin: minor, Source: source, Image: true}
}

func TestPythonCheck(t *testing.T) {
	for v, want := range map[string]string{
		"3.10":    "",
		"3.14":    "",
		"3.9":     "python 3.9 is not supported: choose one of 3.10, 3.11, 3.12, 3.13, 3.14",
		"3.12.1":  `python must be a minor version like "3.12", got "3.12.1"`,
		"python3": `python must be a minor version like "3.12", got "python3"`,
		"":        `python must be a minor version like "3.12", got ""`,
	} {
		got := ""
		if err := Python.Check(v); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("Check(%q) = %q, want %q", v, got, want)
		}
	}
}

func TestPythonNearest(t *testing.T) {
	for v, want := range map[string]string{
		"2.7": "3.10", "3.6": "3.10", "3.8.10": "3.10", "3.10": "3.10", "3.12": "3.12", "3.14": "3.14",
		"3.15": "3.14", "4.0": "3.14", "": "", "three": "", "3": "",
	} {
		if got := Python.Nearest(v); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", v, got, want)
		}
	}
	gappy := PythonPolicy{Supported: []string{"3.10", "3.12"}, Default: "3.12"}
	if got := gappy.Nearest("3.11"); got != "3.12" {
		t.Errorf("Nearest(3.11) with a gap = %q, want the next newer, 3.12", got)
	}
}

func TestPythonResolve(t *testing.T) {
	django42 := &detect.DjangoPython{Spec: ">=4.2,<5.0", Source: "pyproject.toml:4", Python: []string{"3.8", "3.9", "3.10", "3.11", "3.12"}}
	tests := []struct {
		name      string
		py        detect.Python
		version   string
		source    string
		versions  []string // each candidate's resolved version
		note      bool     // the first candidate has a note
		conflicts []string
		warning   string
	}{
		{name: "nothing", py: detect.Python{}, conflicts: []string{}},
		{name: "a pin is its own minor, even unsupported",
			py:      detect.Python{Candidates: []detect.PythonCandidate{pin("3.8.10", "3.8", "venv/pyvenv.cfg:3")}},
			version: "3.8", source: "venv/pyvenv.cfg:3", versions: []string{"3.8"}, conflicts: []string{}},
		{name: "a range resolves to the newest supported minor it allows",
			py:      detect.Python{Candidates: []detect.PythonCandidate{rng(">=3.10,<3.13", "pyproject.toml:3")}},
			version: "3.12", source: "pyproject.toml:3", versions: []string{"3.12"}, conflicts: []string{}},
		{name: "a range no supported minor satisfies resolves to none; a later pin wins",
			py:      detect.Python{Candidates: []detect.PythonCandidate{rng("<3.9", "setup.cfg:5"), pin("3.8", "3.8", ".venv/pyvenv.cfg:2")}},
			version: "3.8", source: ".venv/pyvenv.cfg:2", versions: []string{"", "3.8"}, conflicts: []string{}},
		{name: "Django narrows a range, and says so",
			py:      detect.Python{Candidates: []detect.PythonCandidate{rng(">=3.10", "pyproject.toml:3")}, Django: django42},
			version: "3.12", source: "pyproject.toml:3", versions: []string{"3.12"}, note: true, conflicts: []string{}},
		{name: "Django does not narrow a range to nothing",
			py:      detect.Python{Candidates: []detect.PythonCandidate{rng(">=3.13", "pyproject.toml:3")}, Django: django42},
			version: "3.14", source: "pyproject.toml:3", versions: []string{"3.14"}, conflicts: []string{},
			warning: "Django >=4.2,<5.0 does not support Python 3.14 (from pyproject.toml:3); expect problems or upgrade Django"},
		{name: "the first source wins; those that do not admit it conflict",
			py: detect.Python{Candidates: []detect.PythonCandidate{
				pin("3.12.4", "3.12", ".python-version:1"), pin("python-3.11.9", "3.11", "runtime.txt:1"),
				rng(">=3.10", "pyproject.toml:3"), rng("<3.12", "setup.cfg:9"),
			}},
			version: "3.12", source: ".python-version:1", versions: []string{"3.12", "3.11", "3.14", "3.11"},
			conflicts: []string{
				`runtime.txt:1 says "python-3.11.9", but .python-version:1 chose 3.12 (it takes precedence)`,
				`setup.cfg:9 says "<3.12", but .python-version:1 chose 3.12 (it takes precedence)`,
			}},
		{name: "the Dockerfile's image narrows a range to its own minor",
			py:      detect.Python{Candidates: []detect.PythonCandidate{image("python:3.7-stretch", "3.7", "Dockerfile:1"), rng(">=3.7", "pyproject.toml:9")}},
			version: "3.7", source: "Dockerfile:1", versions: []string{"3.7", "3.14"}, conflicts: []string{}},
		{name: "the Dockerfile's image gives way to a range it contradicts",
			py:      detect.Python{Candidates: []detect.PythonCandidate{image("python:3.9-slim", "3.9", "Dockerfile:1"), rng(">=3.11", "pyproject.toml:6")}},
			version: "3.14", source: "pyproject.toml:6", versions: []string{"3.9", "3.14"},
			conflicts: []string{`Dockerfile:1 says "python:3.9-slim", but pyproject.toml:6 chose 3.14 (it takes precedence)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ch := Python.Resolve(tc.py)
			if ch.Version != tc.version || ch.Source != tc.source {
				t.Errorf("chose %q from %q, want %q from %q", ch.Version, ch.Source, tc.version, tc.source)
			}
			var versions []string
			for _, c := range ch.Candidates {
				versions = append(versions, c.Version)
			}
			if !reflect.DeepEqual(versions, tc.versions) {
				t.Errorf("candidates resolve to %q, want %q", versions, tc.versions)
			}
			if len(ch.Candidates) > 0 && (ch.Candidates[0].Note != "") != tc.note {
				t.Errorf("note %q, want one: %v", ch.Candidates[0].Note, tc.note)
			}
			if !reflect.DeepEqual(ch.Conflicts, tc.conflicts) {
				t.Errorf("conflicts %q, want %q", ch.Conflicts, tc.conflicts)
			}
			switch {
			case tc.warning == "" && ch.Warning != nil:
				t.Errorf("unexpected warning %v", ch.Warning)
			case tc.warning != "" && (ch.Warning == nil || ch.Warning.Detail != tc.warning || ch.Warning.Source != "pyproject.toml:4"):
				t.Errorf("warning %v, want %q at pyproject.toml:4", ch.Warning, tc.warning)
			}
			for _, c := range tc.py.Candidates {
				if c.Version != "" || c.Note != "" {
					t.Errorf("Resolve changed the facts it was given: %+v", c)
				}
			}
		})
	}
	narrowed := Python.Resolve(detect.Python{Candidates: []detect.PythonCandidate{rng(">=3.10", "pyproject.toml:3")}, Django: django42})
	if want := "newest allowed by the range that Django >=4.2,<5.0 (pyproject.toml:4) supports"; narrowed.Candidates[0].Note != want {
		t.Errorf("note %q, want %q", narrowed.Candidates[0].Note, want)
	}
}

func TestPythonChoose(t *testing.T) {
	for _, tc := range []struct {
		name            string
		py              detect.Python
		version, reason string
	}{
		{"nothing declared", detect.Python{}, "3.12", "no version found in the project; 3.12 is the default"},
		{"a pin naming no minor", detect.Python{Candidates: []detect.PythonCandidate{pin("3", "", "runtime.txt:1")}},
			"3.12", "no version found in the project; 3.12 is the default"},
		{"supported", detect.Python{Candidates: []detect.PythonCandidate{pin("3.11.4", "3.11", "runtime.txt:1")}},
			"3.11", "from runtime.txt:1"},
		{"older", detect.Python{Candidates: []detect.PythonCandidate{pin("3.8.10", "3.8", "venv/pyvenv.cfg:3")}},
			"3.10", "the project names 3.8 (venv/pyvenv.cfg:3), older than the oldest supported Python; using 3.10"},
		{"newer", detect.Python{Candidates: []detect.PythonCandidate{pin("3.15", "3.15", ".python-version:1")}},
			"3.14", "the project names 3.15 (.python-version:1), newer than the newest supported Python; using 3.14"},
		{"nothing declared, Django 4.2", detect.Python{Django: &detect.DjangoPython{Spec: "4.2.16", Source: "requirements.txt:2", Python: []string{"3.8", "3.9", "3.10", "3.11", "3.12"}}},
			"3.12", "no version found in the project; Django 4.2.16 (requirements.txt:2) supports Python 3.8–3.12, and 3.12 is the newest of those with a maintained python image"},
		{"nothing declared, Django 3.2", detect.Python{Django: &detect.DjangoPython{Spec: "3.2.25", Source: "Pipfile:7", Python: []string{"3.6", "3.7", "3.8", "3.9", "3.10"}}},
			"3.10", "no version found in the project; Django 3.2.25 (Pipfile:7) supports Python 3.6–3.10, and 3.10 is the newest of those with a maintained python image"},
		{"nothing declared, Django 1.11", detect.Python{Django: &detect.DjangoPython{Spec: "1.11.29", Source: "requirements.txt:1", Python: []string{"2.7", "3.4", "3.5", "3.6", "3.7"}}},
			"3.10", "no version found in the project; Django 1.11.29 (requirements.txt:1) supports Python 2.7, 3.4–3.7, none of which has a maintained python image (3.10–3.14); using 3.10, the nearest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, reason := Python.Choose(tc.py)
			if v != tc.version || reason != tc.reason {
				t.Errorf("Choose = %q, %q; want %q, %q", v, reason, tc.version, tc.reason)
			}
		})
	}
}

func TestPythonApplyTwice(t *testing.T) {
	p := &detect.Project{
		Python: detect.Python{
			Candidates: []detect.PythonCandidate{pin("3.13", "3.13", ".python-version:1")},
			Conflicts:  []string{},
			Django:     &detect.DjangoPython{Spec: "3.2.25", Source: "Pipfile.lock:40", Python: []string{"3.6", "3.7", "3.8", "3.9", "3.10"}},
		},
		Warnings: []detect.Finding{{Name: "debug-true", Source: "settings.py:3"}},
	}
	Python.Apply(p)
	once := *p
	once.Warnings = append([]detect.Finding(nil), p.Warnings...)
	Python.Apply(p)
	if !reflect.DeepEqual(once, *p) {
		t.Errorf("a second Apply changed the project:\n%+v\n%+v", once, *p)
	}
	if p.Python.Version != "3.13" || len(p.Warnings) != 2 || p.Warnings[1].Name != "django-python" {
		t.Errorf("Apply: python %+v, warnings %v", p.Python, p.Warnings)
	}
}
