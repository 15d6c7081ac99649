package django

import (
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestReadSkipsOwnBlock: the block containerize init appends must not change what the
// project's own settings say, or a second init would generate something else.
func TestReadSkipsOwnBlock(t *testing.T) {
	settings := "SECRET_KEY = 'django-insecure-x'\nDEBUG = True\nDATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}}\nSTATIC_URL = '/static/'\n"
	block := OwnBlockBegin + "\nimport os as _os\nSECRET_KEY = _os.environ.get('SECRET_KEY', SECRET_KEY)\nDEBUG = False\nSTATIC_ROOT = 'staticfiles'\nDATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n" + OwnBlockEnd + "\n"
	files := func(s string) fstest.MapFS {
		return fstest.MapFS{
			"manage.py":        {Data: []byte("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n")},
			"proj/__init__.py": {Data: nil},
			"proj/settings.py": {Data: []byte(s)},
		}
	}
	plain, err := Read(files(settings), "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	patched, err := Read(files(settings+"\n"+block+"LATE = 1\n"), "manage.py")
	if err != nil {
		t.Fatal(err)
	}
	if patched.OwnBlock != "proj/settings.py:6" {
		t.Errorf("OwnBlock = %q, want proj/settings.py:6", patched.OwnBlock)
	}
	patched.OwnBlock = ""
	if diff := cmp.Diff(plain, patched); diff != "" {
		t.Errorf("the appended block changed the findings (-plain +patched):\n%s", diff)
	}
	if !patched.SecretKeyHardcoded || !patched.DebugHardcoded || patched.Database != "sqlite" || patched.StaticRoot {
		t.Errorf("findings lost: %+v", patched)
	}
}
