package django

import (
	"path"
	"sort"
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// Bounds on star-import chains, so that import cycles and hostile trees stay cheap.
const (
	maxImportDepth = 16
	maxLoads       = 64
)

// event is one module-level statement of the settings, in the order Python runs them
// with star imports spliced in.
type event struct {
	file string
	a    *pyscan.Assignment
	c    *pyscan.Call
}

func (r *reader) addSettingsFile(file string) {
	for _, f := range r.info.SettingsFiles {
		if f == file {
			return
		}
	}
	r.info.SettingsFiles = append(r.info.SettingsFiles, file)
	if e := r.syntax[file]; e != nil {
		src := at(file, e.Line)
		r.info.SettingsErrors = append(r.info.SettingsErrors, Note{Message: e.Msg, Source: src})
		r.note(src, "Python 3 cannot compile this settings file: %s; its facts were read as far as possible, but containerize will not append to it", e.Msg)
	}
}

// events returns the statements of a settings file with its star imports spliced in where
// they occur, so later assignments override earlier ones as in Python. followed counts the
// star imports that were read.
func (r *reader) events(file, module string, isPkg bool, stack []string) (evs []event, followed int, err error) {
	if len(stack) >= maxImportDepth || r.loads >= maxLoads {
		r.note(file, "star imports nest too deeply; stopped reading here")
		return nil, 0, nil
	}
	for _, f := range stack {
		if f == file {
			return nil, 0, nil // an import cycle: Python would see a half-initialised module
		}
	}
	m, err := r.parse(file)
	if err != nil || m == nil {
		return nil, 0, err
	}
	r.loads++
	r.addSettingsFile(file)
	pkg := module
	if !isPkg {
		pkg = parent(module)
	}
	if err := r.missingImports(file, pkg, m); err != nil {
		return nil, 0, err
	}
	if err := r.useImportedEnvHelpers(m, pkg); err != nil {
		return nil, 0, err
	}

	type stmt struct {
		line, order int
		imp         *pyscan.Import
		ev          event
	}
	var stmts []stmt
	for i := range m.Imports {
		stmts = append(stmts, stmt{line: m.Imports[i].Line, order: 0, imp: &m.Imports[i]})
	}
	for i := range m.Assignments {
		if a := &m.Assignments[i]; !a.Local {
			stmts = append(stmts, stmt{line: a.Line, order: 1, ev: event{file: file, a: a}})
		}
	}
	for i := range m.Calls {
		if c := &m.Calls[i]; !c.Local {
			stmts = append(stmts, stmt{line: c.Line, order: 2, ev: event{file: file, c: c}})
		}
	}
	sort.SliceStable(stmts, func(i, j int) bool {
		if stmts[i].line != stmts[j].line {
			return stmts[i].line < stmts[j].line
		}
		return stmts[i].order < stmts[j].order
	})

	next := append(append([]string(nil), stack...), file)
	for _, s := range stmts {
		if s.imp == nil && s.ev.c != nil && isInclude(m, s.ev.c) {
			// django-split-settings runs the included files in this module's globals.
			files, err := r.includeFiles(file, m, s.ev.c)
			if err != nil {
				return nil, 0, err
			}
			for _, f := range files {
				sub, _, err := r.events(f, module, isPkg, next)
				if err != nil {
					return nil, 0, err
				}
				evs = append(evs, sub...)
				followed++
			}
			continue
		}
		if s.imp == nil && s.ev.c != nil {
			if cls := classLoader(m, s.ev.c); cls != "" {
				sub, err := r.classEvents(file, pkg, m, cls, 0)
				if err != nil {
					return nil, 0, err
				}
				if len(sub) > 0 { // else a class outside the project, or one with no settings
					r.note(at(file, s.ev.c.Line), "the settings are the attributes of class %s, which this call exports into the module", cls)
					evs = append(evs, sub...)
					followed++
					continue
				}
			}
		}
		if s.imp == nil {
			evs = append(evs, s.ev)
			continue
		}
		imp := s.imp
		if imp.Local || len(imp.Names) != 1 || imp.Names[0] != "*" {
			continue
		}
		src := at(file, imp.Line)
		target := absoluteImport(pkg, *imp)
		if target == "" {
			r.note(src, "the relative star import here reaches above the top-level package; skipped")
			continue
		}
		tf, _, tpkg, err := r.resolveModule(target)
		if err != nil {
			return nil, 0, err
		}
		implicit := false
		if tf == "" && imp.Level == 0 && pkg != "" {
			// Python 2's implicit relative import: `from base import *` inside the
			// settings package means its sibling base.py.
			sibling := pkg + "." + imp.Module
			if tf, _, tpkg, err = r.resolveModule(sibling); err != nil {
				return nil, 0, err
			}
			if tf != "" {
				target, implicit = sibling, true
			}
		}
		if isDevModule(target) {
			r.note(src, "skipped the star import of %s: development settings", target)
			continue
		}
		if imp.Indent > 0 && !isProdModule(target) {
			continue // a conditional import; only production settings are worth following
		}
		if implicit {
			r.note(src, "`from %s import *` is a Python 2 implicit relative import; read it as %s", imp.Module, target)
		}
		if tf == "" {
			if imp.Level > 0 || r.isProjectModule(target) {
				r.note(src, "cannot find %s, which is star-imported here", target)
			}
			continue
		}
		sub, _, err := r.events(tf, target, tpkg, next)
		if err != nil {
			return nil, 0, err
		}
		evs = append(evs, sub...)
		followed++
	}
	if usesConfigurations(m) {
		if cls, why := r.configurationClass(file, m); cls != "" {
			sub, err := r.classEvents(file, pkg, m, cls, 0)
			if err != nil {
				return nil, 0, err
			}
			r.note(file, "django-configurations settings: read class %s (%s)", cls, why)
			if r.info.ConfigurationClass == "" {
				r.info.ConfigurationClass = cls
			}
			evs = append(evs, sub...)
			followed++
		} else if len(m.Classes) > 0 {
			r.note(file, "django-configurations settings: cannot tell which class $DJANGO_CONFIGURATION names; set it in manage.py")
		}
	}
	return evs, followed, nil
}

// absoluteImport resolves a relative import against the importing package.
func absoluteImport(pkg string, imp pyscan.Import) string {
	if imp.Level == 0 {
		return imp.Module
	}
	var parts []string
	if pkg != "" {
		parts = strings.Split(pkg, ".")
	}
	n := len(parts) - (imp.Level - 1)
	if n <= 0 {
		return ""
	}
	base := strings.Join(parts[:n], ".")
	if imp.Module == "" {
		return base
	}
	return base + "." + imp.Module
}

// isProjectModule reports whether a module's top-level package lives in the project.
func (r *reader) isProjectModule(mod string) bool {
	top := strings.SplitN(mod, ".", 2)[0]
	dir, err := r.packageDir(top)
	return err == nil && dir != ""
}

// readSettings reads the settings module and fills in the facts.
func (r *reader) readSettings() error {
	mod := r.info.SettingsModule
	file, root, isPkg, err := r.resolveModule(mod)
	if err != nil {
		return err
	}
	if file == "" {
		rel := strings.ReplaceAll(mod, ".", "/")
		r.note(r.info.SettingsModuleSource, "settings module %s not found: no %s.py or %s/__init__.py under %s",
			mod, rel, rel, strings.Join(r.roots, ", "))
		return nil
	}
	r.info.SettingsFile, r.info.SettingsRoot = file, root
	evs, followed, err := r.events(file, mod, isPkg, nil)
	if err != nil {
		return err
	}
	if isPkg && followed == 0 && !setsSettings(evs) {
		more, err := r.packageFallback(file, mod)
		if err != nil {
			return err
		}
		evs = append(evs, more...)
	}
	evs = r.configValues(evs)
	s := newSettings()
	for _, e := range evs {
		s.apply(e)
	}
	if err := r.extract(s, root, isPkg); err != nil {
		return err
	}
	r.envReads(evs)
	r.production(s)
	return nil
}

// coreSettings are settings every real settings module sets; a module that sets none of
// them (only helper variables such as ENV) is a chooser, not settings.
var coreSettings = map[string]bool{
	"INSTALLED_APPS": true, "DATABASES": true, "SECRET_KEY": true, "MIDDLEWARE": true,
	"ROOT_URLCONF": true, "DEBUG": true, "ALLOWED_HOSTS": true, "TEMPLATES": true,
	"STATIC_URL": true, "WSGI_APPLICATION": true,
}

// setsSettings reports whether a module-level statement assigns a core setting.
func setsSettings(evs []event) bool {
	for _, e := range evs {
		if e.a != nil && e.a.Indent == 0 && coreSettings[e.a.Target] {
			return true
		}
	}
	return false
}

// packageFallback reads base.py then production.py (or prod.py) of a settings package
// whose __init__.py sets nothing itself, typically because it picks a module from an
// environment variable at run time.
func (r *reader) packageFallback(initFile, mod string) ([]event, error) {
	dir := path.Dir(initFile)
	var evs []event
	var read []string
	for _, group := range [][]string{{"base", "common"}, {"production", "prod"}} {
		for _, name := range group {
			f := path.Join(dir, name+".py")
			ok, err := isFile(r.fsys, f)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			sub, _, err := r.events(f, mod+"."+name, false, nil)
			if err != nil {
				return nil, err
			}
			evs = append(evs, sub...)
			read = append(read, name+".py")
			break
		}
	}
	if len(read) == 0 {
		r.note(initFile, "the settings package %s sets nothing in __init__.py and has no base.py or production.py; its settings could not be read", mod)
		return nil, nil
	}
	r.note(initFile, "%s/__init__.py sets no settings itself; read %s as production would use them", mod, strings.Join(read, " then "))
	return evs, nil
}
