package django

import (
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// configValues rewrites the settings' values where a general rule says what a read of a
// configuration object yields, so the rest of the reader sees plain expressions:
//
//   - django-environ's schema: after `env = environ.Env(DEBUG=(bool, False))`, a read
//     `env("DEBUG")` without a default has the schema's default;
//   - django-environ's Path: after `root = environ.Path(__file__) - 3`, `root("media")`
//     is os.path.join(root, "media");
//   - `getattr(configuration, "MEDIA_ROOT", default)`: the object's value cannot be read
//     without running the code, so the default stands for it (a note names the object);
//   - `CONFIG.X` / `CONFIG.get("X")` on an object whose class in the project keeps a dict
//     of defaults: that default (see configDefaults).
//
// Events are copied, never changed in place: parsed modules are shared.
func (r *reader) configValues(evs []event) []event {
	cv := &configRewriter{r: r, schema: map[string]map[string]schemaEntry{}, paths: map[string]bool{},
		noted: map[string]bool{}, defaults: map[string]*objectDefaults{}}
	out := make([]event, len(evs))
	for i, e := range evs {
		out[i] = e
		switch {
		case e.a != nil:
			a := *e.a
			a.Value = cv.rewrite(e.file, a.Value, 0)
			out[i].a = &a
			if !a.Local && a.Op == "=" && a.TargetValue.Kind == pyscan.Name && !strings.Contains(a.Target, ".") {
				cv.learn(e.file, a)
			}
		case e.c != nil:
			c := *e.c
			c.Value = cv.rewrite(e.file, c.Value, 0)
			c.Args, c.Kwargs = c.Value.Args, c.Value.Kwargs
			out[i].c = &c
		}
	}
	return out
}

type configRewriter struct {
	r *reader
	// schema maps a django-environ Env variable to what it declares per name.
	schema map[string]map[string]schemaEntry
	// paths are names bound to environ.Path(…).
	paths map[string]bool
	// defaults maps a configuration object's name to the defaults its class declares.
	defaults map[string]*objectDefaults
	noted    map[string]bool
}

// learn records what a module-level `name = value` makes of name.
func (cv *configRewriter) learn(file string, a pyscan.Assignment) {
	name, v := a.Target, a.Value
	delete(cv.schema, name)
	delete(cv.paths, name)
	delete(cv.defaults, name)
	if v.Kind == pyscan.BinOp && v.Left != nil && (v.Op == "-" || v.Op == "+") {
		v = *v.Left // environ.Path(__file__) - 3
	}
	if v.Kind != pyscan.CallExpr {
		return
	}
	switch {
	case v.Func == "environ.Path" || v.Func == "Path.Path":
		cv.paths[name] = true
	case isEnvironEnv(v.Func):
		s := map[string]schemaEntry{}
		for _, kw := range v.Kwargs {
			if t := kw.Value; t.Kind == pyscan.Tuple && len(t.Items) == 2 {
				s[kw.Name] = schemaEntry{cast: t.Items[0], def: t.Items[1], hasDefault: true}
			} else {
				s[kw.Name] = schemaEntry{cast: t} // NAME=bool: a cast, no default
			}
		}
		cv.schema[name] = s
	default:
		if d := cv.r.objectDefaults(file, v); d != nil {
			cv.defaults[name] = d
		}
	}
}

// rewrite returns v with the reads the rules know replaced.
func (cv *configRewriter) rewrite(file string, v pyscan.Value, depth int) pyscan.Value {
	return mapValue(v, func(x pyscan.Value) (pyscan.Value, bool) { return cv.replace(file, x) }, depth)
}

// replace applies one rule to v itself.
func (cv *configRewriter) replace(file string, v pyscan.Value) (pyscan.Value, bool) {
	switch v.Kind {
	case pyscan.CallExpr:
		obj, method := v.Func, ""
		if i := strings.LastIndexByte(obj, '.'); i >= 0 {
			obj, method = obj[:i], obj[i+1:]
		}
		switch {
		case v.Func == "getattr" && len(v.Args) == 3 && v.Args[0].Kind == pyscan.Name && v.Args[1].Kind == pyscan.String:
			if d, ok := cv.objectDefault(v.Args[0].Str, v.Args[1].Str); ok {
				return d, true
			}
			cfg := v.Args[0].Str
			if !cv.noted[cfg] {
				cv.noted[cfg] = true
				cv.r.note(at(file, v.Line), "settings are read from the configuration object %s with getattr(); where it sets none, their defaults apply, and those were read", cfg)
			}
			return cv.rewrite(file, v.Args[2], 1), true
		case v.Func == "getattr" && len(v.Args) == 2 && v.Args[0].Kind == pyscan.Name && v.Args[1].Kind == pyscan.String:
			if d, ok := cv.objectDefault(v.Args[0].Str, v.Args[1].Str); ok {
				return d, true
			}
			// No default: what the object holds, which cannot be read (and is not what
			// the expression that made the object read).
			return pyscan.Value{Kind: pyscan.Other, Text: v.Text, Line: v.Line}, true
		case cv.paths[v.Func] && len(v.Args) > 0 && len(v.Kwargs) == 0:
			// root("media") joins onto the Path: os.path.join(root, "media").
			join := v
			join.Func = "os.path.join"
			join.Left = &pyscan.Value{Kind: pyscan.Name, Str: "os.path.join", Text: "os.path.join", Line: v.Line}
			join.Args = append([]pyscan.Value{{Kind: pyscan.Name, Str: v.Func, Text: v.Func, Line: v.Line}}, v.Args...)
			return join, true
		case cv.schema[v.Func] != nil || method != "" && cv.schema[obj] != nil && !strings.Contains(obj, "."):
			s := cv.schema[v.Func]
			if s == nil {
				s = cv.schema[obj]
			}
			if len(v.Args) == 0 || v.Args[0].Kind != pyscan.String {
				return v, false
			}
			e, ok := s[v.Args[0].Str]
			if !ok {
				return v, false
			}
			v.Args = append([]pyscan.Value(nil), v.Args...)
			v.Kwargs = append([]pyscan.Kwarg(nil), v.Kwargs...)
			if e.hasDefault && !hasDefault(v, method) {
				v.Kwargs = append(v.Kwargs, pyscan.Kwarg{Name: "default", Value: cv.rewrite(file, e.def, 1)})
			}
			if (method == "" || method == "get_value") && len(v.Args) < 2 && !slices.ContainsFunc(v.Kwargs, func(k pyscan.Kwarg) bool { return k.Name == "cast" }) {
				v.Kwargs = append(v.Kwargs, pyscan.Kwarg{Name: "cast", Value: e.cast})
			}
			return v, true
		case method == "get" && len(v.Args) >= 1 && v.Args[0].Kind == pyscan.String:
			if d, ok := cv.objectDefault(obj, v.Args[0].Str); ok && len(v.Args) == 1 {
				return d, true
			}
		}
	case pyscan.Name:
		if obj, attr, ok := strings.Cut(v.Str, "."); ok && !strings.Contains(attr, ".") {
			if d, ok := cv.objectDefault(obj, attr); ok {
				return d, true
			}
		}
	}
	return v, false
}

// schemaEntry is one variable of a django-environ schema: environ.Env(DEBUG=(bool, False)).
type schemaEntry struct {
	cast, def  pyscan.Value
	hasDefault bool
}

// hasDefault reports whether a django-environ read passes its own default.
func hasDefault(v pyscan.Value, method string) bool {
	for _, kw := range v.Kwargs {
		if kw.Name == "default" {
			return true
		}
	}
	// env("X", cast) takes the default third; env.str("X", "d") second.
	if method == "" || method == "get_value" {
		return len(v.Args) > 2
	}
	return len(v.Args) > 1
}

// objectDefaults are the defaults a configuration object's class declares, read from the
// project module that creates the object.
type objectDefaults struct {
	values map[string]pyscan.Value
	src    string // where the dict of defaults is written
}

// defaultsNames are the names a class or module gives its dict of configuration defaults.
var defaultsNames = map[string]bool{"defaults": true, "DEFAULTS": true, "default_config": true,
	"DEFAULT_CONFIG": true, "_defaults": true, "default_settings": true, "DEFAULT_SETTINGS": true}

// objectDefaults finds the defaults behind `name = call(…)`: a dict literal named like
// defaults (see defaultsNames) in the module that makes the object or in a project module
// it imports from. nil when there is none.
func (r *reader) objectDefaults(file string, call pyscan.Value) *objectDefaults {
	m := r.parsed[file]
	if m == nil || call.Kind != pyscan.CallExpr {
		return nil
	}
	files := []string{file}
	pkg := r.packageOf(path.Dir(file))
	for _, imp := range m.Imports {
		if imp.Local {
			continue
		}
		target := absoluteImport(pkg, imp)
		if target == "" || imp.Level == 0 && !r.isProjectModule(target) {
			continue
		}
		if tf, _, _, err := r.resolveModule(target); err == nil && tf != "" {
			files = append(files, tf)
		}
	}
	for _, f := range files {
		fm, err := r.parse(f)
		if err != nil || fm == nil {
			continue
		}
		for _, a := range fm.Assignments {
			if a.Op == "=" && defaultsNames[a.Target] && a.Value.Kind == pyscan.Dict {
				d := &objectDefaults{values: map[string]pyscan.Value{}, src: at(f, a.Line)}
				for i, k := range a.Value.Keys {
					if k.Kind == pyscan.String && i < len(a.Value.Items) {
						d.values[k.Str] = a.Value.Items[i]
					}
				}
				return d
			}
		}
	}
	return nil
}

// objectDefault is the default of key for the configuration object obj, which the
// settings bind or import from a project module.
func (cv *configRewriter) objectDefault(obj, key string) (pyscan.Value, bool) {
	d, known := cv.defaults[obj]
	if !known {
		d = cv.importedDefaults(obj)
		cv.defaults[obj] = d
	}
	if d == nil {
		return pyscan.Value{}, false
	}
	v, ok := d.values[key]
	if ok && !cv.noted["defaults "+obj] {
		cv.noted["defaults "+obj] = true
		cv.r.note(d.src, "settings read from %s take the defaults declared here unless its configuration sets them", obj)
	}
	return v, ok
}

// importedDefaults finds the defaults of an object the settings import by name
// (`from ..const import CONFIG`) from a project module that binds it to a call.
func (cv *configRewriter) importedDefaults(obj string) *objectDefaults {
	r := cv.r
	for _, f := range r.info.SettingsFiles {
		m := r.parsed[f]
		if m == nil {
			continue
		}
		pkg := r.packageOf(path.Dir(f))
		for _, imp := range m.Imports {
			if imp.Local || !containsName(imp.Names, obj) {
				continue
			}
			target := absoluteImport(pkg, imp)
			if target == "" || imp.Level == 0 && !r.isProjectModule(target) {
				continue
			}
			tf, _, _, err := r.resolveModule(target)
			if err != nil || tf == "" {
				continue
			}
			tm, err := r.parse(tf)
			if err != nil || tm == nil {
				continue
			}
			if a, ok := tm.Last(obj); ok && a.Value.Kind == pyscan.CallExpr {
				return r.objectDefaults(tf, a.Value)
			}
		}
	}
	return nil
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}
