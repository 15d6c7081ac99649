// Package corpus scores `containerize detect --json` against facts recorded by hand for real
// public Django repositories (testdata/corpus/repos/*.json). It fetches nothing: the
// repositories come from mirrors a reviewer fetched beforehand, and each entry pins the commit
// its facts were read from.
package corpus

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Entry is one repository of the corpus: where its facts were read and what they are.
type Entry struct {
	Repo   string          `json:"repo"`
	Commit string          `json:"commit"`
	Tags   []string        `json:"tags"`
	Notes  string          `json:"notes,omitempty"`
	Facts  map[string]Fact `json:"facts"`
	File   string          `json:"-"`
}

// Fact is one expected value and the file:line it was read from.
type Fact struct {
	Want json.RawMessage `json:"want"`
	Why  string          `json:"why"`
}

// Kind says how a fact's expected and detected values compare.
type Kind int

// The kinds of comparison.
const (
	// Str compares strings; null, a missing key and "" are the same (nothing found).
	Str Kind = iota
	// Bool compares booleans; a missing key is false.
	Bool
	// Set compares lists of strings ignoring order; null and [] are the same.
	Set
	// Version compares a Python version: the expected value is either a version ("3.12",
	// matched on the parts it gives) or, where the project declares only a range, a
	// specifier list (">=3.12,<3.13") the detected version must satisfy. null expects null.
	Version
	// Build compares a frontend build recorded as "DIR: COMMAND" ("COMMAND" for the project's
	// root) with the one detected: the same folder, and the recorded command's words begin the
	// detected script (the records shorten "webpack --mode production --progress"). null
	// expects none.
	Build
)

// Field maps a fact to where `detect --json` reports it: Path is a dotted path of object keys,
// or djangoVersionPath for the django dependency's version. An empty Path means detect has no
// field for the fact yet: the scorer then reports it as "no field yet" instead of scoring it.
type Field struct {
	Fact string
	Kind Kind
	Path string
}

// Paths whose value is derived from more than one key of detect's output.
const (
	// djangoVersionPath stands for the django dependency's version (see djangoVersion).
	djangoVersionPath = "dependencies[name=django]"
	// candidatesPath stands for the settings modules one would run (see runnableCandidates).
	candidatesPath = "django.settings_candidates[runnable].module"
	// workersPath stands for the background worker systems (see workerSystems).
	workersPath = "services+processes[kind=worker]"
	// frontendPath stands for the frontend build as "DIR: SCRIPT" (see frontendBuild).
	frontendPath = "frontend.dir+build"
)

// Fields is the whole mapping from facts to detect's JSON: one row per fact class, in the
// order reports list them. Adding a field to detect means giving its row a Path.
func Fields() []Field {
	return []Field{
		{"app_root", Str, "app_root"},
		{"package_manager", Str, "package_manager"},
		{"python", Version, "python.version"},
		{"django_version", Str, djangoVersionPath},
		{"settings_module", Str, "django.settings_module"},
		{"settings_candidates", Set, candidatesPath},
		{"database", Str, "django.database"},
		{"services", Set, "services"},
		{"wsgi_application", Str, "django.wsgi_application"},
		{"asgi_application", Str, "django.asgi_application"},
		{"static_root", Bool, "django.static_root"},
		{"media_root", Str, "django.media_root"},
		{"celery_app", Str, "django.celery_app"},
		{"channel_layer", Str, "django.channel_layer"},
		{"email_backend", Str, "django.email_backend"},
		{"workers", Set, workersPath},
		{"frontend_build", Build, frontendPath},
		{"secret_key_env", Str, "django.secret_key_env"},
		{"debug_env", Str, "django.debug_env"},
		{"database_url_env", Str, "django.database_url_env"},
	}
}

// FieldOf returns the row of a fact class.
func FieldOf(fact string) (Field, bool) {
	for _, f := range Fields() {
		if f.Fact == fact {
			return f, true
		}
	}
	return Field{}, false
}

// Get reads the field's value from detect's output; nil when it is missing.
func (f Field) Get(out map[string]any) any {
	switch f.Path {
	case djangoVersionPath:
		return djangoVersion(out)
	case candidatesPath:
		return runnableCandidates(out)
	case workersPath:
		return workerSystems(out)
	case frontendPath:
		return frontendBuild(out)
	}
	return lookup(out, f.Path)
}

// runnableCandidates are the settings modules of detect's candidates that one would run: the
// corpus records those something names (manage.py, wsgi.py, a Dockerfile, a compose or deploy
// file) and the production-like files, not the test settings nor a base module nothing names
// (evidence that is only the module's own file, without a line).
func runnableCandidates(out map[string]any) any {
	list, ok := lookup(out, "django.settings_candidates").([]any)
	if !ok {
		return nil
	}
	var mods []any
	for _, c := range list {
		m, _ := c.(map[string]any)
		role, _ := m["role"].(string)
		if role == "test" {
			continue
		}
		if role == "base" && !namedSomewhere(m["evidence"]) {
			continue
		}
		if mod, _ := m["module"].(string); mod != "" {
			mods = append(mods, mod)
		}
	}
	return mods
}

