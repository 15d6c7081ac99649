package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/venv"
)

// File is one file Plan wants written; the caller diffs, asks and writes.
type File struct {
	Path string // relative to the project root
	Data []byte
}

// Formats Plan writes.
const (
	FormatRequirements = "requirements"
	FormatPipfile      = "pipfile"
	FormatPyproject    = "pyproject"
)

// DefaultFormat keeps the project's own kind of manifest: a Pipfile for pipenv, pyproject.toml
// for Poetry, uv, PDM and projects that declare dependencies only there or in setup.py, else
// requirements.
func DefaultFormat(p *detect.Project) string {
	switch p.PackageManager {
	case detect.ManagerPipenv:
		return FormatPipfile
	case detect.ManagerPoetry, detect.ManagerUV, detect.ManagerPDM, detect.ManagerSetuptools:
		return FormatPyproject
	case detect.ManagerPip:
		if p.RequirementsFile == "" && len(p.DependencyFiles) > 0 {
			return FormatPyproject
		}
	}
	return FormatRequirements
}

// LockFile is the name of the full lock Plan writes beside the manifest.
const LockFile = "requirements.lock"

// Plan computes the files that declare what the virtualenv runs on, in the
// dependency folder (Project.DependencyDir): a manifest with the top-level
// distributions (Report.TopLevel) pinned to their installed versions, and
// requirements.lock with every installed distribution pinned, each with
// "# via" saying what requires it. pip, setuptools and wheel are locked only
// when the project imports them or a locked distribution requires them.
//
//   - "requirements": requirements.txt (the pip project's chosen file when
//     there is one, so that detection keeps choosing it), rewritten whole
//     with a header saying where it came from.
//   - "pipfile": Pipfile. A new one gets the PyPI source, [packages] and
//     [requires] python_version; an existing one keeps everything but its
//     [packages] entries. No Pipfile.lock: it holds the hashes of the
//     archives, which a virtualenv does not keep, so `pipenv lock` makes it;
//     requirements.lock records the exact versions meanwhile.
//   - "pyproject": pyproject.toml with PEP 621 [project].dependencies. A new
//     one gets name, version and requires-python too; in an existing one
//     only the dependencies array is replaced (or added), leaving comments
//     and other tables as they were. Editable and local-folder installs
//     cannot be said in [project].dependencies: they appear there as
//     comments, and as -e lines in requirements.lock.
//
// Editable installs become "-e ./path" relative to the dependency folder
// (where pip runs) when inside the project, and keep their absolute path
// with a warning otherwise; VCS installs become "name @ git+URL@commit".
// Declared dependencies that are not installed are left out and listed in
// a comment. The output is sorted and stable: the same input gives the same
// bytes, and planning again after writing changes nothing.
func Plan(in Input, r *Report, format string) ([]File, error) {
	if in.Project == nil || r == nil {
		return nil, errors.New("migrate: plan needs the project and its report")
	}
	pl := newPlanner(in, r)
	switch format {
	case FormatRequirements:
		return pl.requirements()
	case FormatPipfile:
		return pl.pipfile()
	case FormatPyproject:
		return pl.pyproject()
	}
	return nil, fmt.Errorf("unknown format %q: use requirements, pipfile or pyproject", format)
}

type planner struct {
	in       Input
	r        *Report
	dir      string // the dependency folder, relative to the project
	top      []pin  // the manifest's entries, sorted by name
	all      []venv.Dist
	declared map[string]detect.Dependency
}

// pin is how one distribution is declared.
type pin struct {
	dist     venv.Dist
	extras   []string
	kind     pinKind
	url      string // pinVCS: "git+https://…@commit"; pinURL: the archive URL
	path     string // pinPath: "./libs/x" inside the project, else absolute
	editable bool
	note     string // for people, written as a comment
}

type pinKind int

const (
	pinVersion pinKind = iota
	pinVCS
	pinURL
	pinPath
)

