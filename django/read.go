package django

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/pyscan"
)

// Read analyses the Django project whose manage.py is at managePy (slash-separated,
// relative to the root of fsys). Only I/O failures are errors: a settings module that
// cannot be found or read statically leaves fields empty and adds a Note.
func Read(fsys fs.FS, managePy string) (*Info, error) {
	return ReadWith(fsys, managePy, ReadOptions{})
}

// ReadWith is Read with the project's files searched for where DJANGO_SETTINGS_MODULE is
// set, and the settings module to read chosen by the caller when opts.Settings is set (an
// *UnknownModuleError when the project has no such module).
func ReadWith(fsys fs.FS, managePy string, opts ReadOptions) (*Info, error) {
	r := &reader{
		fsys:   fsys,
		appDir: path.Dir(managePy),
		parsed: map[string]*pyscan.Module{},
		syntax: map[string]*pyscan.SyntaxError{},
		noted:  map[Note]bool{},
		info: &Info{ManagePy: managePy, SettingsFiles: []string{}, InstalledApps: []string{}, SettingsCandidates: []SettingsCandidate{},
			Notes: []Note{}},
	}
	mp, err := r.parse(managePy)
	if err != nil {
		return nil, err
	}
	if mp == nil {
		return nil, fmt.Errorf("read %s: %w", managePy, fs.ErrNotExist)
	}
	if err := r.findRoots(mp); err != nil {
		return nil, err
	}
	if err := r.findSettingsModule(opts); err != nil {
		return nil, err
	}
	if r.info.SettingsModule == "" {
		return r.info, nil
	}
	if err := r.readSettings(); err != nil {
		return nil, err
	}
	return r.info, nil
}

// reader holds what one Read has learnt so far.
type reader struct {
	fsys   fs.FS
	appDir string
	// roots are the folders Python would import the project's modules from: manage.py's
	// folder, folders manage.py adds to sys.path, and src/.
	roots  []string
	parsed map[string]*pyscan.Module // nil for a missing file
	// syntax holds, per parsed file, why Python 3 would refuse to compile it (nil: no reason found).
	syntax map[string]*pyscan.SyntaxError
	info   *Info
	noted  map[Note]bool
	loads  int
	// serverFiles are the wsgi.py and asgi.py files next to manage.py's packages.
	serverFiles []string
	// copied maps a settings module that exists only in the image (a Dockerfile copies a
	// file of the project to its path) to that copy; its source is read for it.
	copied map[string]imageCopy
	// variants maps what a deployment file's name says it is for (variantName) to the file.
	variants map[string]string
}

func (r *reader) note(src, format string, args ...any) {
	n := Note{Message: fmt.Sprintf(format, args...), Source: src}
	if !r.noted[n] {
		r.noted[n] = true
		r.info.Notes = append(r.info.Notes, n)
	}
}

// maxFileSize keeps a generated or vendored giant out of the scanner; real settings files
// are a few kilobytes.
const maxFileSize = 4 << 20

