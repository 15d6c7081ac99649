package migrate

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"gotest.tools/v3/golden"
)

// TestBrokenVenv migrates a virtualenv broken halfway (metadata missing, a
// dist-info that is a dangling symlink): the distributions are still
// pinned, from their folder names, and the problems are reported.
func TestBrokenVenv(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a dangling symlink to a Unix path")
	}
	root := t.TempDir()
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	w := world{}
	w.project(map[string]string{"manage.py": "import django\n"})
	site := w.pyvenv("proj/venv", "3.11.2")
	djangoSite(w, site)
	w.add(site, dist{name: "nometa", version: "1.0", requested: true, topLevel: "nometa"})
	delete(w, site+"/nometa-1.0.dist-info/METADATA")
	for name, f := range w {
		full := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/nonexistent/gone-3.0.dist-info", filepath.Join(root, filepath.FromSlash(site), "gone-3.0.dist-info")); err != nil {
		t.Fatal(err)
	}

	in := loadFS(t, osFS(), filepath.ToSlash(filepath.Join(root, "proj")))
	r := analyze(t, in)
	problems := strings.Join(r.Problems, "\n")
	for _, want := range []string{
		"gone: venv/lib/python3.11/site-packages/gone-3.0.dist-info is a symlink to /nonexistent/gone-3.0.dist-info, which does not exist",
		"nometa: METADATA missing from venv/lib/python3.11/site-packages/nometa-1.0.dist-info",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("Problems lack %q:\n%s", want, problems)
		}
	}
	files := plan(t, in, r, FormatRequirements)
	golden.Assert(t, files["requirements.txt"], "broken/requirements.txt")
}

// TestWindowsVenv migrates a virtualenv copied from Windows: Lib/ and
// Scripts/, a development install whose source is on drive C:.
func TestWindowsVenv(t *testing.T) {
	w := world{}
	w.project(map[string]string{"manage.py": "import django\nimport winlib\n"})
	w["proj/env/pyvenv.cfg"] = text("home = C:\\Python38\ninclude-system-site-packages = false\n")
	w["proj/env/Scripts/activate.bat"] = text("@echo off\n")
	site := "proj/env/Lib/site-packages"
	djangoSite(w, site)
	w[site+"/winlib.egg-link"] = text("C:\\Users\\dev\\winlib\n.\n")
	in := load(t, w)
	if in.Venv.Layout != "windows" || in.Venv.Python != "3.8" {
		t.Fatalf("venv = %+v, want a Windows layout with Python 3.8", in.Venv)
	}
	r := analyze(t, in)
	files := plan(t, in, r, FormatRequirements)
	golden.Assert(t, files["requirements.txt"], "windows/requirements.txt")
}

// TestProjectPath: a folder an install names is written relative to the project when it lies
// inside it, for the project's own system paths (on Windows, C:\Users\…) and for a
// virtualenv made on Windows.
func TestProjectPath(t *testing.T) {
	tmp := t.TempDir()
	for _, tc := range []struct {
		dir, target, want string
		inside            bool
	}{
		{"/home/u/proj", "/home/u/proj/src/pkg", "src/pkg", true},
		{"/home/u/proj", "/home/u/proj", ".", true},
		{"/home/u/proj", "/home/u/project2/x", "/home/u/project2/x", false},
		{"/home/u/proj", `C:\Users\dev\winlib`, `C:\Users\dev\winlib`, false},
		{"C:/Users/dev/proj", `C:\Users\dev\proj\src\pkg`, "src/pkg", true},
		{"C:/Users/dev/proj", `c:\users\DEV\proj\lib`, "lib", true},
		{"C:/Users/dev/proj", `C:\Users\dev\proj`, ".", true},
		{"C:/Users/dev/proj", `C:\Users\dev\proj2\x`, `C:\Users\dev\proj2\x`, false},
		{"C:/Users/dev/proj", `D:\Users\dev\proj\x`, `D:\Users\dev\proj\x`, false},
		{filepath.Join(tmp, "proj"), filepath.Join(tmp, "proj", "src", "pkg"), "src/pkg", true},
	} {
		got, inside := projectPath(Input{Dir: tc.dir}, tc.target)
		if got != tc.want || inside != tc.inside {
			t.Errorf("projectPath(%q, %q) = %q, %v; want %q, %v", tc.dir, tc.target, got, inside, tc.want, tc.inside)
		}
	}
}
