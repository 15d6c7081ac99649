package detect

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/manifest"
)

// DevKind says how a project declares something for development. Its JSON form is the name.
type DevKind string

// The ways detection finds development dependencies declared.
const (
	// DevPipfile is Pipfile's [dev-packages].
	DevPipfile DevKind = "pipfile-dev-packages"
	// DevPoetryGroup is a Poetry group other than main ([tool.poetry.group.NAME] or the
	// legacy [tool.poetry.dev-dependencies], group "dev").
	DevPoetryGroup DevKind = "poetry-group"
	// DevGroup is a PEP 735 [dependency-groups] group, or the tables uv and PDM had before
	// it ([tool.uv] dev-dependencies, group "dev"; [tool.pdm.dev-dependencies]).
	DevGroup DevKind = "dependency-group"
	// DevExtra is an extra named for development ("dev", "test"): [project.optional-dependencies]
	// or setup.cfg's [options.extras_require].
	DevExtra DevKind = "extra"
	// DevRequirements is a requirements file named for development, tests or tooling
	// (requirements-dev.txt, requirements/local.txt, dev-requirements.txt …).
	DevRequirements DevKind = "requirements-file"
)

// DevKinds are all the kinds, in this order. Treat it as read-only.
var DevKinds = []DevKind{DevPipfile, DevPoetryGroup, DevGroup, DevExtra, DevRequirements}

// DevSource is one set of development dependencies the project declares beside its
// runtime dependencies, in the folder that holds them.
type DevSource struct {
	Kind DevKind `json:"kind"`
	// Name is the group's or extra's name, or the requirements file's path.
	Name string `json:"name"`
	// Source is where it is declared: path:line of its first requirement (in a
	// requirements file, of the file's own first one, else the file).
	Source string `json:"source"`
	// Files are a requirements file and the files it includes (-r, -c), relative to Root.
	Files []string `json:"files,omitempty"`
	// Requirements are what it asks for, as PEP 508 strings; Packages their names
	// (normalised), without repeats.
	Requirements []string `json:"requirements"`
	Packages     []string `json:"packages"`
}

// Tests is what the project says about running its tests.
type Tests struct {
	// PytestConfig are the places that configure pytest, from the app root up to the
	// project root: pytest.ini, pyproject.toml [tool.pytest.ini_options], tox.ini [pytest],
	// setup.cfg [tool:pytest]; then the first conftest.py. Name is the file's kind.
	PytestConfig []Finding `json:"pytest_config"`
}

// readDevDependencies lists what the dependency folder's files declare for development.
func readDevDependencies(t *tree, m *manifests, p *Project) error {
	add := func(kind DevKind, name string, reqs []manifest.Requirement, files ...string) {
		if len(reqs) == 0 {
			return
		}
		s := DevSource{Kind: kind, Name: name, Source: reqs[0].Where(), Files: files, Requirements: []string{}, Packages: []string{}}
		if kind == DevRequirements {
			s.Source = name
			if i := slices.IndexFunc(reqs, func(r manifest.Requirement) bool { return r.File == name }); i >= 0 {
				s.Source = reqs[i].Where()
			}
		}
		for _, r := range reqs {
			s.Requirements = append(s.Requirements, r.String())
			if r.Name != "" && !slices.Contains(s.Packages, r.Name) {
				s.Packages = append(s.Packages, r.Name)
			}
		}
		p.DevDependencies = append(p.DevDependencies, s)
	}
	if m.pipfile != nil {
		add(DevPipfile, "dev-packages", m.pipfile.DevPackages)
	}
	if pp := m.pyproject; pp != nil {
		if pp.Poetry != nil {
			var groups []string
			byGroup := map[string][]manifest.Requirement{}
			for _, r := range pp.Poetry.DevDependencies {
				if r.Group == "main" { // [tool.poetry.group.main] is the runtime group
					continue
				}
				if _, ok := byGroup[r.Group]; !ok {
					groups = append(groups, r.Group)
				}
				byGroup[r.Group] = append(byGroup[r.Group], r)
			}
			for _, g := range groups {
				add(DevPoetryGroup, g, byGroup[g])
			}
		}
		for _, g := range byFirstLine(pp.DependencyGroups) {
			if g == p.DependencyGroup {
				continue // the group the image installs
			}
			add(DevGroup, g, pp.DependencyGroups[g])
		}
		for _, x := range byFirstLine(pp.OptionalDependencies) {
			if manifest.DevName(x) {
				add(DevExtra, x, pp.OptionalDependencies[x])
			}
		}
	}
	for _, s := range m.setups {
		for _, x := range byFirstLine(s.Extras) {
			if manifest.DevName(x) {
				add(DevExtra, x, s.Extras[x])
			}
		}
	}
	for _, f := range m.reqOthers {
		if f == m.reqPath || !manifest.IsDevRequirements(f) {
			continue
		}
		rs, err := manifest.ParseRequirementsFile(t.fsys, f)
		if err != nil {
			return err
		}
		add(DevRequirements, f, rs.Requirements, rs.Files...)
	}
	return nil
}

// byFirstLine orders groups as the file does: by the line of their first requirement,
// then by name.
func byFirstLine(groups map[string][]manifest.Requirement) []string {
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	first := func(g string) int {
		if len(groups[g]) == 0 {
			return 0
		}
		return groups[g][0].Line
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(first(a), first(b)), cmp.Compare(a, b)) })
	return names
}

// readTests finds where pytest is configured: the files pytest reads its configuration
// from, in the app root and every folder above it, and the first conftest.py.
func readTests(t *tree, p *Project) error {
	p.Tests.PytestConfig = []Finding{}
	add := func(name, source, detail string) {
		p.Tests.PytestConfig = append(p.Tests.PytestConfig, Finding{Name: name, Source: source, Detail: detail})
	}
	for dir := p.AppRoot; ; dir = path.Dir(dir) {
		if f := path.Join(dir, "pytest.ini"); t.files[f] {
			add("pytest.ini", f, "pytest's own configuration file")
		}
		if t.files[path.Join(dir, "pyproject.toml")] || t.files[path.Join(dir, "setup.cfg")] {
			m, err := t.manifestsAt(dir)
			if err != nil {
				return err
			}
			if pp := m.pyproject; pp != nil && pp.PytestLine > 0 {
				add("pyproject.toml", fmt.Sprintf("%s:%d", path.Join(dir, "pyproject.toml"), pp.PytestLine), "[tool.pytest.ini_options]")
			}
			for _, s := range m.setups {
				if line := s.Sections["tool:pytest"]; line > 0 {
					add("setup.cfg", fmt.Sprintf("%s:%d", s.file, line), "[tool:pytest]")
				}
			}
		}
		if f := path.Join(dir, "tox.ini"); t.files[f] {
			line, err := iniSection(t, f, "pytest")
			if err != nil {
				return err
			}
			if line > 0 {
				add("tox.ini", fmt.Sprintf("%s:%d", f, line), "[pytest]")
			}
		}
		if dir == "." {
			break
		}
	}
	if len(t.conftests) > 0 {
		add("conftest.py", t.conftests[0], "pytest fixtures")
	}
	return nil
}

// iniSection is the line of the [name] header in an ini file, 0 when it has none.
func iniSection(t *tree, file, name string) (int, error) {
	b, err := t.readFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "["+name+"]" {
			return i + 1, nil
		}
	}
	return 0, nil
}
