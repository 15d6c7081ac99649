package plan

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
)

// stack wires the chosen compose services and what the application needs to reach them.
func stack(f *facts, rt *Runtime) (Compose, []string, error) {
	p, d, c := f.p, f.d, f.c
	s := Compose{Postgres: c.Has(detect.ServicePostgres), MySQL: c.Has(detect.ServiceMySQL), Redis: c.Has(detect.ServiceRedis),
		Mail: c.Has(detect.ServiceMail), PostgresImage: "postgres:17", Workers: []Worker{}}
	celeryWorker, celeryBeat := c.Has(detect.ServiceCeleryWorker), c.Has(detect.ServiceCeleryBeat)
	var notes []string
	if celeryWorker && !p.Has("celery") {
		return s, nil, fmt.Errorf("celery-worker was chosen but %s does not depend on celery; add celery to the dependencies or drop celery-worker from the services", strings.Join(p.DependencyFiles, ", "))
	}
	if celeryWorker || celeryBeat {
		s.CeleryApp = d.CeleryApp
		if s.CeleryApp == "" {
			s.CeleryApp, _, _ = strings.Cut(d.SettingsModule, ".")
			notes = append(notes, fmt.Sprintf("no Celery app module was found; the worker runs `celery --app %s`, edit docker-compose.yml if yours lives elsewhere", s.CeleryApp))
		}
		if p.Has("django-celery-beat") {
			s.BeatScheduler = "django_celery_beat.schedulers:DatabaseScheduler"
		}
	}
	notes = append(notes, workers(f, &s, celeryWorker, celeryBeat)...)
	notes = append(notes, media(f, &s, rt)...)
	if d.Database == "postgis" {
		s.PostgresImage = "postgis/postgis:17-3.5"
	}
	if s.Postgres || s.MySQL {
		s.DependsOn = append(s.DependsOn, "db")
	}
	if s.Redis {
		s.DependsOn = append(s.DependsOn, "redis")
	}
	if s.Mail {
		s.DependsOn = append(s.DependsOn, "mail")
	}
	add := func(k, val string) {
		// The settings may read one variable for two things (REDIS_URL as the broker).
		if !slices.ContainsFunc(s.Environment, func(e EnvVar) bool { return e.Key == k }) {
			s.Environment = append(s.Environment, EnvVar{k, val})
		}
	}
	// A database URL is for settings that parse one, or for the settings block; settings
	// that read HOST, NAME… one by one get those instead (databaseKeys).
	wantURL := d.DatabaseURLEnv != "" || c.SettingsPatch || len(d.DatabaseEnv) == 0
	switch {
	case s.Postgres:
		scheme := "postgres"
		if d.Database == "postgis" {
			scheme = "postgis"
		}
		if wantURL {
			add(f.databaseURLEnv, `"`+scheme+`://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}"`)
		}
		s.Environment = append(s.Environment, databaseKeys(d.DatabaseEnv, f.databaseURLEnv, "5432", "${POSTGRES_DB}", "${POSTGRES_USER}", "${POSTGRES_PASSWORD}")...)
		s.Environment = append(s.Environment, databaseEngine(f, d.Database)...)
		s.Volumes = append(s.Volumes, "postgres-data")
	case s.MySQL:
		if wantURL {
			add(f.databaseURLEnv, `"mysql://${MYSQL_USER}:${MYSQL_PASSWORD}@db:3306/${MYSQL_DATABASE}"`)
		}
		s.Environment = append(s.Environment, databaseKeys(d.DatabaseEnv, f.databaseURLEnv, "3306", "${MYSQL_DATABASE}", "${MYSQL_USER}", "${MYSQL_PASSWORD}")...)
		s.Environment = append(s.Environment, databaseEngine(f, "mysql")...)
		s.Volumes = append(s.Volumes, "mysql-data")
	case c.SettingsPatch && (d.Database == "sqlite" || d.Database == ""):
		// SQLite keeps its file in a named volume so data survives rebuilds.
		add(f.databaseURLEnv, `"sqlite:////data/db.sqlite3"`)
		s.AppVolumes = append(s.AppVolumes, "app-data:/data")
		rt.OwnedDirs = append(rt.OwnedDirs, "/data")
		s.Volumes = append(s.Volumes, "app-data")
	case d.Database == "sqlite":
		notes = append(notes, "the SQLite database lives inside the container and is lost when it is recreated; choose postgres, or accept the settings block to keep it in a volume")
	}
	if s.Redis {
		add("REDIS_URL", `"redis://redis:6379/1"`)
		if celeryWorker || p.Has("celery") {
			add(cmp.Or(d.CeleryBrokerEnv, "CELERY_BROKER_URL"), `"redis://redis:6379/0"`)
			if d.CeleryResultBackend == "redis" {
				add(cmp.Or(d.CeleryResultBackendEnv, "CELERY_RESULT_BACKEND"), `"redis://redis:6379/0"`)
			}
		}
		s.Volumes = append(s.Volumes, "redis-data")
	}
	if s.Mail {
		add("EMAIL_HOST", "mail")
		add("EMAIL_PORT", `"1025"`)
	}
	serviceEnv(f, s, add)
	slices.Sort(s.Volumes)
	return s, notes, nil
}

