package django

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// maxCeleryScan bounds how many files FindCeleryApp opens, so a huge tree stays fast.
const maxCeleryScan = 5000

// FindCeleryApp looks for the module that creates the Celery app when it is not where
// Read looks (celery.py or celery_app.py in the settings module's packages): pyFiles are
// the project's Python files (the caller's one walk of the tree), and only those whose
// text mentions "Celery(" are parsed. It sets CeleryApp to what `celery --app` takes —
// the package for a pkg/celery.py, the dotted module otherwise (celery finds the app in
// a module by its attributes) — and fills the broker and beat facts the module gives.
// It does nothing when CeleryApp is already known.
func FindCeleryApp(fsys fs.FS, info *Info, pyFiles []string) error {
	if info == nil || info.CeleryApp != "" {
		return nil
	}
	r := &reader{fsys: fsys, appDir: path.Dir(info.ManagePy), parsed: map[string]*pyscan.Module{},
		noted: map[Note]bool{}, info: info}
	r.roots = []string{r.appDir}
	if info.SettingsRoot != "" && info.SettingsRoot != r.appDir {
		r.roots = append(r.roots, info.SettingsRoot)
	}
	for i, f := range pyFiles {
		if i >= maxCeleryScan {
			break
		}
		if !strings.HasSuffix(f, ".py") || testFile(f) {
			continue
		}
		dir := path.Dir(f)
		pkg := r.packageOf(dir)
		if pkg == "" && !r.isRoot(dir) {
			continue // not importable from where the worker starts
		}
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		if !bytes.Contains(src, []byte("Celery(")) {
			continue
		}
		m, err := r.parse(f)
		if err != nil || m == nil {
			return err
		}
		line, broker, beat := celeryApp(m)
		if line == 0 {
			continue
		}
		mod := strings.TrimSuffix(path.Base(f), ".py")
		switch {
		case mod == "__init__" && pkg != "":
			info.CeleryApp = pkg // the package itself creates the app
		case mod == "celery" && pkg != "":
			info.CeleryApp = pkg // celery --app pkg imports pkg.celery
		case pkg != "":
			info.CeleryApp = pkg + "." + mod
		default:
			info.CeleryApp = mod
		}
		info.CeleryAppSource = at(f, line)
		if info.CeleryBroker == "" && broker.Kind != pyscan.Other {
			if t, ok := text(broker); ok {
				r.setBroker(t, at(f, broker.Line))
			}
		}
		if !info.CeleryBeat && beat > 0 {
			info.CeleryBeat, info.CeleryBeatSource = true, at(f, beat)
		}
		return nil
	}
	return nil
}

func (r *reader) isRoot(dir string) bool {
	for _, root := range r.roots {
		if root == dir {
			return true
		}
	}
	return false
}

// testFile reports whether a path is a test module, whose Celery() is a fixture.
func testFile(p string) bool {
	base := path.Base(p)
	return strings.HasPrefix(base, "test_") || strings.HasSuffix(base, "_test.py") || base == "conftest.py" ||
		strings.Contains("/"+p, "/tests/")
}
