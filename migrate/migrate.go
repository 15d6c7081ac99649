// Package migrate turns what a legacy virtualenv has installed into
// declared, pinned dependencies, and reports the drift between the
// virtualenv, the manifest and the code's imports. It only computes: the
// caller finds and reads the virtualenv (package venv), asks, and writes.
package migrate

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/venv"
)

// Input is what a migration works from.
type Input struct {
	Project *detect.Project
	FS      fs.FS // the project tree, rooted at the project: its code and manifests
	Venv    venv.Venv
	Dists   []venv.Dist // venv.Locator.Read(Venv)
	// Dir is the project's absolute path, to write editable installs inside
	// it relative to the manifest; "" takes Project.Root when it is absolute.
	Dir string
	// Python is the supported-Python policy (config.Python in the CLI).
	Python PythonPolicy
}

// PythonPolicy is which Python versions the generated image supports and
// what a project's Python facts resolve to. It is a decision, made in one
// place (config.PythonPolicy), so migrate is handed it rather than
// importing it.
type PythonPolicy interface {
	// Version is the minor version the project's Python facts resolve to,
	// "" when no source names one.
	Version(detect.Python) string
	// Nearest is the supported minor version nearest to v ("3.10" for
	// "3.8.10"), "" when v names no minor version.
	Nearest(v string) string
}

// Report is the drift between the manifest, the virtualenv and the code.
type Report struct {
	Venv venv.Venv
	// Python is the virtualenv's Python ("3.8"), else the project's.
	Python string
	// PythonWarning says, for a Python with no supported official image,
	// the nearest supported one (Input.Python) and what blocks the upgrade.
	PythonWarning string
	// Blockers are installed distributions whose Requires-Python excludes
	// the nearest supported Python; empty when Python is supported.
	Blockers             []Blocker
	DeclaredNotInstalled []Drift // in the manifest, not in the virtualenv
	InstalledNotDeclared []Drift // asked for in the virtualenv (venv.TopLevel), not in the manifest
	VersionDiffers       []Drift // the manifest's pin or specifier does not match the installed version
	// UnprovidedImports are modules the code imports that no declared or
	// installed distribution provides; Python 2-only modules among them are
	// flagged Py2Only.
	UnprovidedImports []Import
	// Problems are what is broken in the virtualenv ("django: METADATA
	// missing ...") and specifiers that could not be checked.
	Problems []string
	// Imports are every module the code imports from outside the project
	// and the standard library: the evidence behind UnprovidedImports.
	Imports []Import
	// Conflicts are the Requires-Dist the installed set does not satisfy (`pip check`), markers
	// evaluated for CheckedPython on Linux: with any, the lock Plan writes does not install as it is.
	Conflicts []venv.Conflict
	// CheckedPython is the Python the conflicts are checked for: the image's, the supported
	// version nearest to Python.
	CheckedPython string
	// TopLevel are the installed distributions a manifest should declare
	// (PEP 503 names, sorted): those asked for (venv.TopLevel, which leaves
	// pip, setuptools and wheel out unless imported) and those the manifest
	// already names (not those only its lockfile pins).
	TopLevel []string
}

// Drift is one difference between the manifest and the virtualenv. Name is
// PEP 503-normalised; Declared is the manifest's specifier ("==1.2" for a
// locked version, "" for any version); Source is the evidence of the side
// that has it (the manifest line, or the dist-info folder).
type Drift struct{ Name, Declared, Installed, Source string }

// Blocker is an installed distribution that does not support the nearest
// supported Python.
type Blocker struct{ Name, Version, RequiresPython, Source string }