func newPlanner(in Input, r *Report) *planner {
	pl := &planner{in: in, r: r, dir: dependencyDir(in.Project)}
	pl.declared, _ = declaredDeps(in)
	seen := map[string]bool{}
	for _, d := range in.Dists {
		if !seen[d.Name] {
			seen[d.Name] = true
			pl.all = append(pl.all, d)
		}
	}
	sort.SliceStable(pl.all, func(i, j int) bool { return pl.all[i].Name < pl.all[j].Name })
	for _, d := range pl.all {
		if slices.Contains(r.TopLevel, d.Name) {
			pl.top = append(pl.top, pl.pinFor(d))
		}
	}
	return pl
}

func dependencyDir(p *detect.Project) string {
	for _, d := range []string{p.DependencyDir, p.AppRoot} {
		if d != "" {
			return path.Clean(d)
		}
	}
	return "."
}

// pinFor decides how d is declared.
func (pl *planner) pinFor(d venv.Dist) pin {
	p := pin{dist: d, extras: pl.declared[d.Name].Extras}
	switch {
	case d.Editable:
		p.kind, p.editable = pinPath, true
		if d.EditablePath == "" {
			p.kind, p.editable = pinVersion, false
			p.note = "an editable install whose source folder is unknown: pinned by version instead"
			break
		}
		p.path, p.note = pl.localPath(d, d.EditablePath, "editable install")
	case d.VCS != "" && d.URL != "":
		p.kind = pinVCS
		p.url = d.URL
		if !strings.HasPrefix(p.url, d.VCS+"+") {
			p.url = d.VCS + "+" + p.url
		}
		if d.Commit != "" {
			p.url += "@" + d.Commit
		}
	case strings.HasPrefix(d.URL, "file:"):
		u, err := url.Parse(d.URL)
		if err != nil || u.Path == "" {
			p.note = "installed from " + d.URL + ": pinned by version; make that archive available to the build"
			break
		}
		if local, note := pl.localPath(d, u.Path, "installed from"); note == "" {
			p.kind, p.path = pinPath, local
		} else {
			p.note = "installed from " + d.URL + ", outside the project: pinned by version; publish it or copy it into the project"
		}
	case strings.HasPrefix(d.URL, "https:") || strings.HasPrefix(d.URL, "http:"):
		p.kind, p.url = pinURL, d.URL
	}
	if p.kind == pinVersion && d.Version == "" {
		p.note = "its version is unknown (metadata missing): reinstall it, then pin it"
	}
	return p
}

var reWindowsPath = lazy.Regexp(`^[A-Za-z]:[\\/]|\\`)

// localPath writes target, the source folder of d's install, relative to
// the dependency folder when it lies inside the project; otherwise it stays
// absolute and note says the build cannot reach it.
func (pl *planner) localPath(d venv.Dist, target, what string) (string, string) {
	rel, inside := installFolder(pl.in, d, target)
	if !inside {
		return rel, fmt.Sprintf("%s %s, outside the project: the image cannot see it; copy it into the project or publish it", what, rel)
	}
	return relativeTo(pl.dir, rel), ""
}

// relativeTo writes the project path target relative to the project
// folder dir: "./libs/x", "../libs/x", ".".
func relativeTo(dir, target string) string {
	split := func(p string) []string {
		if p = path.Clean(p); p == "." {
			return nil
		}
		return strings.Split(p, "/")
	}
	from, to := split(dir), split(target)
	i := 0
	for i < len(from) && i < len(to) && from[i] == to[i] {
		i++
	}
	var parts []string
	for range from[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, to[i:]...)
	if len(parts) == 0 {
		return "."
	}
	if parts[0] != ".." {
		parts = append([]string{"."}, parts...)
	}
	return strings.Join(parts, "/")
}

// requirement writes p as a requirements-file line.
func (p pin) requirement() string {
	extras := ""
	if len(p.extras) > 0 {
		extras = "[" + strings.Join(p.extras, ",") + "]"
	}
	switch p.kind {
	case pinVCS, pinURL:
		return p.dist.RawName + extras + " @ " + p.url
	case pinPath:
		if p.editable {
			return "-e " + p.path + extras
		}
		return p.path + extras
	}
	if p.dist.Version == "" {
		return p.dist.RawName + extras
	}
	return p.dist.RawName + extras + "==" + p.dist.Version
}

