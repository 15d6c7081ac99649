package pyscan

import "strings"

// envURLDefaults are the variables django-environ's URL helpers read when called without
// a name.
var envURLDefaults = map[string]string{
	"db": "DATABASE_URL", "db_url": "DATABASE_URL",
	"cache": "CACHE_URL", "cache_url": "CACHE_URL",
	"email": "EMAIL_URL", "email_url": "EMAIL_URL",
	"search_url": "SEARCH_URL",
}

// EnvDefault recognises an expression that reads an environment variable and returns the
// variable's name and the default used when it is unset. def is "" without a default;
// a default that is not a plain literal is rendered by Template ("sqlite:///{BASE_DIR}")
// when it has a literal part. name is "" when it is not a literal. Recognised:
//
//	os.environ.get("X", "d")  os.getenv("X", "d")  os.environ["X"]  os.environ.setdefault("X", "d")
//	env("X", default="d")  env.str("X", "d")  env.bool(…)  env.db("DATABASE_URL", default="…")
//	config("X", default="d")                    (python-decouple)
//	dj_database_url.config(default="…")  dj_database_url.parse(<any of these>)
//	django_cache_url.config(default="…")  dj_email_url.config(default="…")
//
// also through a cast (bool(…), int(…), str(…)), a method on the result
// (….split(",")) and `… or "d"`.
func EnvDefault(v Value) (name, def string, ok bool) {
	return envDefault(v, 0)
}

func envDefault(v Value, depth int) (name, def string, ok bool) {
	if depth > 8 {
		return "", "", false
	}
	switch v.Kind {
	case Subscript:
		if v.Left != nil && v.Left.Kind == Name && isEnviron(v.Left.Str) && v.Right != nil {
			return literal(*v.Right), "", true
		}
	case BinOp:
		if v.Op == "or" && v.Left != nil && v.Right != nil {
			if name, def, ok = envDefault(*v.Left, depth+1); ok && def == "" {
				def = templateOf(*v.Right)
			}
			return name, def, ok
		}
	case CallExpr:
		return envCall(v, depth)
	case Other:
		// `int(os.environ["X"]) if "X" in os.environ else 0`: the read, and the else part as
		// its default.
		if v.Op == "if" && v.Left != nil {
			if name, def, ok = envDefault(*v.Left, depth+1); ok && def == "" && v.Right != nil {
				def = templateOf(*v.Right)
			}
			return name, def, ok
		}
	}
	return "", "", false
}

func isEnviron(name string) bool { return name == "os.environ" || name == "environ" }

func envCall(v Value, depth int) (name, def string, ok bool) {
	f := v.Func
	method := f
	if i := strings.LastIndexByte(f, '.'); i >= 0 {
		method = f[i+1:]
	}
	switch {
	case f == "os.getenv" || f == "getenv" || f == "os.environ.get" || f == "environ.get" ||
		f == "os.environ.setdefault" || f == "environ.setdefault":
		return literal(arg(v, 0, "key")), templateOf(arg(v, 1, "default")), true

	case f == "env" || f == "env.get_value":
		// env(var, cast=None, default=NOTSET): the second positional is the cast, unless
		// it is a literal, which no cast is: environs' env(name, default).
		return literal(arg(v, 0, "var")), templateOf(envPositionalDefault(v)), true
	case strings.HasPrefix(f, "env.") && strings.Count(f, ".") == 1:
		name = literal(arg(v, 0, "var"))
		if name == "" && len(v.Args) == 0 {
			name = envURLDefaults[method]
		}
		return name, templateOf(arg(v, 1, "default")), true

	case f == "config" || f == "decouple.config":
		if a := arg(v, 0, ""); a.Kind == String {
			return a.Str, templateOf(arg(v, 1, "default")), true
		}
		// `from dj_database_url import config` called without a variable name.
		return envName(v, "DATABASE_URL"), templateOf(kwarg(v, "default")), true
	case f == "dj_database_url.config" || f == "db_url.config":
		return envName(v, "DATABASE_URL"), templateOf(arg(v, 1, "default")), true
	case f == "dj_email_url.config":
		return envName(v, "EMAIL_URL"), templateOf(arg(v, 1, "default")), true
	case f == "django_cache_url.config":
		return envName(v, "CACHE_URL"), templateOf(arg(v, 1, "default")), true
	case f == "dj_database_url.parse" || f == "django_cache_url.parse" || f == "dj_email_url.parse":
		return envDefault(arg(v, 0, "url"), depth+1)

	case len(v.Args) == 1 && len(v.Kwargs) == 0 && (f == "bool" || f == "int" || f == "str" ||
		f == "float" || f == "list" || f == "tuple" || f == "Path" || strings.HasSuffix(strings.ToLower(method), "bool")):
		// A conversion: a cast, or a string-to-bool function (distutils' strtobool,
		// a project's str_to_bool).
		return envDefault(v.Args[0], depth+1)
	case v.Left != nil && v.Left.Kind == Attribute && v.Left.Left != nil:
		// A method on the value read: os.environ.get("HOSTS", "").split(",").
		return envDefault(*v.Left.Left, depth+1)
	}
	return "", "", false
}

// envPositionalDefault is the default of env(var, …): default=, or a literal second
// positional argument (environs; django-environ's second positional is a cast, never a
// literal).
func envPositionalDefault(v Value) Value {
	if d := kwarg(v, "default"); d.Kind != Other || d.Text != "" {
		return d
	}
	if len(v.Args) > 1 {
		switch a := v.Args[1]; a.Kind {
		case String, FString, Number, Bool, None:
			return a
		}
	}
	return Value{}
}

// envName is the variable a dj-database-url style config(env=…) reads.
func envName(v Value, fallback string) string {
	a := arg(v, 0, "env")
	if a.Kind == String {
		return a.Str
	}
	// env=dj_database_url.DEFAULT_ENV names the variable config() reads by default.
	if a.Kind == Name && (a.Str == "DEFAULT_ENV" || strings.HasSuffix(a.Str, ".DEFAULT_ENV")) {
		return fallback
	}
	if len(v.Args) == 0 && !hasKwarg(v, "env") {
		return fallback
	}
	return ""
}

// ReadsEnv reports whether any part of v reads the environment (see EnvDefault) or
// mentions os.environ.
func ReadsEnv(v Value) bool {
	found := false
	v.Walk(func(x Value) bool {
		if found {
			return false
		}
		if _, _, ok := envDefault(x, 0); ok {
			found = true
		} else if x.Kind == Name && (isEnviron(x.Str) || strings.HasPrefix(x.Str, "os.environ.")) {
			found = true
		}
		return !found
	})
	return found
}

// arg returns the positional argument i, or the keyword argument name, or a zero Value.
func arg(v Value, i int, name string) Value {
	if i < len(v.Args) && v.Args[i].Kind != Starred {
		return v.Args[i]
	}
	return kwarg(v, name)
}

func kwarg(v Value, name string) Value {
	if name == "" {
		return Value{}
	}
	for _, kw := range v.Kwargs {
		if kw.Name == name {
			return kw.Value
		}
	}
	return Value{}
}

func hasKwarg(v Value, name string) bool {
	for _, kw := range v.Kwargs {
		if kw.Name == name {
			return true
		}
	}
	return false
}

func literal(v Value) string {
	if v.Kind == String {
		return v.Str
	}
	return ""
}

// templateOf is Template when the expression has a literal part, else "".
func templateOf(v Value) string {
	if v.Kind == None || v.Kind == Other && v.Text == "" {
		return ""
	}
	s, ok := v.Template()
	if !ok {
		return ""
	}
	return s
}