// Analyze compares the project's declared dependencies, the virtualenv's
// distributions and the code's imports.
func Analyze(in Input) (*Report, error) {
	if in.Project == nil || in.FS == nil {
		return nil, errors.New("migrate: no project to analyze")
	}
	if in.Python == nil {
		return nil, errors.New("migrate: no Python policy (Input.Python) to check the Python version against")
	}
	r := &Report{Venv: in.Venv, Python: cmp.Or(in.Venv.Python, in.Python.Version(in.Project.Python))}
	imports, err := Imports(in.FS, in.Project.AppRoot)
	if err != nil {
		return nil, err
	}
	r.Imports = imports

	installed := map[string]venv.Dist{}
	for _, d := range in.Dists {
		if _, dup := installed[d.Name]; !dup {
			installed[d.Name] = d
		}
		for _, p := range d.Problems {
			r.Problems = append(r.Problems, d.Name+": "+p)
		}
	}
	declared, declaredNames := declaredDeps(in)

	for _, name := range declaredNames {
		dep := declared[name]
		d, ok := installed[name]
		if !ok {
			r.DeclaredNotInstalled = append(r.DeclaredNotInstalled, Drift{Name: name, Declared: declaredSpec(dep), Source: dep.Source})
			continue
		}
		differs, problem := versionDiffers(dep, d.Version)
		if problem != "" {
			r.Problems = append(r.Problems, problem)
		}
		if differs {
			r.VersionDiffers = append(r.VersionDiffers, Drift{Name: name, Declared: declaredSpec(dep), Installed: d.Version, Source: dep.Source})
		}
	}

	imported := map[string]bool{}
	for _, i := range imports {
		imported[i.Module] = true
		root, _, _ := strings.Cut(i.Module, ".")
		imported[root] = true
	}
	// venv.TopLevel cannot know the extras the manifest asks for: redis,
	// installed for a declared celery[redis], is not top level.
	asked := venv.TopLevel(in.Dists, r.Python, imported)
	via := venv.NewGraph(in.Dists, r.Python, declaredExtras(declared)).RequiredBy()
	initial := map[string]bool{}
	for _, d := range asked {
		initial[d.Name] = true
	}
	top := map[string]bool{}
	for _, d := range asked {
		_, isDeclared := declared[d.Name]
		if !d.Requested && !isDeclared && slices.ContainsFunc(via[d.Name], func(by string) bool {
			_, byDeclared := declared[by]
			return byDeclared || initial[by]
		}) {
			continue
		}
		top[d.Name] = true
		if !isDeclared {
			r.InstalledNotDeclared = append(r.InstalledNotDeclared, Drift{Name: d.Name, Installed: d.Version, Source: d.Source})
		}
	}
	for name, dep := range declared {
		if _, ok := installed[name]; ok && direct(in.Project, dep) {
			top[name] = true
		}
	}
	r.TopLevel = slices.Sorted(maps.Keys(top))

	owners := ModuleOwners(in.Dists)
	declaredSet := map[string]bool{}
	for name := range declared {
		declaredSet[name] = true
	}
	for _, i := range imports {
		if !provided(i.Module, owners, declaredSet) {
			r.UnprovidedImports = append(r.UnprovidedImports, i)
		}
	}

	r.pythonCheck(in.Dists, in.Python.Nearest(r.Python))
	r.CheckedPython = cmp.Or(in.Python.Nearest(r.Python), r.Python)
	for _, c := range venv.Check(in.Dists, r.CheckedPython, declaredExtras(declared)) {
		// The installer tools are locked only when something needs them (Plan's lock): their own
		// requirements do not stop the lock from installing otherwise.
		if name := pep.NormalizeName(c.Dist); pep.IsInstallerTool(name) && !top[name] {
			continue
		}
		r.Conflicts = append(r.Conflicts, c)
	}
	return r, nil
}

// ConflictError refuses to write a lock that does not install: the virtualenv's distributions do
// not satisfy each other's Requires-Dist.
type ConflictError struct {
	Venv      string
	Python    string
	Conflicts []venv.Conflict
}

func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the packages installed in %s do not satisfy each other's requirements (as `pip check` reports) on Python %s, so a lock pinning them would not install:", e.Venv, e.Python)
	for _, c := range e.Conflicts {
		b.WriteString("\n  " + c.String())
	}
	b.WriteString("\nfix the virtualenv (pip install the versions required, then pip check) and run migrate again, or run containerize migrate --allow-conflicts to write the lock anyway, with these conflicts listed in it")
	return b.String()
}

// CheckInstallable returns a *ConflictError when r has conflicts: the lock Plan would write does
// not install.
func (r *Report) CheckInstallable() error {
	if len(r.Conflicts) == 0 {
		return nil
	}
	return &ConflictError{Venv: r.Venv.Path, Python: r.CheckedPython, Conflicts: r.Conflicts}
}

// declaredDeps indexes the project's dependencies by name, keeping the
// first declaration of each; names come sorted. A nameless one (a local
// folder in a requirements file, "-e ./libs/x") declares the installed
// distribution whose source is that folder.
func declaredDeps(in Input) (map[string]detect.Dependency, []string) {
	declared := map[string]detect.Dependency{}
	var names []string
	add := func(dep detect.Dependency) {
		if _, dup := declared[dep.Name]; !dup {
			declared[dep.Name] = dep
			names = append(names, dep.Name)
		}
	}
	var nameless []detect.Dependency
	for _, dep := range in.Project.Dependencies {
		if dep.Name == "" {
			nameless = append(nameless, dep)
			continue
		}
		add(dep)
	}
	if len(nameless) > 0 {
		folders := declaredFolders(in, nameless)
		for _, d := range in.Dists {
			if src, ok := folders[sourceFolder(in, d)]; ok {
				add(detect.Dependency{Name: d.Name, Source: src})
			}
		}
	}
	sort.Strings(names)
	return declared, names
}

