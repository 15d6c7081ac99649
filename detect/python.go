package detect

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	pep440 "github.com/aquasecurity/go-pep440-version"

	"github.com/containerize/containerize/config"
)

var minorRe = regexp.MustCompile(`(\d+)\.(\d+)`)

// pythonSource is one place a Python version can be written, in precedence order.
// Exact pins come before ranges: a range only narrows the choice, a pin makes it.
type pythonSource struct {
	name string
	read func(t *tree, p *Project, dir string) ([]PythonCandidate, error)
}

var pythonSources = []pythonSource{
	{".python-version", readPythonVersionFile},
	{"runtime.txt", readRuntimeTxt},
	{".tool-versions", readToolVersions},
	{"Pipfile [requires]", readPipfileRequires},
	{"Pipfile.lock _meta", readLockPython("Pipfile.lock")},
	{"pyproject.toml", readPyprojectPython},
	{"uv.lock", readLockPython("uv.lock")},
	{"poetry.lock", readLockPython("poetry.lock")},
	{"pdm.lock", readLockPython("pdm.lock")},
	{"setup.cfg / setup.py", readSetupPython},
}

// readPython collects every candidate, picks the first by precedence, and reports every
// source that disagrees with the choice.
func readPython(t *tree, p *Project) error {
	p.Python.Candidates = []PythonCandidate{}
	p.Python.Conflicts = []string{}
	for _, src := range pythonSources {
		for _, dir := range searchDirs(p) {
			cands, err := src.read(t, p, dir)
			if err != nil {
				return err
			}
			if len(cands) > 0 {
				p.Python.Candidates = append(p.Python.Candidates, cands...)
				break
			}
		}
	}
	// A range resolves to the newest supported minor it allows that the project's Django
	// supports too, when the Django version is known.
	if dc, ok := p.djangoConstraint(); ok {
		for i, c := range p.Python.Candidates {
			if !isRange(c.Spec) {
				continue
			}
			if v := newestAllowed(c.Spec, dc.python); v != "" && v != c.Version {
				p.Python.Candidates[i].Version = v
				p.Python.Candidates[i].Note = fmt.Sprintf("newest allowed by the range that Django %s (%s) supports", dc.spec, dc.source)
			}
		}
	}
	// Virtualenvs come last: they tell what the project ran on, not what it asks for.
	for _, v := range p.Virtualenvs {
		if c, ok := venvPython(t, v); ok {
			p.Python.Candidates = append(p.Python.Candidates, c)
		}
	}
	for _, c := range p.Python.Candidates {
		if c.Version != "" {
			p.Python.Version, p.Python.Source = c.Version, c.Source
			break
		}
	}
	for _, c := range p.Python.Candidates {
		if c.Source == p.Python.Source {
			continue
		}
		if !candidateAllows(c, p.Python.Version) {
			p.Python.Conflicts = append(p.Python.Conflicts, fmt.Sprintf("%s says %q, but %s chose %s (it takes precedence)",
				c.Source, c.Spec, p.Python.Source, p.Python.Version))
		}
	}
	return nil
}

// searchDirs are the folders a version file may sit in: the app root, then each parent up
// to the project root.
func searchDirs(p *Project) []string {
	var dirs []string
	for dir := p.AppRoot; ; dir = path.Dir(dir) {
		dirs = append(dirs, dir)
		if dir == "." {
			return dirs
		}
	}
}

// candidateAllows reports whether a candidate agrees with the chosen minor version.
func candidateAllows(c PythonCandidate, minor string) bool {
	if minor == "" {
		return true
	}
	if isRange(c.Spec) {
		return rangeAllows(c.Spec, minor)
	}
	return c.Version == minor
}

func isRange(spec string) bool { return strings.ContainsAny(spec, "<>=!~^*,") }

