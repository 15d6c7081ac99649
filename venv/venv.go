// Package venv finds a project's virtualenvs and reads what is installed in
// them, without running their Python: the interpreter may be for another OS,
// or long gone.
//
// Find looks inside the project and where virtualenvwrapper, pipenv and
// Poetry keep their environments; Read lists the installed distributions
// from their metadata folders; TopLevel tells which of them were asked for.
package venv

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/containerize/containerize/internal/excerpt"
	"github.com/containerize/containerize/internal/lazy"
)

// Venv is one virtualenv.
type Venv struct {
	Path         string   `json:"path"`          // as found: absolute (this system's form), or relative to the project (slash-separated) for in-project ones
	Python       string   `json:"python"`        // "3.8", from pyvenv.cfg (version / version_info) or lib/pythonX.Y
	PythonFull   string   `json:"python_full"`   // "3.8.10" when pyvenv.cfg says so; "" otherwise
	PythonSource string   `json:"python_source"` // evidence for Python: "venv/pyvenv.cfg:3", "venv/lib/python2.7"
	Layout       string   `json:"layout"`        // "pyvenv", "virtualenv-legacy" or "windows"
	Origin       string   `json:"origin"`        // "project", "VIRTUAL_ENV", "WORKON_HOME", "pipenv", "poetry" or "--venv"
	SitePackages []string `json:"site_packages"` // in the same form as Path
	PythonSpec   string   `json:"-"`             // Python as its evidence writes it ("3.10.12.final.0" in pyvenv.cfg, else X.Y); not in JSON
}

// Locator says where to look for a project's virtualenvs.
type Locator struct {
	// Project is the absolute project folder, with symlinks resolved, as this system
	// writes it: pipenv and Poetry name their environments after a hash of it.
	Project string
	// Getenv reads the environment (os.Getenv in the CLI); nil reads nothing.
	Getenv func(string) string
	// Home is the user's home folder; "" falls back to $HOME.
	Home string
	// FS is the whole file system, rooted at "/": SystemFS() in the CLI, an fstest.MapFS
	// in tests.
	FS fs.FS
}

// skipDirs hold no virtualenv of the project's own, or too many files to
// walk: version control, JavaScript dependencies, caches, and tox/nox's
// throwaway test environments.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "node_modules": true, "bower_components": true,
	"__pycache__": true, ".mypy_cache": true, ".pytest_cache": true, ".ruff_cache": true,
	".tox": true, ".nox": true, ".eggs": true, "site-packages": true, "dist-packages": true,
}

// Find lists the project's virtualenvs: those inside the project (nearest
// first), then $VIRTUAL_ENV, virtualenvwrapper's environments whose .project
// names the project, pipenv's and Poetry's environments for it. A virtualenv
// found twice is listed once, under the most specific origin.
func (l Locator) Find() ([]Venv, error) {
	l, err := l.checked("find virtualenvs")
	if err != nil {
		return nil, err
	}
	var found []Venv
	inProject, err := l.inProject()
	if err != nil {
		return nil, err
	}
	found = append(found, inProject...)
	if v, ok := l.fromVirtualEnv(); ok {
		found = append(found, v)
	}
	found = append(found, l.fromWorkonHome()...)
	found = append(found, l.fromPipenv()...)
	found = append(found, l.fromPoetry()...)
	return dedupe(l.Project, found), nil
}

// At inspects the virtualenv the user named with --venv; a relative dir is
// taken relative to the project.
func (l Locator) At(dir string) (Venv, error) {
	l, err := l.checked("--venv " + dir)
	if err != nil {
		return Venv{}, err
	}
	abs := slashPath(dir)
	if !path.IsAbs(abs) {
		abs = path.Join(l.Project, abs)
	}
	v, ok := l.inspectAbs(abs, "--venv", false)
	if !ok {
		return Venv{}, fmt.Errorf("--venv %s: not a virtualenv (no pyvenv.cfg, lib/pythonX.Y/site-packages or Lib/site-packages); name the folder that holds bin/ or Scripts/", dir)
	}
	return v, nil
}