// namedSomewhere: some evidence is a file:line (a line naming the module), not only a file.
func namedSomewhere(evidence any) bool {
	list, _ := evidence.([]any)
	for _, e := range list {
		s, _ := e.(string)
		if i := strings.LastIndex(s, ":"); i >= 0 {
			if _, err := strconv.Atoi(s[i+1:]); err == nil {
				return true
			}
		}
	}
	return false
}

// workerCommands names a worker system by a word its command runs.
var workerCommands = []struct{ word, system string }{
	{"celery", "celery"},
	{"rqworker", "rq"},
	{"qcluster", "django-q"},
	{"runworker", "channels-runworker"},
	{"run_huey", "huey"},
	{"rundramatiq", "dramatiq"},
	{"dramatiq", "dramatiq"},
}

// workerSystems is the set of background worker systems detect found, named as the corpus
// records them (celery, rq, django-q, huey, dramatiq, channels-runworker): a celery-worker
// service, or a worker process whose command runs one. Other processes (asset watchers,
// custom commands) are not worker systems.
func workerSystems(out map[string]any) any {
	found := map[string]bool{}
	services, _ := out["services"].([]any)
	for _, s := range services {
		if s == "celery-worker" {
			found["celery"] = true
		}
	}
	procs, _ := out["processes"].([]any)
	for _, p := range procs {
		m, _ := p.(map[string]any)
		if kind, _ := m["kind"].(string); kind != "worker" {
			continue
		}
		cmd, _ := m["command"].([]any)
		for _, w := range cmd {
			word, _ := w.(string)
			for _, wc := range workerCommands {
				if word == wc.word {
					found[wc.system] = true
				}
			}
		}
	}
	systems := make([]any, 0, len(found))
	for s := range found {
		systems = append(systems, s)
	}
	return systems
}

// frontendBuild is detect's frontend build as the corpus records it: "DIR: SCRIPT", or
// "SCRIPT" when the package.json is at the project's root; nil when there is none.
func frontendBuild(out map[string]any) any {
	fe, ok := out["frontend"].(map[string]any)
	if !ok {
		return nil
	}
	dir, _ := fe["dir"].(string)
	build, _ := fe["build"].(string)
	if dir == "" || dir == "." {
		return build
	}
	return dir + ": " + build
}

