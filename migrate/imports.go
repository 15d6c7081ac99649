package migrate

//go:generate python3 testdata/gen_stdlib.py

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/pyscan"
)

// Import is a module the project's code imports from outside itself.
type Import struct {
	// Module is the top-level module ("yaml"); for a namespace package shared
	// by many distributions, its first two parts ("google.protobuf").
	Module string
	// Source is where it is first imported, "path:line", in walk order.
	Source string
	// Py2Only marks a Python 2 standard module that Python 3 renamed or
	// dropped (urllib2, ConfigParser).
	Py2Only bool
	// Suggest is, for a Python 2 module, its Python 3 replacement; otherwise
	// the distribution that usually provides Module when its name differs
	// (yaml: PyYAML). "" when unknown.
	Suggest string
}

// Imports lists the top-level modules the project's own code imports,
// sorted by module, each with its first evidence. Relative imports, the
// standard library (Python 3's, plus the modules Python 3.12 and 3.13
// removed) and the project's own modules are left out: top-level packages
// and modules of appRoot and of every folder above it up to the project
// root (where the dependency files are), of their src/ folders, and
// modules beside the importing file (a script's folder is on sys.path, and
// Python 2 imported siblings implicitly). Python 2 standard modules are
// kept and flagged Py2Only. Imports inside functions count: they run too.
// setup.py files are not read: they import build tools.
func Imports(fsys fs.FS, appRoot string) ([]Import, error) {
	own, err := ownModules(fsys, appRoot)
	if err != nil {
		return nil, err
	}
	found := map[string]Import{}
	err = walkPython(fsys, func(p string) error {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		dir := path.Dir(p)
		for _, im := range pyscan.Parse(data).Imports {
			if im.Level > 0 || im.Module == "" {
				continue
			}
			for _, mod := range importedModules(im) {
				root, _, _ := strings.Cut(mod, ".")
				if _, seen := found[mod]; seen || own[root] || isStdlib(root) || sibling(fsys, dir, root) {
					continue
				}
				i := Import{Module: mod, Source: fmt.Sprintf("%s:%d", p, im.Line), Suggest: suggest(mod)}
				if py3, ok := py2Only[root]; ok {
					i.Module, i.Py2Only, i.Suggest = root, true, py3
				}
				found[i.Module] = i
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Import, 0, len(found))
	for _, i := range found {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Module < out[b].Module })
	return out, nil
}

func isStdlib(module string) bool {
	_, ok := slices.BinarySearch(stdlibNames, module)
	return ok
}

// importedModules names what one import statement brings in: the top-level
// module, or for a namespace root the first two parts, taking them from
// the imported names of `from google import protobuf`.
func importedModules(im pyscan.Import) []string {
	parts := strings.Split(im.Module, ".")
	if !namespaceRoots[parts[0]] {
		return parts[:1]
	}
	if len(parts) > 1 {
		return []string{parts[0] + "." + parts[1]}
	}
	var out []string
	for _, n := range im.Names {
		if n != "*" {
			out = append(out, parts[0]+"."+n)
		}
	}
	if len(out) == 0 {
		return parts[:1]
	}
	return out
}

// sibling reports whether dir holds a module or package named name.
func sibling(fsys fs.FS, dir, name string) bool {
	return isFile(fsys, path.Join(dir, name+".py")) || isFile(fsys, path.Join(dir, name, "__init__.py"))
}

// ownModules lists the project's own top-level modules: .py files and
// folders holding .py files in appRoot, each folder above it, and their
// src/ folders.
func ownModules(fsys fs.FS, appRoot string) (map[string]bool, error) {
	own := map[string]bool{}
	var dirs []string
	for dir := path.Clean(appRoot); ; dir = path.Dir(dir) {
		dirs = append(dirs, dir, path.Join(dir, "src"))
		if dir == "." || dir == "/" {
			break
		}
	}
	for i, dir := range dirs {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			if i == 0 {
				return nil, fmt.Errorf("list app root %s: %w", dir, err)
			}
			continue // no src/ folder, or an unreadable parent: nothing of the project's there
		}
		for _, e := range entries {
			name := e.Name()
			switch {
			case e.IsDir():
				if !detect.SkippedDir(name) && hasPython(fsys, path.Join(dir, name)) {
					own[name] = true
				}
			case strings.HasSuffix(name, ".py"):
				own[strings.TrimSuffix(name, ".py")] = true
			}
		}
	}
	return own, nil
}

// hasPython reports whether dir directly holds a .py file: a package, or a
// PEP 420 namespace package.
func hasPython(fsys fs.FS, dir string) bool {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".py") {
			return true
		}
	}
	return false
}

// skipDirs hold no project code.
// walkPython calls fn with every .py file of the project, pruning what detect prunes
// (a virtualenv's lib/pythonX.Y holds the standard library's own sources).
func walkPython(fsys fs.FS, fn func(string) error) error {
	err := detect.WalkProject(fsys, func(p string, d fs.DirEntry) error {
		// setup.py imports what builds a package, not what runs.
		if strings.HasSuffix(p, ".py") && d.Name() != "setup.py" {
			return fn(p)
		}
		return nil
	}, nil)
	if err != nil {
		return fmt.Errorf("scan project: %w", err)
	}
	return nil
}

func isFile(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}