// Read reads the distributions installed in v, which Find or At returned.
// All paths are read through l.FS, so that the absolute paths .egg-link
// files hold resolve; evidence stays in v's form.
func (l Locator) Read(v Venv) ([]Dist, error) {
	l, err := l.checked("read " + v.Path)
	if err != nil {
		return nil, err
	}
	return read(l.FS, v, func(p string) string {
		if p = slashPath(p); path.IsAbs(p) {
			return fsPath(p)
		}
		return fsPath(path.Join(l.Project, p))
	})
}

// checked returns l with a clean Project, or why l cannot be used.
func (l Locator) checked(what string) (Locator, error) {
	if project := slashPath(l.Project); !path.IsAbs(project) {
		return l, fmt.Errorf("%s: project path %s is not absolute", what, excerpt.Quote(l.Project))
	}
	if l.FS == nil {
		return l, fmt.Errorf("%s: no file system to read", what)
	}
	l.Project = path.Clean(slashPath(l.Project))
	return l, nil
}

func (l Locator) getenv(key string) string {
	if l.Getenv == nil {
		return ""
	}
	return l.Getenv(key)
}

func (l Locator) home() string {
	if l.Home != "" {
		return slashPath(l.Home)
	}
	return slashPath(l.getenv("HOME"))
}

// expand resolves ~ and $VARS the way the tools' own configuration does.
func (l Locator) expand(p string) string {
	p = expandVars(p, func(name string) string {
		if name == "HOME" {
			return l.home()
		}
		return l.getenv(name)
	})
	p = slashPath(p)
	if p == "~" || strings.HasPrefix(p, "~/") {
		if h := l.home(); h != "" {
			p = h + p[1:]
		}
	}
	return p
}

func expandVars(s string, getenv func(string) string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return reEnvVar().ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "${}")
		if v := getenv(name); v != "" {
			return v
		}
		return m // os.path.expandvars leaves unknown variables alone
	})
}

var reEnvVar = lazy.Regexp(`\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)`)

// fsPath turns an absolute path into a name in a file system rooted at "/";
// relative paths are names already.
func fsPath(p string) string {
	if !path.IsAbs(p) {
		return path.Clean(p)
	}
	p = strings.TrimPrefix(path.Clean(p), "/")
	if p == "" {
		return "."
	}
	return p
}

// inProject walks the project for virtualenvs, without descending into
// them. Each folder is listed once and judged by its entries' names, so an
// ordinary folder costs no extra file system call.
func (l Locator) inProject() ([]Venv, error) {
	var found []Venv
	var walk func(dir, rel string, depth int) error
	walk = func(dir, rel string, depth int) error {
		entries, err := fs.ReadDir(l.FS, dir)
		if err != nil {
			if depth == 0 {
				return fmt.Errorf("read project %s: %w", l.Project, err)
			}
			return nil // an unreadable folder deep down should not stop the search
		}
		if depth > 0 && looksLikeVenv(entries) {
			if v, ok := inspect(l.FS, dir, rel, "project", true); ok {
				found = append(found, v)
				return nil
			}
		}
		for _, e := range entries {
			name := e.Name()
			if skipDirs[name] {
				continue
			}
			child, childRel := path.Join(dir, name), path.Join(rel, name)
			switch {
			case e.IsDir():
				if err := walk(child, childRel, depth+1); err != nil {
					return err
				}
			case e.Type()&fs.ModeSymlink != 0:
				// A virtualenv linked into the project counts; other links
				// are not followed, so the walk cannot loop.
				if isFile(l.FS, path.Join(child, "pyvenv.cfg")) {
					if v, ok := inspect(l.FS, child, childRel, "project", true); ok {
						found = append(found, v)
					}
				}
			}
		}
		return nil
	}
	if err := walk(fsPath(l.Project), "", 0); err != nil {
		return nil, err
	}
	sort.SliceStable(found, func(i, j int) bool {
		di, dj := strings.Count(found[i].Path, "/"), strings.Count(found[j].Path, "/")
		if di != dj {
			return di < dj
		}
		return found[i].Path < found[j].Path
	})
	return found, nil
}

