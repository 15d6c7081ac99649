package django

import (
	"path"
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// extract fills Info from the evaluated settings. root is the import root of the settings
// module and isPkg says whether it is a package.
func (r *reader) extract(s *settings, root string, isPkg bool) error {
	apps := r.apps(s)
	middleware := r.list(s, "MIDDLEWARE", "MIDDLEWARE_CLASSES")
	r.static(s, apps, middleware)
	r.database(s)
	r.cache(s)
	r.broker(s)
	r.resultBackend(s)
	r.channels(s)
	r.email(s, apps)
	r.secrets(s)
	r.beat(s, apps)
	r.tasks(s, apps)
	pkgs := ancestors(r.info.SettingsModule, isPkg)
	if err := r.celery(root, pkgs); err != nil {
		return err
	}
	// A wsgi.py or asgi.py at the import root itself (top-level module "wsgi") comes last.
	return r.applications(s, root, append(pkgs, ""), apps)
}

// setting returns a setting's binding and notes when it is only set conditionally.
func (r *reader) setting(s *settings, names ...string) (string, *binding) {
	name, b := s.get(names...)
	switch {
	case b != nil && b.debugOnly:
		r.note(b.at.String(), "%s is only set when DEBUG is on; that value was used, but production runs without it", name)
	case b != nil && b.prodBranch:
		r.note(b.at.String(), "%s is set in the branch that runs with DEBUG off; that value was used", name)
	case b != nil && b.cond:
		r.note(b.at.String(), "%s is only set inside an if/try block; that value was used", name)
	}
	return name, b
}

func (r *reader) list(s *settings, names ...string) []listItem {
	name, b := r.setting(s, names...)
	if b == nil {
		return nil
	}
	if !b.isList {
		r.note(b.at.String(), "%s cannot be read without running the code: %s", name, describe(b.at.file, b.val))
		return nil
	}
	if len(b.unknown) > 0 {
		r.note(b.at.String(), "%s has entries that cannot be read without running the code: %s", name, strings.Join(b.unknown, "; "))
	}
	return b.list
}

func (r *reader) apps(s *settings) []listItem {
	if _, b := s.get("INSTALLED_APPS"); b == nil {
		if len(r.info.SettingsFiles) > 0 {
			r.note(r.info.SettingsFiles[0], "INSTALLED_APPS is not set in the settings that were read")
		}
		return nil
	}
	items := r.list(s, "INSTALLED_APPS")
	seen := map[string]bool{}
	for _, it := range items {
		if !seen[it.s] {
			seen[it.s] = true
			r.info.InstalledApps = append(r.info.InstalledApps, it.s)
		}
	}
	return items
}

func find(items []listItem, match func(string) bool) (listItem, bool) {
	for _, it := range items {
		if match(it.s) {
			return it, true
		}
	}
	return listItem{}, false
}

// text reads a string setting: a literal, an f-string or concatenation with a literal
// part, or the default of an environment lookup.
func text(v pyscan.Value) (string, bool) {
	switch v.Kind {
	case pyscan.String, pyscan.FString:
		return v.Str, true
	case pyscan.BinOp:
		if t, ok := v.Template(); ok && !pyscan.ReadsEnv(v) {
			return t, true
		}
	}
	if _, def, ok := pyscan.EnvDefault(v); ok && def != "" {
		return def, true
	}
	return "", false
}

func (r *reader) static(s *settings, apps, middleware []listItem) {
	if _, b := r.setting(s, "STATIC_ROOT"); b != nil && s.resolve(b.val).Kind != pyscan.None {
		r.info.StaticRoot, r.info.StaticRootSource = true, b.at.String()
	}
	if _, b := r.setting(s, "STATIC_URL"); b != nil {
		if t, ok := text(s.resolve(b.val)); ok {
			r.info.StaticURL = t
		}
	}
	if _, b := r.setting(s, "MEDIA_ROOT"); b != nil {
		if m := s.mediaDir(b.val); m != "" {
			r.info.MediaRoot, r.info.MediaRootSource = m, b.at.String()
		} else {
			r.note(b.at.String(), "MEDIA_ROOT cannot be read without running the code: %s", describe(b.at.file, b.val))
		}
	}

	isWhitenoise := func(s string) bool { return strings.HasPrefix(s, "whitenoise.") }
	if it, ok := find(middleware, isWhitenoise); ok {
		r.info.Whitenoise, r.info.WhitenoiseSource = true, it.at.String()
		return
	}
	if _, b := r.setting(s, "STORAGES"); b != nil {
		if v, ok := getPath(s.resolve(b.val), []string{"staticfiles", "BACKEND"}); ok {
			if t, ok := text(s.resolve(v)); ok && strings.Contains(t, "whitenoise") {
				r.info.Whitenoise = true
				r.info.WhitenoiseSource = b.originOf([]string{"staticfiles", "BACKEND"}, v).String()
				return
			}
		}
	}
	if _, b := r.setting(s, "STATICFILES_STORAGE"); b != nil {
		if t, ok := text(s.resolve(b.val)); ok && strings.Contains(t, "whitenoise") {
			r.info.Whitenoise, r.info.WhitenoiseSource = true, b.at.String()
			return
		}
	}
	if it, ok := find(apps, isWhitenoise); ok {
		r.info.Whitenoise, r.info.WhitenoiseSource = true, it.at.String()
	}
}

// mediaDir is the last literal path component of MEDIA_ROOT: BASE_DIR / "media",
// os.path.join(BASE_DIR, "media"), "/srv/media/", str(…) around them, an environment
// read's default (itself any of these: os.getenv("MEDIA_ROOT", os.path.join(BASE_DIR,
// "media"))), a django-environ schema default, getattr(config, "MEDIA_ROOT", default), or
// a django-environ Path (root = environ.Path(__file__) - 2; root("media")).
func (s *settings) mediaDir(v pyscan.Value) string { return s.mediaDir0(v, 0) }

func (s *settings) mediaDir0(v pyscan.Value, depth int) string {
	if depth > 8 {
		return ""
	}
	v = s.resolve(v)
	for i := 0; i < 8 && v.Kind == pyscan.CallExpr; i++ {
		if l := v.Left; l != nil && l.Kind == pyscan.Attribute && l.Left != nil &&
			(l.Str == "rstrip" || l.Str == "strip" || l.Str == "replace") {
			v = s.resolve(*l.Left) // a string method that keeps the last component: ….rstrip("/")
			continue
		}
		if len(v.Args) != 1 {
			break
		}
		switch v.Func {
		case "str", "Path", "pathlib.Path", "os.path.abspath", "os.path.normpath", "os.path.realpath", "os.fspath":
			v = s.resolve(v.Args[0])
			continue
		}
		break
	}
	switch {
	case v.Kind == pyscan.BinOp && v.Op == "+" && v.Left != nil && v.Right != nil && v.Right.Kind == pyscan.String && strings.Trim(v.Right.Str, "/") == "":
		return s.mediaDir0(*v.Left, depth+1) // … + "/"
	case v.Kind == pyscan.BinOp && v.Op == "/" && v.Right != nil:
		return s.mediaDir0(*v.Right, depth+1)
	case v.Kind == pyscan.CallExpr && (v.Func == "os.path.join" || v.Func == "path.join" || v.Func == "join") && len(v.Args) > 0:
		return s.mediaDir0(v.Args[len(v.Args)-1], depth+1)
	case v.Kind == pyscan.CallExpr && v.Left != nil && v.Left.Kind == pyscan.Attribute && v.Left.Left != nil &&
		(v.Left.Str == "rstrip" || v.Left.Str == "strip" || v.Left.Str == "replace"):
		// ….rstrip("/"), ….replace("\\", "/") keep the folder's name.
		return s.mediaDir0(*v.Left.Left, depth+1)
	case v.Kind == pyscan.CallExpr && v.Func == "getattr" && len(v.Args) == 3:
		return s.mediaDir0(v.Args[2], depth+1)
	case v.Kind == pyscan.String:
		return lastComponent(v.Str)
	case v.Kind == pyscan.CallExpr && len(v.Args) == 1 && v.Args[0].Kind == pyscan.String && s.isEnvironPath(v.Func):
		return lastComponent(v.Args[0].Str)
	}
	if name, _, ok := pyscan.EnvDefault(v); ok {
		if d, ok := envDefaultValue(v); ok {
			return s.mediaDir0(d, depth+1)
		}
		if def := s.envSchemaValue(name); def != nil {
			return s.mediaDir0(*def, depth+1)
		}
	}
	return ""
}

func lastComponent(p string) string {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return ""
	}
	base := path.Base(p)
	if base == "." || base == ".." {
		return ""
	}
	return base
}

