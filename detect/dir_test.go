package detect_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/detect"
)

// A project is read through detect.Dir: a link that leaves the project is an error that
// quotes nothing of its target, and a link inside it reads as the file it names.
func TestDirRefusesLinksOutOfTheProject(t *testing.T) {
	outside := t.TempDir()
	secret := "root:$6$s3cr3t-hash:19000:0:99999:7:::"
	if err := os.WriteFile(filepath.Join(outside, "shadow"), []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n")
	write("site/settings.py", "INSTALLED_APPS = []\n")
	write("deps/real.txt", "django==5.2\n")

	// Inside the project: read through.
	if err := os.Symlink("deps/real.txt", filepath.Join(dir, "requirements.txt")); err != nil {
		t.Fatal(err)
	}
	fsys, err := detect.Dir(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := detect.Detect(fsys, dir)
	if err != nil {
		t.Fatalf("a link inside the project: %v", err)
	}
	if len(p.Dependencies) != 1 || p.Dependencies[0].Name != "django" {
		t.Errorf("dependencies through a link inside the project = %+v, want django", p.Dependencies)
	}

	// Out of it: refused, nothing of the target in the error.
	for _, target := range []string{filepath.Join(outside, "shadow"), "../" + filepath.Base(outside) + "/shadow"} {
		os.Remove(filepath.Join(dir, "requirements.txt"))
		if err := os.Symlink(target, filepath.Join(dir, "requirements.txt")); err != nil {
			t.Fatal(err)
		}
		_, err = detect.Detect(fsys, dir)
		if err == nil {
			t.Fatalf("requirements.txt -> %s: detected, want an error", target)
		}
		if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "19000") {
			t.Errorf("requirements.txt -> %s: the error quotes the target: %v", target, err)
		}
	}
}
