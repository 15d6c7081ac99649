package detect

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// manifests collects what the dependency files of one directory say.
type manifests struct {
	dir       string
	pipfile   *manifest.Pipfile
	pyproject *manifest.Pyproject
	locks     map[string]*manifest.Lock // file name -> lock
	setups    []namedSetup              // setup.cfg then setup.py, those present
	reqs      *manifest.RequirementsSet
	reqPath   string
	reqOthers []string
	reqReason string
	names     []string // every dependency file present, relative to the project root
}

type namedSetup struct {
	*manifest.Setup
	file string
}

// lockfiles in precedence order, with the package manager each belongs to and its parser:
// a lockfile is the strongest statement of how the project installs, and uv, Poetry and
// PDM lockfiles only exist when that tool is in use.
var lockfiles = []struct {
	name    string
	manager PackageManager
	parse   func([]byte, string) (*manifest.Lock, error)
}{
	{"uv.lock", ManagerUV, manifest.ParseUVLock},
	{"poetry.lock", ManagerPoetry, manifest.ParsePoetryLock},
	{"pdm.lock", ManagerPDM, manifest.ParsePDMLock},
	{"Pipfile.lock", ManagerPipenv, manifest.ParsePipfileLock},
}

// readDependencies finds the directory that declares the dependencies (the app root or the
// nearest parent that has a manifest), picks the package manager by the documented
// precedence, and records the others.
//
// Precedence: uv.lock > poetry.lock > pdm.lock > Pipfile.lock > pyproject [tool.poetry] >
// [tool.pdm] > [tool.uv] (either with dependencies declared) > Pipfile > requirements files >
// pyproject [project] (pip) > pyproject [dependency-groups] (pip --group) > setup.py /
// setup.cfg (setuptools) > none. A requirements file beside a Pipfile comes before the
// Pipfile (and its lock) when a deployment file of the project installs it with pip, and
// before an unlocked Pipfile when it pins every package.
func readDependencies(t *tree, p *Project) error {
	var m *manifests
	for dir := p.AppRoot; ; dir = path.Dir(dir) {
		got, err := t.manifestsAt(dir)
		if err != nil {
			return err
		}
		if len(got.names) > 0 {
			m = got
			break
		}
		if dir == "." {
			break
		}
	}
	if m == nil {
		p.PackageManager = ManagerNone
		p.PackageManagerSource = "no Pipfile, pyproject.toml, requirements file or setup.py found"
		p.DependencyFiles = []string{}
		p.DependencyDir = p.AppRoot
		return nil
	}
	p.DependencyDir = m.dir
	in, err := deploymentInstalls(t, m)
	if err != nil {
		return err
	}
	choose(m, p, in)
	tomlBOMWarnings(t, p)
	if err := readDevDependencies(t, m, p); err != nil {
		return err
	}
	for _, f := range m.names {
		if !slices.Contains(p.DependencyFiles, f) {
			p.OtherDependencyFiles = append(p.OtherDependencyFiles, Finding{Name: f, Source: f,
				Detail: fmt.Sprintf("not used: %s takes precedence (%s)", p.PackageManager, p.PackageManagerSource)})
		}
	}
	for _, f := range m.reqOthers {
		if !slices.Contains(p.DependencyFiles, f) {
			p.OtherDependencyFiles = append(p.OtherDependencyFiles, Finding{Name: f, Source: f, Detail: m.reqReason})
		}
	}
	return nil
}

// manifestsAt reads and parses the dependency files of one folder, once.
func (t *tree) manifestsAt(dir string) (*manifests, error) {
	if m, ok := t.manifests[dir]; ok {
		return m, nil
	}
	m, err := readManifests(t, dir)
	if err != nil {
		return nil, err
	}
	t.manifests[dir] = m
	return m, nil
}