// urlScheme is the lower-case scheme of a URL ("postgres" for "postgres://…",
// "postgresql" for "postgresql+psycopg://…").
func urlScheme(u string) string {
	i := strings.Index(u, ":")
	if i <= 0 {
		return ""
	}
	scheme := strings.ToLower(u[:i])
	if j := strings.IndexByte(scheme, '+'); j > 0 && !strings.HasPrefix(scheme, "redis+") {
		scheme = scheme[:j]
	}
	for _, c := range scheme {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return ""
		}
	}
	return scheme
}

// fromURL reads a dj-database-url / django-environ style value: a literal URL given to a
// parse() call, or an environment lookup with a default URL. fromEnv says the URL is read
// from the environment; def is the URL that gives the family ("" when unknown).
func (s *settings) fromURL(v pyscan.Value) (url string, fromEnv, ok bool, envName string) {
	v = s.resolve(v)
	if v.Kind == pyscan.CallExpr && strings.HasSuffix(v.Func, "parse") && len(v.Args) > 0 {
		a := s.resolve(v.Args[0])
		if t, ok := a.Template(); ok && !pyscan.ReadsEnv(a) {
			return t, false, true, ""
		}
		v = a
	}
	if name, def, ok := pyscan.EnvDefault(v); ok {
		return def, true, true, name
	}
	return "", false, false, ""
}

