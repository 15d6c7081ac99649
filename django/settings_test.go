package django

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

const stdManage = `import os, sys
if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")
`

// project builds a project whose manage.py names proj.settings, with the given settings.py.
func project(settings string, more ...string) fstest.MapFS {
	fsys := fstest.MapFS{
		"manage.py":        {Data: []byte(stdManage)},
		"proj/__init__.py": {Data: nil},
		"proj/settings.py": {Data: []byte(settings)},
	}
	for i := 0; i+1 < len(more); i += 2 {
		fsys[more[i]] = &fstest.MapFile{Data: []byte(more[i+1])}
	}
	return fsys
}

// fields renders the JSON fields of info that want names, as compact JSON.
func fields(t *testing.T, info *Info, want map[string]string) map[string]string {
	t.Helper()
	b, err := json.Marshal(info)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for k := range want {
		got[k] = string(all[k])
	}
	return got
}

func notes(info *Info) string {
	var b strings.Builder
	for _, n := range info.Notes {
		b.WriteString(n.Source + ": " + n.Message + "\n")
	}
	return b.String()
}

func TestReadSettings(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want map[string]string // JSON field → compact JSON value
		note string            // a substring one of the notes must contain
	}{
		{"mysql", project(`DATABASES = {"default": {"ENGINE": "django.db.backends.mysql"}}`),
			map[string]string{"database": `"mysql"`, "database_source": `"proj/settings.py:1"`, "database_from_env": "false"}, ""},
		{"oracle", project(`DATABASES = {"default": {"ENGINE": "django.db.backends.oracle"}}`),
			map[string]string{"database": `"oracle"`}, ""},
		{"postgresql_psycopg2", project("DATABASES = {\n  'default': {\n    'ENGINE': 'django.db.backends.postgresql_psycopg2',\n  }\n}\n"),
			map[string]string{"database": `"postgres"`, "database_source": `"proj/settings.py:3"`}, ""},
		{"postgis", project(`DATABASES = {"default": {"ENGINE": "django.contrib.gis.db.backends.postgis"}}`),
			map[string]string{"database": `"postgis"`}, ""},
		{"engine from env default", project(`import os
DATABASES = {"default": {"ENGINE": os.environ.get("DB_ENGINE", "django.db.backends.postgresql")}}`),
			map[string]string{"database": `"postgres"`, "database_from_env": "true"}, ""},
		{"engine from env without default", project(`DATABASES = {"default": {"ENGINE": os.environ["DB_ENGINE"]}}`),
			map[string]string{"database": `""`, "database_from_env": "true"}, "ENGINE comes from $DB_ENGINE"},
		{"engine concatenated with an env default", project(`DATABASES = {"default": {"ENGINE": "django.db.backends." + env("DB_ENGINE", default="mysql")}}`),
			map[string]string{"database": `"mysql"`, "database_from_env": "true"}, ""},
		{"engine from env with a django-environ schema default", project(`import environ
env = environ.FileAwareEnv(DB_ENGINE=(str, "django.db.backends.postgresql"))
DATABASES = {"default": {"ENGINE": env("DB_ENGINE")}}`),
			map[string]string{"database": `"postgres"`, "database_from_env": "true"}, ""},
		{"env.db() with a django-environ schema default", project(`import environ
env = environ.Env(DATABASE_URL=(str, "mysql://root:@127.0.0.1:3306/app"))
DATABASES = {"default": {**env.db(), **{"CONN_MAX_AGE": 50}}}`),
			map[string]string{"database": `"mysql"`, "database_url_env": `"DATABASE_URL"`}, ""},
		{"default key through a name", project(`DEFAULT_DB = "default"
DATABASES = {DEFAULT_DB: dj_database_url.config(env=dj_database_url.DEFAULT_ENV, default="postgres://x/y")}`),
			map[string]string{"database": `"postgres"`, "database_url_env": `"DATABASE_URL"`}, ""},
		{"dj_database_url printf default", project(`DATABASES = {"default": dj_database_url.config(default="sqlite:///%s" % os.path.join(BASE_DIR, "db.sqlite"))}`),
			map[string]string{"database": `"sqlite"`}, ""},
		{"engine in a spread dict", project(`SQLITE_OPTIONS = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 30}}
DATABASES = {"default": {"NAME": os.environ.get("DB_NAME", "db.sqlite3"), **SQLITE_OPTIONS}}`),
			map[string]string{"database": `"sqlite"`, "database_source": `"proj/settings.py:1"`}, ""},
		{"getattr configuration default and a conditional ENGINE", project(`DATABASE = getattr(configuration, "DATABASE", None)
DATABASES = getattr(configuration, "DATABASES", {"default": DATABASE})
if "ENGINE" not in DATABASES["default"]:
    DATABASES["default"].update({"ENGINE": "django_prometheus.db.backends.postgresql" if METRICS else "django.db.backends.postgresql"})`),
			map[string]string{"database": `"postgres"`, "database_source": `"proj/settings.py:4"`}, "ENGINE is set here when a condition holds"},
		{"ternary engines of two families stay unknown", project(`DATABASES = {"default": {"ENGINE": "django.db.backends.mysql" if MYSQL else "django.db.backends.sqlite3"}}`),
			map[string]string{"database": `""`}, ""},
		{"URL variable of a conditional replacement", project(`if "DATABASE_URL" in os.environ:
    DATABASES = {"default": dj_database_url.config(conn_max_age=500)}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}`),
			map[string]string{"database": `"sqlite"`, "database_url_env": `"DATABASE_URL"`}, ""},
		{"engine in an f-string of an env read", project(`DB_ENGINE = os.environ.get("DB_ENGINE", "postgresql")
DATABASES = {"default": {"ENGINE": f"django.db.backends.{DB_ENGINE}"}}`),
			map[string]string{"database": `"postgres"`}, ""},
		{"engine through a name", project(`ENGINE = "django.db.backends.sqlite3"
DATABASES = {"default": {"ENGINE": ENGINE, "NAME": DB_NAME}}`),
			map[string]string{"database": `"sqlite"`}, ""},
		{"env.db sqlite default", project(`import environ
env = environ.Env()
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///db.sqlite3")}`),
			map[string]string{"database": `"sqlite"`, "database_from_env": "true", "database_source": `"proj/settings.py:3"`}, ""},
		{"env.db_url postgis", project(`DATABASES = {"default": env.db_url(default="postgis://u:p@h/db")}`),
			map[string]string{"database": `"postgis"`, "database_from_env": "true"}, ""},
		{"dj_database_url f-string default", project(`DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=600,
    )
}`),
			map[string]string{"database": `"sqlite"`, "database_from_env": "true", "database_source": `"proj/settings.py:2"`}, ""},
		{"dj_database_url concatenated default", project(`DATABASES = {"default": dj_database_url.config(default="sqlite:///" + os.path.join(BASE_DIR, "db.sqlite3"))}`),
			map[string]string{"database": `"sqlite"`, "database_from_env": "true"}, ""},
		{"dj_database_url.parse literal", project(`DATABASES = {"default": dj_database_url.parse("mysql://u:p@db/app")}`),
			map[string]string{"database": `"mysql"`, "database_from_env": "false"}, ""},
		{"dj_database_url.parse env default", project(`DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", "pgsql://x/y"))}`),
			map[string]string{"database": `"postgres"`, "database_from_env": "true"}, ""},
		{"dj_database_url.parse of a name", project(`DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://x/y")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}`),
			map[string]string{"database": `"postgres"`, "database_from_env": "true"}, ""},
		{"decouple", project(`from decouple import config
SECRET_KEY = config("SECRET_KEY")
DEBUG = config("DEBUG", default=False, cast=bool)
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": config("DB_NAME")}}`),
			map[string]string{"database": `"postgres"`, "database_from_env": "true", "secret_key_hardcoded": "false", "debug_hardcoded": "false"}, ""},
		{"update with dj_database_url", project(`DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
DATABASES["default"].update(dj_database_url.config(default="postgres://localhost/x"))`),
			map[string]string{"database": `"postgres"`, "database_from_env": "true", "database_source": `"proj/settings.py:2"`}, ""},
		{"conditional DATABASE_URL override", project(`DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
if "DATABASE_URL" in os.environ:
    DATABASES["default"] = dj_database_url.config()`),
			map[string]string{"database": `"sqlite"`, "database_from_env": "true"}, "replaced from the environment"},
		{"unknown URL default", project(`DATABASES = {"default": env.db()}`),
			map[string]string{"database": `""`, "database_from_env": "true"}, "comes from $DATABASE_URL"},

		{"cache redis backend", project(`CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}`),
			map[string]string{"cache": `"redis"`, "cache_source": `"proj/settings.py:1"`}, ""},
		{"cache memcached", project(`CACHES = {"default": {"BACKEND": "django.core.cache.backends.memcached.PyLibMCCache"}}`),
			map[string]string{"cache": `"memcached"`}, ""},
		{"cache db/file/dummy", project(`CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"},
"files": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}}`),
			map[string]string{"cache": `"db"`}, ""},
		{"cache from env.cache", project(`CACHES = {"default": env.cache("CACHE_URL", default="rediscache://r:6379/1")}`),
			map[string]string{"cache": `"redis"`}, ""},
		{"cache via dict()", project(`CACHES = dict(default=dict(BACKEND="django.core.cache.backends.dummy.DummyCache"))`),
			map[string]string{"cache": `"dummy"`}, ""},

		{"broker literal rediss", project(`CELERY_BROKER_URL = "rediss://:pw@cache:6380/0"`),
			map[string]string{"celery_broker": `"redis"`, "celery_broker_source": `"proj/settings.py:1"`}, ""},
		{"old BROKER_URL pyamqp", project(`BROKER_URL = 'pyamqp://guest@localhost//'`),
			map[string]string{"celery_broker": `"amqp"`}, ""},
		{"broker f-string", project(`REDIS_HOST = "redis"
CELERY_BROKER_URL = f"redis://{REDIS_HOST}:6379/0"`),
			map[string]string{"celery_broker": `"redis"`}, ""},
		{"broker through a name", project(`REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379")
CELERY_BROKER_URL = REDIS_URL`),
			map[string]string{"celery_broker": `"redis"`, "celery_broker_source": `"proj/settings.py:1"`}, ""},
		{"broker without default", project(`CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]`),
			map[string]string{"celery_broker": ""}, "no default to tell the broker"},
		{"broker sqs", project(`CELERY_BROKER_URL = "sqs://"`),
			map[string]string{"celery_broker": `"sqs"`}, ""},
		{"beat from django_celery_beat", project("INSTALLED_APPS = [\n  'a',\n  'django_celery_beat',\n]"),
			map[string]string{"celery_beat": "true", "celery_beat_source": `"proj/settings.py:3"`}, ""},
		{"celery app with broker kwarg and beat schedule", project(`INSTALLED_APPS = []`,
			"proj/celery.py", `from celery import Celery
app = Celery("proj", broker="redis://localhost//")
app.conf.beat_schedule = {"x": {"task": "t", "schedule": 10}}`),
			map[string]string{"celery_app": `"proj"`, "celery_app_source": `"proj/celery.py:2"`, "celery_broker": `"redis"`,
				"celery_beat": "true", "celery_beat_source": `"proj/celery.py:3"`}, ""},
		{"celery.py without an app", project(`INSTALLED_APPS = []`, "proj/celery.py", "import celery\n"),
			map[string]string{"celery_app": ""}, ""},

		{"channels in memory", project(`CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}`),
			map[string]string{"channel_layer": `"inmemory"`}, ""},
		{"channels pubsub", project(`CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer"}}`),
			map[string]string{"channel_layer": `"redis"`}, ""},

		{"email console", project(`EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'`),
			map[string]string{"email_backend": `"console"`}, ""},
		{"email from env", project(`EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")`),
			map[string]string{"email_backend": `"smtp"`}, ""},
		{"email file and locmem", project(`EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"`),
			map[string]string{"email_backend": `"file"`}, ""},

		{"static root None", project(`STATIC_ROOT = None`), map[string]string{"static_root": "false"}, ""},
		{"static root from env", project(`STATIC_ROOT = os.environ.get("STATIC_ROOT", "/srv/static")`),
			map[string]string{"static_root": "true", "static_root_source": `"proj/settings.py:1"`}, ""},
		{"whitenoise STATICFILES_STORAGE", project(`STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"`),
			map[string]string{"whitenoise": "true", "whitenoise_source": `"proj/settings.py:1"`}, ""},
		{"whitenoise STORAGES", project("STORAGES = {\n  'staticfiles': {\n    'BACKEND': 'whitenoise.storage.CompressedStaticFilesStorage',\n  },\n}"),
			map[string]string{"whitenoise": "true", "whitenoise_source": `"proj/settings.py:3"`}, ""},
		{"whitenoise appended to MIDDLEWARE", project(`MIDDLEWARE = ["a"]
MIDDLEWARE += ["whitenoise.middleware.WhiteNoiseMiddleware"]`),
			map[string]string{"whitenoise": "true", "whitenoise_source": `"proj/settings.py:2"`}, ""},

		{"media os.path.join", project(`MEDIA_ROOT = os.path.join(BASE_DIR, 'public', 'media')`),
			map[string]string{"media_root": `"media"`}, ""},
		{"media Path /", project(`MEDIA_ROOT = BASE_DIR / "uploads"`), map[string]string{"media_root": `"uploads"`}, ""},
		{"media str(Path)", project(`MEDIA_ROOT = str(BASE_DIR.joinpath("files") / "media")`), map[string]string{"media_root": `"media"`}, ""},
		{"media env default", project(`MEDIA_ROOT = env("MEDIA_ROOT", default="/data/media/")`), map[string]string{"media_root": `"media"`}, ""},
		{"media env default expression", project(`MEDIA_ROOT = os.getenv("MEDIA_ROOT", os.path.join(BASE_DIR, "mediafiles"))`), map[string]string{"media_root": `"mediafiles"`}, ""},
		{"media join of an env read", project(`MEDIA_ROOT = os.path.join(BASE_DIR, env("MEDIA_ROOT", "images"))`), map[string]string{"media_root": `"images"`}, ""},
		{"media env default=join", project(`MEDIA_ROOT = env("MEDIA_ROOT", default=os.path.join("uploads"))`), map[string]string{"media_root": `"uploads"`}, ""},
		{"media getattr default, rstrip", project(`MEDIA_ROOT = getattr(configuration, "MEDIA_ROOT", os.path.join(ROOT, "media")).rstrip("/")`), map[string]string{"media_root": `"media"`}, ""},
		{"media join + slash", project(`MEDIA_ROOT = os.path.join(PROJECT_DIR, "data", "media").replace("\\", "/") + "/"`), map[string]string{"media_root": `"media"`}, ""},
		{"media django-environ Path and schema", project(`import environ
root = environ.Path(__file__) - 3
env = environ.FileAwareEnv(DD_MEDIA_ROOT=(str, root("media")))
MEDIA_ROOT = env("DD_MEDIA_ROOT")`), map[string]string{"media_root": `"media"`}, ""},
		{"media env cast is no default", project(`MEDIA_ROOT = env("MEDIA_ROOT", str)`), map[string]string{"media_root": ""}, "MEDIA_ROOT cannot be read"},
		{"media unreadable", project(`MEDIA_ROOT = compute()`), map[string]string{"media_root": ""}, "MEDIA_ROOT cannot be read"},

		{"secret literal", project(`SECRET_KEY = "abc"`),
			map[string]string{"secret_key_hardcoded": "true", "secret_key_source": `"proj/settings.py:1"`}, ""},
		{"secret concatenated literal", project(`SECRET_KEY = "abc" + "def"`), map[string]string{"secret_key_hardcoded": "true"}, ""},
		{"secret env with insecure default", project(`SECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret")`),
			map[string]string{"secret_key_hardcoded": "true"}, "SECRET_KEY falls back to a hard-coded default when $SECRET_KEY is unset"},
		{"secret env", project(`SECRET_KEY = os.environ["SECRET_KEY"]`), map[string]string{"secret_key_hardcoded": "false"}, ""},
		{"secret generated", project(`SECRET_KEY = get_random_secret_key()`), map[string]string{"secret_key_hardcoded": "false"}, ""},
		{"debug literal", project(`DEBUG = True`), map[string]string{"debug_hardcoded": "true", "debug_source": `"proj/settings.py:1"`}, ""},
		{"debug false", project(`DEBUG = False`), map[string]string{"debug_hardcoded": "false"}, ""},
		{"debug env default on", project(`DEBUG = env.bool("DJANGO_DEBUG", default=True)`),
			map[string]string{"debug_hardcoded": "false"}, "DEBUG is on unless $DJANGO_DEBUG"},
		{"debug conditional override ignored", project(`DEBUG = False
if os.environ.get("DEV"):
    DEBUG = True`), map[string]string{"debug_hardcoded": "false", "debug_source": `"proj/settings.py:1"`}, ""},
		{"allowed hosts env", project(`ALLOWED_HOSTS = [h.strip() for h in os.environ.get("HOSTS", "").split(",")]`),
			map[string]string{"allowed_hosts_from_env": "true", "allowed_hosts_source": `"proj/settings.py:1"`}, ""},
		{"allowed hosts extended from env", project(`ALLOWED_HOSTS = ["localhost"]
ALLOWED_HOSTS += os.environ.get("EXTRA", "").split()`), map[string]string{"allowed_hosts_from_env": "true"}, ""},
		{"allowed hosts literal", project(`ALLOWED_HOSTS = ["*"]`), map[string]string{"allowed_hosts_from_env": "false"}, ""},

		{"apps: starred, tuple, extend, insert, remove, duplicates", project(`BASE = ("a", "b")
INSTALLED_APPS = [*BASE, "c"]
INSTALLED_APPS.extend(["d", "e"])
INSTALLED_APPS.insert(0, "first")
INSTALLED_APPS.remove("b")
INSTALLED_APPS += list(("c", "f"))
if DEBUG:
    INSTALLED_APPS += ["debug_toolbar"]`),
			map[string]string{"installed_apps": `["first","a","c","d","e","f"]`}, ""},
		{"apps: self-reference", project(`INSTALLED_APPS = ["a"]
INSTALLED_APPS = INSTALLED_APPS + ["b"]
INSTALLED_APPS = ["z", *INSTALLED_APPS]`), map[string]string{"installed_apps": `["z","a","b"]`}, ""},
		{"middleware: slices", project(`MIDDLEWARE = ["sec", "sess", "common"]
MIDDLEWARE = MIDDLEWARE[:1] + ["whitenoise.middleware.WhiteNoiseMiddleware"] + MIDDLEWARE[1:]
INSTALLED_APPS = MIDDLEWARE[-2:] + MIDDLEWARE[ 1 : 2 ] + MIDDLEWARE[5:9] + MIDDLEWARE[::2]`),
			map[string]string{"whitenoise": "true", "whitenoise_source": `"proj/settings.py:2"`,
				"installed_apps": `["sess","common","whitenoise.middleware.WhiteNoiseMiddleware"]`}, "MIDDLEWARE[::2]"},
		{"apps: unreadable entries", project(`INSTALLED_APPS = ["a", get_app(), "b"] + PLUGINS`),
			map[string]string{"installed_apps": `["a","b"]`}, "get_app()"},
		{"apps: augmented before being set", project(`INSTALLED_APPS += ["x"]`),
			map[string]string{"installed_apps": `["x"]`}, "its value before proj/settings.py:1"},
		{"apps: unknown value", project(`INSTALLED_APPS = get_apps()`),
			map[string]string{"installed_apps": `[]`}, "INSTALLED_APPS cannot be read"},

		{"wsgi application setting", project(`WSGI_APPLICATION = "proj.wsgi.application"`),
			map[string]string{"wsgi_application": `"proj.wsgi:application"`, "wsgi_application_source": `"proj/settings.py:1"`}, ""},
		{"wsgi inferred", project(`X = 1`, "proj/wsgi.py", "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"),
			map[string]string{"wsgi_application": `"proj.wsgi:application"`, "wsgi_application_source": `"proj/wsgi.py:2"`}, "WSGI_APPLICATION is not set"},
		{"plain asgi.py beside wsgi.py is not an ASGI application", project(`X = 1`, "proj/asgi.py", "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n",
			"proj/wsgi.py", "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"),
			map[string]string{"asgi_application": "null", "wsgi_application": `"proj.wsgi:application"`}, ""},
		{"asgi.py alone serves", project(`X = 1`, "proj/asgi.py", "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n"),
			map[string]string{"asgi_application": `"proj.asgi:application"`, "wsgi_application": "null"}, "no WSGI application was found"},
		{"asgi package with a router beside wsgi.py", project(`WSGI_APPLICATION = "proj.wsgi.application"`, "proj/asgi/__init__.py", "from channels.routing import ProtocolTypeRouter\nfrom django.core.asgi import get_asgi_application\napplication = ProtocolTypeRouter({\"http\": get_asgi_application()})\n",
			"proj/asgi/routing.py", "x = 1\n"),
			map[string]string{"asgi_application": `"proj.asgi:application"`, "asgi_application_source": `"proj/asgi/__init__.py:3"`}, "ASGI_APPLICATION is not set"},
		{"asgi setting names a package", project(`ASGI_APPLICATION = "proj.asgi.application"`, "proj/asgi/__init__.py", "application = 1\n"),
			map[string]string{"asgi_application": `"proj.asgi:application"`}, ""},
		{"asgi inferred with channels", project(`INSTALLED_APPS = ["channels"]`, "proj/asgi.py", "from channels.routing import ProtocolTypeRouter\napp = ProtocolTypeRouter({})\n"),
			map[string]string{"asgi_application": `"proj.asgi:app"`, "asgi_application_source": `"proj/asgi.py:2"`}, "ASGI_APPLICATION is not set"},
		{"asgi setting", project(`ASGI_APPLICATION = 'proj.routing.application'`),
			map[string]string{"asgi_application": `"proj.routing:application"`}, ""},
		{"wsgi unreadable", project(`WSGI_APPLICATION = get()`),
			map[string]string{"wsgi_application": "null"}, "WSGI_APPLICATION cannot be read"},

		{"conditional only", project(`if True:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}`),
			map[string]string{"cache": `"redis"`}, "CACHES is only set inside an if/try block"},
		{"function bodies do not count", project(`def configure():
    DEBUG = True
class Settings:
    SECRET_KEY = "x"`), map[string]string{"debug_hardcoded": "false", "secret_key_hardcoded": "false"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Read(tt.fsys, "manage.py")
			if err != nil {
				t.Fatal(err)
			}
			got := fields(t, info, tt.want)
			for k, w := range tt.want {
				if got[k] != w {
					t.Errorf("%s = %s, want %s", k, got[k], w)
				}
			}
			if tt.note != "" && !strings.Contains(notes(info), tt.note) {
				t.Errorf("no note contains %q; notes:\n%s", tt.note, notes(info))
			}
			if t.Failed() {
				t.Logf("notes:\n%s", notes(info))
			}
		})
	}
}

