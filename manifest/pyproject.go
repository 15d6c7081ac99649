package manifest

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

// Pyproject is what a pyproject.toml declares about dependencies.
type Pyproject struct {
	Name               string // [project] name, else [tool.poetry] name
	RequiresPython     string // [project] requires-python, as written
	RequiresPythonLine int
	// Dependencies are PEP 621 [project].dependencies; Line = line of the string.
	Dependencies         []Requirement
	OptionalDependencies map[string][]Requirement // [project.optional-dependencies]
	// DependencyGroups are PEP 735 [dependency-groups] with include-group
	// expanded, plus uv's legacy [tool.uv] dev-dependencies (group "dev")
	// and PDM's [tool.pdm.dev-dependencies] groups.
	DependencyGroups map[string][]Requirement
	BuildBackend     string         // [build-system] build-backend
	Poetry           *PoetrySection // nil when no [tool.poetry]
	UV               bool           // [tool.uv] present
	PDM              bool           // [tool.pdm] present
	// Dynamic lists [project] dynamic; with "dependencies" in it the build
	// backend computes them, e.g. from DependencyFiles.
	Dynamic []string
	// DependencyFiles are the requirements files named by
	// [tool.setuptools.dynamic] dependencies = {file = [...]}.
	DependencyFiles []string
	// Scripts are [project.scripts], then [tool.poetry.scripts] for names
	// the former does not define: name -> "module:function".
	Scripts map[string]string
	// PytestLine is the line of [tool.pytest.ini_options], 0 when there is none.
	PytestLine int
}

// PoetrySection is [tool.poetry], with constraints converted to PEP 440.
type PoetrySection struct {
	// Dependencies are [tool.poetry.dependencies] without python.
	Dependencies []Requirement
	// DevDependencies are [tool.poetry.dev-dependencies] (Group "dev") and
	// [tool.poetry.group.NAME.dependencies] (Group NAME).
	DevDependencies []Requirement
	Python          string // the python constraint, as PEP 440 (^3.10 -> >=3.10,<4.0)
	PythonLine      int
	PythonRaw       string // the python constraint as written
}

// ParsePyproject parses a pyproject.toml. path is used for evidence and
// errors.
func ParsePyproject(data []byte, path string) (*Pyproject, error) {
	m, err := decodeTOML(data, path)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	pp := &Pyproject{}
	tp := tomlParts{path: path, idx: idx}

	project, err := tp.table(m, "project")
	if err != nil {
		return nil, err
	}
	if project != nil {
		pp.Name = str(project, "name")
		if v, ok := project["requires-python"]; ok {
			line := idx.lineOr("project", "requires-python")
			s, ok := v.(string)
			if !ok {
				return nil, errorf(path, line, "requires-python must be a string such as \">=3.11\"")
			}
			if _, err := pep.ValidateSpecifier(s); err != nil {
				return nil, errorf(path, line, "requires-python: %v — write it as PEP 440, e.g. \">=3.11\"", err)
			}
			pp.RequiresPython, pp.RequiresPythonLine = strings.TrimSpace(s), line
		}
		if pp.Dependencies, err = tp.reqList(project["dependencies"], "project", "dependencies"); err != nil {
			return nil, err
		}
		opt, err := tp.table(project, "project", "optional-dependencies")
		if err != nil {
			return nil, err
		}
		for k, v := range opt {
			if pp.OptionalDependencies == nil {
				pp.OptionalDependencies = map[string][]Requirement{}
			}
			if pp.OptionalDependencies[k], err = tp.reqList(v, "project", "optional-dependencies", k); err != nil {
				return nil, err
			}
		}
		pp.Dynamic = stringList(project["dynamic"])
		scripts, err := tp.table(project, "project", "scripts")
		if err != nil {
			return nil, err
		}
		for k, v := range scripts {
			if s, ok := v.(string); ok {
				if pp.Scripts == nil {
					pp.Scripts = map[string]string{}
				}
				pp.Scripts[k] = s
			}
		}
	}

	if err := parseDependencyGroups(pp, m, tp); err != nil {
		return nil, err
	}

	if bs, ok := m["build-system"].(map[string]any); ok {
		pp.BuildBackend = str(bs, "build-backend")
	}

	tool, _ := m["tool"].(map[string]any)
	if uv, ok := tool["uv"].(map[string]any); ok {
		pp.UV = true
		if v, ok := uv["dev-dependencies"]; ok {
			reqs, err := tp.reqList(v, "tool", "uv", "dev-dependencies")
			if err != nil {
				return nil, err
			}
			pp.addGroup("dev", reqs)
		}
	}
	if _, ok := tableAt(tool, "pytest", "ini_options"); ok {
		pp.PytestLine = max(idx.lineOr("tool", "pytest", "ini_options"), 1)
	}
	if deps, ok := tableAt(tool, "setuptools", "dynamic", "dependencies"); ok {
		switch f := deps["file"].(type) {
		case string:
			pp.DependencyFiles = []string{f}
		default:
			pp.DependencyFiles = stringList(f)
		}
	}
	if pdm, ok := tool["pdm"].(map[string]any); ok {
		pp.PDM = true
		dd, err := tp.table(pdm, "tool", "pdm", "dev-dependencies")
		if err != nil {
			return nil, err
		}
		for _, g := range sortedKeys(dd, func(k string) int { return idx.line("tool", "pdm", "dev-dependencies", k) }) {
			reqs, err := tp.reqLines(dd[g], "tool", "pdm", "dev-dependencies", g)
			if err != nil {
				return nil, err
			}
			pp.addGroup(g, reqs)
		}
	}
	if _, ok := tool["poetry"]; ok {
		if pp.Poetry, err = parsePoetrySection(pp, m, tp); err != nil {
			return nil, err
		}
	}
	return pp, nil
}