func (r *reader) database(s *settings) {
	_, b := r.setting(s, "DATABASES")
	if b == nil {
		return
	}
	dbs := s.orDefault(b.val)
	d, ok := getPath(dbs, []string{"default"})
	if !ok {
		d, ok = s.dictKey(dbs, "default")
	}
	if !ok {
		r.note(b.at.String(), "DATABASES has no \"default\" entry that can be read without running the code")
		r.dbAlternatives(s, b)
		return
	}
	d = s.orDefault(d)
	src := b.originOf([]string{"default"}, d)
	engine, fromEnv := "", s.readsEnv(d)
	var urls []pyscan.Value
	switch d.Kind {
	case pyscan.Dict:
		for i, k := range d.Keys {
			if k.Kind != pyscan.String || i >= len(d.Items) {
				continue
			}
			if name, _, ok := pyscan.EnvDefault(s.resolve(d.Items[i])); ok && k.Str != "ENGINE" {
				if r.info.DatabaseEnv == nil {
					r.info.DatabaseEnv = map[string]string{}
				}
				r.info.DatabaseEnv[k.Str] = name
			}
		}
		e, ok := d.Get("ENGINE")
		for i, k := range d.Keys {
			if !ok && k.Kind == pyscan.Starred && i < len(d.Items) {
				e, ok = s.resolve(d.Items[i]).Get("ENGINE") // {"NAME": …, **SQLITE_OPTIONS}
			}
		}
		if ok {
			src = b.originOf([]string{"default", "ENGINE"}, e)
			ev := s.resolve(e)
			if t, ok := s.engineText(ev); ok {
				engine = engineFamily(t)
				if engine == "" {
					r.note(src.String(), "unknown database engine %s", e.Text)
				}
			} else {
				r.note(src.String(), "the database ENGINE cannot be read without running the code: %s", describe(src.file, e))
			}
			if s.readsEnv(ev) {
				r.info.DatabaseEngineFromEnv = true
			}
			if name, def, ok := pyscan.EnvDefault(ev); ok {
				fromEnv = true
				r.info.DatabaseEngineEnv = name
				if def == "" && engine == "" {
					r.note(src.String(), "the database ENGINE comes from $%s, with no default", name)
				}
			}
		} else {
			for i, k := range d.Keys {
				// **{"CONN_MAX_AGE": 50} beside **env.db() adds options, not the URL.
				if k.Kind == pyscan.Starred && i < len(d.Items) && s.resolve(d.Items[i]).Kind != pyscan.Dict {
					urls = append(urls, d.Items[i])
				}
			}
			if len(urls) == 0 {
				r.note(src.String(), "DATABASES[\"default\"] has no ENGINE")
			}
		}
	default:
		urls = append(urls, d)
	}
	for _, u := range urls {
		url, env, ok, name := s.fromURL(u)
		if env && name != "" {
			r.info.DatabaseURLEnv = name
		}
		if env && url == "" {
			url = s.envSchemaDefault(name)
		}
		switch {
		case !ok:
			r.note(src.String(), "DATABASES[\"default\"] cannot be read without running the code: %s", describe(src.file, u))
		case url == "":
			r.note(src.String(), "the database URL comes from $%s at run time, with no default to tell the engine", name)
		default:
			engine = dbSchemeFamily(urlScheme(url))
			if engine == "" {
				r.note(src.String(), "unknown database URL scheme in %s", url)
			}
		}
		fromEnv = fromEnv || env
		r.info.DatabaseEngineFromEnv = r.info.DatabaseEngineFromEnv || env
	}
	if engine == "" {
		// DATABASES["default"].update({"ENGINE": …}) under `if "ENGINE" not in …:`: the
		// engine the settings fill in when the configuration gave none.
		for _, a := range b.alts {
			e, ok := pyscan.Value{}, false
			switch {
			case len(a.keys) == 1 && a.keys[0] == "default":
				e, ok = s.resolve(a.val).Get("ENGINE")
			case len(a.keys) == 2 && a.keys[0] == "default" && a.keys[1] == "ENGINE":
				e, ok = a.val, true
			}
			if t, tok := s.engineText(e); ok && tok && engineFamily(t) != "" {
				engine, src = engineFamily(t), a.at
				r.note(a.at.String(), "the database ENGINE is set here when a condition holds; that value was used")
				break
			}
		}
	}
	r.info.Database, r.info.DatabaseSource = engine, src.String()
	r.info.DatabaseFromEnv = fromEnv
	r.dbAlternatives(s, b)
}

