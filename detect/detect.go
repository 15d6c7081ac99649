package detect

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/venv"
)

// tree is what one walk of the project collects; everything later reads from it or
// opens single files, so the tree is walked once.
type tree struct {
	fsys      fs.FS
	managePys []string
	// settingsEvidence are the files where a deployment may set DJANGO_SETTINGS_MODULE
	// (django.SettingsEvidenceFile), in walk order.
	settingsEvidence []string
	venvs            []string
	venvInfo         map[string]venv.Venv // venv dir -> what venv.Inspect read of it (tree.virtualenv)
	files            map[string]bool      // every regular file seen outside skipped dirs
	conftests        []string             // every conftest.py, in walk order
	pyFiles          []string             // every *.py file, in walk order
	manifests        map[string]*manifests
}

// Detect scans the project in fsys. root is how the caller names the directory; it is
// only reported, never opened.
func Detect(fsys fs.FS, root string) (*Project, error) {
	return DetectWith(fsys, root, Options{})
}

// Options are what DetectWith takes besides the project.
type Options struct {
	// Settings is the Django settings module to read the settings facts from instead of the
	// top-ranked candidate: the user's choice (init --settings, containerize.toml), given to
	// detection as the project's folder is, so that the facts are those of the module the
	// image runs. It must be one of the project's modules (else a *django.UnknownModuleError).
	Settings string
}

// DetectWith is Detect with options.
func DetectWith(fsys fs.FS, root string, o Options) (*Project, error) {
	t, err := walk(fsys)
	if err != nil {
		return nil, err
	}
	p := &Project{
		Root:                 root,
		AppRoot:              ".",
		OtherDependencyFiles: []Finding{},
		Dependencies:         []Dependency{},
		DevDependencies:      []DevSource{},
		Services:             []Service{},
		ServiceEvidence:      []Finding{},
		Virtualenvs:          t.venvs,
		Processes:            []Process{},
		Warnings:             []Finding{},
		SystemPackages:       SystemPackages{Build: []string{}, Runtime: []string{}, Evidence: []Finding{}},
	}
	p.HasGitignore = t.files[".gitignore"]
	p.HasDotEnv = t.files[".env"]
	index, hasIndex := gitIndex(fsys)
	p.DotEnvTracked = index[".env"]

	if len(t.managePys) > 0 {
		mp := t.managePys[0]
		p.AppRoot = path.Dir(mp)
		if len(t.managePys) > 1 {
			p.warn("several-manage-py", mp, fmt.Sprintf("found %d manage.py files (%s); using the shallowest, %s",
				len(t.managePys), strings.Join(t.managePys, ", "), mp))
		}
		info, err := django.ReadWith(fsys, mp, django.ReadOptions{Settings: o.Settings, Files: t.settingsEvidence})
		if err != nil {
			return nil, err
		}
		p.Django = info
	}

	if err := readDependencies(t, p); err != nil {
		return nil, err
	}
	if err := readTests(t, p); err != nil {
		return nil, err
	}
	if err := readVirtualenvs(t, p); err != nil {
		return nil, err
	}
	// Before the Python: the Dockerfile the compose file builds is read first for its version.
	if p.Docker, err = findDockerFiles(fsys); err != nil {
		return nil, err
	}
	if err := readPython(t, p); err != nil {
		return nil, err
	}
	p.Name, p.NameSource = projectName(t, p)
	if p.Django != nil && p.Django.CeleryApp == "" && p.hasDependency("celery") {
		if err := django.FindCeleryApp(fsys, p.Django, t.pyFiles); err != nil {
			return nil, err
		}
	}
	// Before the services: a Procfile's `celery --app X worker` names the Celery app.
	if err := findProcesses(t, p); err != nil {
		return nil, err
	}
	if err := deployedDatabase(t, p); err != nil {
		return nil, err
	}
	findServices(p)
	findSystemPackages(p)
	if p.Frontend, err = findFrontend(t, p); err != nil {
		return nil, err
	}
	djangoWarnings(p)
	brokerWarnings(p)
	if hasIndex {
		untrackedSettings(p, index)
	}
	return p, nil
}

// SkippedDir reports whether a folder of this name is never project code (.git,
// node_modules, caches, site-packages …); WalkProject does not enter it.
func SkippedDir(name string) bool {
	// Never descended into: they hold no project code and can hold a great many files.
	switch name {
	case ".git", ".hg", ".svn", "node_modules", "__pycache__",
		".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
		"site-packages", "dist-packages", ".eggs", "bower_components":
		return true
	}
	return false
}

// WalkProject calls fn for every regular file of the project, in lexical order, without
// descending into folders that cannot hold project code: VCS folders, node_modules,
// caches, site-packages and virtualenvs. For each virtualenv it calls venv (which may be
// nil) with the folder and its pyvenv.cfg ("" for older layouts) instead of entering it.
// An unreadable folder below the root is skipped, not an error.
func WalkProject(fsys fs.FS, fn func(path string, d fs.DirEntry) error, venv func(dir, cfg string)) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p == "." {
				return nil
			}
			if SkippedDir(d.Name()) {
				return fs.SkipDir
			}
			if cfg, ok := venvMarker(fsys, p); ok {
				if venv != nil {
					venv(p, cfg)
				}
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return fn(p, d)
	})
}