// looksLikeVenv is the walk's first test, on a folder's entries: a
// pyvenv.cfg, or bin/ or Scripts/ beside a lib folder. inspect looks closer.
func looksLikeVenv(entries []fs.DirEntry) bool {
	has := map[string]bool{}
	for _, e := range entries {
		switch n := e.Name(); n {
		case "pyvenv.cfg", "bin", "Scripts", "lib", "Lib":
			has[n] = true
		}
	}
	return has["pyvenv.cfg"] || (has["bin"] || has["Scripts"]) && (has["lib"] || has["Lib"])
}

// inspectAbs inspects an absolute path, reporting it relative to the project
// when it lies inside.
func (l Locator) inspectAbs(abs, origin string, strict bool) (Venv, bool) {
	abs = path.Clean(abs)
	rel, inside := strings.CutPrefix(abs, l.Project+"/")
	if !inside {
		rel = abs
	}
	v, ok := inspect(l.FS, fsPath(abs), rel, origin, strict)
	if !inside {
		// Shown as this system writes paths; Read takes them back through slashPath.
		v.Path, v.PythonSource = osPath(v.Path), osPath(v.PythonSource)
		for i, sp := range v.SitePackages {
			v.SitePackages[i] = osPath(sp)
		}
	}
	return v, ok
}

var (
	reLibPython  = lazy.Regexp(`^(?:python|pypy)(\d+)\.(\d+)$`)
	rePrefixPy   = lazy.Regexp(`(?i)python[ _-]?(\d)\.?(\d{1,2})(?:\D|$)`)
	reVersionNum = lazy.Regexp(`^(\d+)\.(\d+)(?:\.(\d+))?`)
)

// Inspect reads the virtualenv in dir, a folder of fsys (a project tree, say): its layout,
// site-packages folders and Python version, with paths as dir gives them and Origin
// "project". It stats a few paths and reads pyvenv.cfg; it lists no site-packages, so it
// stays cheap for a caller that has already decided dir is a virtualenv (detect's walk).
// ok is false when dir has neither pyvenv.cfg nor a site-packages folder.
func Inspect(fsys fs.FS, dir string) (Venv, bool) {
	return inspect(fsys, dir, dir, "project", false)
}

// inspect decides whether dir is a virtualenv and reads its layout and
// Python version. strict asks for the marks a virtualenv tool leaves
// (pyvenv.cfg, bin/activate, orig-prefix.txt, Scripts/), not just a
// site-packages folder: the walk must not take any lib/ tree for a venv.
func inspect(fsys fs.FS, dir, shown, origin string, strict bool) (Venv, bool) {
	v := Venv{Path: shown, Origin: origin}
	cfg := path.Join(dir, "pyvenv.cfg")
	hasCfg := isFile(fsys, cfg)

	// POSIX: lib/pythonX.Y/site-packages (lib64 is usually a link to lib).
	var libVersions []string
	marked := hasCfg || isFile(fsys, path.Join(dir, "bin", "activate"))
	origPrefix := ""
	for _, lib := range []string{"lib", "lib64"} {
		if lib == "lib64" && len(v.SitePackages) > 0 {
			break
		}
		entries, err := fs.ReadDir(fsys, path.Join(dir, lib))
		if err != nil {
			continue
		}
		for _, e := range entries {
			m := reLibPython().FindStringSubmatch(e.Name())
			if m == nil || !isDir(fsys, path.Join(dir, lib, e.Name(), "site-packages")) {
				continue
			}
			v.SitePackages = append(v.SitePackages, path.Join(shown, lib, e.Name(), "site-packages"))
			libVersions = append(libVersions, m[1]+"."+m[2])
			if p := path.Join(dir, lib, e.Name(), "orig-prefix.txt"); isFile(fsys, p) {
				marked = true
				if origPrefix == "" {
					origPrefix = path.Join(lib, e.Name(), "orig-prefix.txt")
				}
			}
		}
	}
	posix := len(v.SitePackages) > 0
	// Windows: Lib/site-packages beside Scripts/.
	windows := false
	if !posix && isDir(fsys, path.Join(dir, "Lib", "site-packages")) {
		windows = true
		v.SitePackages = append(v.SitePackages, path.Join(shown, "Lib", "site-packages"))
		if isDir(fsys, path.Join(dir, "Scripts")) {
			marked = true
		}
		if isFile(fsys, path.Join(dir, "Lib", "orig-prefix.txt")) {
			marked = true
			origPrefix = "Lib/orig-prefix.txt"
		}
	}
	if !hasCfg && len(v.SitePackages) == 0 {
		return Venv{}, false
	}
	if strict && !marked {
		return Venv{}, false
	}
	switch {
	case windows:
		v.Layout = "windows"
	case hasCfg:
		v.Layout = "pyvenv"
	default:
		v.Layout = "virtualenv-legacy"
	}

	// The Python version: pyvenv.cfg says it outright; otherwise the
	// lib/pythonX.Y folder name; otherwise the base interpreter's path.
	if hasCfg {
		if data, err := fs.ReadFile(fsys, cfg); err == nil {
			v.Python, v.PythonFull, v.PythonSpec, v.PythonSource = cfgVersion(data, path.Join(shown, "pyvenv.cfg"))
		}
	}
	if v.Python == "" && len(libVersions) > 0 {
		best := 0
		for i := range libVersions {
			if versionLess(libVersions[best], libVersions[i]) {
				best = i
			}
		}
		v.Python, v.PythonSpec = libVersions[best], libVersions[best]
		v.PythonSource = strings.TrimSuffix(v.SitePackages[best], "/site-packages")
	}
	if v.Python == "" && origPrefix != "" {
		if data, err := fs.ReadFile(fsys, path.Join(dir, origPrefix)); err == nil {
			if m := rePrefixPy().FindStringSubmatch(string(data)); m != nil {
				v.Python = m[1] + "." + m[2]
				v.PythonSpec = v.Python
				v.PythonSource = path.Join(shown, origPrefix) + ":1"
			}
		}
	}
	return v, true
}

