package django

import (
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// envSchemaDefault is the default django-environ's schema gives a variable read without
// one: `env = environ.Env(DATABASE_URL=(str, "mysql://…"))` makes a later `env.db()` or
// `env("DATABASE_URL")` fall back to that URL. "" when no schema names it.
func (s *settings) envSchemaDefault(name string) string {
	if v := s.envSchemaValue(name); v != nil {
		if t, ok := v.Template(); ok {
			return t
		}
	}
	return ""
}

// isEnvironEnv reports whether fn constructs a django-environ (or environs) Env, whose
// keyword arguments are the schema: NAME=(cast, default).
func isEnvironEnv(fn string) bool {
	f := fn[strings.LastIndexByte(fn, '.')+1:]
	return f == "Env" || f == "FileAwareEnv"
}

// envSchemaValue is the default expression a django-environ schema gives name, nil when
// none does. Several schemas (rare): the one written first wins, so the answer does not
// depend on map order.
func (s *settings) envSchemaValue(name string) *pyscan.Value {
	var best *pyscan.Value
	line := -1
	for _, b := range s.vars {
		v := b.val
		if v.Kind != pyscan.CallExpr || name == "" {
			continue
		}
		if !isEnvironEnv(v.Func) {
			continue
		}
		for _, kw := range v.Kwargs {
			if kw.Name == name && kw.Value.Kind == pyscan.Tuple && len(kw.Value.Items) == 2 && (line < 0 || v.Line < line) {
				d := kw.Value.Items[1]
				best, line = &d, v.Line
			}
		}
	}
	return best
}

// envDefaultValue is the default expression of a plain environment read:
// os.getenv("X", d), os.environ.get("X", d), env("X", default=d), env.str("X", d), and
// env("X", d) of environs (a django-environ cast in that place is a name, never a path).
func envDefaultValue(v pyscan.Value) (pyscan.Value, bool) {
	if v.Kind != pyscan.CallExpr {
		return pyscan.Value{}, false
	}
	for _, kw := range v.Kwargs {
		if kw.Name == "default" {
			return kw.Value, true
		}
	}
	if len(v.Args) >= 2 && v.Args[1].Kind != pyscan.Name && v.Args[1].Kind != pyscan.Starred {
		return v.Args[1], true
	}
	return pyscan.Value{}, false
}

// isEnvironPath reports whether fn names a django-environ Path object made in the settings
// (root = environ.Path(__file__) - 3), which root("media") joins onto.
func (s *settings) isEnvironPath(fn string) bool {
	b := s.vars[fn]
	if b == nil {
		return false
	}
	v, up := b.val, false
	if v.Kind == pyscan.BinOp && v.Op == "-" && v.Left != nil {
		v, up = *v.Left, true // only django-environ's Path goes up with "-"
	}
	return v.Kind == pyscan.CallExpr && (v.Func == "environ.Path" || v.Func == "Path" && up)
}

// envValue is the text an expression has when the environment leaves every variable it
// reads unset: the literal parts of a concatenation with each read replaced by its default
// (`"django.db.backends." + env("DB_ENGINE", default="postgresql")`), a read's own
// default, or its django-environ schema default. ok is false when some part is unknown.
func (s *settings) envValue(v pyscan.Value, depth int) (string, bool) {
	v = s.resolve(v)
	if depth > 8 {
		return "", false
	}
	switch v.Kind {
	case pyscan.String:
		return v.Str, true
	case pyscan.BinOp:
		if v.Op == "+" && v.Left != nil && v.Right != nil {
			l, lok := s.envValue(*v.Left, depth+1)
			r, rok := s.envValue(*v.Right, depth+1)
			return l + r, lok && rok
		}
	}
	if name, def, ok := pyscan.EnvDefault(v); ok {
		if def == "" {
			def = s.envSchemaDefault(name)
		}
		return def, def != ""
	}
	if t, ok := text(v); ok {
		return t, true
	}
	return "", false
}

// dictKey finds key in a dict literal whose keys may be names bound to strings
// (`{DATABASE_CONNECTION_DEFAULT_NAME: …}` with the name set to "default").
func (s *settings) dictKey(d pyscan.Value, key string) (pyscan.Value, bool) {
	if d.Kind != pyscan.Dict {
		return pyscan.Value{}, false
	}
	for i, k := range d.Keys {
		if k.Kind == pyscan.Name && i < len(d.Items) {
			if r := s.resolve(k); r.Kind == pyscan.String && r.Str == key {
				return d.Items[i], true
			}
		}
	}
	return pyscan.Value{}, false
}

// DatabaseURLFamily is the database family of a dj-database-url / django-environ URL
// scheme (postgres, postgis, mysql, sqlite, oracle), "" when unknown.
func DatabaseURLFamily(scheme string) string { return dbSchemeFamily(scheme) }

// EngineFamily is the database family of a DATABASES ENGINE value
// ("django.db.backends.postgresql" → postgres), "" when unknown.
func EngineFamily(engine string) string { return engineFamily(engine) }

// orDefault resolves v and sees through getattr(configuration, "NAME", default), the
// pattern of settings that read a configuration module: without the attribute, the
// default is the value.
func (s *settings) orDefault(v pyscan.Value) pyscan.Value {
	v = s.resolve(v)
	for i := 0; i < 4 && v.Kind == pyscan.CallExpr && v.Func == "getattr" && len(v.Args) == 3; i++ {
		v = s.resolve(v.Args[2])
	}
	return v
}

// engineText is the text of an ENGINE value: a literal, an environment read's default
// (see envValue), or a conditional expression whose branches name the same family
// ("django_prometheus.db.backends.postgresql" if METRICS else "django.db.backends.postgresql").
func (s *settings) engineText(v pyscan.Value) (string, bool) { return s.engineText0(v, 0) }

func (s *settings) engineText0(v pyscan.Value, depth int) (string, bool) {
	v = s.resolve(v)
	if depth > 8 {
		return "", false
	}
	if v.Kind == pyscan.FString {
		return s.fstringText(v.Str)
	}
	if t, ok := text(v); ok {
		return t, true
	}
	if v.Kind == pyscan.Other && v.Op == "if" && v.Left != nil && v.Right != nil {
		l, lok := s.engineText0(*v.Left, depth+1)
		r, rok := s.engineText0(*v.Right, depth+1)
		if lok && rok && engineFamily(l) == engineFamily(r) {
			return r, true
		}
		return "", false
	}
	return s.envValue(v, 0)
}

// fstringText fills an f-string's {NAME} fields from the settings' names, each read through
// envValue (f"django.db.backends.{DB_ENGINE}" with DB_ENGINE = env("DB_ENGINE", "mysql")).
// ok is false when a field is not a plain name or has no value to read.
func (s *settings) fstringText(f string) (string, bool) {
	var b strings.Builder
	for {
		i := strings.IndexByte(f, '{')
		if i < 0 {
			b.WriteString(f)
			return b.String(), true
		}
		j := strings.IndexByte(f[i:], '}')
		if j < 0 {
			return "", false
		}
		name := f[i+1 : i+j]
		if name == "" || strings.ContainsAny(name, " ()[]'\"!:+-*/.") {
			return "", false
		}
		val, ok := s.envValue(pyscan.Value{Kind: pyscan.Name, Str: name}, 1)
		if !ok {
			return "", false
		}
		b.WriteString(f[:i])
		b.WriteString(val)
		f = f[i+j+1:]
	}
}