// lookup reads a dotted path of object keys; nil when any step is missing.
func lookup(out map[string]any, path string) any {
	var cur any = out
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// djangoVersion is the version detect gives the django dependency: the locked version, else
// the version an exact pin (==X or ===X) names, else its specifier as written.
func djangoVersion(out map[string]any) any {
	deps, _ := out["dependencies"].([]any)
	for _, d := range deps {
		m, _ := d.(map[string]any)
		if name, _ := m["name"].(string); strings.EqualFold(name, "django") {
			if v, _ := m["version"].(string); v != "" {
				return v
			}
			spec, _ := m["specifier"].(string)
			v, ok := strings.CutPrefix(spec, "===")
			if !ok {
				v, ok = strings.CutPrefix(spec, "==")
			}
			if ok && !strings.ContainsAny(v, ",*") {
				return v
			}
			return spec
		}
	}
	return nil
}

// Load reads every entry under dir (*.json), sorted by file name, and checks that each names
// its repository, its commit and only known fact classes, each with a why.
func Load(dir string) ([]Entry, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var entries []Entry
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var e Entry
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
		e.File = p
		if e.Repo == "" || len(e.Commit) != 40 {
			return nil, fmt.Errorf("%s: needs repo and the 40-hex commit its facts were read from", p)
		}
		for name, f := range e.Facts {
			if _, ok := FieldOf(name); !ok {
				return nil, fmt.Errorf("%s: unknown fact %q; add it to corpus.Fields", p, name)
			}
			if f.Why == "" {
				return nil, fmt.Errorf("%s: fact %q has no why (the file:line it was read from)", p, name)
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// Outcome of one fact.
type Outcome struct {
	Fact    string `json:"fact"`
	Want    any    `json:"want"`
	Got     any    `json:"got,omitempty"`
	Right   bool   `json:"right"`
	NoField bool   `json:"no_field,omitempty"`
	Why     string `json:"why"`
}

// Result of one repository.
type Result struct {
	Repo     string    `json:"repo"`
	Commit   string    `json:"commit"`
	Error    string    `json:"error,omitempty"`
	Right    int       `json:"right"`
	Total    int       `json:"total"`
	NoField  int       `json:"no_field"`
	Fully    bool      `json:"fully_right"`
	Outcomes []Outcome `json:"outcomes"`
}

// Score compares an entry's facts with detect's output. A nil out (detect failed) makes every
// scored fact wrong, with detectErr as the reason.
func Score(e Entry, out map[string]any, detectErr string) Result {
	r := Result{Repo: e.Repo, Commit: e.Commit, Error: detectErr}
	names := make([]string, 0, len(e.Facts))
	for n := range e.Facts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return order(names[i]) < order(names[j]) })
	for _, name := range names {
		f := e.Facts[name]
		field, _ := FieldOf(name)
		var want any
		_ = json.Unmarshal(f.Want, &want)
		o := Outcome{Fact: name, Want: want, Why: f.Why}
		if field.Path == "" {
			o.NoField = true
			r.NoField++
			r.Outcomes = append(r.Outcomes, o)
			continue
		}
		r.Total++
		if out != nil {
			o.Got = field.Get(out)
			o.Right = Equal(field.Kind, want, o.Got)
		}
		if o.Right {
			r.Right++
		}
		r.Outcomes = append(r.Outcomes, o)
	}
	r.Fully = detectErr == "" && r.Right == r.Total
	return r
}

func order(fact string) int {
	for i, f := range Fields() {
		if f.Fact == fact {
			return i
		}
	}
	return len(Fields())
}

// Equal compares an expected and a detected value the way kind says.
func Equal(kind Kind, want, got any) bool {
	switch kind {
	case Bool:
		w, _ := want.(bool)
		g, _ := got.(bool)
		return w == g
	case Set:
		w, g := strs(want), strs(got)
		if len(w) != len(g) {
			return false
		}
		for i := range w {
			if w[i] != g[i] {
				return false
			}
		}
		return true
	case Version:
		return versionMatches(str(want), str(got))
	case Build:
		return buildMatches(str(want), str(got))
	default:
		return str(want) == str(got)
	}
}

// buildMatches tells whether a detected "DIR: SCRIPT" is the recorded one: the same folder
// (none is the root), and the recorded command's words begin the detected script's.
func buildMatches(want, got string) bool {
	if want == "" || got == "" {
		return want == got
	}
	split := func(s string) (dir string, words []string) {
		if d, cmd, ok := strings.Cut(s, ": "); ok {
			return d, strings.Fields(cmd)
		}
		return ".", strings.Fields(s)
	}
	wd, ww := split(want)
	gd, gw := split(got)
	if wd != gd || len(ww) > len(gw) {
		return false
	}
	for i := range ww {
		if ww[i] != gw[i] {
			return false
		}
	}
	return true
}

// versionMatches tells whether got ("3.12", "" for none) is the version want names or
// satisfies the specifiers want lists.
func versionMatches(want, got string) bool {
	if want == "" || got == "" {
		return want == got
	}
	if !strings.ContainsAny(want[:1], "<>=!~") {
		return cmpVersion(got, want, len(strings.Split(want, "."))) == 0
	}
	for _, spec := range strings.Split(want, ",") {
		spec = strings.TrimSpace(spec)
		op := strings.TrimRight(spec[:min(2, len(spec))], "0123456789.")
		v := strings.TrimSpace(spec[len(op):])
		c := cmpVersion(got, strings.TrimSuffix(v, ".*"), len(strings.Split(strings.TrimSuffix(v, ".*"), ".")))
		ok := false
		switch op {
		case ">=":
			ok = c >= 0
		case ">":
			ok = c > 0
		case "<=":
			ok = c <= 0
		case "<":
			ok = c < 0
		case "==", "~=":
			ok = c == 0 || (op == "~=" && c > 0)
		case "!=":
			ok = c != 0
		}
		if !ok {
			return false
		}
	}
	return true
}

// cmpVersion compares the first n dotted numeric parts of a and b.
func cmpVersion(a, b string, n int) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < n; i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, str(x))
	}
	sort.Strings(out)
	return out
}

// Totals per fact class.
type Totals struct {
	Fact    string `json:"fact"`
	Right   int    `json:"right"`
	Total   int    `json:"total"`
	NoField int    `json:"no_field"`
}

// ByFact sums the results per fact class, in the order of Fields.
func ByFact(results []Result) []Totals {
	var out []Totals
	for _, f := range Fields() {
		t := Totals{Fact: f.Fact}
		for _, r := range results {
			for _, o := range r.Outcomes {
				if o.Fact != f.Fact {
					continue
				}
				switch {
				case o.NoField:
					t.NoField++
				case o.Right:
					t.Right++
					t.Total++
				default:
					t.Total++
				}
			}
		}
		if t.Total+t.NoField > 0 {
			out = append(out, t)
		}
	}
	return out
}

// Show renders a value for the mismatch list.
func Show(v any) string {
	if v == nil {
		return "null"
	}
	if s, ok := v.(string); ok {
		if s == "" {
			return `""`
		}
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}