// parse reads and scans a Python file once; it returns nil for a missing file.
func (r *reader) parse(file string) (*pyscan.Module, error) {
	if m, ok := r.parsed[file]; ok {
		return m, nil
	}
	if !fs.ValidPath(file) {
		r.parsed[file] = nil
		return nil, nil
	}
	fi, err := fs.Stat(r.fsys, file)
	if notExist(err) || err == nil && fi.IsDir() {
		r.parsed[file] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if fi.Size() > maxFileSize {
		r.note(file, "skipped: %d bytes is too large for a Python source file of a Django project", fi.Size())
		r.parsed[file] = nil
		return nil, nil
	}
	src, err := fs.ReadFile(r.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if e := pyscan.Check(src); e != nil {
		r.syntax[file] = e
	}
	src, line := blankOwnBlock(src)
	if line > 0 {
		r.info.OwnBlock = at(file, line)
	}
	m := pyscan.Parse(src)
	r.parsed[file] = m
	return m, nil
}

func at(file string, line int) string {
	if line <= 0 {
		return file
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// join resolves a folder named in manage.py against manage.py's folder; "" when it leaves
// the scanned tree.
func (r *reader) join(rel string) string {
	if strings.HasPrefix(rel, "/") || strings.Contains(rel, "\\") {
		return ""
	}
	p := path.Join(r.appDir, rel)
	if !fs.ValidPath(p) {
		return ""
	}
	return p
}

// findRoots collects the import roots: folders manage.py puts on sys.path (insert before
// manage.py's folder, append after it), then src/ for a src layout.
func (r *reader) findRoots(mp *pyscan.Module) error {
	var front, back []string
	for _, c := range mp.Calls {
		if c.Func != "sys.path.insert" && c.Func != "sys.path.append" {
			continue
		}
		var dirs []string
		c.Value.Walk(func(v pyscan.Value) bool {
			if v.Kind == pyscan.String && v.Str != "" {
				dirs = append(dirs, v.Str)
			}
			return true
		})
		for _, d := range dirs {
			p := r.join(d)
			if p == "" || p == r.appDir {
				continue
			}
			ok, err := isDir(r.fsys, p)
			if err != nil {
				return err
			}
			if ok && c.Func == "sys.path.insert" {
				front = append(front, p)
			} else if ok {
				back = append(back, p)
			}
		}
	}
	roots := append(append(front, r.appDir), back...)
	src := path.Join(r.appDir, "src")
	if ok, err := isDir(r.fsys, src); err != nil {
		return err
	} else if ok {
		roots = append(roots, src)
	}
	seen := map[string]bool{}
	for _, p := range roots {
		if !seen[p] {
			seen[p] = true
			r.roots = append(r.roots, p)
		}
	}
	return nil
}

var moduleRE = lazy.Regexp(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// resolveModule finds the file of a dotted module under the import roots:
// a/b/__init__.py or a/b.py. file is "" when there is none.
func (r *reader) resolveModule(mod string) (file, root string, isPkg bool, err error) {
	if !moduleRE().MatchString(mod) {
		return "", "", false, nil
	}
	rel := strings.ReplaceAll(mod, ".", "/")
	for _, root := range r.roots {
		base := path.Join(root, rel)
		for _, cand := range []struct {
			file  string
			isPkg bool
		}{{base + "/__init__.py", true}, {base + ".py", false}} { // a package wins, as in Python
			ok, err := isFile(r.fsys, cand.file)
			if err != nil {
				return "", "", false, err
			}
			if ok {
				return cand.file, root, cand.isPkg, nil
			}
		}
	}
	if cp, ok := r.copied[mod]; ok {
		return cp.src, ".", false, nil
	}
	return "", "", false, nil
}

// packageDir is the folder of a dotted package under one of the roots, "" if none.
func (r *reader) packageDir(pkg string) (string, error) {
	if !moduleRE().MatchString(pkg) {
		return "", nil
	}
	for _, root := range r.roots {
		p := path.Join(root, strings.ReplaceAll(pkg, ".", "/"))
		ok, err := isDir(r.fsys, p)
		if err != nil {
			return "", err
		}
		if ok {
			return p, nil
		}
	}
	return "", nil
}

// dotted turns a folder under root into a dotted package name.
func dotted(root, dir string) string {
	rel := dir
	if root != "." {
		rel = strings.TrimPrefix(strings.TrimPrefix(dir, root), "/")
	}
	if rel == "." || rel == "" {
		return ""
	}
	return strings.ReplaceAll(rel, "/", ".")
}

func parent(mod string) string {
	if i := strings.LastIndexByte(mod, '.'); i >= 0 {
		return mod[:i]
	}
	return ""
}

func lastPart(mod string) string { return mod[strings.LastIndexByte(mod, '.')+1:] }

// isDevModule reports whether a module's name says it holds development or test settings.
func isDevModule(mod string) bool {
	r := roleOf(mod)
	return r == RoleDevelopment || r == RoleTest
}

func isProdModule(mod string) bool { return roleOf(mod) == RoleProduction }

// dsm is one place that sets DJANGO_SETTINGS_MODULE.
type dsm struct {
	module string
	src    string
	// build is true when a Dockerfile's RUN sets it for that one build command
	// (`RUN DJANGO_SETTINGS_MODULE=x python manage.py collectstatic`): not what the image runs.
	build bool
}

// settingsCandidates reads what a file sets DJANGO_SETTINGS_MODULE to.
func (r *reader) settingsCandidates(file string, m *pyscan.Module) []dsm {
	var out []dsm
	add := func(v pyscan.Value, line int) {
		src := at(file, line)
		if v.Kind == pyscan.Name { // a variable set earlier in the same file
			for i := len(m.Assignments) - 1; i >= 0; i-- {
				if a := m.Assignments[i]; a.Target == v.Str && a.Line <= line {
					v = a.Value
					break
				}
			}
		}
		mod := ""
		switch {
		case v.Kind == pyscan.String:
			mod = v.Str
		default:
			if name, def, ok := pyscan.EnvDefault(v); ok && def != "" {
				mod = def
				r.note(src, "DJANGO_SETTINGS_MODULE defaults to %s when $%s is unset", def, name)
			}
		}
		if !moduleRE().MatchString(mod) {
			r.note(src, "DJANGO_SETTINGS_MODULE is set to %s, which cannot be read without running the code", v.Text)
			return
		}
		out = append(out, dsm{module: mod, src: src})
	}
	for _, c := range m.Calls {
		if c.Func != "os.environ.setdefault" && c.Func != "environ.setdefault" {
			continue
		}
		if len(c.Args) == 2 && c.Args[0].Kind == pyscan.String && c.Args[0].Str == "DJANGO_SETTINGS_MODULE" {
			add(c.Args[1], c.Line)
		}
	}
	for _, a := range m.Assignments {
		if a.Op == "=" && (a.Target == `os.environ["DJANGO_SETTINGS_MODULE"]` || a.Target == `environ["DJANGO_SETTINGS_MODULE"]`) {
			add(a.Value, a.Line)
		}
	}
	return out
}

// notPackages are folders beside manage.py that cannot be the project package holding
// wsgi.py / asgi.py (dot-folders are skipped too).
var notPackages = map[string]bool{"node_modules": true, "__pycache__": true, "venv": true, "env": true, "site-packages": true}

// packageDirs are the folders that may be the project's package, in order: each import root
// followed, when withRoots, by itself, and its subfolders but dot-folders and notPackages.
func (r *reader) packageDirs(withRoots bool) ([]string, error) {
	var dirs []string
	for _, root := range r.roots {
		if withRoots {
			dirs = append(dirs, root)
		}
		entries, err := fs.ReadDir(r.fsys, root)
		if notExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", root, err)
		}
		for _, e := range entries {
			if e.IsDir() && !notPackages[e.Name()] && !strings.HasPrefix(e.Name(), ".") {
				dirs = append(dirs, path.Join(root, e.Name()))
			}
		}
	}
	return dirs, nil
}

func (r *reader) findServerFiles() error {
	dirs, err := r.packageDirs(true)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		for _, name := range []string{"wsgi.py", "asgi.py", "wsgi/__init__.py", "asgi/__init__.py"} {
			f := path.Join(d, name)
			ok, err := isFile(r.fsys, f)
			if err != nil {
				return err
			}
			if ok {
				r.serverFiles = append(r.serverFiles, f)
			}
		}
	}
	return nil
}

func distinct(c []dsm) int { return len(modules(c)) }

func modules(c []dsm) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range c {
		if !seen[x.module] {
			seen[x.module] = true
			out = append(out, x.module)
		}
	}
	return out
}

// guessSettingsModule is the last resort: a settings.py or settings/ package in a folder
// next to manage.py.
func (r *reader) guessSettingsModule() error {
	pkgs, err := r.packageDirs(false)
	if err != nil {
		return err
	}
	for _, dir := range pkgs {
		name := path.Base(dir)
		for _, f := range []string{dir + "/settings.py", dir + "/settings/__init__.py"} {
			ok, err := isFile(r.fsys, f)
			if err != nil {
				return err
			}
			if ok && moduleRE().MatchString(name) {
				r.info.SettingsModule = name + ".settings"
				r.info.SettingsModuleSource = f
				r.note(f, "DJANGO_SETTINGS_MODULE is not set in manage.py, wsgi.py or asgi.py; guessed %s from the file layout", r.info.SettingsModule)
				return nil
			}
		}
	}
	return nil
}

// blankOwnBlock blanks the lines of the block containerize init appended (keeping line
// numbers), so re-running detection sees the project's own settings, not the patch. It
// returns the 1-based line of the block's first marker, 0 when there is none.
func blankOwnBlock(src []byte) ([]byte, int) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	begin := -1
	for i, l := range lines {
		if string(bytes.TrimSpace(l)) == OwnBlockBegin {
			begin = i
			break
		}
	}
	if begin < 0 {
		return src, 0
	}
	out := make([]byte, 0, len(src))
	for _, l := range lines[:begin] {
		out = append(out, l...)
	}
	inside := true
	for _, l := range lines[begin:] {
		if inside {
			if bytes.HasSuffix(l, []byte("\n")) {
				out = append(out, '\n')
			}
			if string(bytes.TrimSpace(l)) == OwnBlockEnd {
				inside = false
			}
			continue
		}
		out = append(out, l...)
	}
	return out, begin + 1
}
