package django

import (
	"reflect"
	"strings"
	"testing"
)

// readMap reads a project given as path, content pairs, with manage.py naming module.
func readMap(t *testing.T, module string, files ...string) *Info {
	t.Helper()
	fsys := mapFS(append([]string{"manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', '" + module + "')\n"}, files...)...)
	info, err := Read(fsys, "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestSplitSettingsInclude(t *testing.T) {
	info := readMap(t, "proj.settings",
		"proj/settings/__init__.py", `import os
from split_settings.tools import include, optional

extra = ["environments/common.py"]
if os.environ.get("ENV") == "prod":
    extra.append("environments/production.py")
else:
    extra.append("environments/local.py")
if os.environ.get("STAGING"):
    extra += ["environments/staging.py"]

include("components/*.py", *extra, optional("local_settings.py"))
`,
		"proj/settings/components/b_static.py", "STATIC_ROOT = '/srv/static'\nMEDIA_ROOT = BASE_DIR / 'first'\n",
		"proj/settings/components/a_base.py", "from pathlib import Path\nBASE_DIR = Path(__file__).parent\nDEBUG = False\n",
		"proj/settings/environments/common.py", "DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql'}}\n",
		"proj/settings/environments/production.py", "MEDIA_ROOT = BASE_DIR / 'uploads'\n",
		"proj/settings/environments/local.py", "MEDIA_ROOT = BASE_DIR / 'dev'\n",
		"proj/settings/environments/staging.py", "MEDIA_ROOT = BASE_DIR / 'staging'\n",
	)
	want := []string{"proj/settings/__init__.py", "proj/settings/components/a_base.py", "proj/settings/components/b_static.py",
		"proj/settings/environments/common.py", "proj/settings/environments/production.py"}
	if !reflect.DeepEqual(info.SettingsFiles, want) {
		t.Errorf("settings files = %q, want %q", info.SettingsFiles, want)
	}
	if info.MediaRoot != "uploads" || info.MediaRootSource != "proj/settings/environments/production.py:1" {
		t.Errorf("media root = %q at %s, want uploads from production.py", info.MediaRoot, info.MediaRootSource)
	}
	if info.Database != "mysql" || !info.StaticRoot {
		t.Errorf("database %q, static root %v: the included components were not read", info.Database, info.StaticRoot)
	}
	if !hasNote(info, "skipped the settings include of proj/settings/environments/local.py: development settings") ||
		!hasNote(info, "skipped the settings include of proj/settings/environments/staging.py: it is included only under a condition") {
		t.Errorf("notes do not say which includes were skipped: %v", info.Notes)
	}
	if hasNote(info, "local_settings") {
		t.Errorf("a missing optional() include is no news: %v", info.Notes)
	}
}

func TestSplitSettingsNeedsTheLibrary(t *testing.T) {
	// include() of another library (or of Django's urls) is not a settings include.
	info := readMap(t, "proj.settings",
		"proj/settings.py", "from mylib import include\ninclude('other.py')\nDEBUG = False\n",
		"proj/other.py", "MEDIA_ROOT = 'x'\n")
	if len(info.SettingsFiles) != 1 || info.MediaRoot != "" {
		t.Errorf("followed an include() not from split_settings: %q", info.SettingsFiles)
	}
}

func TestSplitSettingsMissingInclude(t *testing.T) {
	info := readMap(t, "proj.settings",
		"proj/settings.py", "from split_settings.tools import include\ninclude('gone.py')\n")
	if !hasNote(info, "cannot find proj/gone.py, which the settings include here") {
		t.Errorf("no note for the missing include: %v", info.Notes)
	}
}

func TestWSGIAtImportRoot(t *testing.T) {
	info := readMap(t, "settings",
		"settings.py", "DEBUG = False\n",
		"wsgi.py", "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n")
	if info.WSGIApplication == nil || *info.WSGIApplication != "wsgi:application" || info.WSGIApplicationSource != "wsgi.py:2" {
		t.Errorf("wsgi application = %v at %s, want wsgi:application at wsgi.py:2", info.WSGIApplication, info.WSGIApplicationSource)
	}
}

func TestClassSettingsLoader(t *testing.T) {
	info := readMap(t, "proj.settings.docker",
		"proj/settings/__init__.py", "",
		"proj/settings/base.py", `import os
from proj.core import Settings


class BaseSettings(Settings):
    DEBUG = True
    SITE_ROOT = os.path.dirname(os.path.abspath(__file__))
    STATIC_ROOT = os.path.join(SITE_ROOT, "static")
    MEDIA_ROOT = os.path.join(SITE_ROOT, "media/")

    @property
    def DATABASES(self):
        return {"default": {"ENGINE": "django.db.backends.sqlite3"}}
`,
		"proj/settings/docker.py", `import os
from .base import BaseSettings


class DockerSettings(BaseSettings):
    DEBUG = bool(os.environ.get("APP_DEBUG", False))
    MEDIA_ROOT = os.path.join(BaseSettings.SITE_ROOT, "uploads")

    @property
    def DATABASES(self):
        return {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": os.environ.get("DB_HOST", "db")}}

    def helper(self):
        return {"default": {"ENGINE": "django.db.backends.mysql"}}


DockerSettings.load_settings(__name__)
`,
		"proj/core.py", "class Settings:\n    @classmethod\n    def load_settings(cls, name):\n        pass\n",
	)
	if info.Database != "postgres" || info.DatabaseSource != "proj/settings/docker.py:11" {
		t.Errorf("database = %q at %s, want postgres from the subclass's property", info.Database, info.DatabaseSource)
	}
	if !info.StaticRoot || info.StaticRootSource != "proj/settings/base.py:8" {
		t.Errorf("static root %v at %s, want the base class's", info.StaticRoot, info.StaticRootSource)
	}
	if info.MediaRoot != "uploads" || info.DebugEnv != "APP_DEBUG" {
		t.Errorf("media root %q, debug env %q: the subclass does not override its base", info.MediaRoot, info.DebugEnv)
	}
}

func TestDjangoConfigurations(t *testing.T) {
	fsys := mapFS(
		"manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\nos.environ.setdefault('DJANGO_CONFIGURATION', 'Dev')\n",
		"proj/settings.py", `from configurations import Configuration, values


class Common(Configuration):
    SECRET_KEY = values.SecretValue()
    DEBUG = values.BooleanValue(False)
    DATABASES = values.DatabaseURLValue("sqlite:///db.sqlite3")
    STATIC_ROOT = "/srv/static"


class Dev(Common):
    DEBUG = True


class Prod(Common):
    DATABASES = values.DatabaseURLValue("postgres://localhost/app", environ_name="APP_DB_URL")
    MEDIA_ROOT = values.Value("/srv/media", environ_prefix="APP")
`)
	info, err := Read(fsys, "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	if info.Database != "postgres" || info.DatabaseURLEnv != "APP_DB_URL" {
		t.Errorf("database %q from $%s, want postgres from $APP_DB_URL (class Prod)", info.Database, info.DatabaseURLEnv)
	}
	if info.DebugEnv != "DJANGO_DEBUG" || info.SecretKeyEnv != "DJANGO_SECRET_KEY" {
		t.Errorf("debug env %q, secret key env %q, want DJANGO_DEBUG and DJANGO_SECRET_KEY", info.DebugEnv, info.SecretKeyEnv)
	}
	if info.MediaRoot != "media" || !info.StaticRoot {
		t.Errorf("media root %q, static root %v", info.MediaRoot, info.StaticRoot)
	}
	if !hasNote(info, "read class Prod (the class named for production)") {
		t.Errorf("no note on the class chosen: %v", info.Notes)
	}

	// Without a production class, DJANGO_CONFIGURATION's default names it.
	fsys["proj/settings.py"].Data = []byte(strings.Replace(string(fsys["proj/settings.py"].Data), "class Prod(Common)", "class Staging(Common)", 1))
	if info, err = Read(fsys, "manage.py"); err != nil {
		t.Fatal(err)
	}
	if info.Database != "sqlite" || !hasNote(info, "read class Dev (DJANGO_CONFIGURATION's default at manage.py:2)") {
		t.Errorf("database %q, notes %v: want class Dev", info.Database, info.Notes)
	}
}

func TestConfigurationObjectValues(t *testing.T) {
	info := readMap(t, "app.settings",
		"app/__init__.py", "",
		"app/conf.py", "class Config(dict):\n    defaults = {'DB_ENGINE': 'mysql', 'HOSTS': ['a.example']}\n\nCONFIG = Config()\n",
		"app/settings.py", `import environ
from .conf import CONFIG

root = environ.Path(__file__) - 2
env = environ.Env(APP_DEBUG=(bool, False), APP_MEDIA=(str, root("files")), APP_SECRET=(str, ""))
configuration = load()

SECRET_KEY = env("APP_SECRET")
DEBUG = env.bool("APP_DEBUG")
ALLOWED_HOSTS = CONFIG.HOSTS
DATABASES = {"default": {"ENGINE": "django.db.backends." + CONFIG.get("DB_ENGINE")}}
MEDIA_ROOT = getattr(configuration, "MEDIA_ROOT", env("APP_MEDIA")).rstrip("/")
STATIC_ROOT = getattr(configuration, "STATIC_ROOT")
`)
	if info.MediaRoot != "files" || info.MediaRootSource != "app/settings.py:12" {
		t.Errorf("media root %q at %s, want files (getattr default, then the schema default through Path)", info.MediaRoot, info.MediaRootSource)
	}
	if info.DebugEnv != "APP_DEBUG" || info.SecretKeyEnv != "APP_SECRET" {
		t.Errorf("debug env %q, secret key env %q", info.DebugEnv, info.SecretKeyEnv)
	}
	if len(info.AllowedHosts) != 1 || info.AllowedHosts[0] != "a.example" {
		t.Errorf("allowed hosts %q, want CONFIG's default", info.AllowedHosts)
	}
	for _, r := range info.EnvReads {
		if r.Name == "APP_DEBUG" && (!r.HasDefault || r.Required) {
			t.Errorf("env(\"APP_DEBUG\") has the schema's default: %+v", r)
		}
	}
	if !hasNote(info, "configuration object configuration with getattr()") || !hasNote(info, "settings read from CONFIG take the defaults declared here") {
		t.Errorf("notes do not name the configuration objects: %v", info.Notes)
	}
}

func TestClassLoaderOutsideProject(t *testing.T) {
	// A call with __name__ on a class the project does not hold is not a settings loader.
	info := readMap(t, "proj.settings",
		"proj/settings.py", "from vendor import Registry\nDEBUG = False\nRegistry.register(__name__)\n")
	if hasNote(info, "attributes of class") || info.DebugSource != "proj/settings.py:2" {
		t.Errorf("read Registry as settings: %v", info.Notes)
	}
}
