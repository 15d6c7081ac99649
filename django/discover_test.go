package django

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func mapFS(files ...string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for i := 0; i+1 < len(files); i += 2 {
		fsys[files[i]] = &fstest.MapFile{Data: []byte(files[i+1])}
	}
	return fsys
}

func TestSettingsModuleDiscovery(t *testing.T) {
	tests := []struct {
		name           string
		fsys           fstest.MapFS
		module, source string
		files          []string
		note           string
	}{
		{"os.environ assignment", mapFS("manage.py", "os.environ['DJANGO_SETTINGS_MODULE'] = 'a.settings'\n", "a/settings.py", "X = 1\n"),
			"a.settings", "manage.py:1", []string{"a/settings.py"}, ""},
		{"through a variable", mapFS("manage.py", "SETTINGS = 'a.settings'\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', SETTINGS)\n", "a/settings.py", ""),
			"a.settings", "manage.py:2", []string{"a/settings.py"}, ""},
		{"env default", mapFS("manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', os.environ.get('SETTINGS', 'a.settings'))\n", "a/settings.py", ""),
			"a.settings", "manage.py:1", []string{"a/settings.py"}, "defaults to a.settings when $SETTINGS is unset"},
		{"unreadable value falls back to wsgi.py", mapFS(
			"manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', f'{PROJECT}.settings')\n",
			"a/wsgi.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'a.settings')\n", "a/settings.py", ""),
			"a.settings", "a/wsgi.py:1", []string{"a/settings.py"}, "cannot be read without running the code"},
		{"only asgi.py", mapFS("manage.py", "main()\n",
			"a/asgi.py", "os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"a.settings\")\n", "a/settings.py", ""),
			"a.settings", "a/asgi.py:1", []string{"a/settings.py"}, ""},
		{"choice in manage.py prefers production", mapFS("manage.py", `if os.environ.get("PROD"):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "a.settings.dev")
else:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "a.settings.production")
`, "a/settings/production.py", ""),
			"a.settings.production", "manage.py:4", []string{"a/settings/production.py"}, "set to a.settings.dev, a.settings.production in different places"},
		{"development settings only", mapFS("manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'a.settings.local')\n", "a/settings/local.py", ""),
			"a.settings.local", "manage.py:1", []string{"a/settings/local.py"}, "holds development settings and no production module was found"},
		{"guess from layout", mapFS("manage.py", "", "docs/readme.txt", "", "site/settings/__init__.py", "DEBUG = True\n"),
			"site.settings", "site/settings/__init__.py", []string{"site/settings/__init__.py"}, "guessed site.settings"},
		{"nothing to guess", mapFS("manage.py", "", "a/models.py", ""),
			"", "", []string{}, "no settings module was found"},
		{"missing settings file", mapFS("manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'gone.settings')\n"),
			"gone.settings", "manage.py:1", []string{}, "settings module gone.settings not found"},
		{"manage.py in a subfolder", mapFS("backend/manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'a.settings')\n", "backend/a/settings.py", "", "a/settings.py", ""),
			"a.settings", "backend/manage.py:1", []string{"backend/a/settings.py"}, ""},
		{"sys.path.append folder", mapFS("manage.py", "sys.path.append(os.path.join(BASE_DIR, 'apps'))\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'core.settings')\n", "apps/core/settings.py", ""),
			"core.settings", "manage.py:2", []string{"apps/core/settings.py"}, ""},
		{"src folder without sys.path", mapFS("manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'core.settings')\n", "src/core/settings.py", ""),
			"core.settings", "manage.py:1", []string{"src/core/settings.py"}, ""},
		{"path outside the tree is ignored", mapFS("manage.py", "sys.path.insert(0, '../../etc')\nsys.path.insert(0, '/abs')\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'a.settings')\n", "a/settings.py", ""),
			"a.settings", "manage.py:3", []string{"a/settings.py"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mp := "manage.py"
			if _, ok := tt.fsys[mp]; !ok {
				mp = "backend/manage.py"
			}
			info, err := Read(tt.fsys, mp)
			if err != nil {
				t.Fatal(err)
			}
			if info.SettingsModule != tt.module || info.SettingsModuleSource != tt.source {
				t.Errorf("settings module %q from %q, want %q from %q", info.SettingsModule, info.SettingsModuleSource, tt.module, tt.source)
			}
			if !reflect.DeepEqual(info.SettingsFiles, tt.files) {
				t.Errorf("settings files %q, want %q", info.SettingsFiles, tt.files)
			}
			if tt.note != "" && !strings.Contains(notes(info), tt.note) {
				t.Errorf("no note contains %q; notes:\n%s", tt.note, notes(info))
			}
		})
	}
}