// declaredFolders maps the project folders that nameless requirements name
// to their evidence. detect keeps only the evidence, so each is read again
// from its requirements file.
func declaredFolders(in Input, deps []detect.Dependency) map[string]string {
	folders := map[string]string{}
	sets := map[string]*manifest.RequirementsSet{}
	for _, dep := range deps {
		i := strings.LastIndexByte(dep.Source, ':')
		if i < 0 {
			continue
		}
		file, line := dep.Source[:i], dep.Source[i+1:]
		set, ok := sets[file]
		if !ok {
			set, _ = manifest.ParseRequirementsFile(in.FS, file)
			sets[file] = set
		}
		if set == nil {
			continue
		}
		for _, r := range set.Requirements {
			if r.File != file || strconv.Itoa(r.Line) != line || r.URL == "" {
				continue
			}
			target := r.URL
			if u, err := url.Parse(r.URL); err == nil && u.Scheme == "file" {
				target = u.Path
			} else if err == nil && u.Scheme != "" {
				continue // a URL, not a folder
			} else if !path.IsAbs(target) {
				// pip reads a relative path from where it runs: the dependency folder.
				target = path.Join(dependencyDir(in.Project), target)
			}
			key, _ := projectPath(in, target)
			folders[key] = dep.Source
		}
	}
	return folders
}

// sourceFolder is the folder d was installed from (editable or local) as
// projectPath writes it, "" when none.
func sourceFolder(in Input, d venv.Dist) string {
	target := d.EditablePath
	if !d.Editable {
		u, err := url.Parse(d.URL)
		if err != nil || u.Scheme != "file" || d.VCS != "" {
			return ""
		}
		target = u.Path
	}
	if target == "" {
		return ""
	}
	key, _ := installFolder(in, d, target)
	return key
}

// installFolder writes the source folder target of d's install as
// projectPath does. A relative target is relative to the site-packages
// folder that named it (.egg-link files).
func installFolder(in Input, d venv.Dist, target string) (string, bool) {
	if !path.IsAbs(target) && !reWindowsPath().MatchString(target) {
		target = path.Join(path.Dir(d.Source), target)
	}
	return projectPath(in, target)
}

// projectPath writes target (absolute, or relative to the project) relative
// to the project when it lies inside it, else cleaned and as it was.
func projectPath(in Input, target string) (string, bool) {
	if reWindowsPath().MatchString(target) {
		return windowsProjectPath(in.projectDir(), target)
	}
	rel := path.Clean(target)
	if path.IsAbs(target) {
		dir := in.projectDir()
		switch {
		case dir != "" && rel == dir:
			rel = "."
		case dir != "" && strings.HasPrefix(rel, dir+"/"):
			rel = strings.TrimPrefix(rel, dir+"/")
		default:
			return rel, false
		}
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return target, false
	}
	return rel, true
}

// direct reports whether the manifest names dep itself, rather than its
// lockfile as what another dependency needs.
func direct(p *detect.Project, dep detect.Dependency) bool {
	return p.Lockfile == "" || dep.Direct || dep.Version == ""
}

// declaredExtras are the extras the manifest asks for, by name.
func declaredExtras(declared map[string]detect.Dependency) map[string][]string {
	extras := map[string][]string{}
	for name, dep := range declared {
		if len(dep.Extras) > 0 {
			extras[name] = dep.Extras
		}
	}
	return extras
}

// declaredSpec is what the manifest asks for: the locked version, else the
// specifier.
func declaredSpec(dep detect.Dependency) string {
	if dep.Version != "" {
		return "==" + dep.Version
	}
	return dep.Specifier
}

// versionDiffers compares a declared dependency with the installed
// version: a locked version must be equal, a specifier satisfied. problem
// says why the comparison could not be made.
func versionDiffers(dep detect.Dependency, version string) (differs bool, problem string) {
	iv, err := pep.ParseVersion(version)
	if err != nil {
		if dep.Version != "" {
			return dep.Version != version, ""
		}
		if dep.Specifier == "" {
			return false, ""
		}
		return false, fmt.Sprintf("%s: installed version %q of %s is not a PEP 440 version; cannot check it against %s", dep.Source, version, dep.Name, dep.Specifier)
	}
	if dep.Version != "" {
		lv, err := pep.ParseVersion(dep.Version)
		if err != nil {
			return dep.Version != version, ""
		}
		return lv.Compare(iv) != 0, ""
	}
	if dep.Specifier == "" {
		return false, ""
	}
	// The installed version is a fact, pre-release or not.
	spec, err := pep.ParseSpecifierSet(dep.Specifier)
	if err != nil {
		return false, fmt.Sprintf("%s: cannot read the specifier %q of %s: %v", dep.Source, dep.Specifier, dep.Name, err)
	}
	return !spec.Check(iv, true), ""
}

