package corpus

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fakeEntry = `{
  "repo": "example/fake",
  "commit": "0123456789012345678901234567890123456789",
  "tags": ["pip"],
  "facts": {
    "package_manager": {"want": "pip", "why": "requirements.txt:1"},
    "python": {"want": null, "why": "nothing declares it"},
    "django_version": {"want": "4.2.1", "why": "requirements.txt:1"},
    "services": {"want": ["redis", "postgres"], "why": "settings.py:3"},
    "static_root": {"want": true, "why": "settings.py:9"},
    "settings_module": {"want": "proj.settings.prod", "why": "Procfile:1"},
    "workers": {"want": ["rq"], "why": "Procfile:2"}
  }
}`

func load(t *testing.T, entry string) Entry {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fake.json"), []byte(entry), 0o644); err != nil {
		t.Fatal(err)
	}
	entries, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return entries[0]
}

func TestScore(t *testing.T) {
	e := load(t, fakeEntry)
	var out map[string]any
	detected := `{"package_manager": "pip", "python": {"version": ""},
	  "dependencies": [{"name": "Django", "specifier": "==4.2.1", "version": "4.2.1"}],
	  "services": ["postgres", "redis"],
	  "processes": [{"name": "worker", "kind": "worker", "command": ["python", "manage.py", "rqworker"]}],
	  "django": {"static_root": false, "settings_module": "proj.settings.dev"}}`
	if err := json.Unmarshal([]byte(detected), &out); err != nil {
		t.Fatal(err)
	}
	r := Score(e, out, "")
	if r.Total != 7 || r.Right != 5 || r.NoField != 0 || r.Fully {
		t.Fatalf("got %d/%d right, %d no field, fully %v; want 5/7, 0, false: %+v", r.Right, r.Total, r.NoField, r.Fully, r.Outcomes)
	}
	wrong := map[string]bool{}
	for _, o := range r.Outcomes {
		if !o.Right && !o.NoField {
			wrong[o.Fact] = true
		}
	}
	if !wrong["static_root"] || !wrong["settings_module"] || len(wrong) != 2 {
		t.Errorf("wrong facts %v, want static_root and settings_module", wrong)
	}
	totals := ByFact([]Result{r})
	if totals[0].Fact != "package_manager" || totals[0].Right != 1 {
		t.Errorf("by fact starts with %+v", totals[0])
	}
}

func TestScoreDetectFailed(t *testing.T) {
	r := Score(load(t, fakeEntry), nil, "detect: exit status 1")
	if r.Right != 0 || r.Total != 7 || r.Fully {
		t.Errorf("a failed detect scored %d/%d fully %v; want 0/7 and not fully right", r.Right, r.Total, r.Fully)
	}
}

func TestEqual(t *testing.T) {
	cases := []struct {
		kind      Kind
		want, got any
		equal     bool
	}{
		{Str, nil, "", true},
		{Str, nil, nil, true},
		{Str, "3.12", "3.12", true},
		{Str, "3.12", nil, false},
		{Bool, false, nil, true},
		{Bool, true, nil, false},
		{Set, []any{"a", "b"}, []any{"b", "a"}, true},
		{Set, []any{}, nil, true},
		{Set, []any{"a"}, []any{"a", "b"}, false},
		{Version, "3.12", "3.12", true},
		{Version, "3.12", "3.14", false},
		{Version, "3", "3.11", true},
		{Version, ">=3.12", "3.14", true},
		{Version, ">=3.12", "3.11", false},
		{Version, ">=3.12,<3.13", "3.12", true},
		{Version, ">=3.12,<3.13", "3.13", false},
		{Version, "==3.12.*", "3.12", true},
		{Version, nil, "", true},
		{Version, nil, "3.12", false},
		{Version, ">=3.12", nil, false},
		{Build, nil, nil, true},
		{Build, "frontend: vite build", nil, false},
		{Build, nil, "frontend: vite build", false},
		{Build, "frontend: vite build", "frontend: vite build", true},
		{Build, "frontend: webpack --mode production", "frontend: webpack --mode production --progress", true},
		{Build, "frontend: webpack --mode production --progress", "frontend: webpack --mode production", false},
		{Build, "frontend: vite build", "assets: vite build", false},
		{Build, "npm run build", "npm run build", true},
		{Build, "npm run build", "ui: npm run build", false},
		{Build, "vite build", "vite build --emptyOutDir", true},
	}
	for _, c := range cases {
		if got := Equal(c.kind, c.want, c.got); got != c.equal {
			t.Errorf("Equal(%v, %v, %v) = %v", c.kind, c.want, c.got, got)
		}
	}
}