func (pp *Pyproject) addGroup(name string, reqs []Requirement) {
	if pp.DependencyGroups == nil {
		pp.DependencyGroups = map[string][]Requirement{}
	}
	pp.DependencyGroups[name] = append(pp.DependencyGroups[name], reqs...)
}

// tomlParts reads typed parts of a decoded TOML document, reporting wrong
// types at the line of the offending key.
type tomlParts struct {
	path string
	idx  *tomlIndex
}

// table returns parent[key] as a table; nil if absent; an error if it is
// something else. at is the full path of the table, for the line.
func (tp tomlParts) table(parent map[string]any, at ...string) (map[string]any, error) {
	v, ok := parent[at[len(at)-1]]
	if !ok {
		return nil, nil
	}
	t, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(tp.path, tp.idx.lineOr(at...), "%s must be a table", strings.Join(at, "."))
	}
	return t, nil
}

// reqList parses an array of PEP 508 strings; each keeps its own line.
func (tp tomlParts) reqList(v any, at ...string) ([]Requirement, error) {
	return tp.list(v, ParseRequirement, at...)
}

// reqLines is reqList for lists that may hold requirements-file style lines
// such as "-e ./lib" (PDM's dev-dependencies).
func (tp tomlParts) reqLines(v any, at ...string) ([]Requirement, error) {
	return tp.list(v, func(s string) (Requirement, error) {
		s = strings.TrimSpace(s)
		if loc, ok := strings.CutPrefix(s, "-e "); ok {
			r, err := urlRequirement(loc)
			r.Editable = true
			return r, err
		}
		return parseRequirementLine(s)
	}, at...)
}

func (tp tomlParts) list(v any, parse func(string) (Requirement, error), at ...string) ([]Requirement, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := arrayOf(v)
	if !ok {
		return nil, errorf(tp.path, tp.idx.lineOr(at...), "%s must be a list of requirement strings", strings.Join(at, "."))
	}
	out := make([]Requirement, 0, len(list))
	for i, e := range list {
		line := tp.idx.lineOr(append(append([]string{}, at...), strconv.Itoa(i))...)
		s, ok := e.(string)
		if !ok {
			return nil, errorf(tp.path, line, "%s: expected a requirement string such as \"django>=4.2\"", strings.Join(at, "."))
		}
		r, err := parse(s)
		if err != nil {
			return nil, errorf(tp.path, line, "%v — write it as PEP 508, e.g. \"django>=4.2,<5\"", err)
		}
		r.File, r.Line = tp.path, line
		out = append(out, r)
	}
	return out, nil
}

