package django

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestRoleOf(t *testing.T) {
	for mod, want := range map[string]string{
		"proj.settings.production": RoleProduction, "proj.settings.prod": RoleProduction,
		"proj.settings.product": RoleProduction, "proj.settings.live": RoleProduction,
		"proj.settings.deploy": RoleProduction, "proj.settings_prod": RoleProduction,
		"proj.prod_settings": RoleProduction, "proj.settings.dev": RoleDevelopment,
		"proj.settings.devel": RoleDevelopment, "proj.settings.develop": RoleDevelopment,
		"proj.settings.development": RoleDevelopment, "proj.settings.local": RoleDevelopment,
		"proj.settings_dev": RoleDevelopment, "proj.dev_settings": RoleDevelopment,
		"proj.settings.test": RoleTest, "proj.settings.testing": RoleTest,
		"proj.settings.base": RoleBase, "proj.settings.common": RoleBase,
		"proj.settings": RoleUnknown, "proj.settings.staging": RoleUnknown,
	} {
		if got := roleOf(mod); got != want {
			t.Errorf("roleOf(%s) = %s, want %s", mod, got, want)
		}
	}
}

// TestRanking pins the documented order: role, then named by a server or deployment file,
// then by manage.py, then the name.
func TestRanking(t *testing.T) {
	c := func(mod string, served, managed bool) candidate {
		return candidate{SettingsCandidate: SettingsCandidate{Module: mod, Role: roleOf(mod)}, served: served, managed: managed}
	}
	cands := []candidate{
		c("p.settings.test", true, true),
		c("p.settings.dev", true, true),
		c("p.settings.base", false, false),
		c("p.settings", false, true),
		c("p.settings.staging", true, false),
		c("p.settings.prod", false, false),
		c("p.settings.live", false, false),
		c("p.settings.production", true, false),
		c("p.settings_prod", false, true),
	}
	slices.SortStableFunc(cands, compareCandidates)
	var got []string
	for _, x := range cands {
		got = append(got, x.Module)
	}
	want := []string{
		"p.settings.production", // production, served
		"p.settings_prod",       // production, managed
		"p.settings.live",       // production, by name
		"p.settings.prod",
		"p.settings.staging", // unknown, served
		"p.settings",         // unknown, managed
		"p.settings.base",
		"p.settings.dev",
		"p.settings.test",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ranking:\n got %q\nwant %q", got, want)
	}
}

func TestSettingsEvidenceFile(t *testing.T) {
	for p, want := range map[string]bool{
		"Procfile": true, "Procfile.dev": true, "Dockerfile": true, "docker/Dockerfile.prod": true,
		"web.dockerfile": true, "docker-compose.yml": true, "compose.production.yaml": true,
		"scripts/deploy.sh": true, "entrypoint": true, "docker/start-web": true, "bin/run": true,
		".env.example": true, ".envs/.production/.django": true, "app.json": true, "render.yaml": true,
		"fly.toml": true, ".env": false, "Dockerfile.bak": false, "Procfile~": false, "settings.py": false, "README.md": false, "compose.txt": false,
	} {
		if got := SettingsEvidenceFile(p); got != want {
			t.Errorf("SettingsEvidenceFile(%s) = %v, want %v", p, got, want)
		}
	}
}

const candManage = "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'p.settings.dev')\n"

// settingsTree is a settings package whose modules set a core setting, so they count.
func settingsTree(files ...string) []string {
	return append([]string{
		"manage.py", candManage,
		"p/__init__.py", "",
		"p/settings/__init__.py", "",
		"p/settings/base.py", "DEBUG = False\nINSTALLED_APPS = ['base']\n",
		"p/settings/dev.py", "from .base import *\nDEBUG = True\n",
	}, files...)
}

func modulesOf(cands []SettingsCandidate) (mods []string, chosen string) {
	for _, c := range cands {
		mods = append(mods, c.Module+":"+c.Role)
		if c.Chosen {
			chosen = c.Module
		}
	}
	return mods, chosen
}