// dbAlternatives looks at conditional replacements of the default database: when one reads
// the environment (if "DATABASE_URL" in os.environ: …), the database comes from it.
func (r *reader) dbAlternatives(s *settings, b *binding) {
	for _, a := range b.alts {
		if len(a.keys) > 0 && a.keys[0] != "default" {
			continue
		}
		if s.readsEnv(a.val) {
			r.info.DatabaseFromEnv, r.info.DatabaseEngineFromEnv = true, true
			// if "DATABASE_URL" in os.environ: DATABASES = {"default": dj_database_url.config()}
			entry, ok := a.val, len(a.keys) == 1
			if len(a.keys) == 0 {
				entry, ok = getPath(s.resolve(a.val), []string{"default"})
			}
			if _, env, _, name := s.fromURL(entry); ok && env && name != "" && r.info.DatabaseURLEnv == "" {
				r.info.DatabaseURLEnv = name
			}
			r.note(a.at.String(), "the default database is replaced from the environment here when a condition holds")
			if r.info.DatabaseSource == "" {
				r.info.DatabaseSource = a.at.String()
			}
		}
	}
}

func engineFamily(engine string) string {
	e := strings.ToLower(engine)
	switch {
	case strings.Contains(e, "postgis"):
		return "postgis"
	case strings.Contains(e, "postgres") || strings.Contains(e, "psycopg"):
		return "postgres"
	case strings.Contains(e, "mysql"):
		return "mysql"
	case strings.Contains(e, "sqlite") || strings.Contains(e, "spatialite"):
		return "sqlite"
	case strings.Contains(e, "oracle"):
		return "oracle"
	}
	return ""
}

func dbSchemeFamily(scheme string) string {
	switch scheme {
	case "postgres", "postgresql", "pgsql", "psql", "timescale":
		return "postgres"
	case "postgis", "timescalegis":
		return "postgis"
	case "mysql", "mysql2", "mysqlgis", "mysql-connector":
		return "mysql"
	case "sqlite", "sqlite3", "spatialite":
		return "sqlite"
	case "oracle", "oraclegis":
		return "oracle"
	}
	return ""
}

