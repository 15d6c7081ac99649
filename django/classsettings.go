package django

import (
	"slices"
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// Class-based settings keep the settings as attributes of a class:
//
//   - a loader call at module level exports a class's attributes into the module
//     (`Settings.load_settings(__name__)`, any `Class.method(__name__)`);
//   - django-configurations (`class Prod(Configuration)`) picks the class named by
//     $DJANGO_CONFIGURATION at start-up.
//
// The chosen class's attributes, base classes first, read as module-level settings; a
// @property's return value is the setting of its name.

// maxClassDepth bounds base-class chains.
const maxClassDepth = 16

// classLoader returns the class a module-level call exports into the module, "" for any
// other call: `C.f(__name__)` with C a class of the module or imported into it.
func classLoader(m *pyscan.Module, c *pyscan.Call) string {
	if c.Indent > 0 || len(c.Args) == 0 {
		return ""
	}
	hasName := false
	for _, a := range c.Args {
		hasName = hasName || a.Kind == pyscan.Name && a.Str == "__name__"
	}
	cls, _, ok := strings.Cut(c.Func, ".")
	if !hasName || !ok || strings.Contains(c.Func[len(cls)+1:], ".") {
		return ""
	}
	if slices.ContainsFunc(m.Classes, func(k pyscan.Class) bool { return k.Name == cls }) {
		return cls
	}
	for _, imp := range m.Imports {
		if slices.Contains(imp.Names, cls) {
			return cls
		}
	}
	return ""
}

// usesConfigurations reports whether a module imports django-configurations.
func usesConfigurations(m *pyscan.Module) bool {
	for _, imp := range m.Imports {
		if imp.Module == "configurations" || strings.HasPrefix(imp.Module, "configurations.") {
			return true
		}
	}
	return false
}

// configurationClass picks the django-configurations class production runs: one named
// production (Production, Prod), else the default of DJANGO_CONFIGURATION in manage.py,
// wsgi.py or asgi.py, else the only class.
func (r *reader) configurationClass(file string, m *pyscan.Module) (string, string) {
	var names []string
	for _, c := range m.Classes {
		if len(c.Bases) > 0 {
			names = append(names, c.Name)
		}
	}
	for _, n := range names {
		if roleOf(strings.ToLower(n)) == RoleProduction {
			return n, "the class named for production"
		}
	}
	files := []string{r.info.ManagePy}
	files = append(files, r.serverFiles...)
	for _, f := range files {
		fm, err := r.parse(f)
		if err != nil || fm == nil {
			continue
		}
		for _, c := range fm.Calls {
			if strings.HasSuffix(c.Func, "environ.setdefault") && len(c.Args) == 2 &&
				c.Args[0].Str == "DJANGO_CONFIGURATION" && c.Args[1].Kind == pyscan.String &&
				slices.Contains(names, c.Args[1].Str) {
				return c.Args[1].Str, "DJANGO_CONFIGURATION's default at " + at(f, c.Line)
			}
		}
	}
	if len(names) == 1 {
		return names[0], "the only configuration class"
	}
	return "", ""
}

// classEvents are the settings a class holds, base classes first (the last base first, so
// that earlier bases override later ones as Python's attribute lookup does).
func (r *reader) classEvents(file, pkg string, m *pyscan.Module, name string, depth int) ([]event, error) {
	if depth > maxClassDepth {
		return nil, nil
	}
	idx := slices.IndexFunc(m.Classes, func(c pyscan.Class) bool { return c.Name == name })
	if idx < 0 {
		// Imported: from .base import CommunityBaseSettings.
		tf, tm, tpkg, err := r.importedClass(file, pkg, m, name)
		if err != nil || tm == nil {
			return nil, err
		}
		r.addSettingsFile(tf)
		return r.classEvents(tf, tpkg, tm, name, depth+1)
	}
	cls := m.Classes[idx]
	var evs []event
	for i := len(cls.Bases) - 1; i >= 0; i-- {
		b := cls.Bases[i]
		if b.Kind != pyscan.Name || strings.Contains(b.Str, ".") || b.Str == name {
			continue
		}
		sub, err := r.classEvents(file, pkg, m, b.Str, depth+1)
		if err != nil {
			return nil, err
		}
		evs = append(evs, sub...)
	}
	configurations := usesConfigurations(m)
	var own []event
	for i := range m.Assignments {
		a := m.Assignments[i]
		if a.Class != name {
			continue
		}
		if a.Indent <= cls.BodyIndent {
			a.Indent = 0
		}
		a.Local = false
		a.Value = selfless(a.Value)
		if configurations {
			a.Value = configurationValue(a.Target, a.Value)
		}
		own = append(own, event{file: file, a: &a})
	}
	for _, p := range m.Properties {
		if p.Class != name {
			continue
		}
		a := pyscan.Assignment{Target: p.Name, TargetValue: pyscan.Value{Kind: pyscan.Name, Str: p.Name, Text: p.Name, Line: p.Line},
			Op: "=", Value: selfless(p.Value), Line: p.Line}
		own = append(own, event{file: file, a: &a})
	}
	slices.SortStableFunc(own, func(x, y event) int { return x.a.Line - y.a.Line })
	return append(evs, own...), nil
}

// importedClass finds the module a class is imported from, in the project.
func (r *reader) importedClass(file, pkg string, m *pyscan.Module, name string) (string, *pyscan.Module, string, error) {
	for _, imp := range m.Imports {
		if imp.Local || !slices.Contains(imp.Names, name) {
			continue
		}
		target := absoluteImport(pkg, imp)
		if target == "" {
			continue
		}
		tf, _, isPkg, err := r.resolveModule(target)
		if err != nil || tf == "" {
			return "", nil, "", err
		}
		tm, err := r.parse(tf)
		if err != nil || tm == nil {
			return "", nil, "", err
		}
		tpkg := target
		if !isPkg {
			tpkg = parent(target)
		}
		return tf, tm, tpkg, nil
	}
	return "", nil, "", nil
}

// selfless reads self.X inside a class as the setting X.
func selfless(v pyscan.Value) pyscan.Value {
	return mapValue(v, func(x pyscan.Value) (pyscan.Value, bool) {
		if x.Kind == pyscan.Name && strings.HasPrefix(x.Str, "self.") && !strings.Contains(x.Str[5:], ".") {
			x.Str = x.Str[5:]
			return x, true
		}
		return x, false
	}, 0)
}

// configurationHelpers are django-configurations' URL values: the variable each reads
// and the django-environ style reader they amount to.
var configurationURLs = map[string]string{
	"DatabaseURLValue": "DATABASE_URL", "CacheURLValue": "CACHE_URL", "EmailURLValue": "EMAIL_URL",
	"SearchURLValue": "SEARCH_URL",
}

// configurationValue turns a django-configurations value into the environment read it
// makes: values.BooleanValue(False) on DEBUG reads $DJANGO_DEBUG (environ_prefix and
// environ_name change the name), defaulting to False; values.DatabaseURLValue(d) reads
// $DATABASE_URL into {"default": …}.
func configurationValue(setting string, v pyscan.Value) pyscan.Value {
	if v.Kind != pyscan.CallExpr || !strings.HasSuffix(v.Func, "Value") {
		return v
	}
	kind := v.Func[strings.LastIndexByte(v.Func, '.')+1:]
	if v.Func != kind && !strings.HasPrefix(v.Func, "values.") && !strings.HasPrefix(v.Func, "configurations.values.") {
		return v
	}
	kw := func(name string) (pyscan.Value, bool) {
		for _, k := range v.Kwargs {
			if k.Name == name {
				return k.Value, true
			}
		}
		return pyscan.Value{}, false
	}
	if e, ok := kw("environ"); ok && e.Kind == pyscan.Bool && e.Str == "False" {
		return v
	}
	def, hasDef := kw("default")
	if !hasDef && len(v.Args) > 0 {
		def, hasDef = v.Args[0], true
	}
	prefix := "DJANGO"
	envName := setting
	if url, ok := configurationURLs[kind]; ok {
		prefix, envName = "", url
	}
	if p, ok := kw("environ_prefix"); ok {
		prefix = p.Str // None and "" both mean no prefix
	}
	if n, ok := kw("environ_name"); ok && n.Kind == pyscan.String {
		envName = n.Str
	}
	if prefix != "" {
		envName = prefix + "_" + envName
	}
	str := func(s string) pyscan.Value {
		return pyscan.Value{Kind: pyscan.String, Str: s, Text: `"` + s + `"`, Line: v.Line}
	}
	call := func(fn string, args []pyscan.Value, kwargs []pyscan.Kwarg) pyscan.Value {
		return pyscan.Value{Kind: pyscan.CallExpr, Func: fn, Args: args, Kwargs: kwargs, Text: v.Text, Line: v.Line,
			Left: &pyscan.Value{Kind: pyscan.Name, Str: fn, Text: fn, Line: v.Line}}
	}
	var kwargs []pyscan.Kwarg
	if hasDef && kind != "SecretValue" {
		kwargs = []pyscan.Kwarg{{Name: "default", Value: def}}
	}
	if _, ok := configurationURLs[kind]; ok {
		read := call("dj_database_url.config", nil, append([]pyscan.Kwarg{{Name: "env", Value: str(envName)}}, kwargs...))
		if kind != "DatabaseURLValue" {
			read = call("env.url", []pyscan.Value{str(envName)}, kwargs)
		}
		alias := "default"
		if a, ok := kw("alias"); ok && a.Kind == pyscan.String {
			alias = a.Str
		}
		return pyscan.Value{Kind: pyscan.Dict, Keys: []pyscan.Value{str(alias)}, Items: []pyscan.Value{read}, Text: v.Text, Line: v.Line}
	}
	method := "env.str"
	switch kind {
	case "BooleanValue":
		method = "env.bool"
	case "IntegerValue", "PositiveIntegerValue":
		method = "env.int"
	case "FloatValue", "DecimalValue":
		method = "env.float"
	case "ListValue", "TupleValue", "SetValue", "SingleNestedListValue", "SingleNestedTupleValue":
		method = "env.list"
	case "PathValue":
		method = "env.path"
	}
	return call(method, []pyscan.Value{str(envName)}, kwargs)
}

// mapValue returns v with f applied top-down: where f replaces a node, its replacement is
// kept as is. depth bounds the walk.
func mapValue(v pyscan.Value, f func(pyscan.Value) (pyscan.Value, bool), depth int) pyscan.Value {
	if depth > 64 {
		return v
	}
	if nv, ok := f(v); ok {
		return nv
	}
	items := func(xs []pyscan.Value) []pyscan.Value {
		if len(xs) == 0 {
			return xs
		}
		out := make([]pyscan.Value, len(xs))
		for i, x := range xs {
			out[i] = mapValue(x, f, depth+1)
		}
		return out
	}
	v.Items, v.Keys, v.Args = items(v.Items), items(v.Keys), items(v.Args)
	if len(v.Kwargs) > 0 {
		kws := make([]pyscan.Kwarg, len(v.Kwargs))
		for i, kw := range v.Kwargs {
			kws[i] = pyscan.Kwarg{Name: kw.Name, Value: mapValue(kw.Value, f, depth+1)}
		}
		v.Kwargs = kws
	}
	for _, p := range []**pyscan.Value{&v.Left, &v.Right} {
		if *p != nil {
			nv := mapValue(**p, f, depth+1)
			*p = &nv
		}
	}
	return v
}