func readManifests(t *tree, dir string) (*manifests, error) {
	m := &manifests{dir: dir, locks: map[string]*manifest.Lock{}}
	rel := func(name string) string { return path.Join(dir, name) }
	read := func(name string) ([]byte, bool, error) {
		b, err := t.readFile(rel(name))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		m.names = append(m.names, rel(name))
		return b, true, nil
	}
	if b, ok, err := read("pyproject.toml"); err != nil {
		return nil, err
	} else if ok {
		if m.pyproject, err = manifest.ParsePyproject(b, rel("pyproject.toml")); err != nil {
			return nil, err
		}
	}
	if b, ok, err := read("Pipfile"); err != nil {
		return nil, err
	} else if ok {
		if m.pipfile, err = manifest.ParsePipfile(b, rel("Pipfile")); err != nil {
			return nil, err
		}
	}
	for _, lf := range lockfiles {
		b, ok, err := read(lf.name)
		if err != nil {
			return nil, err
		}
		if ok {
			if m.locks[lf.name], err = lf.parse(b, rel(lf.name)); err != nil {
				return nil, err
			}
		}
	}
	chosen, others, reason, err := manifest.ChooseRequirements(t.fsys, dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if chosen != "" {
		m.reqPath, m.reqOthers, m.reqReason = chosen, others, reason
		if m.reqs, err = manifest.ParseRequirementsFile(t.fsys, chosen); err != nil {
			return nil, err
		}
		m.names = append(m.names, chosen)
	}
	for _, name := range []string{"setup.cfg", "setup.py"} {
		b, ok, err := read(name)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		var s *manifest.Setup
		if name == "setup.cfg" {
			s, err = manifest.ParseSetupCfg(b, rel(name))
		} else {
			s, err = manifest.ParseSetupPy(b, rel(name))
		}
		if err != nil {
			return nil, err
		}
		m.setups = append(m.setups, namedSetup{s, rel(name)})
	}
	return m, nil
}

// choose applies the precedence and fills the package manager, files and dependencies.
// in is what the project's deployment files install with pip.
func choose(m *manifests, p *Project, in installs) {
	installed := in.file
	rel := func(name string) string { return path.Join(m.dir, name) }
	set := func(pm PackageManager, why string, files ...string) {
		p.PackageManager, p.PackageManagerSource = pm, why
		p.DependencyFiles = files
	}
	pp := m.pyproject
	if m.reqs != nil && m.pipfile != nil && (installed != "" || m.locks["Pipfile.lock"] == nil && m.reqs.FullyPinned) {
		// A Pipfile beside a requirements file: the requirements file is what gets installed
		// when the project's own deployment installs it, or when it pins every package and
		// there is no Pipfile.lock (it is then the lock in effect, often `pipenv requirements`).
		why := m.reqPath + " pins every package and the Pipfile has no Pipfile.lock"
		if installed != "" {
			why = fmt.Sprintf("%s installs %s with pip", installed, m.reqPath)
		}
		if m.locks["uv.lock"] == nil && m.locks["poetry.lock"] == nil && m.locks["pdm.lock"] == nil {
			set(ManagerPip, why, m.reqs.Files...)
			p.RequirementsFile = m.reqPath
			p.addRequirements(m.reqs.Requirements)
			return
		}
	}
	for _, lf := range lockfiles {
		lock := m.locks[lf.name]
		if lock == nil {
			continue
		}
		manifestFile := rel("pyproject.toml")
		if lf.manager == ManagerPipenv {
			manifestFile = rel("Pipfile")
		}
		set(lf.manager, rel(lf.name)+" is the lockfile", manifestFile, rel(lf.name))
		p.Lockfile = rel(lf.name)
		p.addLocked(lock, manifestFile, m)
		return
	}
	switch {
	case pp != nil && pp.Poetry != nil:
		set(ManagerPoetry, rel("pyproject.toml")+" has [tool.poetry] (no poetry.lock)", rel("pyproject.toml"))
		p.addRequirements(pp.Poetry.Dependencies)
	case pp != nil && pp.PDM && declares(pp):
		set(ManagerPDM, rel("pyproject.toml")+" has [tool.pdm] (no pdm.lock)", rel("pyproject.toml"))
		p.addRequirements(pp.Dependencies)
	case pp != nil && pp.UV && declares(pp):
		set(ManagerUV, rel("pyproject.toml")+" has [tool.uv] (no uv.lock)", rel("pyproject.toml"))
		p.addRequirements(pp.Dependencies)
	case m.pipfile != nil:
		set(ManagerPipenv, rel("Pipfile")+" (no Pipfile.lock)", rel("Pipfile"))
		p.addRequirements(m.pipfile.Packages)
	case m.reqs != nil:
		why := m.reqPath
		if m.reqReason != "" {
			why = m.reqReason
		}
		set(ManagerPip, why, m.reqs.Files...)
		p.RequirementsFile = m.reqPath
		p.addRequirements(m.reqs.Requirements)
	case pp != nil && len(pp.Dependencies) > 0:
		set(ManagerPip, rel("pyproject.toml")+" declares [project] dependencies", rel("pyproject.toml"))
		p.addRequirements(pp.Dependencies)
	case pp != nil && len(pp.DependencyGroups) > 0 && len(m.setups) == 0:
		// Only PEP 735 groups: pip (25.1 and later) installs one with --group.
		g, why := runtimeGroup(pp, in)
		if g == "" {
			set(ManagerNone, rel("pyproject.toml")+" declares its dependencies only in dependency groups, none of them named for production: install one with pip install --group NAME in a Dockerfile")
			p.DependencyFiles = []string{}
			return
		}
		set(ManagerPip, rel("pyproject.toml")+" declares its dependencies in dependency groups only; "+why, rel("pyproject.toml"))
		p.DependencyGroup = g
		p.addRequirements(pp.DependencyGroups[g])
	case len(m.setups) > 0:
		files := []string{}
		for _, n := range []string{"setup.py", "setup.cfg", "pyproject.toml"} {
			if slices.Contains(m.names, rel(n)) {
				files = append(files, rel(n))
			}
		}
		s := m.setups[0]
		for _, c := range m.setups {
			if len(c.Requirements) > len(s.Requirements) {
				s = c
			}
		}
		set(ManagerSetuptools, s.file+" declares install_requires", files...)
		p.addRequirements(s.Requirements)
		if s.Dynamic {
			p.warn("dynamic-install-requires", s.file, "install_requires is computed in code; the dependency list may be incomplete")
		}
	default:
		set(ManagerNone, "the dependency files found declare no dependencies")
		p.DependencyFiles = []string{}
	}
}

// declares reports whether a pyproject.toml declares dependencies ([project] dependencies or
// dependency groups): a [tool.uv] or [tool.pdm] table without them configures the tool (uv
// used as a faster pip on a requirements file), it does not say the project installs with it.
func declares(pp *manifest.Pyproject) bool {
	return len(pp.Dependencies) > 0 || len(pp.DependencyGroups) > 0
}

func (p *Project) addRequirements(reqs []manifest.Requirement) {
	for _, r := range reqs {
		p.Dependencies = append(p.Dependencies, Dependency{
			Name: r.Name, Specifier: r.Specifier, Source: fmt.Sprintf("%s:%d", r.File, r.Line),
			Extras: r.Extras,
		})
	}
}

// addLocked records the locked default-group packages, keeping the declared specifier
// where the manifest has one so evidence points at the line a person wrote.
func (p *Project) addLocked(lock *manifest.Lock, manifestFile string, m *manifests) {
	declared := map[string]manifest.Requirement{}
	var decl []manifest.Requirement
	switch {
	case m.pipfile != nil && strings.HasSuffix(manifestFile, "Pipfile"):
		decl = m.pipfile.Packages
	case m.pyproject != nil && m.pyproject.Poetry != nil:
		decl = m.pyproject.Poetry.Dependencies
	case m.pyproject != nil:
		decl = m.pyproject.Dependencies
	}
	for _, r := range decl {
		declared[r.Name] = r
	}
	for _, pkg := range lock.Packages {
		if pkg.Dev {
			continue
		}
		d := Dependency{Name: pep.NormalizeName(pkg.Name), Version: pkg.Version,
			Source: fmt.Sprintf("%s:%d", p.Lockfile, pkg.Line)}
		if r, ok := declared[d.Name]; ok {
			d.Specifier, d.Extras = r.Specifier, r.Extras
			d.Source = fmt.Sprintf("%s:%d", r.File, r.Line)
			d.Direct = true
		}
		p.Dependencies = append(p.Dependencies, d)
	}
	// A declared package missing from the lock means the lock is stale.
	for _, r := range decl {
		if !p.Has(r.Name) {
			p.warn("stale-lock", fmt.Sprintf("%s:%d", r.File, r.Line),
				fmt.Sprintf("%s is declared but not in %s; re-lock before building", r.RawName, p.Lockfile))
			p.addRequirements([]manifest.Requirement{r})
		}
	}
}