func (r *reader) cache(s *settings) {
	_, b := r.setting(s, "CACHES")
	if b == nil {
		return
	}
	d, ok := getPath(s.resolve(b.val), []string{"default"})
	if !ok {
		r.note(b.at.String(), "CACHES has no \"default\" entry that can be read without running the code")
		return
	}
	d = s.resolve(d)
	src := b.originOf([]string{"default"}, d)
	family := ""
	if e, ok := d.Get("BACKEND"); ok {
		src = b.originOf([]string{"default", "BACKEND"}, e)
		if t, ok := text(s.resolve(e)); ok {
			family = cacheFamily(t)
			if family == "" {
				r.note(src.String(), "unknown cache backend %s", e.Text)
			}
		} else {
			r.note(src.String(), "the cache BACKEND cannot be read without running the code: %s", describe(src.file, e))
		}
	} else {
		u := d
		for i, k := range d.Keys {
			if k.Kind == pyscan.Starred && i < len(d.Items) {
				u = d.Items[i]
			}
		}
		url, _, ok, name := s.fromURL(u)
		switch {
		case !ok:
			r.note(src.String(), "CACHES[\"default\"] cannot be read without running the code: %s", describe(src.file, u))
		case url == "":
			r.note(src.String(), "the cache URL comes from $%s at run time, with no default to tell the backend", name)
		default:
			family = cacheSchemeFamily(urlScheme(url))
		}
	}
	r.info.Cache, r.info.CacheSource = family, src.String()
}

func cacheFamily(backend string) string {
	b := strings.ToLower(backend)
	switch {
	case strings.Contains(b, "redis"):
		return "redis"
	case strings.Contains(b, "locmem"): // before memcache: LocMemCache contains it
		return "locmem"
	case strings.Contains(b, "memcache") || strings.Contains(b, "pylibmc"):
		return "memcached"
	case strings.Contains(b, "databasecache") || strings.Contains(b, "backends.db."):
		return "db"
	case strings.Contains(b, "filebased"):
		return "file"
	case strings.Contains(b, "dummy"):
		return "dummy"
	}
	return ""
}

func cacheSchemeFamily(scheme string) string {
	switch scheme {
	case "redis", "rediss", "rediscache", "redis+socket", "unix":
		return "redis"
	case "memcache", "memcached", "pymemcache", "pylibmc", "memcache+socket", "pymemcache+socket":
		return "memcached"
	case "locmem", "locmemcache":
		return "locmem"
	case "db", "dbcache":
		return "db"
	case "file", "filecache":
		return "file"
	case "dummy", "dummycache":
		return "dummy"
	}
	return ""
}

func (r *reader) broker(s *settings) {
	name, b := r.setting(s, "CELERY_BROKER_URL", "BROKER_URL", "CELERY_BROKER")
	if b == nil {
		return
	}
	v := s.resolve(b.val)
	if t, ok := v.Template(); ok && !pyscan.ReadsEnv(v) {
		r.setBroker(t, b.at.String())
		return
	}
	if env, def, ok := pyscan.EnvDefault(v); ok {
		r.info.CeleryBrokerEnv = env
		if def == "" {
			r.note(b.at.String(), "%s comes from $%s at run time, with no default to tell the broker", name, env)
			return
		}
		r.setBroker(def, b.at.String())
		return
	}
	r.note(b.at.String(), "%s cannot be read without running the code: %s", name, describe(b.at.file, b.val))
}

// resultBackend reads CELERY_RESULT_BACKEND: its URL scheme ("redis", "django-db" …) and
// the variable it is read from, so compose can point it at the redis service.
func (r *reader) resultBackend(s *settings) {
	_, b := r.setting(s, "CELERY_RESULT_BACKEND", "CELERY_RESULT_BACKEND_URL")
	if b == nil {
		return
	}
	v := s.resolve(b.val)
	url := ""
	if t, ok := v.Template(); ok && !pyscan.ReadsEnv(v) {
		url = t
	} else if env, def, ok := pyscan.EnvDefault(v); ok {
		r.info.CeleryResultBackendEnv, url = env, def
	}
	r.info.CeleryResultBackend = urlScheme(url)
	if r.info.CeleryResultBackend == "" && url != "" && !strings.Contains(url, ":") {
		r.info.CeleryResultBackend = url // "django-db", "django-cache"
	}
	r.info.CeleryResultBackendSource = b.at.String()
}

func (r *reader) setBroker(url, src string) {
	switch scheme := urlScheme(url); scheme {
	case "redis", "rediss", "redis+socket", "sentinel", "sentinels":
		r.info.CeleryBroker = "redis"
	case "amqp", "amqps", "pyamqp", "librabbitmq":
		r.info.CeleryBroker = "amqp"
	default:
		r.info.CeleryBroker = scheme
	}
	if r.info.CeleryBroker != "" {
		r.info.CeleryBrokerSource = src
	}
}

