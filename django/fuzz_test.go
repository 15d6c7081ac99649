package django

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func FuzzRead(f *testing.F) {
	for _, gp := range goldenProjects {
		err := filepath.WalkDir(gp.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if strings.HasSuffix(p, "settings.py") || strings.HasSuffix(p, "base.py") || strings.HasSuffix(p, "production.py") {
				src, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				f.Add(src)
			}
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	for _, s := range []string{
		"from .base import *\nINSTALLED_APPS += ['x']\n",
		"from proj.settings import *\n",
		"DATABASES = {}\nDATABASES['default']['ENGINE'] = 1\nDATABASES['default'].update(x)\n",
		"INSTALLED_APPS = [*INSTALLED_APPS]\nINSTALLED_APPS.insert(-5, 'a')\nINSTALLED_APPS.insert(99, 'b')\n",
		"A = B\nB = A\nDATABASES = {'default': A}\nCACHES = B\n",
		"MEDIA_ROOT = str(str(str(str(str(str(str(str(str(str('x'))))))))))\n",
		"DATABASES = [\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, settings []byte) {
		fsys := fstest.MapFS{
			"manage.py":        {Data: []byte(stdManage)},
			"proj/__init__.py": {},
			"proj/settings.py": {Data: settings},
			"proj/base.py":     {Data: []byte("from .settings import *\nDEBUG = True\nINSTALLED_APPS = ['base']\n")},
			"proj/wsgi.py":     {Data: []byte("application = get_wsgi_application()\n")},
			"proj/celery.py":   {Data: []byte("app = Celery('proj')\n")},
		}
		info, err := Read(fsys, "manage.py")
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(info)
		if err != nil {
			t.Fatal(err)
		}
		var all map[string]any
		if err := json.Unmarshal(b, &all); err != nil {
			t.Fatal(err)
		}
		for k, v := range all {
			s, ok := v.(string)
			if !strings.HasSuffix(k, "_source") || !ok || s == "" {
				continue
			}
			file, _, _ := strings.Cut(s, ":")
			if _, ok := fsys[file]; !ok {
				t.Errorf("%s = %q names a file that does not exist", k, s)
			}
		}
		for _, f := range info.SettingsFiles {
			if _, ok := fsys[f]; !ok {
				t.Errorf("settings file %q does not exist", f)
			}
		}
		for _, n := range info.Notes {
			if n.Source == "" || n.Message == "" {
				t.Errorf("note without source or message: %+v", n)
			}
		}
	})
}
