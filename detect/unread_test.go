package detect_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/samples"
)

func TestRedisNobodyReads(t *testing.T) {
	manage := "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n"
	tests := []struct {
		name, settings, requirements string
		redis                        bool
	}{
		{"declared, read by nothing", `CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}`, "django\nredis\n", false},
		{"a prefixed variable", `import os
SESSION_REDIS = os.environ.get("APPNAME_REDIS", "redis://localhost:6379/2")`, "django\nredis\n", true},
		{"celery without a readable broker", `INSTALLED_APPS = []`, "django\nredis\ncelery\n", true},
		{"celery on rabbitmq", `CELERY_BROKER_URL = "amqp://guest@rabbit//"`, "django\nredis\ncelery\n", false},
		{"a cache that cannot be read", `CACHES = make_caches()`, "django\ndjango-redis\n", true},
		{"the cache", `CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://r:6379"}}`, "django\ndjango-redis\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"manage.py":        {Data: []byte(manage)},
				"proj/__init__.py": {},
				"proj/settings.py": {Data: []byte(tt.settings + "\n")},
				"requirements.txt": {Data: []byte(tt.requirements)},
			}
			p, err := detect.Detect(fsys, "p")
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(p.Services, detect.ServiceRedis); got != tt.redis {
				t.Errorf("redis started = %v, want %v (services %v, warnings %v)", got, tt.redis, p.Services, p.Warnings)
			}
			warned := slices.ContainsFunc(p.Warnings, func(f detect.Finding) bool { return f.Name == "redis-unread" })
			if warned == tt.redis {
				t.Errorf("redis-unread warning = %v with redis started = %v", warned, tt.redis)
			}
		})
	}
}

// TestDotEnvTracked reads .git/index as git writes it, in index versions 2 and 4.
func TestDotEnvTracked(t *testing.T) {
	for _, version := range []string{"2", "3", "4"} {
		t.Run("v"+version, func(t *testing.T) {
			dir := t.TempDir()
			run := func(args ...string) { samples.Git(t, dir, args...) }
			for _, f := range []string{"a/deep/.env", "manage.py", ".envrc", "zz.txt"} {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), []byte("x\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			run("init", "-q")
			run("add", ".")
			run("update-index", "--index-version", version)
			detectDir := func() *detect.Project {
				fsys, err := detect.Dir(dir)
				if err != nil {
					t.Fatal(err)
				}
				p, err := detect.Detect(fsys, dir)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			tracked := func() bool { return detectDir().DotEnvTracked }
			if tracked() {
				t.Error("a .env in a subfolder and .envrc count as the root's .env")
			}
			if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("A=1\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if tracked() {
				t.Error(".env is tracked before git add")
			}
			run("add", ".env")
			run("update-index", "--index-version", version)
			if !tracked() {
				t.Error(".env is in the index but not reported as tracked")
			}

			// A settings module git does not track is warned about; a tracked one is not.
			for f, data := range map[string]string{
				"manage.py":              "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n",
				"proj/__init__.py":       "",
				"proj/settings.py":       "SECRET_KEY = 'x'\nfrom .local_settings import *\n",
				"proj/local_settings.py": "DEBUG = True\n",
				"requirements.txt":       "django\n",
			} {
				if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, f), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			run("add", "manage.py", "proj/__init__.py", "proj/settings.py", "requirements.txt")
			run("update-index", "--index-version", version)
			p := detectDir()
			var untracked []string
			for _, w := range p.Warnings {
				if w.Name == "untracked-settings" {
					untracked = append(untracked, w.Source)
				}
			}
			if len(untracked) != 1 || untracked[0] != "proj/local_settings.py" {
				t.Errorf("untracked settings warned about: %q, want proj/local_settings.py (settings %v, warnings %v, env tracked %v)", untracked, p.Django.SettingsFiles, p.Warnings, p.DotEnvTracked)
			}
		})
	}
}