// beatPidfile is where beat keeps its pidfile (its healthcheck reads it).
const beatPidfile = "/tmp/celerybeat.pid"

// databaseKeys points the variables the settings read DATABASES["default"] from (HOST,
// PORT, NAME, USER, PASSWORD) at the compose database.
func databaseKeys(vars map[string]string, urlEnv, port, name, user, password string) []EnvVar {
	values := map[string]string{"HOST": "db", "PORT": `"` + port + `"`, "NAME": name, "USER": user, "PASSWORD": password}
	var out []EnvVar
	for _, key := range []string{"HOST", "PORT", "NAME", "USER", "PASSWORD"} {
		env, ok := vars[key]
		if !ok || env == urlEnv || "${"+env+"}" == values[key] {
			continue // already in .env under that very name
		}
		out = append(out, EnvVar{env, values[key]})
	}
	return out
}

// databaseEngine sets the variable the settings read DATABASES' ENGINE from (SQL_ENGINE)
// to the compose database's backend: its default is often sqlite3, the development
// fallback, which would ignore the database service. The value takes the default's form: a
// module path ("django.db.backends.sqlite3") or the last part alone ("sqlite3", for
// settings that prefix "django.db.backends.").
func databaseEngine(f *facts, family string) []EnvVar {
	name := f.d.DatabaseEngineEnv
	if name == "" || !envName(name) {
		return nil
	}
	module := map[string]string{"postgres": "django.db.backends.postgresql", "postgis": "django.contrib.gis.db.backends.postgis",
		"mysql": "django.db.backends.mysql"}[family]
	if module == "" {
		return nil
	}
	for _, e := range f.d.EnvReads {
		if e.Name == name && e.Default != "" && !strings.Contains(e.Default, ".") {
			module = module[strings.LastIndexByte(module, '.')+1:]
			break
		}
	}
	return []EnvVar{{name, module}}
}

// envGroups lists the variables .env must define for the chosen services.
func envGroups(f *facts, name string, s Compose) []EnvGroup {
	user := strings.NewReplacer("-", "_", ".", "_").Replace(name)
	hosts := "localhost,127.0.0.1"
	if f.d.AllowedHostsSeparator == " " {
		hosts = `"localhost 127.0.0.1"`
	}
	// DEBUG under the name the settings read it from, off.
	debugKey, debugValue := "DEBUG", "False"
	if name, off := debugOff(f); name != "" {
		debugKey, debugValue = name, off
	}
	groups := []EnvGroup{{Title: "Django", Vars: []EnvEntry{
		{Key: f.secretKeyEnv, Example: "change-me", Secret: true},
		{Key: debugKey, Example: debugValue},
		{Key: f.hostsEnv, Example: hosts},
	}}}
	if s.Postgres {
		groups = append(groups, EnvGroup{Title: "PostgreSQL (the db service creates this database and user on first start)", Vars: []EnvEntry{
			{Key: "POSTGRES_DB", Example: user},
			{Key: "POSTGRES_USER", Example: user},
			{Key: "POSTGRES_PASSWORD", Example: "change-me", Secret: true},
		}})
	}
	if s.MySQL {
		groups = append(groups, EnvGroup{Title: "MySQL (the db service creates this database and user on first start)", Vars: []EnvEntry{
			{Key: "MYSQL_DATABASE", Example: user},
			{Key: "MYSQL_USER", Example: user},
			{Key: "MYSQL_PASSWORD", Example: "change-me", Secret: true},
			{Key: "MYSQL_ROOT_PASSWORD", Example: "change-me", Secret: true},
		}})
	}
	set := func(name string) bool {
		return slices.ContainsFunc(s.Environment, func(e EnvVar) bool { return e.Key == name }) ||
			slices.ContainsFunc(groups, func(g EnvGroup) bool {
				return slices.ContainsFunc(g.Vars, func(e EnvEntry) bool { return e.Key == name })
			})
	}
	if g, ok := settingsGroup(f, set); ok {
		groups = append(groups, g)
	}
	ports := []EnvEntry{{Key: "WEB_PUBLISH_PORT", Example: fmt.Sprint(f.c.Port)}}
	for _, svc := range []struct {
		on          bool
		key, number string
	}{{s.Postgres, "POSTGRES_PUBLISH_PORT", "5432"}, {s.MySQL, "MYSQL_PUBLISH_PORT", "3306"},
		{s.Redis, "REDIS_PUBLISH_PORT", "6379"}, {s.Mail, "MAIL_PUBLISH_PORT", "8025"}} {
		if svc.on {
			ports = append(ports, EnvEntry{Key: svc.key, Example: svc.number})
		}
	}
	groups = append(groups, EnvGroup{Title: "Ports published on this machine", Vars: ports})
	// Compose reads no shell variable for them: UID is bash's own, read-only and unexported.
	return append(groups, EnvGroup{Title: "This machine's user and group: the development containers run as them", Vars: []EnvEntry{
		{Key: "DEV_UID", Example: devID, Host: HostUID},
		{Key: "DEV_GID", Example: devID, Host: HostGID},
	}})
}