// rangeAllows reports whether some release of the minor version satisfies the range:
// ">3.11" allows 3.11 (3.11.1 satisfies it) and "<3.11.5" does too (3.11.0 does).
func rangeAllows(spec, minor string) bool {
	specs, err := pep440.NewSpecifiers(poetryToPEP440(spec))
	if err != nil {
		return true // an unreadable range cannot contradict anything; it is reported elsewhere
	}
	for _, patch := range []string{".0", ".99"} {
		v, err := pep440.Parse(minor + patch)
		if err == nil && specs.Check(v) {
			return true
		}
	}
	return false
}

// newestAllowed picks the newest supported minor version that satisfies a range and, when
// only is not nil, is in it.
func newestAllowed(spec string, only map[string]bool) string {
	for i := len(config.SupportedPython) - 1; i >= 0; i-- {
		if only != nil && !only[config.SupportedPython[i]] {
			continue
		}
		if rangeAllows(spec, config.SupportedPython[i]) {
			return config.SupportedPython[i]
		}
	}
	return ""
}

// poetryToPEP440 turns Poetry's caret and tilde ranges into PEP 440 ("^3.11" → ">=3.11,<4.0").
func poetryToPEP440(spec string) string {
	var parts []string
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		switch {
		case strings.HasPrefix(part, "^"):
			v := strings.TrimSpace(part[1:])
			major, _ := strconv.Atoi(strings.SplitN(v, ".", 2)[0])
			upper := fmt.Sprintf("%d.0", major+1)
			if major == 0 {
				upper = "1.0"
			}
			parts = append(parts, ">="+v, "<"+upper)
		case strings.HasPrefix(part, "~") && !strings.HasPrefix(part, "~="):
			v := strings.TrimSpace(part[1:])
			f := strings.Split(v, ".")
			if len(f) >= 2 {
				minor, _ := strconv.Atoi(f[1])
				parts = append(parts, ">="+v, fmt.Sprintf("<%s.%d", f[0], minor+1))
			} else {
				major, _ := strconv.Atoi(f[0])
				parts = append(parts, ">="+v, fmt.Sprintf("<%d.0", major+1))
			}
		case part == "*" || part == "":
		default:
			parts = append(parts, part)
		}
	}
	return strings.Join(parts, ",")
}

// candidate builds a candidate from a version spec; ranges resolve to the newest supported
// minor they allow, pins to their own minor.
func candidate(spec, source string) PythonCandidate {
	spec = strings.TrimSpace(spec)
	c := PythonCandidate{Spec: spec, Source: source}
	if isRange(spec) {
		c.Version = newestAllowed(spec, nil)
		return c
	}
	if m := minorRe.FindStringSubmatch(spec); m != nil {
		c.Version = m[1] + "." + m[2]
	}
	return c
}

func readOptional(t *tree, name string) ([]byte, bool, error) {
	if !t.files[name] {
		return nil, false, nil
	}
	b, err := t.readFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// eachLine calls fn with every non-empty line that is not a comment, 1-based.
func eachLine(b []byte, fn func(line string, n int) bool) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !fn(line, n) {
			return
		}
	}
}

func readPythonVersionFile(t *tree, p *Project, dir string) ([]PythonCandidate, error) {
	name := path.Join(dir, ".python-version")
	b, ok, err := readOptional(t, name)
	if !ok {
		return nil, err
	}
	var out []PythonCandidate
	eachLine(b, func(line string, n int) bool {
		src := fmt.Sprintf("%s:%d", name, n)
		switch {
		case line == "system":
			return true
		case strings.HasPrefix(line, "pypy"), strings.HasPrefix(line, "graalpy"), strings.HasPrefix(line, "miniconda"), strings.HasPrefix(line, "anaconda"):
			p.warn("python-implementation", src, fmt.Sprintf("%q is not CPython; the official python images are CPython", line))
			return true
		}
		out = append(out, candidate(strings.TrimPrefix(line, "cpython-"), src))
		return false
	})
	return out, nil
}