// comment writes text as "# " lines of at most about 76 columns.
func comment(b *strings.Builder, indent, text string) {
	line := indent + "#"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 78 && len(line) > len(indent)+1 {
			b.WriteString(line + "\n")
			line = indent + "#"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}

// source describes where the pins came from, for headers.
func (pl *planner) source() string {
	v := pl.r.Venv
	s := "the virtualenv " + v.Path
	if v.Path == "" {
		s = "the virtualenv"
	}
	if pl.r.Python != "" {
		s += " (Python " + pl.r.Python + ")"
	}
	return s
}

func (pl *planner) projectName() string {
	if pl.in.Project.Name != "" {
		return pl.in.Project.Name
	}
	return "the project"
}

// leftOut lists the declared dependencies that are not installed.
func (pl *planner) leftOut(b *strings.Builder) {
	if len(pl.r.DeclaredNotInstalled) == 0 {
		return
	}
	b.WriteString("# Left out: declared before, but not installed in the virtualenv:\n")
	for _, d := range pl.r.DeclaredNotInstalled {
		fmt.Fprintf(b, "#   %s%s (%s)\n", d.Name, d.Declared, d.Source)
	}
}

// requirements writes requirements.txt and requirements.lock.
func (pl *planner) requirements() ([]File, error) {
	file := path.Join(pl.dir, "requirements.txt")
	if p := pl.in.Project; p.PackageManager == detect.ManagerPip && p.RequirementsFile != "" {
		file = p.RequirementsFile
	}
	var b strings.Builder
	comment(&b, "", fmt.Sprintf("Dependencies of %s: the top-level packages installed in %s, pinned to their installed versions.", pl.projectName(), pl.source()))
	comment(&b, "", fmt.Sprintf("Written by containerize migrate from %s. %s pins every package, with what these require.",
		strings.Join(pl.r.Venv.SitePackages, ", "), LockFile))
	pl.leftOut(&b)
	b.WriteString("\n")
	if pl.lockIsConstraint() {
		// pip keeps every package, the transitive ones too, to the lock's versions, so an image
		// built from this file installs what the virtualenv had.
		rel, err := filepath.Rel(path.Dir(file), path.Join(pl.dir, LockFile))
		if err != nil {
			return nil, err
		}
		b.WriteString("-c " + filepath.ToSlash(rel) + "\n")
	}
	for _, p := range pl.top {
		if p.note != "" {
			comment(&b, "", p.dist.RawName+": "+p.note)
		}
		b.WriteString(p.requirement() + "\n")
	}
	return []File{{Path: file, Data: []byte(b.String())}, pl.lock(path.Base(file))}, nil
}

// lockIsConstraint says whether requirements.lock can serve as a pip constraints file:
// pip refuses editable installs there.
func (pl *planner) lockIsConstraint() bool {
	for _, d := range pl.all {
		if d.Editable {
			return false
		}
	}
	return true
}

// lock writes requirements.lock: every installed distribution the project
// needs, pinned, each with what requires it; manifest names the top-level
// ones' origin.
func (pl *planner) lock(manifestName string) File {
	via := venv.NewGraph(pl.all, pl.r.Python, declaredExtras(pl.declared)).RequiredBy()
	top := map[string]bool{}
	for _, p := range pl.top {
		top[p.dist.Name] = true
	}
	// Installer tools (pep.InstallerTool) come with every virtualenv: as in
	// venv.TopLevel, they are pinned only when the project or a locked
	// package needs them.
	included := func(name string) bool {
		if !pep.IsInstallerTool(name) || top[name] {
			return true
		}
		for _, by := range via[name] {
			if !pep.IsInstallerTool(by) {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	comment(&b, "", fmt.Sprintf("Every package installed in %s that %s needs, pinned: the top-level ones of %s and what they require (\"via\").",
		pl.source(), pl.projectName(), manifestName))
	comment(&b, "", fmt.Sprintf("Written by containerize migrate. Requires-Dist markers are evaluated for CPython %s on Linux. No hashes: a virtualenv does not keep its packages' archives.", pl.r.Python))
	if len(pl.r.Conflicts) > 0 {
		// Written anyway (--allow-conflicts): say so where pip's error will send people.
		comment(&b, "", fmt.Sprintf("WARNING: this lock does not install as it is: the virtualenv's packages conflict on Python %s (pip check):", pl.r.CheckedPython))
		for _, c := range pl.r.Conflicts {
			comment(&b, "", "- "+c.String())
		}
	}
	b.WriteString("# Install with: pip install -r " + LockFile + "\n\n")
	for _, d := range pl.all {
		if !included(d.Name) {
			continue
		}
		p := pl.pinFor(d)
		if p.note != "" {
			comment(&b, "", d.RawName+": "+p.note)
		}
		b.WriteString(p.requirement() + "\n")
		var from []string
		if top[d.Name] {
			from = append(from, manifestName)
		}
		for _, by := range via[d.Name] {
			if included(by) {
				from = append(from, by)
			}
		}
		switch len(from) {
		case 0:
		case 1:
			b.WriteString("    # via " + from[0] + "\n")
		default:
			b.WriteString("    # via\n")
			for _, f := range from {
				b.WriteString("    #   " + f + "\n")
			}
		}
	}
	return File{Path: path.Join(pl.dir, LockFile), Data: []byte(b.String())}
}

// readExisting reads a manifest the project already has; nil when absent.
func (pl *planner) readExisting(name string) ([]byte, error) {
	data, err := fs.ReadFile(pl.in.FS, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

// pipfileValue writes p as the value of a Pipfile [packages] entry.
func (p pin) pipfileValue() string {
	var fields []string
	switch p.kind {
	case pinVCS:
		vcsURL := strings.TrimPrefix(p.url, p.dist.VCS+"+")
		if p.dist.Commit != "" {
			vcsURL = strings.TrimSuffix(vcsURL, "@"+p.dist.Commit)
		}
		fields = append(fields, p.dist.VCS+" = "+tomlString(vcsURL))
		if p.dist.Commit != "" {
			fields = append(fields, "ref = "+tomlString(p.dist.Commit))
		}
	case pinURL:
		fields = append(fields, "file = "+tomlString(p.url))
	case pinPath:
		fields = append(fields, "path = "+tomlString(p.path))
		if p.editable {
			fields = append(fields, "editable = true")
		}
	default:
		version := "*"
		if p.dist.Version != "" {
			version = "==" + p.dist.Version
		}
		if len(p.extras) == 0 {
			return tomlString(version)
		}
		fields = append(fields, "version = "+tomlString(version))
	}
	if len(p.extras) > 0 {
		var q []string
		for _, x := range p.extras {
			q = append(q, tomlString(x))
		}
		fields = append(fields, "extras = ["+strings.Join(q, ", ")+"]")
	}
	return "{" + strings.Join(fields, ", ") + "}"
}

// pipfile writes or updates the Pipfile, and requirements.lock.
func (pl *planner) pipfile() ([]File, error) {
	file := path.Join(pl.dir, "Pipfile")
	var body strings.Builder
	for _, p := range pl.top {
		if p.note != "" {
			comment(&body, "", p.dist.Name+": "+p.note)
		}
		body.WriteString(tomlKeyName(p.dist.Name) + " = " + p.pipfileValue() + "\n")
	}
	requires := ""
	if v, ok := detect.ParsePythonMinor(pl.r.Python); ok {
		requires = fmt.Sprintf("[requires]\npython_version = \"%s\"\n", v)
	}
	existing, err := pl.readExisting(file)
	if err != nil {
		return nil, err
	}
	var data []byte
	if existing != nil {
		if _, err := manifest.ParsePipfile(existing, file); err != nil {
			return nil, err
		}
		if data, err = mergePackages(existing, file, body.String(), requires); err != nil {
			return nil, err
		}
	} else {
		var b strings.Builder
		comment(&b, "", fmt.Sprintf("Dependencies of %s: the top-level packages installed in %s, pinned. Written by containerize migrate.", pl.projectName(), pl.source()))
		comment(&b, "", "Run `pipenv lock` to write Pipfile.lock: it needs the hashes of the packages' archives, which a virtualenv does not keep. Meanwhile "+LockFile+" records every exact version the virtualenv had.")
		pl.leftOut(&b)
		b.WriteString("\n[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n[packages]\n")
		b.WriteString(body.String())
		b.WriteString("\n[dev-packages]\n")
		if requires != "" {
			b.WriteString("\n" + requires)
		}
		data = []byte(b.String())
	}
	pf, err := manifest.ParsePipfile(data, file)
	if err != nil {
		return nil, fmt.Errorf("the updated %s does not parse (%v); edit it by hand", file, err)
	}
	if err := pl.check(file, pf.Packages, true); err != nil {
		return nil, err
	}
	return []File{{Path: file, Data: data}, pl.lock("Pipfile")}, nil
}

// check verifies that a rewritten manifest declares exactly the planned
// top-level names; paths says whether it can hold local-folder pins
// (Pipfile can, [project].dependencies cannot).
func (pl *planner) check(file string, reqs []manifest.Requirement, paths bool) error {
	var got, want []string
	for _, r := range reqs {
		got = append(got, r.Name)
	}
	for _, p := range pl.top {
		if p.kind != pinPath || paths {
			want = append(want, p.dist.Name)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("the updated %s would declare %v instead of %v; edit its dependencies by hand", file, got, want)
	}
	return nil
}

// pyproject writes or updates pyproject.toml, and requirements.lock.
func (pl *planner) pyproject() ([]File, error) {
	file := path.Join(pl.dir, "pyproject.toml")
	var arr strings.Builder
	arr.WriteString("[\n")
	for _, p := range pl.top {
		if p.kind == pinPath {
			what := "installed from"
			if p.editable {
				what = "an editable install of"
			}
			comment(&arr, "    ", fmt.Sprintf("%s: %s %s; [project].dependencies cannot say that: %s has it", p.dist.RawName, what, p.path, LockFile))
			continue
		}
		if p.note != "" {
			comment(&arr, "    ", p.dist.RawName+": "+p.note)
		}
		arr.WriteString("    " + tomlString(p.requirement()) + ",\n")
	}
	arr.WriteString("]")

	name := pep.NormalizeName(pl.in.Project.Name)
	if !pep.ValidName(name) {
		name = "app"
	}
	var project strings.Builder
	project.WriteString("[project]\nname = " + tomlString(name) + "\nversion = \"0.1.0\"\n")
	if v, ok := detect.ParsePythonMinor(pl.r.Python); ok && v.Major >= 3 {
		fmt.Fprintf(&project, "requires-python = \">=%s\"\n", v)
	}
	project.WriteString("dependencies = " + arr.String() + "\n")

	existing, err := pl.readExisting(file)
	if err != nil {
		return nil, err
	}
	var data []byte
	if existing != nil {
		pp, err := manifest.ParsePyproject(existing, file)
		if err != nil {
			return nil, err
		}
		if slices.Contains(pp.Dynamic, "dependencies") {
			return nil, fmt.Errorf("%s: [project] dynamic lists \"dependencies\", so the build backend computes them: remove it from dynamic, or choose --format requirements", file)
		}
		if data, err = mergeDependencies(existing, file, arr.String(), project.String()); err != nil {
			return nil, err
		}
	} else {
		var b strings.Builder
		comment(&b, "", fmt.Sprintf("Dependencies of %s: the top-level packages installed in %s, pinned. Written by containerize migrate; %s records every exact version the virtualenv had.", pl.projectName(), pl.source(), LockFile))
		pl.leftOut(&b)
		b.WriteString(project.String())
		data = []byte(b.String())
	}
	pp, err := manifest.ParsePyproject(data, file)
	if err != nil {
		return nil, fmt.Errorf("the updated %s does not parse (%v); edit it by hand", file, err)
	}
	if err := pl.check(file, pp.Dependencies, false); err != nil {
		return nil, err
	}
	return []File{{Path: file, Data: data}, pl.lock("pyproject.toml")}, nil
}
