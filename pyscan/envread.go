package pyscan

import "strings"

// EnvRead is one direct read of an environment variable: the lookup itself, not a cast or
// method around it (those are EnvDefault's business).
type EnvRead struct {
	Name string
	// Default is the default as EnvDefault renders it; HasDefault says a default is given
	// at all (default=None is one).
	Default    string
	HasDefault bool
	// Required is true when the read raises without the variable: os.environ["X"],
	// django-environ's env("X") and python-decouple's config("X") without a default.
	// os.getenv and os.environ.get return None instead.
	Required bool
	// Cast is what the helper turns the value into: "bool", "int", "float", "list", "url"
	// (django-environ's db/cache/email/url helpers), "" for a string.
	Cast string
}

// ReadEnv recognises a direct environment read (see EnvDefault for the forms); ok is false
// for anything else, including casts and methods wrapped around a read.
func ReadEnv(v Value) (r EnvRead, ok bool) {
	switch v.Kind {
	case Subscript:
		if v.Left != nil && v.Left.Kind == Name && isEnviron(v.Left.Str) && v.Right != nil {
			name := literal(*v.Right)
			return EnvRead{Name: name, Required: true}, name != ""
		}
		return r, false
	case CallExpr:
	default:
		return r, false
	}
	f := v.Func
	method := f[strings.LastIndexByte(f, '.')+1:]
	name, def, _ := envCall(v, 0)
	r = EnvRead{Name: name, Default: def}
	switch {
	case f == "os.getenv" || f == "getenv" || f == "os.environ.get" || f == "environ.get" ||
		f == "os.environ.setdefault" || f == "environ.setdefault":
		r.HasDefault = true // None when not given
	case f == "env" || f == "env.get_value":
		d := envPositionalDefault(v)
		r.HasDefault = d.Kind != Other || d.Text != ""
		r.Cast = CastName(kwargOrArg(v, 1, "cast"))
	case strings.HasPrefix(f, "env.") && strings.Count(f, ".") == 1:
		r.HasDefault = len(v.Args) > 1 || hasKwarg(v, "default")
		switch method {
		case "bool", "int", "float", "list", "tuple", "dict", "json", "path":
			r.Cast = method
			if method == "tuple" {
				r.Cast = "list"
			}
		case "str", "unicode", "bytes":
		case "db", "db_url", "cache", "cache_url", "email", "email_url", "search_url", "url", "channels", "channels_url":
			r.Cast = "url"
		default:
			return EnvRead{}, false
		}
	case f == "config" || f == "decouple.config":
		if a := arg(v, 0, ""); a.Kind != String {
			r.HasDefault, r.Cast = true, "url" // dj-database-url's config()
			break
		}
		r.HasDefault = len(v.Args) > 1 || hasKwarg(v, "default")
		r.Cast = CastName(kwarg(v, "cast"))
	case f == "dj_database_url.config" || f == "db_url.config" || f == "django_cache_url.config":
		r.HasDefault, r.Cast = true, "url" // an empty config when unset
	default:
		return EnvRead{}, false
	}
	r.Required = !r.HasDefault
	return r, r.Name != ""
}

func kwargOrArg(v Value, i int, name string) Value {
	if a := kwarg(v, name); a.Kind != 0 || a.Text != "" {
		return a
	}
	if i < len(v.Args) {
		return v.Args[i]
	}
	return Value{}
}

// CastName is the kind of value a cast= argument makes: bool, int, float, list (decouple's
// Csv()), "" otherwise.
func CastName(c Value) string {
	switch {
	case c.Kind == Name && (c.Str == "bool" || c.Str == "int" || c.Str == "float" || c.Str == "list" || c.Str == "tuple"):
		if c.Str == "tuple" {
			return "list"
		}
		return c.Str
	case c.Kind == CallExpr && (c.Func == "Csv" || c.Func == "decouple.Csv"):
		return "list"
	case c.Kind == List && len(c.Items) > 0:
		return "list"
	}
	return ""
}
