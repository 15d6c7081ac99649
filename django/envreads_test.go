package django

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEnvReads(t *testing.T) {
	settings := `import os
import environ
env = environ.Env(DEBUG=(bool, False), HOSTS=list)
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("HOSTS")
APP_REDIS = env("APPNAME_REDIS")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": APP_REDIS}}
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": os.environ["SQL_HOST"], "PORT": os.getenv("SQL_PORT", "5432")}}
if os.environ.get("SENTRY"):
    SENTRY_DSN = os.environ["SENTRY_DSN"]
STRIPE_KEY = os.environ.get("STRIPE_KEY")
WORKERS = int(os.getenv("APP_WORKERS", "4"))
CSRF_TRUSTED_ORIGINS = os.environ.get("APP_ORIGINS").split(" ")
TIMEOUT = int(os.getenv("APP_TIMEOUT"))
`
	info, err := Read(project(settings), "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]EnvRead{
		"DJANGO_SECRET_KEY": {Setting: "SECRET_KEY", Kind: "secret", Required: true},
		"DEBUG":             {Setting: "DEBUG", Kind: "bool", HasDefault: true, Default: "False"},
		"HOSTS":             {Setting: "ALLOWED_HOSTS", Kind: "list", Required: true},
		"APPNAME_REDIS":     {Setting: "CACHES", Kind: "url", Service: "redis", Required: true},
		"SQL_HOST":          {Setting: "DATABASES", Key: "HOST", Kind: "string", Service: "database", Required: true},
		"SQL_PORT":          {Setting: "DATABASES", Key: "PORT", Kind: "int", Service: "database", HasDefault: true, Default: "5432"},
		"SENTRY_DSN":        {Setting: "SENTRY_DSN", Kind: "secret"}, // inside an if: not required at import
		"STRIPE_KEY":        {Setting: "STRIPE_KEY", Kind: "secret", HasDefault: true},
		"APP_WORKERS":       {Setting: "WORKERS", Kind: "int", HasDefault: true, Default: "4"}, // the kind from the cast around the read
		// None has no .split, and int(None) raises: both fail at import when unset.
		"APP_ORIGINS": {Setting: "CSRF_TRUSTED_ORIGINS", Kind: "list", HasDefault: true, Required: true},
		"APP_TIMEOUT": {Setting: "TIMEOUT", Kind: "int", HasDefault: true, Required: true},
	}
	for _, e := range info.EnvReads {
		if e.Source == "" {
			t.Errorf("%s has no source", e.Name)
		}
		g := e
		g.Name, g.Source = "", ""
		if w, ok := want[e.Name]; !ok || g != w {
			t.Errorf("%s: got %+v, want %+v", e.Name, g, w)
		}
	}
	if len(info.EnvReads) != len(want) {
		t.Errorf("got %d reads, want %d: %+v", len(info.EnvReads), len(want), info.EnvReads)
	}
	var required []string
	for _, e := range info.RequiredEnv() {
		required = append(required, e.Name)
	}
	if got, want := fmt.Sprint(required), "[APPNAME_REDIS APP_ORIGINS APP_TIMEOUT DJANGO_SECRET_KEY HOSTS SQL_HOST]"; got != want {
		t.Errorf("RequiredEnv = %s, want %s", got, want)
	}
}

func TestMissingModules(t *testing.T) {
	fsys := project(`SECRET_KEY = "x"
from .local_settings import *
try:
    from .dev_overrides import *
except ImportError:
    pass
`, "proj/local_settings.py.example", "DEBUG = True\n")
	info, err := Read(fsys, "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	want := []MissingModule{{Module: "proj.local_settings", File: "proj/local_settings.py", Example: "proj/local_settings.py.example", Source: "proj/settings.py:2"}}
	if fmt.Sprint(info.MissingModules) != fmt.Sprint(want) {
		t.Errorf("MissingModules = %+v, want %+v", info.MissingModules, want)
	}
	if !hasNote(info, "cp proj/local_settings.py.example proj/local_settings.py") {
		t.Errorf("no note with the fix: %+v", info.Notes)
	}

	// Present, the module is read, not reported.
	fsys["proj/local_settings.py"] = &fstest.MapFile{Data: []byte("DEBUG = False\n")}
	if info, err = Read(fsys, "manage.py"); err != nil {
		t.Fatal(err)
	}
	if len(info.MissingModules) != 0 {
		t.Errorf("MissingModules = %+v with the module present", info.MissingModules)
	}
}

func hasNote(info *Info, s string) bool {
	for _, n := range info.Notes {
		if strings.Contains(n.Message, s) {
			return true
		}
	}
	return false
}

func TestEnvReadsNested(t *testing.T) {
	info, err := Read(project(`import os
REDIS_URL = os.environ.get("REDIS_TLS_URL", os.environ.get("REDIS_URL"))
`), "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range info.EnvReads {
		names = append(names, e.Name+":"+e.Service)
	}
	if got := fmt.Sprint(names); got != "[REDIS_TLS_URL:redis REDIS_URL:redis]" {
		t.Errorf("reads = %s", got)
	}
}