func (r *reader) beat(s *settings, apps []listItem) {
	if _, b := r.setting(s, "CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE", "CELERY_BEAT_SCHEDULER", "CELERYBEAT_SCHEDULER"); b != nil {
		r.info.CeleryBeat, r.info.CeleryBeatSource = true, b.at.String()
		return
	}
	if it, ok := find(apps, func(s string) bool { return s == "django_celery_beat" }); ok {
		r.info.CeleryBeat, r.info.CeleryBeatSource = true, it.at.String()
	}
}

func (r *reader) channels(s *settings) {
	_, b := r.setting(s, "CHANNEL_LAYERS")
	if b == nil {
		return
	}
	v, ok := getPath(s.resolve(b.val), []string{"default", "BACKEND"})
	if !ok {
		r.note(b.at.String(), "CHANNEL_LAYERS has no default BACKEND that can be read without running the code")
		return
	}
	src := b.originOf([]string{"default", "BACKEND"}, v)
	t, _ := text(s.resolve(v))
	lower := strings.ToLower(t)
	switch {
	case strings.Contains(lower, "channels_redis") || strings.Contains(lower, "redis"):
		r.info.ChannelLayer = "redis"
	case strings.Contains(lower, "inmemorychannellayer"):
		r.info.ChannelLayer = "inmemory"
	default:
		r.note(src.String(), "unknown channel layer backend %s", v.Text)
		return
	}
	r.info.ChannelLayerSource = src.String()
}

func (r *reader) secrets(s *settings) {
	if _, b := r.setting(s, "SECRET_KEY"); b != nil {
		v := s.resolve(b.val)
		r.info.SecretKeySource = b.at.String()
		if _, ok := v.Template(); ok && !s.readsEnv(v) {
			r.info.SecretKeyHardcoded = true
		} else if name, def, ok := pyscan.EnvDefault(v); ok {
			r.info.SecretKeyEnv = name
			if def != "" {
				r.info.SecretKeyHardcoded = true
				r.note(b.at.String(), "SECRET_KEY falls back to a hard-coded default when $%s is unset; that default is insecure", name)
			}
		}
	}
	if _, b := r.setting(s, "DEBUG"); b != nil {
		v := s.resolve(b.val)
		r.info.DebugSource = b.at.String()
		if v.Kind == pyscan.Bool && v.Str == "True" {
			r.info.DebugHardcoded = true
		} else if name, on := debugDefault(v); on {
			r.note(b.at.String(), "DEBUG is on unless $%s says otherwise", name)
		}
		r.info.DebugEnv, r.info.DebugOn = debugSwitch(v)
	}
	if _, b := r.setting(s, "ALLOWED_HOSTS"); b != nil {
		r.info.AllowedHostsSource = b.at.String()
		r.info.AllowedHostsFromEnv = b.readsEnv || s.readsEnv(b.val)
		var envName string
		s.resolve(b.val).Walk(func(v pyscan.Value) bool {
			if name, _, ok := pyscan.EnvDefault(v); ok && envName == "" {
				envName = name
			}
			return envName == ""
		})
		r.info.AllowedHostsEnv = envName
		if envName != "" && (strings.Contains(b.val.Text, ".split()") || strings.Contains(b.val.Text, `.split(" ")`) || strings.Contains(b.val.Text, ".split(' ')")) {
			r.info.AllowedHostsSeparator = " " // str.split() splits on whitespace, split(" ") on spaces
		}
	}
}

// debugDefault reports whether a DEBUG read from the environment is on when the variable
// is unset: env.bool("DEBUG", default=True), os.environ.get("DEBUG", "1") == "1",
// os.getenv("DEBUG", "true").lower() in ("true", "1").
func debugDefault(v pyscan.Value) (string, bool) {
	if name, def, ok := pyscan.EnvDefault(v); ok {
		switch strings.ToLower(def) {
		case "true", "1", "yes", "on":
			return name, true
		}
		return name, false
	}
	if v.Kind != pyscan.BinOp || v.Left == nil || v.Right == nil || (v.Op != "==" && v.Op != "in") {
		return "", false
	}
	name, def, ok := pyscan.EnvDefault(*v.Left)
	if !ok || def == "" {
		return "", false
	}
	if strings.HasSuffix(v.Left.Func, ".lower") {
		def = strings.ToLower(def)
	}
	var options []string
	if v.Op == "==" && (v.Right.Kind == pyscan.String || v.Right.Kind == pyscan.Number) {
		options = []string{v.Right.Str}
	} else {
		options = v.Right.Strings()
	}
	for _, o := range options {
		if o == def {
			return name, true
		}
	}
	return "", false
}