// cfgVersion reads the Python version from pyvenv.cfg: "version" (venv),
// "version_info" (virtualenv 20+, uv), or failing both the base
// interpreter's folder in "home" (C:\Python38). spec is the version as written
// ("3.10.12.final.0"), or the X.Y the home folder names.
func cfgVersion(data []byte, shown string) (short, full, spec, source string) {
	values := map[string]string{}
	lines := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		key, value, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		if _, seen := values[key]; !seen {
			values[key], lines[key] = strings.TrimSpace(value), n
		}
	}
	for _, key := range []string{"version", "version_info"} {
		if m := reVersionNum().FindStringSubmatch(values[key]); m != nil {
			full := ""
			if m[3] != "" {
				full = m[1] + "." + m[2] + "." + m[3]
			}
			return m[1] + "." + m[2], full, values[key], fmt.Sprintf("%s:%d", shown, lines[key])
		}
	}
	if m := rePrefixPy().FindStringSubmatch(values["home"]); m != nil {
		short := m[1] + "." + m[2]
		return short, "", short, fmt.Sprintf("%s:%d", shown, lines["home"])
	}
	return "", "", "", ""
}

// versionLess compares "X.Y" strings numerically.
func versionLess(a, b string) bool {
	am, bm := strings.SplitN(a, ".", 2), strings.SplitN(b, ".", 2)
	for i := 0; i < 2; i++ {
		x, _ := strconv.Atoi(am[i])
		y, _ := strconv.Atoi(bm[i])
		if x != y {
			return x < y
		}
	}
	return false
}

func isFile(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}

func isDir(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.IsDir()
}

// originRank orders origins by how much they say: a virtualenv found both by
// the walk and through pipenv's rule is pipenv's.
func originRank(o string) int {
	switch o {
	case "project":
		return 0
	case "VIRTUAL_ENV":
		return 1
	default:
		return 2
	}
}

func dedupe(project string, found []Venv) []Venv {
	key := func(v Venv) string {
		if p := slashPath(v.Path); path.IsAbs(p) {
			return path.Clean(p)
		}
		return path.Join(project, v.Path)
	}
	index := map[string]int{}
	var out []Venv
	for _, v := range found {
		k := key(v)
		if i, ok := index[k]; ok {
			if originRank(v.Origin) > originRank(out[i].Origin) {
				out[i].Origin = v.Origin
			}
			continue
		}
		index[k] = len(out)
		out = append(out, v)
	}
	return out
}