func readRuntimeTxt(t *tree, p *Project, dir string) ([]PythonCandidate, error) {
	name := path.Join(dir, "runtime.txt")
	b, ok, err := readOptional(t, name)
	if !ok {
		return nil, err
	}
	var out []PythonCandidate
	eachLine(b, func(line string, n int) bool {
		out = append(out, candidate(strings.TrimPrefix(line, "python-"), fmt.Sprintf("%s:%d", name, n)))
		return false
	})
	return out, nil
}

func readToolVersions(t *tree, p *Project, dir string) ([]PythonCandidate, error) {
	name := path.Join(dir, ".tool-versions")
	b, ok, err := readOptional(t, name)
	if !ok {
		return nil, err
	}
	var out []PythonCandidate
	eachLine(b, func(line string, n int) bool {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "python" {
			out = append(out, candidate(f[1], fmt.Sprintf("%s:%d", name, n)))
			return false
		}
		return true
	})
	return out, nil
}

func readPipfileRequires(t *tree, p *Project, dir string) ([]PythonCandidate, error) {
	m, err := t.manifestsAt(dir)
	if err != nil || m.pipfile == nil {
		return nil, err
	}
	name, pf := path.Join(dir, "Pipfile"), m.pipfile
	switch {
	case pf.PythonFullVersion != "":
		return []PythonCandidate{candidate(pf.PythonFullVersion, fmt.Sprintf("%s:%d", name, pf.PythonFullVersionLine))}, nil
	case pf.PythonVersion != "":
		return []PythonCandidate{candidate(pf.PythonVersion, fmt.Sprintf("%s:%d", name, pf.PythonVersionLine))}, nil
	}
	return nil, nil
}

func readLockPython(file string) func(*tree, *Project, string) ([]PythonCandidate, error) {
	return func(t *tree, p *Project, dir string) ([]PythonCandidate, error) {
		m, err := t.manifestsAt(dir)
		if err != nil {
			return nil, err
		}
		lock := m.locks[file]
		if lock == nil || lock.PythonVersion == "" {
			return nil, nil
		}
		return []PythonCandidate{candidate(lock.PythonVersion, fmt.Sprintf("%s:%d", path.Join(dir, file), lock.PythonVersionLine))}, nil
	}
}

func readPyprojectPython(t *tree, p *Project, dir string) ([]PythonCandidate, error) {
	m, err := t.manifestsAt(dir)
	if err != nil || m.pyproject == nil {
		return nil, err
	}
	name, pp := path.Join(dir, "pyproject.toml"), m.pyproject
	var out []PythonCandidate
	if pp.RequiresPython != "" {
		out = append(out, candidate(pp.RequiresPython, fmt.Sprintf("%s:%d", name, pp.RequiresPythonLine)))
	}
	if pp.Poetry != nil && pp.Poetry.Python != "" {
		out = append(out, candidate(pp.Poetry.Python, fmt.Sprintf("%s:%d", name, pp.Poetry.PythonLine)))
	}
	return out, nil
}

func readSetupPython(t *tree, p *Project, dir string) ([]PythonCandidate, error) {
	m, err := t.manifestsAt(dir)
	if err != nil {
		return nil, err
	}
	for _, s := range m.setups {
		if s.PythonRequires != "" {
			return []PythonCandidate{candidate(s.PythonRequires, fmt.Sprintf("%s:%d", s.file, s.PythonRequiresLine))}, nil
		}
	}
	return nil, nil
}

// venvPython is the version of a virtualenv as package venv reads it: pyvenv.cfg's version
// or version_info, else the lib/pythonX.Y folder (or what else venv finds).
func venvPython(t *tree, dir string) (PythonCandidate, bool) {
	v, ok := t.virtualenv(dir)
	if !ok || v.Python == "" {
		return PythonCandidate{}, false
	}
	return candidate(v.PythonSpec, v.PythonSource), true
}