// TestModuleCopiedIntoImage: a settings module a Dockerfile names that exists only in the
// image, copied there from a file of the project, is a candidate read from that file, and
// the notes say so.
func TestModuleCopiedIntoImage(t *testing.T) {
	files := []string{
		"manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'settings.common')\n",
		"settings/__init__.py", "",
		"settings/common.py", "DEBUG = True\nSECRET_KEY = 'django-insecure-x'\n",
		"docker/config.py", "import os\nfrom .common import *\nSECRET_KEY = os.getenv('APP_SECRET_KEY')\n",
		"docker/Dockerfile", "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN cp docker/config.py settings/config.py\nENV DJANGO_SETTINGS_MODULE=settings.config\n",
	}
	info, err := ReadWith(mapFS(files...), "manage.py", ReadOptions{Files: []string{"docker/Dockerfile"}})
	if err != nil {
		t.Fatal(err)
	}
	mods, chosen := modulesOf(info.SettingsCandidates)
	if want := []string{"settings.config:unknown", "settings.common:base"}; !reflect.DeepEqual(mods, want) || chosen != "settings.config" {
		t.Fatalf("candidates %q, chosen %s; want %q, chosen settings.config", mods, chosen, want)
	}
	if ev := info.SettingsCandidates[0].Evidence; !reflect.DeepEqual(ev, []string{"docker/Dockerfile:5", "docker/Dockerfile:4"}) {
		t.Errorf("evidence %q, want the ENV line then the copy", ev)
	}
	if info.SecretKeyEnv != "APP_SECRET_KEY" || !slices.Contains(info.SettingsFiles, "settings/common.py") {
		t.Errorf("read %q with secret key env %q: want docker/config.py read as settings.config, its relative import too", info.SettingsFiles, info.SecretKeyEnv)
	}
	if n := notes(info); !strings.Contains(n, "settings.config exists only in the image: the Dockerfile copies docker/config.py to settings/config.py") {
		t.Errorf("notes do not say where settings.config comes from:\n%s", n)
	}
}

