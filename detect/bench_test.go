package detect

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// largeTree builds a Django project with 50,000 files: most of them in node_modules and a
// virtualenv, as in a real repository with a front end.
func largeTree(b *testing.B) string {
	dir := b.TempDir()
	write := func(rel, body string) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, []byte(body), 0o644)
	}
	files := map[string]string{
		"manage.py":             "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings\")\n",
		"config/__init__.py":    "",
		"config/settings.py":    "INSTALLED_APPS = [\"django.contrib.admin\"]\nWSGI_APPLICATION = \"config.wsgi.application\"\nDATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.postgresql\"}}\n",
		"config/wsgi.py":        "",
		"requirements.txt":      "Django==4.2.11\npsycopg2==2.9.9\ngunicorn==21.2.0\n",
		".python-version":       "3.12\n",
		".venv/pyvenv.cfg":      "home = /usr/bin\nversion = 3.12.1\n",
		"frontend/package.json": "{}",
	}
	for rel, body := range files {
		if err := write(rel, body); err != nil {
			b.Fatal(err)
		}
	}
	n := len(files)
	// 30,000 files in node_modules, 15,000 in the virtualenv, the rest project code.
	for i := 0; n < 50_000; i++ {
		var rel string
		switch {
		case i < 30_000:
			rel = fmt.Sprintf("frontend/node_modules/pkg%d/lib/file%d.js", i/50, i)
		case i < 45_000:
			rel = fmt.Sprintf(".venv/lib/python3.12/site-packages/dist%d/mod%d.py", i/40, i)
		default:
			rel = fmt.Sprintf("apps/app%d/views%d.py", i/20, i)
		}
		if err := write(rel, "x = 1\n"); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return dir
}

// BenchmarkDetectLargeTree is the figure that matters: detection on a 50,000-file tree.
func BenchmarkDetectLargeTree(b *testing.B) {
	dir := largeTree(b)
	fsys := os.DirFS(dir)
	b.ResetTimer()
	for b.Loop() {
		p, err := Detect(fsys, dir)
		if err != nil {
			b.Fatal(err)
		}
		if p.Django == nil || p.PackageManager != "pip" {
			b.Fatalf("detected %s, django %v", p.PackageManager, p.Django != nil)
		}
	}
}

// BenchmarkWalkEverything is the baseline: a walk that descends into every folder, as a
// detector that does not prune would.
func BenchmarkWalkEverything(b *testing.B) {
	dir := largeTree(b)
	fsys := os.DirFS(dir)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			n++
			return err
		})
		if err != nil || n < 50_000 {
			b.Fatalf("walked %d entries: %v", n, err)
		}
	}
}

// BenchmarkDetectSmallProject is detection on a small project (testdata/projects/library), where
// reading the dependency files and checking the Python ranges is most of the work.
func BenchmarkDetectSmallProject(b *testing.B) {
	fsys := os.DirFS(filepath.Join("..", "testdata", "projects", "library"))
	for b.Loop() {
		p, err := Detect(fsys, "library")
		if err != nil {
			b.Fatal(err)
		}
		if p.Django == nil {
			b.Fatal("no Django")
		}
	}
}