// failClosedEnv, set in the image, makes the settings block fail closed.
const failClosedEnv = "CONTAINERIZE_FAIL_CLOSED"

// settings decides the settings block (nil when not chosen) and what collecting static
// files needs.
func settings(f *facts, rt *Runtime, s Compose) (*Patch, []string, error) {
	p, d, c := f.p, f.d, f.c
	var notes []string
	rt.Collectstatic = d.StaticRoot || c.SettingsPatch
	if !rt.Collectstatic {
		notes = append(notes, "STATIC_ROOT is not set, so the image does not collect static files; accept the settings block or set STATIC_ROOT")
	} else if !d.Whitenoise && !c.SettingsPatch {
		notes = append(notes, "static files are collected but nothing serves them (no whitenoise); serve STATIC_ROOT from a web server or add whitenoise")
	}
	// The settings may insist on their key, and on a database URL, at import time.
	rt.CollectstaticEnv = f.secretKeyEnv + "=collectstatic-only"
	if d.DatabaseFromEnv && d.DatabaseURLEnv != "" {
		rt.CollectstaticEnv += " " + d.DatabaseURLEnv + "=sqlite:////tmp/collectstatic.sqlite3"
	}
	rt.CollectstaticEnv = buildEnv(d, rt.CollectstaticEnv)
	if !c.SettingsPatch {
		return nil, append(notes, unpatched(f, s)...), nil
	}
	file := cmp.Or(d.SettingsFile, path.Join(p.AppRoot, strings.ReplaceAll(d.SettingsModule, ".", "/")+".py"))
	if err := patchable(d, file); err != nil {
		return nil, nil, err
	}
	pt := &Patch{
		Path:           file,
		BeginMarker:    django.OwnBlockBegin,
		EndMarker:      django.OwnBlockEnd,
		SecretKeyEnv:   f.secretKeyEnv,
		HostsEnv:       f.hostsEnv,
		FailClosedEnv:  failClosedEnv,
		PostgresEngine: "django.db.backends.postgresql",
		Celery:         p.Has("celery"),
		Mail:           s.Mail,
		StaticRoot:     !d.StaticRoot,
		Whitenoise:     !d.Whitenoise,
	}
	// The image's processes (the dev stage's too: compose gives it .env) get no development
	// fallbacks; outside containers the block falls back to the settings, as before.
	rt.Env = append(rt.Env, failClosedEnv+"=1")
	// STATIC_ROOT goes next to manage.py: parents[N] of the settings file.
	if dir := path.Dir(file); dir != p.AppRoot && relTo(p.AppRoot, dir) != "" {
		pt.SettingsDepth = strings.Count(relTo(p.AppRoot, dir), "/") + 1
	}
	if d.Database == "postgis" {
		pt.PostgresEngine = "django.contrib.gis.db.backends.postgis"
	}
	if s.Redis {
		switch {
		case f.has("django-redis"):
			pt.Cache, pt.CacheBackend = true, "django_redis.cache.RedisCache"
		case p.Has("redis") || p.Has("hiredis"):
			pt.Cache, pt.CacheBackend = true, "django.core.cache.backends.redis.RedisCache"
		}
		pt.ChannelLayer = p.Has("channels-redis")
	}
	notes = append(notes, fmt.Sprintf("%s gets a marked block that reads SECRET_KEY, DEBUG, ALLOWED_HOSTS and DATABASE_URL from the environment", file))
	return pt, notes, nil
}