// walk visits the tree once, collecting what detection reads later.
func walk(fsys fs.FS) (*tree, error) {
	t := &tree{fsys: fsys, venvInfo: map[string]venv.Venv{}, files: map[string]bool{}, manifests: map[string]*manifests{}}
	err := WalkProject(fsys, func(p string, d fs.DirEntry) error {
		t.files[p] = true
		if django.SettingsEvidenceFile(p) {
			t.settingsEvidence = append(t.settingsEvidence, p)
		}
		switch d.Name() {
		case "manage.py":
			t.managePys = append(t.managePys, p)
		case "conftest.py":
			t.conftests = append(t.conftests, p)
		}
		if strings.HasSuffix(p, ".py") {
			t.pyFiles = append(t.pyFiles, p)
		}
		return nil
	}, func(dir, _ string) {
		t.venvs = append(t.venvs, dir)
	})
	if err != nil {
		return nil, fmt.Errorf("scan project: %w", err)
	}
	slices.SortFunc(t.managePys, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")), cmp.Compare(a, b))
	})
	return t, nil
}

// venvMarker reports whether dir is a virtualenv: it has pyvenv.cfg, or the old
// virtualenv layout (bin/activate or Scripts/activate beside a lib folder). Only a few
// Stat calls, so the walk never lists a virtualenv's contents.
func venvMarker(fsys fs.FS, dir string) (string, bool) {
	cfg := path.Join(dir, "pyvenv.cfg")
	if isFile(fsys, cfg) {
		return cfg, true
	}
	for _, act := range []string{"bin/activate", "Scripts/activate", "Scripts/activate.bat"} {
		if isFile(fsys, path.Join(dir, act)) {
			for _, lib := range []string{"lib", "Lib"} {
				if isDir(fsys, path.Join(dir, lib)) {
					return "", true
				}
			}
		}
	}
	return "", false
}

func isFile(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.Mode().IsRegular()
}

func isDir(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.IsDir()
}

// readFile reads one project file, wrapping errors with its name.
func (t *tree) readFile(name string) ([]byte, error) {
	b, err := manifest.ReadFile(t.fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

func (p *Project) warn(name, source, detail string) {
	p.Warnings = append(p.Warnings, Finding{Name: name, Source: source, Detail: detail})
}

// djangoWarnings turns risky settings into warnings.
func djangoWarnings(p *Project) {
	d := p.Django
	if d == nil {
		if len(p.DependencyFiles) > 0 || p.Has("django") {
			p.warn("no-manage-py", "", "no manage.py found below the root: containerize init needs a Django project")
		}
		return
	}
	if d.SettingsModule == "" {
		p.warn("no-settings-module", d.ManagePy, "DJANGO_SETTINGS_MODULE is not set in manage.py, wsgi.py or asgi.py")
	}
	// The django package's own notes are more precise; say nothing twice about one line.
	noted := map[string]bool{}
	for _, n := range d.Notes {
		noted[n.Source] = true
	}
	if d.SecretKeyHardcoded && !noted[d.SecretKeySource] {
		p.warn("hardcoded-secret-key", d.SecretKeySource, "SECRET_KEY is written in the settings; read it from the environment in production")
	}
	if d.DebugHardcoded && !noted[d.DebugSource] {
		p.warn("debug-true", d.DebugSource, "DEBUG = True is written in the settings; it must be off in production")
	}
	if d.WSGIApplication == nil && d.ASGIApplication == nil {
		p.warn("no-application", d.ManagePy, "neither WSGI_APPLICATION nor ASGI_APPLICATION was found; the server command will need editing")
	}
	for _, n := range d.Notes {
		p.warn("django", n.Source, n.Message)
	}
}

// projectName is what the project calls itself, so that every clone gets the same name
// whatever its folder is called: the name pyproject.toml declares, else the Django
// project's package (the one its settings module lives in) unless that is a generic one
// like "config", else, as a last resort, the folder's name (init saves whichever it was).
func projectName(t *tree, p *Project) (name, source string) {
	if m := t.manifests[p.DependencyDir]; m != nil && m.pyproject != nil && m.pyproject.Name != "" {
		return m.pyproject.Name, path.Join(p.DependencyDir, "pyproject.toml")
	}
	if d := p.Django; d != nil && d.SettingsModule != "" {
		pkg, _, _ := strings.Cut(d.SettingsModule, ".")
		if !genericPackage(pkg) {
			return pkg, d.SettingsModuleSource
		}
	}
	// Root is a path of this system (the folder's name is its last element, whatever the
	// separator), not a slash path of the tree.
	name = filepath.Base(p.Root)
	if name == "." || name == string(filepath.Separator) {
		return "app", ""
	}
	return name, "the folder's name"
}

// genericPackage reports whether a Django project package's name says nothing about the
// project (cookiecutter-django's "config", startproject into ".", and the like).
func genericPackage(name string) bool {
	switch strings.ToLower(name) {
	case "config", "conf", "settings", "core", "project", "proj", "app", "apps", "src", "main",
		"site", "web", "website", "backend", "server", "django_project", "djangoproject", "mysite":
		return true
	}
	return false
}
