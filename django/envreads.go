package django

import (
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// EnvRead is one environment variable the settings read, as written.
type EnvRead struct {
	Name string `json:"name"`
	// Default is the default as written (rendered like a template when it is not a plain
	// literal); HasDefault says whether one is given at all (None counts).
	Default    string `json:"default,omitempty"`
	HasDefault bool   `json:"has_default"`
	// Required is true when importing the settings fails without the variable: no default,
	// read by a helper that raises (os.environ["X"], env("X"), config("X")), at module
	// level rather than inside an if/try block.
	Required bool `json:"required"`
	// Setting is the setting it feeds: the assigned name, or the setting that uses the
	// helper variable it is assigned to (REDIS_URL = env("APP_REDIS"); CACHES uses it).
	// Key is the DATABASES["default"] key it is read for (HOST, PORT, NAME …), "" otherwise.
	Setting string `json:"setting"`
	Key     string `json:"key,omitempty"`
	// Kind is what sort of value it holds: url, bool, int, list, secret or string.
	Kind string `json:"kind"`
	// Service is the compose service whose address it takes: redis, database, mail, or "".
	Service string `json:"service,omitempty"`
	Source  string `json:"source"`
}

// envReads lists every environment variable the module-level statements of the settings
// read, in the order of the statements, once per variable (the first read wins; a later
// module-level read without a default makes it required).
func (r *reader) envReads(evs []event) {
	// usedBy maps a helper name (REDIS_URL) to the first known setting whose value mentions
	// it (CACHES), in one pass over the statements.
	usedBy := map[string]string{}
	for _, e := range evs {
		if e.a == nil {
			continue
		}
		target, _, _ := e.a.TargetValue.Path()
		if !knownSetting(target) {
			continue
		}
		e.a.Value.Walk(func(v pyscan.Value) bool {
			if v.Kind == pyscan.Name && v.Str != target && usedBy[v.Str] == "" {
				usedBy[v.Str] = target
			}
			return true
		})
	}
	r.info.EnvReads = []EnvRead{}
	seen := map[string]int{}
	for _, e := range evs {
		var val pyscan.Value
		var line, indent int
		var target string
		var keys []string
		switch {
		case e.a != nil:
			val, line, indent = e.a.Value, e.a.Line, e.a.Indent
			target, keys, _ = e.a.TargetValue.Path()
		case e.c != nil:
			val, line, indent = e.c.Value, e.c.Line, e.c.Indent
		default:
			continue
		}
		// casts are the reads a cast is wrapped around (int(os.getenv("PORT", 8000)), a
		// project's bool helper): the value's kind when the read itself has no cast.
		type node struct {
			line int
			text string
		}
		casts := map[node]string{}
		// used are the reads whose value is used as a string at import (a method called
		// on it, int() or float() around it): os.environ.get("X").split(" ") raises when X
		// is unset, as os.environ["X"] does.
		used := map[node]bool{}
		val.Walk(func(v pyscan.Value) bool {
			if v.Kind == pyscan.CallExpr && len(v.Args) == 1 && len(v.Kwargs) == 0 {
				if c := pyscan.CastName(pyscan.Value{Kind: pyscan.Name, Str: v.Func}); c != "" {
					casts[node{v.Args[0].Line, v.Args[0].Text}] = c
					if c == "int" || c == "float" {
						used[node{v.Args[0].Line, v.Args[0].Text}] = true
					}
				}
			}
			if v.Kind == pyscan.CallExpr && v.Left != nil && v.Left.Kind == pyscan.Attribute && v.Left.Left != nil {
				used[node{v.Left.Left.Line, v.Left.Left.Text}] = true
			}
			return true
		})
		val.Walk(func(v pyscan.Value) bool {
			rd, ok := pyscan.ReadEnv(v)
			if !ok || rd.Name == "DJANGO_SETTINGS_MODULE" {
				return true
			}
			if used[node{v.Line, v.Text}] && noneDefault(v) {
				rd.Required = true
			}
			er := EnvRead{Name: rd.Name, Default: rd.Default, HasDefault: rd.HasDefault,
				Required: rd.Required && indent == 0, Setting: target, Source: at(e.file, cmpLine(v.Line, line))}
			if target == "DATABASES" {
				er.Key = databaseKey(val, keys, v)
			}
			if target != "" && !knownSetting(target) {
				// A helper variable: the setting that uses it says what it is for.
				if u := usedBy[target]; u != "" {
					er.Setting = u
				}
			}
			// An environ.Env(NAME=(cast, default)) schema is already in the read: see configValues.
			if rd.Cast == "" {
				rd.Cast = casts[node{v.Line, v.Text}]
			}
			er.Kind = envKind(er, rd.Cast)
			if i, ok := seen[er.Name]; ok {
				r.info.EnvReads[i].Required = r.info.EnvReads[i].Required || er.Required
				return true
			}
			seen[er.Name] = len(r.info.EnvReads)
			r.info.EnvReads = append(r.info.EnvReads, er)
			return true // a default may read another: get("REDIS_TLS_URL", get("REDIS_URL"))
		})
	}
	for i := range r.info.EnvReads {
		r.info.EnvReads[i].Service = r.envService(r.info.EnvReads[i])
	}
}

func cmpLine(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}

// knownSetting reports whether a name is a setting whose kind of value is known here,
// rather than a helper variable such as REDIS_URL that other settings use.
func knownSetting(s string) bool {
	switch s {
	case "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASES", "CACHES", "CHANNEL_LAYERS", "BROKER_URL":
		return true
	}
	for _, p := range []string{"CELERY_", "EMAIL_", "SECURE_", "CSRF_", "SESSION_"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// databaseKey is the DATABASES["default"] key whose value holds read (HOST, PORT …).
func databaseKey(val pyscan.Value, keys []string, read pyscan.Value) string {
	if len(keys) == 2 && keys[0] == "default" {
		return keys[1]
	}
	d := val
	if len(keys) == 0 {
		var ok bool
		if d, ok = getPath(val, []string{"default"}); !ok {
			return ""
		}
	} else if len(keys) != 1 || keys[0] != "default" {
		return ""
	}
	for i, k := range d.Keys {
		if k.Kind != pyscan.String || i >= len(d.Items) {
			continue
		}
		found := false
		d.Items[i].Walk(func(v pyscan.Value) bool {
			found = found || v.Line == read.Line && v.Text == read.Text
			return !found
		})
		if found {
			return k.Str
		}
	}
	return ""
}

// envKind is what sort of value a variable holds, from the helper's cast and what it feeds.
func envKind(er EnvRead, cast string) string {
	switch cast {
	case "bool", "int", "list", "url":
		return cast
	case "float":
		return "int"
	}
	upper := strings.ToUpper(er.Name)
	switch {
	case er.Setting == "SECRET_KEY" || er.Key == "PASSWORD":
		return "secret"
	case er.Setting == "DEBUG" || strings.HasPrefix(er.Setting, "SECURE_") && strings.HasSuffix(er.Setting, "_REDIRECT"):
		return "bool"
	case er.Setting == "ALLOWED_HOSTS" || er.Setting == "CSRF_TRUSTED_ORIGINS":
		return "list"
	case er.Key == "PORT":
		return "int"
	case er.Key == "" && (er.Setting == "DATABASES" || er.Setting == "CACHES" || strings.HasSuffix(upper, "_URL") ||
		strings.Contains(er.Setting, "BROKER") || er.Setting == "CELERY_RESULT_BACKEND"):
		return "url"
	case strings.Contains(upper, "SECRET") || strings.Contains(upper, "PASSWORD") || strings.Contains(upper, "TOKEN") ||
		strings.HasSuffix(upper, "_KEY") || strings.HasSuffix(upper, "_DSN"):
		return "secret"
	}
	return "string"
}

// envService is the compose service a variable points at: the database for DATABASES,
// redis for a cache, broker, result backend or channel layer that is redis (or a redis
// default, or a redis-named variable), mail for EMAIL_HOST / EMAIL_URL.
func (r *reader) envService(er EnvRead) string {
	d := r.info
	scheme := urlScheme(er.Default)
	switch {
	case er.Setting == "DATABASES":
		switch er.Key {
		case "", "HOST", "PORT", "NAME", "USER", "PASSWORD":
			return "database"
		}
		return "" // CONN_MAX_AGE, OPTIONS: the database's, not its address
	case cacheSchemeFamily(scheme) == "redis" && scheme != "unix",
		er.Setting == "CACHES" && d.Cache == "redis",
		strings.Contains(er.Setting, "BROKER") && d.CeleryBroker == "redis",
		er.Setting == "CELERY_RESULT_BACKEND" && d.CeleryResultBackend == "redis",
		er.Setting == "CHANNEL_LAYERS" && d.ChannelLayer == "redis",
		strings.Contains(strings.ToUpper(er.Name), "REDIS") && (er.Kind == "url" || er.Kind == "string"):
		return "redis"
	case er.Setting == "EMAIL_HOST" || er.Setting == "EMAIL_PORT" || er.Setting == "EMAIL_URL" && er.Kind == "url":
		return "mail"
	}
	return ""
}

// RequiredEnv are the names of the variables importing the settings fails without, sorted.
func (i *Info) RequiredEnv() []EnvRead {
	var out []EnvRead
	for _, e := range i.EnvReads {
		if e.Required {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// MissingModule is a project module the settings import unconditionally that is not in the
// tree: a per-machine file kept out of git (local_settings.py), usually with an example
// beside it. Importing the settings fails without it, at build and at start.
type MissingModule struct {
	Module string `json:"module"`
	// File is where Python would look for it; Example the example file beside it, if any.
	File    string `json:"file"`
	Example string `json:"example,omitempty"`
	Source  string `json:"source"`
}

// exampleSuffixes are the names people give the committed example of a per-machine file.
var exampleSuffixes = []string{".example", ".sample", ".dist", ".template", ".tmpl", ".default"}

// missingImports records the module-level imports of project modules in a settings file
// that resolve to no file. pkg is the file's package. Imports inside try/if blocks are
// harmless (the project guards them) and are not looked at.
func (r *reader) missingImports(file, pkg string, m *pyscan.Module) error {
	for _, imp := range m.Imports {
		if imp.Indent > 0 || imp.Local || imp.Module == "" {
			continue
		}
		target := absoluteImport(pkg, imp)
		if target == "" || imp.Level == 0 && !r.isProjectModule(target) {
			continue
		}
		tf, _, _, err := r.resolveModule(target)
		if err != nil {
			return err
		}
		if tf != "" {
			if !slices.Contains(r.info.ImportedFiles, tf) {
				r.info.ImportedFiles = append(r.info.ImportedFiles, tf)
			}
			continue
		}
		// Where Python would look: beside the importing file for a relative import.
		want := path.Join(path.Dir(file), lastPart(target)+".py")
		if imp.Level == 0 {
			if dir, err := r.packageDir(parent(target)); err != nil || dir == "" {
				continue
			} else {
				want = path.Join(dir, lastPart(target)+".py")
			}
		}
		mm := MissingModule{Module: target, File: want, Source: at(file, imp.Line)}
		base := strings.TrimSuffix(want, ".py")
		for _, cand := range []string{want, base + "_example.py", base + ".example.py", base + "_sample.py", base + ".sample.py"} {
			for _, suf := range append([]string{""}, exampleSuffixes...) {
				if cand == want && suf == "" {
					continue
				}
				ok, err := isFile(r.fsys, cand+suf)
				if err != nil {
					return err
				}
				if ok && mm.Example == "" {
					mm.Example = cand + suf
				}
			}
		}
		r.info.MissingModules = append(r.info.MissingModules, mm)
		if mm.Example != "" {
			r.note(mm.Source, "the settings import %s, but %s is not in the project (only %s): importing the settings fails, in the image too. For development: cp %s %s. For the image, guard the import (try: … except ImportError: pass) or read those values from the environment", target, want, mm.Example, mm.Example, want)
		} else {
			r.note(mm.Source, "the settings import %s, but %s is not in the project: importing the settings fails, in the image too; guard the import (try: … except ImportError: pass) or commit the module", target, want)
		}
	}
	return nil
}

// Production switches that change how a request is answered, read so that the health
// check asks in a way the settings accept.
func (r *reader) production(s *settings) {
	if _, b := s.get("ALLOWED_HOSTS"); b != nil && b.isList && len(b.unknown) == 0 && !b.readsEnv && !s.readsEnv(b.val) {
		for _, it := range b.list {
			r.info.AllowedHosts = append(r.info.AllowedHosts, it.s)
		}
		if r.info.AllowedHosts == nil {
			r.info.AllowedHosts = []string{}
		}
	}
	if _, b := s.get("SECURE_PROXY_SSL_HEADER"); b != nil {
		if v := s.resolve(b.val); (v.Kind == pyscan.Tuple || v.Kind == pyscan.List) && len(v.Items) == 2 &&
			v.Items[0].Kind == pyscan.String && v.Items[1].Kind == pyscan.String && strings.HasPrefix(v.Items[0].Str, "HTTP_") {
			r.info.ProxySSLHeader = []string{v.Items[0].Str, v.Items[1].Str}
		}
	}
	if _, b := s.get("SECURE_SSL_REDIRECT"); b != nil {
		v := s.resolve(b.val)
		on := v.Kind == pyscan.Bool && v.Str == "True"
		if name, def, ok := pyscan.EnvDefault(v); ok {
			switch strings.ToLower(def) {
			case "true", "1", "yes", "on":
				on = true
			}
			if name != "" && on {
				r.info.SSLRedirectEnv = name
			}
		}
		if on {
			r.info.SSLRedirectSource = b.at.String()
		}
	}
}

// noneDefault reports a read that gives None when the variable is unset: os.getenv("X"),
// os.environ.get("X") with no default.
func noneDefault(v pyscan.Value) bool {
	switch v.Func {
	case "os.getenv", "getenv", "os.environ.get", "environ.get":
		return len(v.Args) == 1 && len(v.Kwargs) == 0
	}
	return false
}