// Doubling a list thirty times would make a billion entries; the list is capped instead.
func TestListDoublingIsCapped(t *testing.T) {
	src := "INSTALLED_APPS = ['a']\n" + strings.Repeat("INSTALLED_APPS = INSTALLED_APPS + INSTALLED_APPS\nINSTALLED_APPS += INSTALLED_APPS\n", 30)
	info, err := Read(project(src), "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info.InstalledApps, []string{"a"}) || !strings.Contains(notes(info), "past the first 4096") {
		t.Errorf("apps %q, notes:\n%s", info.InstalledApps, notes(info))
	}
}

// A dict merged into itself doubles with every update; reading it must stay cheap.
func TestSelfUpdateStaysCheap(t *testing.T) {
	src := "D = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'x'}}\n" +
		strings.Repeat("D['default'].update(D)\nD.update(D)\n", 40) + "DATABASES = D\n"
	info, err := Read(project(src), "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	if info.Database != "sqlite" || info.DatabaseFromEnv {
		t.Errorf("database %q from env %v", info.Database, info.DatabaseFromEnv)
	}
}

// TestDebugSwitch: the variable DEBUG is read from and the value that turns it on, as the
// settings compare it; a value taken as it is has none, and a literal DEBUG no variable.
func TestDebugSwitch(t *testing.T) {
	for _, tc := range []struct {
		settings, env, on string
	}{
		{"import os\nDEBUG = os.environ.get('DJANGO_DEBUG', 'False') == 'True'\n", "DJANGO_DEBUG", "True"},
		{"import os\nDEBUG = os.getenv('DEBUG', 'false').lower() in ('1', 'true', 'yes')\n", "DEBUG", "1"},
		{"import environ\nenv = environ.Env()\nDEBUG = env.bool('DJANGO_DEBUG', False)\n", "DJANGO_DEBUG", ""},
		{"import os\nDEBUG = int(os.environ.get('DEBUG', 0))\n", "DEBUG", ""},
		{"DEBUG = False\n", "", ""},
		{"import os\nDEBUG = os.environ.get('DEBUG') != 'off'\n", "", ""},
	} {
		info, err := Read(project(tc.settings), "manage.py")
		if err != nil {
			t.Fatal(err)
		}
		if info.DebugEnv != tc.env || info.DebugOn != tc.on {
			t.Errorf("%q: DebugEnv, DebugOn = %q, %q; want %q, %q", tc.settings, info.DebugEnv, info.DebugOn, tc.env, tc.on)
		}
	}
}