func TestSettingsPackages(t *testing.T) {
	manage := "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
	tests := []struct {
		name  string
		fsys  fstest.MapFS
		files []string
		want  map[string]string
		note  string
	}{
		{"empty __init__ is never the answer: its production module is", mapFS("manage.py", manage,
			"config/settings/__init__.py", "",
			"config/settings/base.py", "DEBUG = True\nINSTALLED_APPS = ['a']\nDATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3'}}\n",
			"config/settings/production.py", "from .base import *\nDEBUG = False\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n",
			"config/settings/dev.py", "from .base import *\nINSTALLED_APPS += ['dev']\n"),
			[]string{"config/settings/production.py", "config/settings/base.py"},
			map[string]string{"debug_hardcoded": "false", "database": `"postgres"`, "installed_apps": `["a"]`,
				"settings_module": `"config.settings.production"`},
			"config.settings (named at manage.py:1) is a package whose __init__.py is empty"},
		{"__init__ choosing by env var, prod.py, common.py", mapFS("manage.py", manage,
			"config/settings/__init__.py", "import os\nENV = os.environ.get('ENV', 'dev')\nif ENV == 'dev':\n    from .dev import *\n",
			"config/settings/common.py", "SECRET_KEY = 'x'\n",
			"config/settings/prod.py", "SECRET_KEY = os.environ['SECRET_KEY']\n"),
			[]string{"config/settings/__init__.py", "config/settings/common.py", "config/settings/prod.py"},
			map[string]string{"secret_key_hardcoded": "false", "secret_key_source": `"config/settings/prod.py:1"`},
			""},
		{"absolute star import, read first", mapFS("manage.py", manage,
			"config/settings/__init__.py", "DEBUG = False\nfrom config.settings.base import *\nSTATIC_URL = '/s/'\n",
			"config/settings/base.py", "DEBUG = True\nSTATIC_URL = '/static/'\n"),
			[]string{"config/settings/__init__.py", "config/settings/base.py"},
			map[string]string{"debug_hardcoded": "true", "debug_source": `"config/settings/base.py:1"`, "static_url": `"/s/"`},
			""},
		{"star import cycle", mapFS("manage.py", manage,
			"config/settings/__init__.py", "from .a import *\n",
			"config/settings/a.py", "from .b import *\nDEBUG = True\n",
			"config/settings/b.py", "from .a import *\nfrom config.settings import *\nSECRET_KEY = 'k'\n"),
			[]string{"config/settings/__init__.py", "config/settings/a.py", "config/settings/b.py"},
			map[string]string{"debug_hardcoded": "true", "secret_key_hardcoded": "true"},
			""},
		{"missing star import", mapFS("manage.py", manage,
			"config/settings/__init__.py", "from .base import *\nfrom config.missing import *\nfrom django.conf.global_settings import *\nfrom ... import *\n"),
			[]string{"config/settings/__init__.py"},
			map[string]string{},
			"cannot find config.settings.base"},
		{"relative import above the top", mapFS("manage.py", manage,
			"config/settings/__init__.py", "from .... import *\n"),
			[]string{"config/settings/__init__.py"},
			map[string]string{},
			"reaches above the top-level package"},
		{"settings package without anything", mapFS("manage.py", manage, "config/settings/__init__.py", "# nothing\n"),
			[]string{"config/settings/__init__.py"},
			map[string]string{},
			"has no base.py or production.py"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Read(tt.fsys, "manage.py")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(info.SettingsFiles, tt.files) {
				t.Errorf("settings files %q, want %q", info.SettingsFiles, tt.files)
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
		})
	}
}

// failFS fails to read one file, as a permission problem would.
// Only Open is implemented, so that fs.ReadFile, fs.Stat and fs.ReadDir all go through it.
type failFS struct {
	files fstest.MapFS
	bad   string
}

func (f failFS) Open(name string) (fs.File, error) {
	if name == f.bad {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.files.Open(name)
}

func TestReadErrors(t *testing.T) {
	if _, err := Read(fstest.MapFS{}, "manage.py"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing manage.py: err = %v, want not-exist", err)
	}
	fsys := failFS{mapFS("manage.py", "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'a.settings')\n", "a/settings.py", ""), "a/settings.py"}
	_, err := Read(fsys, "manage.py")
	if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "a/settings.py") {
		t.Errorf("unreadable settings: err = %v, want a permission error naming a/settings.py", err)
	}
}

func TestHugeFileIsSkipped(t *testing.T) {
	fsys := mapFS("manage.py", stdManage, "proj/settings.py", "DEBUG = True\n"+strings.Repeat("#", maxFileSize))
	info, err := Read(fsys, "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	if info.DebugHardcoded || len(info.SettingsFiles) != 0 || !strings.Contains(notes(info), "too large") {
		t.Errorf("debug %v, files %q, notes:\n%s", info.DebugHardcoded, info.SettingsFiles, notes(info))
	}
}