func TestLoadRejects(t *testing.T) {
	for name, entry := range map[string]string{
		"unknown fact": strings.Replace(fakeEntry, `"workers"`, `"wrokers"`, 1),
		"no why":       strings.Replace(fakeEntry, `"why": "Procfile:1"`, `"why": ""`, 1),
		"short commit": strings.Replace(fakeEntry, "0123456789012345678901234567890123456789", "abc", 1),
	} {
		dir := t.TempDir()
		_ = os.WriteFile(filepath.Join(dir, "x.json"), []byte(entry), 0o644)
		if _, err := Load(dir); err == nil {
			t.Errorf("%s: Load accepted it", name)
		}
	}
}

// TestCorpusLoads keeps the recorded corpus well formed.
func TestCorpusLoads(t *testing.T) {
	entries, err := Load("../../testdata/corpus/repos")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 30 {
		t.Errorf("the corpus has %d repositories; issue 11 asks for at least 30", len(entries))
	}
}

func TestDjangoVersion(t *testing.T) {
	for spec, want := range map[string]any{"==2.2.8": "2.2.8", "===1.8": "1.8", ">=4.2,<5": ">=4.2,<5", "==4.*": "==4.*"} {
		out := map[string]any{"dependencies": []any{map[string]any{"name": "django", "specifier": spec}}}
		if got := djangoVersion(out); got != want {
			t.Errorf("specifier %s: got %v, want %v", spec, got, want)
		}
	}
	if got := djangoVersion(map[string]any{}); got != nil {
		t.Errorf("no dependencies: got %v", got)
	}
}

// TestDerivedFields reads the facts detect reports across several keys the way the corpus
// records them.
func TestDerivedFields(t *testing.T) {
	var out map[string]any
	detected := `{
	  "services": ["postgres", "redis", "celery-worker"],
	  "processes": [
	    {"name": "rqworker", "kind": "worker", "command": ["python", "manage.py", "rqworker", "default"]},
	    {"name": "qcluster", "kind": "worker", "command": ["python", "manage.py", "qcluster"]},
	    {"name": "scss", "kind": "worker", "command": ["make", "watch-scss"]},
	    {"name": "web", "kind": "web", "command": ["gunicorn", "proj.wsgi"]},
	    {"name": "release", "kind": "release", "command": ["python", "manage.py", "runworker"]}
	  ],
	  "frontend": {"dir": "ui", "build": "vite build"},
	  "django": {"settings_candidates": [
	    {"module": "proj.settings.prod", "role": "production", "evidence": ["proj/settings/prod.py"]},
	    {"module": "proj.settings.base", "role": "base", "evidence": ["proj/settings/base.py"]},
	    {"module": "proj.settings.common", "role": "base", "evidence": ["manage.py:8"]},
	    {"module": "proj.settings.dev", "role": "development", "evidence": ["manage.py:8"]},
	    {"module": "proj.settings.test", "role": "test", "evidence": ["pytest.ini:2"]}
	  ]}}`
	if err := json.Unmarshal([]byte(detected), &out); err != nil {
		t.Fatal(err)
	}
	get := func(fact string) any {
		f, _ := FieldOf(fact)
		return f.Get(out)
	}
	if got := get("workers"); !Equal(Set, []any{"celery", "rq", "django-q"}, got) {
		t.Errorf("workers: got %v, want celery, rq, django-q", got)
	}
	if got := get("settings_candidates"); !Equal(Set, []any{"proj.settings.prod", "proj.settings.common", "proj.settings.dev"}, got) {
		t.Errorf("settings_candidates: got %v, want prod, common (named), dev", got)
	}
	if got := get("frontend_build"); got != "ui: vite build" {
		t.Errorf("frontend_build: got %v", got)
	}
	empty := map[string]any{}
	for _, fact := range []string{"workers", "settings_candidates", "frontend_build"} {
		f, _ := FieldOf(fact)
		if got := f.Get(empty); !Equal(f.Kind, nil, got) {
			t.Errorf("%s of an empty output: got %v, want nothing", fact, got)
		}
	}
}