// debugSwitch reads which variable a DEBUG read from the environment takes, and the
// value that the settings compare it with to turn it on: "True" for
// os.environ.get("DJANGO_DEBUG") == "True", the first option of `… in ("1", "true")`, ""
// when the value is taken as it is (env.bool("DEBUG"), int(os.environ["DEBUG"])).
func debugSwitch(v pyscan.Value) (name, on string) {
	if name, _, ok := pyscan.EnvDefault(v); ok {
		return name, ""
	}
	if v.Kind != pyscan.BinOp || v.Left == nil || v.Right == nil {
		return "", ""
	}
	name, _, ok := pyscan.EnvDefault(*v.Left)
	if !ok {
		return "", ""
	}
	switch {
	case v.Op == "==" && (v.Right.Kind == pyscan.String || v.Right.Kind == pyscan.Number):
		return name, v.Right.Str
	case v.Op == "in":
		if options := v.Right.Strings(); len(options) > 0 {
			return name, options[0]
		}
	}
	return "", ""
}

// ancestors are the packages around the settings module, innermost first: for
// config.settings.production, config.settings then config.
func ancestors(mod string, isPkg bool) []string {
	var out []string
	if isPkg {
		out = append(out, mod)
	}
	for p := parent(mod); p != ""; p = parent(p) {
		out = append(out, p)
	}
	return out
}

// celery finds the Celery app: a celery.py (or celery_app.py) creating Celery(…) in the
// settings module's packages or next to wsgi.py.
func (r *reader) celery(root string, pkgs []string) error {
	type cand struct{ pkg, dir string }
	var cands []cand
	for _, p := range pkgs {
		cands = append(cands, cand{p, path.Join(root, strings.ReplaceAll(p, ".", "/"))})
	}
	for _, f := range r.serverFiles {
		dir := path.Dir(f)
		if pkg := r.packageOf(dir); pkg != "" {
			cands = append(cands, cand{pkg, dir})
		}
	}
	for _, c := range cands {
		for _, name := range []string{"celery.py", "celery_app.py"} {
			f := path.Join(c.dir, name)
			m, err := r.parse(f)
			if err != nil {
				return err
			}
			if m == nil {
				continue
			}
			line, broker, beat := celeryApp(m)
			if line == 0 {
				continue
			}
			r.info.CeleryApp = c.pkg
			if name != "celery.py" {
				r.info.CeleryApp = c.pkg + ".celery_app"
			}
			r.info.CeleryAppSource = at(f, line)
			if r.info.CeleryBroker == "" && broker.Kind != pyscan.Other {
				if t, ok := text(broker); ok {
					r.setBroker(t, at(f, broker.Line))
				}
			}
			if !r.info.CeleryBeat && beat > 0 {
				r.info.CeleryBeat, r.info.CeleryBeatSource = true, at(f, beat)
			}
			return nil
		}
	}
	return nil
}

// celeryApp finds where a module creates its Celery app, the broker it passes or sets,
// and where it sets a beat schedule.
func celeryApp(m *pyscan.Module) (line int, broker pyscan.Value, beat int) {
	isCelery := func(v pyscan.Value) bool {
		return v.Kind == pyscan.CallExpr && (v.Func == "Celery" || v.Func == "celery.Celery")
	}
	for _, a := range m.Assignments {
		if a.Local {
			continue
		}
		switch {
		case isCelery(a.Value) && line == 0:
			line = a.Line
			for _, kw := range a.Value.Kwargs {
				if kw.Name == "broker" {
					broker = kw.Value
				}
			}
		case strings.HasSuffix(a.Target, ".conf.broker_url"):
			broker = a.Value
		case strings.HasSuffix(a.Target, ".conf.beat_schedule"):
			beat = a.Line
		}
	}
	for _, c := range m.Calls {
		if !c.Local && isCelery(c.Value) && line == 0 {
			line = c.Line
		}
	}
	return line, broker, beat
}

// packageOf is the dotted package of a folder under the deepest import root holding it.
func (r *reader) packageOf(dir string) string {
	best := ""
	found := false
	for _, root := range r.roots {
		if root == "." || dir == root || strings.HasPrefix(dir, root+"/") {
			if !found || len(root) > len(best) {
				best, found = root, true
			}
		}
	}
	if !found {
		return ""
	}
	pkg := dotted(best, dir)
	if !moduleRE().MatchString(pkg) {
		return ""
	}
	return pkg
}