func TestCandidatesFromDeploymentFiles(t *testing.T) {
	tests := []struct {
		name   string
		files  []string
		want   []string
		chosen string
		src    string
	}{
		{"production beside development", settingsTree("p/settings/production.py", "from .base import *\n"),
			[]string{"p.settings.production:production", "p.settings.base:base", "p.settings.dev:development"},
			"p.settings.production", "p/settings/production.py"},
		{"no production: base before development", settingsTree(),
			[]string{"p.settings.base:base", "p.settings.dev:development"}, "p.settings.base", "p/settings/base.py"},
		{"a module beside that is not settings is no candidate", settingsTree("p/settings/live.py", "def helper():\n    pass\n"),
			[]string{"p.settings.base:base", "p.settings.dev:development"}, "p.settings.base", "p/settings/base.py"},
		{"Procfile and --settings", settingsTree("p/settings/heroku.py", "from .base import *\n",
			"Procfile", "release: python manage.py migrate --settings=p.settings.heroku\nweb: gunicorn p.wsgi\n"),
			[]string{"p.settings.heroku:unknown", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.heroku", "Procfile:1"},
		{"Dockerfile ENV, old form", settingsTree("p/settings/live.py", "from .base import *\n",
			"Dockerfile", "FROM python:3.12\nENV DJANGO_SETTINGS_MODULE p.settings.live\n"),
			[]string{"p.settings.live:production", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.live", "Dockerfile:2"},
		{"compose environment list and map", settingsTree("p/settings/prod.py", "from .base import *\n", "p/settings/staging.py", "from .base import *\n",
			"docker-compose.yml", "services:\n  web:\n    environment:\n      - DJANGO_SETTINGS_MODULE=p.settings.prod\n",
			"compose.staging.yaml", "services:\n  web:\n    environment:\n      DJANGO_SETTINGS_MODULE: p.settings.staging\n"),
			[]string{"p.settings.prod:production", "p.settings.staging:unknown", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.prod", "docker-compose.yml:4"},
		{"render.yaml key then value, app.json nested value", settingsTree("p/settings/prod.py", "from .base import *\n",
			"render.yaml", "services:\n  - type: web\n    envVars:\n      - key: DJANGO_SETTINGS_MODULE\n        value: p.settings.prod\n",
			"app.json", "{\"env\": {\"DJANGO_SETTINGS_MODULE\": {\n  \"value\": \"p.settings.prod\"}}}\n"),
			[]string{"p.settings.prod:production", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.prod", "app.json:2"},
		{"a development file's module is development", settingsTree("p/settings/docker.py", "from .base import *\n",
			"Dockerfile.dev", "ENV DJANGO_SETTINGS_MODULE=p.settings.docker\n"),
			[]string{"p.settings.base:base", "p.settings.dev:development", "p.settings.docker:development"}, "p.settings.base", "p/settings/base.py"},
		{"a file containerize wrote is not evidence", settingsTree("p/settings/live.py", "from .base import *\n",
			"Dockerfile", "# Dockerfile for p, written by containerize from requirements.txt.\nENV DJANGO_SETTINGS_MODULE=p.settings.base\n"),
			[]string{"p.settings.live:production", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.live", "p/settings/live.py"},
		{"start script export, comment and prose ignored", settingsTree("p/settings/prod.py", "from .base import *\n",
			"bin/start", "#!/bin/sh\n# export DJANGO_SETTINGS_MODULE=p.settings.base\nexport DJANGO_SETTINGS_MODULE=p.settings.prod\necho \"DJANGO_SETTINGS_MODULE is $DJANGO_SETTINGS_MODULE\"\n"),
			[]string{"p.settings.prod:production", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.prod", "bin/start:3"},
		{"shell default", settingsTree("p/settings/prod.py", "from .base import *\n",
			"entrypoint.sh", "#!/bin/sh\nexport DJANGO_SETTINGS_MODULE=\"${DJANGO_SETTINGS_MODULE:-p.settings.prod}\"\n"),
			[]string{"p.settings.prod:production", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.prod", "entrypoint.sh:2"},
		{"two production modules", settingsTree("p/settings/production.py", "from .base import *\n", "p/settings/prod.py", "from .base import *\n",
			"Procfile", "web: DJANGO_SETTINGS_MODULE=p.settings.prod gunicorn p.wsgi\n"),
			[]string{"p.settings.prod:production", "p.settings.production:production", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.prod", "Procfile:1"},
		{"an example or template file is never a candidate", settingsTree("p/settings/production.example.py", "from .base import *\n",
			"p/settings/production_template.py", "from .base import *\n", "p/settings/settings_sample.py", "from .base import *\n"),
			[]string{"p.settings.base:base", "p.settings.dev:development"}, "p.settings.base", "p/settings/base.py"},
		{"an example or template file in an empty settings package is never a candidate", []string{
			"manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'p.settings')\n",
			"p/__init__.py", "", "p/settings/__init__.py", "",
			"p/settings/base.py", "DEBUG = False\nINSTALLED_APPS = ['base']\n",
			"p/settings/production.example.py", "from .base import *\n",
			"p/settings/local_template.py", "from .base import *\n"},
			[]string{"p.settings.base:base"}, "p.settings.base", "p/settings/base.py"},
		{"a sibling that star-imports the module manage.py names, outside a settings package", []string{
			"manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.django.base')\n",
			"config/__init__.py", "", "config/env.py", "env = None\n", "config/django/__init__.py", "",
			"config/django/base.py", "DEBUG = False\n",
			"config/django/production.py", "from config.env import env\nfrom .base import *  # noqa\nSECRET_KEY = env('SECRET_KEY')\n",
			"config/django/test.py", "from config.django.base import *\n",
			"config/django/live.py", "from config.env import *\n"},
			[]string{"config.django.production:production", "config.django.base:base", "config.django.test:test"}, "config.django.production", "config/django/production.py"},
		{"a module a Dockerfile is named for; RUN's build-step module is not served", settingsTree("p/settings/cabotage.py", "from p.settings.base import *\n",
			"p/settings/static.py", "from p.settings.base import *\n",
			"Dockerfile.cabotage", "FROM python:3.12\nRUN DJANGO_SETTINGS_MODULE=p.settings.static python manage.py collectstatic --noinput\n"),
			[]string{"p.settings.cabotage:unknown", "p.settings.static:unknown", "p.settings.base:base", "p.settings.dev:development"}, "p.settings.cabotage", "Dockerfile.cabotage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := mapFS(tt.files...)
			var files []string
			for i := 0; i < len(tt.files); i += 2 {
				files = append(files, tt.files[i])
			}
			slices.Sort(files)
			info, err := ReadWith(fsys, "manage.py", ReadOptions{Files: files})
			if err != nil {
				t.Fatal(err)
			}
			mods, chosen := modulesOf(info.SettingsCandidates)
			if !reflect.DeepEqual(mods, tt.want) || chosen != tt.chosen {
				t.Errorf("candidates %q, chosen %s; want %q, chosen %s", mods, chosen, tt.want, tt.chosen)
			}
			if info.SettingsModule != tt.chosen || info.SettingsModuleSource != tt.src {
				t.Errorf("settings module %s (%s), want %s (%s)", info.SettingsModule, info.SettingsModuleSource, tt.chosen, tt.src)
			}
			if n := notes(info); strings.Contains(n, "not in the project") {
				t.Errorf("a module that is not one was taken from the files:\n%s", n)
			}
		})
	}
}

func TestReadWithOverride(t *testing.T) {
	fsys := mapFS(settingsTree("p/settings/production.py", "from .base import *\nDEBUG = False\n", "p/settings/staging.py", "from .base import *\n")...)
	info, err := ReadWith(fsys, "manage.py", ReadOptions{Settings: "p.settings.dev"})
	if err != nil {
		t.Fatal(err)
	}
	if !info.DebugHardcoded || info.SettingsModule != "p.settings.dev" || info.SettingsFiles[0] != "p/settings/dev.py" {
		t.Errorf("override p.settings.dev: module %s, files %q, debug %v", info.SettingsModule, info.SettingsFiles, info.DebugHardcoded)
	}
	if _, chosen := modulesOf(info.SettingsCandidates); chosen != "p.settings.dev" {
		t.Errorf("chosen %s, want p.settings.dev", chosen)
	}
	// A module nothing names is still the user's to choose, and joins the candidates.
	info, err = ReadWith(fsys, "manage.py", ReadOptions{Settings: "p.settings.staging"})
	if err != nil {
		t.Fatal(err)
	}
	if mods, chosen := modulesOf(info.SettingsCandidates); chosen != "p.settings.staging" || mods[len(mods)-1] != "p.settings.staging:unknown" {
		t.Errorf("candidates %q, chosen %s", mods, chosen)
	}

	for mod, want := range map[string]string{
		"p.settings.nope": "settings module p.settings.nope is not in the project (no p/settings/nope.py); the project's settings modules: p.settings.production, p.settings.base, p.settings.dev",
		"p.settings":      "is a package whose p/settings/__init__.py is empty",
	} {
		_, err := ReadWith(fsys, "manage.py", ReadOptions{Settings: mod})
		var unknown *UnknownModuleError
		if !errors.As(err, &unknown) || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadWith(%s): err = %v, want an UnknownModuleError containing %q", mod, err, want)
		}
	}
}

func TestOnlyCommentsOrDocstring(t *testing.T) {
	for src, want := range map[string]bool{
		"":                                   true,
		"# nothing\n\n":                      true,
		"\"\"\"Doc.\n\nMore.\n\"\"\"\n# c\n": true,
		"'one line'\n":                       true,
		"\"\"\"Doc.\"\"\"\nfrom .base import *\n": false,
		"X = 1\n": false,
	} {
		if got := onlyCommentsOrDocstring([]byte(src)); got != want {
			t.Errorf("onlyCommentsOrDocstring(%q) = %v, want %v", src, got, want)
		}
	}
}