// parseDependencyGroups reads PEP 735 [dependency-groups], expanding
// {include-group = "name"} entries. An include cycle or an unknown group is
// an error, as PEP 735 requires.
func parseDependencyGroups(pp *Pyproject, m map[string]any, tp tomlParts) error {
	groups, err := tp.table(m, "dependency-groups")
	if err != nil || groups == nil {
		return err
	}
	norm := map[string]string{} // normalised name -> key as written
	for k := range groups {
		norm[pep.NormalizeName(k)] = k
	}
	done := map[string][]Requirement{}
	var expand func(name string, stack []string) ([]Requirement, error)
	expand = func(name string, stack []string) ([]Requirement, error) {
		if r, ok := done[name]; ok {
			return r, nil
		}
		for _, s := range stack {
			if s == name {
				return nil, errorf(tp.path, tp.idx.lineOr("dependency-groups", name), "dependency group %q includes itself (via %s) — remove the cycle", name, strings.Join(stack, " -> "))
			}
		}
		list, ok := arrayOf(groups[name])
		if !ok {
			return nil, errorf(tp.path, tp.idx.lineOr("dependency-groups", name), "dependency group %q must be a list", name)
		}
		var out []Requirement
		for i, e := range list {
			line := tp.idx.lineOr("dependency-groups", name, strconv.Itoa(i))
			switch x := e.(type) {
			case string:
				r, err := ParseRequirement(x)
				if err != nil {
					return nil, errorf(tp.path, line, "%v — write it as PEP 508, e.g. \"pytest>=8\"", err)
				}
				r.File, r.Line = tp.path, line
				out = append(out, r)
			case map[string]any:
				inc, ok := x["include-group"].(string)
				if !ok {
					return nil, errorf(tp.path, line, "a table in a dependency group must be {include-group = \"name\"}")
				}
				key, ok := norm[pep.NormalizeName(inc)]
				if !ok {
					return nil, errorf(tp.path, line, "include-group %q: no such dependency group", inc)
				}
				reqs, err := expand(key, append(stack, name))
				if err != nil {
					return nil, err
				}
				out = append(out, reqs...)
			default:
				return nil, errorf(tp.path, line, "dependency group %q: expected requirement strings or {include-group = \"name\"}", name)
			}
		}
		done[name] = out
		return out, nil
	}
	for _, k := range sortedKeys(groups, func(k string) int { return tp.idx.line("dependency-groups", k) }) {
		reqs, err := expand(k, nil)
		if err != nil {
			return err
		}
		pp.addGroup(k, reqs)
	}
	return nil
}

func parsePoetrySection(pp *Pyproject, m map[string]any, tp tomlParts) (*PoetrySection, error) {
	tool, _ := m["tool"].(map[string]any)
	poetry, err := tp.table(tool, "tool", "poetry")
	if err != nil {
		return nil, err
	}
	ps := &PoetrySection{}
	if pp.Name == "" {
		pp.Name = str(poetry, "name")
	}
	deps := func(at []string, group string) ([]Requirement, error) {
		var parent map[string]any
		if len(at) == 3 {
			parent = poetry
		} else {
			parent, _ = tableAt(poetry, at[2:len(at)-1]...)
		}
		t, err := tp.table(parent, at...)
		if err != nil || t == nil {
			return nil, err
		}
		var out []Requirement
		keyPath := func(k string) []string { return append(append([]string{}, at...), k) }
		for _, name := range sortedKeys(t, func(k string) int { return tp.idx.line(keyPath(k)...) }) {
			line := tp.idx.lineOr(keyPath(name)...)
			if strings.EqualFold(name, "python") {
				if group != "" {
					continue
				}
				s, ok := t[name].(string)
				if !ok {
					return nil, errorf(tp.path, line, "python must be a constraint string such as \"^3.11\"")
				}
				spec, err := pep.PoetryToPEP440(s)
				if err != nil {
					return nil, errorf(tp.path, line, "python: %v", err)
				}
				ps.Python, ps.PythonLine, ps.PythonRaw = spec, line, s
				continue
			}
			reqs, err := poetryRequirements(name, t[name])
			if err != nil {
				return nil, errorf(tp.path, line, "%s: %v", name, err)
			}
			for _, r := range reqs {
				r.File, r.Line, r.Group = tp.path, line, group
				out = append(out, r)
			}
		}
		return out, nil
	}
	if ps.Dependencies, err = deps([]string{"tool", "poetry", "dependencies"}, ""); err != nil {
		return nil, err
	}
	dev, err := deps([]string{"tool", "poetry", "dev-dependencies"}, "dev")
	if err != nil {
		return nil, err
	}
	ps.DevDependencies = dev
	groups, err := tp.table(poetry, "tool", "poetry", "group")
	if err != nil {
		return nil, err
	}
	for _, g := range sortedKeys(groups, func(k string) int { return tp.idx.line("tool", "poetry", "group", k) }) {
		if _, err := tp.table(groups, "tool", "poetry", "group", g); err != nil {
			return nil, err
		}
		reqs, err := deps([]string{"tool", "poetry", "group", g, "dependencies"}, g)
		if err != nil {
			return nil, err
		}
		ps.DevDependencies = append(ps.DevDependencies, reqs...)
	}
	scripts, err := tp.table(poetry, "tool", "poetry", "scripts")
	if err != nil {
		return nil, err
	}
	for k, v := range scripts {
		if _, ok := pp.Scripts[k]; ok {
			continue
		}
		var target string
		switch x := v.(type) {
		case string:
			target = x
		case map[string]any:
			target = cmp.Or(str(x, "callable"), str(x, "reference"))
		}
		if target != "" {
			if pp.Scripts == nil {
				pp.Scripts = map[string]string{}
			}
			pp.Scripts[k] = target
		}
	}
	return ps, nil
}