// applications reads WSGI_APPLICATION and ASGI_APPLICATION; when one is not set it looks
// for wsgi.py / asgi.py in the settings module's packages. An asgi.py alone (every
// startproject since Django 3.0 has one) does not make an ASGI application, or every
// project would be served by an ASGI server: it is inferred only when Channels or Daphne
// is in use (INSTALLED_APPS, CHANNEL_LAYERS, or an asgi.py importing channels).
func (r *reader) applications(s *settings, root string, pkgs []string, apps []listItem) error {
	for _, kind := range []string{"WSGI", "ASGI"} {
		setting := kind + "_APPLICATION"
		app, src := &r.info.WSGIApplication, &r.info.WSGIApplicationSource
		if kind == "ASGI" {
			app, src = &r.info.ASGIApplication, &r.info.ASGIApplicationSource
		}
		if _, b := r.setting(s, setting); b != nil {
			v := s.resolve(b.val)
			if v.Kind == pyscan.None {
				continue
			}
			t, ok := text(v)
			if i := strings.LastIndexByte(t, '.'); ok && i > 0 && moduleRE().MatchString(t) {
				a := t[:i] + ":" + t[i+1:]
				*app, *src = &a, b.at.String()
			} else {
				r.note(b.at.String(), "%s cannot be read without running the code: %s", setting, describe(b.at.file, b.val))
			}
			continue
		}
		mod := strings.ToLower(kind)
		for _, pkg := range pkgs {
			dir := path.Join(root, strings.ReplaceAll(pkg, ".", "/"))
			// A module (asgi.py) or a package (asgi/__init__.py), as Python imports either.
			f, m := "", (*pyscan.Module)(nil)
			for _, cand := range []string{path.Join(dir, mod+".py"), path.Join(dir, mod, "__init__.py")} {
				var err error
				if m, err = r.parse(cand); err != nil {
					return err
				}
				if m != nil {
					f = cand
					break
				}
			}
			if m == nil {
				continue
			}
			if kind == "ASGI" && !asgiInUse(m, apps, r.info.ChannelLayer, r.info.WSGIApplication == nil) {
				break
			}
			name, line := appCallable(m)
			a := strings.TrimPrefix(pkg+"."+mod, ".") + ":" + name
			*app, *src = &a, at(f, line)
			r.note(at(f, line), "%s is not set; using %s from %s", setting, a, f)
			if kind == "ASGI" && r.info.WSGIApplication == nil {
				r.note(at(f, line), "no WSGI application was found, so the ASGI application %s is what serves the project", a)
			}
			break
		}
	}
	return nil
}

// asgiInUse reports whether an asgi module without ASGI_APPLICATION is what serves the
// project: there is no WSGI application, or the module does more than startproject's
// (a ProtocolTypeRouter, Channels), or Channels is configured.
func asgiInUse(m *pyscan.Module, apps []listItem, layer string, noWSGI bool) bool {
	if layer != "" || noWSGI {
		return true
	}
	for _, a := range m.Assignments {
		if !a.Local && strings.HasSuffix(a.Value.Func, "ProtocolTypeRouter") {
			return true
		}
	}
	if _, ok := find(apps, func(s string) bool { return s == "channels" || s == "daphne" }); ok {
		return true
	}
	for _, im := range m.Imports {
		if im.Module == "channels" || strings.HasPrefix(im.Module, "channels.") {
			return true
		}
	}
	return false
}

// appCallable is the name a wsgi.py / asgi.py binds its application to.
func appCallable(m *pyscan.Module) (string, int) {
	for i := len(m.Assignments) - 1; i >= 0; i-- {
		a := m.Assignments[i]
		if a.Indent != 0 || a.TargetValue.Kind != pyscan.Name || strings.Contains(a.Target, ".") {
			continue
		}
		f := a.Value.Func
		if a.Value.Kind == pyscan.CallExpr && (strings.HasSuffix(f, "get_wsgi_application") ||
			strings.HasSuffix(f, "get_asgi_application") || strings.HasSuffix(f, "ProtocolTypeRouter")) {
			return a.Target, a.Line
		}
	}
	if a, ok := m.Last("application"); ok {
		return "application", a.Line
	}
	return "application", 0
}