// pythonCheck fills PythonWarning and Blockers when the Python has no
// supported image; nearest is the supported version nearest to it.
func (r *Report) pythonCheck(dists []venv.Dist, nearest string) {
	where := ""
	if r.Venv.PythonSource != "" {
		where = " (" + r.Venv.PythonSource + ")"
	}
	if r.Python == "" {
		if r.Venv.Path != "" {
			r.PythonWarning = fmt.Sprintf("the Python version of %s is unknown (no version in pyvenv.cfg, no lib/pythonX.Y folder); choose one with containerize init", r.Venv.Path)
		}
		return
	}
	version, _ := detect.ParsePythonMinor(r.Python)
	if nearest == "" || nearest == version.String() {
		return
	}
	// Images carry the latest patch release, so test a late one: a
	// Requires-Python of ">=3.10.1" does not block 3.10.
	target, err := pep.ParseVersion(nearest + ".99")
	if err != nil {
		r.Problems = append(r.Problems, fmt.Sprintf("nearest supported Python %q: %v", nearest, err))
		return
	}
	undeclared := 0
	for _, d := range dists {
		if d.RequiresPython == "" {
			if !pep.IsInstallerTool(d.Name) {
				undeclared++
			}
			continue
		}
		spec, err := pep.ParseSpecifierSet(d.RequiresPython)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s: cannot read Requires-Python %q: %v", d.Name, d.RequiresPython, err))
			continue
		}
		if !spec.Check(target, false) {
			r.Blockers = append(r.Blockers, Blocker{Name: d.Name, Version: d.Version, RequiresPython: d.RequiresPython, Source: d.Source})
		}
	}
	sort.Slice(r.Blockers, func(i, j int) bool { return r.Blockers[i].Name < r.Blockers[j].Name })

	var b strings.Builder
	fmt.Fprintf(&b, "Python %s%s has no supported official image; nearest is %s", r.Python, where, nearest)
	if len(r.Blockers) == 0 {
		fmt.Fprintf(&b, "; no installed package's Requires-Python excludes %s", nearest)
	} else {
		var list []string
		for _, bl := range r.Blockers {
			list = append(list, fmt.Sprintf("%s %s (Requires-Python %s)", bl.Name, bl.Version, bl.RequiresPython))
		}
		fmt.Fprintf(&b, "; blocked by: %s", strings.Join(list, ", "))
	}
	if version.Major < 3 {
		py2 := 0
		for _, i := range r.Imports {
			if i.Py2Only {
				py2++
			}
		}
		fmt.Fprintf(&b, "; the code must be ported to Python 3 (%d Python 2-only %s)", py2, plural(py2, "import", "imports"))
		if undeclared > 0 {
			fmt.Fprintf(&b, "; %d installed %s no Requires-Python: check %s Python 3", undeclared,
				plural(undeclared, "package declares", "packages declare"), plural(undeclared, "it supports", "they support"))
		}
	}
	r.PythonWarning = b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// windowsProjectPath is projectPath for a Windows path (a virtualenv made on Windows):
// inside the project only when the project is on a Windows drive too (dir "C:/Users/…"),
// compared as Windows does, without case.
func windowsProjectPath(dir, target string) (string, bool) {
	t := path.Clean(strings.ReplaceAll(target, `\`, "/"))
	if len(dir) < 2 || dir[1] != ':' || !reWindowsPath().MatchString(t) {
		return target, false
	}
	switch {
	case strings.EqualFold(t, dir):
		return ".", true
	case len(t) > len(dir) && strings.EqualFold(t[:len(dir)+1], dir+"/"):
		return t[len(dir)+1:], true
	}
	return target, false
}

// projectDir is the project's absolute path, slash-separated ("C:/Users/me/proj" on
// Windows), "" when unknown.
func (in Input) projectDir() string {
	switch {
	case in.Dir != "":
		return path.Clean(filepath.ToSlash(in.Dir))
	case in.Project != nil && path.IsAbs(in.Project.Root):
		return path.Clean(in.Project.Root)
	}
	return ""
}
