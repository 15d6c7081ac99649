package detect

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// PythonMinor is a Python minor version: 3.11 is {3, 11}. Sources name versions of any
// length ("3.11.4", "3.12.0rc1", "3.10.12.final.0"); the image is chosen by the minor.
type PythonMinor struct{ Major, Minor int }

var minorRE = lazy.Regexp(`(\d+)\.(\d+)`)

// ParsePythonMinor reads the minor version a version text names: its first "X.Y" ("3.11"
// in "3.11.4" or "3.11-dev"). ok is false when the text names none ("3", "pypy", "").
// It is the one minor-version parser: detection, the Python policy and migrate use it.
func ParsePythonMinor(s string) (v PythonMinor, ok bool) {
	m := minorRE().FindStringSubmatch(s)
	if m == nil {
		return PythonMinor{}, false
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return PythonMinor{}, false
	}
	return PythonMinor{major, minor}, true
}

// String writes the version as "3.11".
func (v PythonMinor) String() string { return strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor) }

// Compare returns -1, 0 or +1 as v is older than, the same as, or newer than w.
func (v PythonMinor) Compare(w PythonMinor) int {
	return cmp.Or(cmp.Compare(v.Major, w.Major), cmp.Compare(v.Minor, w.Minor))
}

// pythonSource is one place a Python version can be written, in precedence order.
// Exact pins come before ranges: a range only narrows the choice, a pin makes it. The
// project's own Dockerfile comes after the files that only name a version and before the
// manifests' ranges: it is what the project runs on, which narrows the range it declares.
type pythonSource struct {
	name string
	read func(t *tree, p *Project, dir string) ([]PythonCandidate, error)
}

// pythonSources lists them; a function, so that nothing is built at start-up.
func pythonSources() []pythonSource {
	return []pythonSource{
		{".python-version", readPythonVersionFile},
		{"runtime.txt", readRuntimeTxt},
		{".tool-versions", readToolVersions},
		{"Pipfile [requires]", readPipfileRequires},
		{"Pipfile.lock _meta", readLockPython("Pipfile.lock")},
		{"Dockerfile FROM", readDockerfilePython},
		{"pyproject.toml", readPyprojectPython},
		{"uv.lock", readLockPython("uv.lock")},
		{"poetry.lock", readLockPython("poetry.lock")},
		{"pdm.lock", readLockPython("pdm.lock")},
		{"setup.cfg / setup.py", readSetupPython},
	}
}

// readPython collects the facts about the Python version: every source that names one, in
// precedence order (the first folder from the app root up that has each), the project's
// virtualenvs last, and what the project's Django release supports. Which version that
// makes is the Python policy's to decide (config.Python), not detection's.
func readPython(t *tree, p *Project) error {
	p.Python.Candidates = []PythonCandidate{}
	p.Python.Conflicts = []string{}
	for _, src := range pythonSources() {
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
	// Virtualenvs come last: they tell what the project ran on, not what it asks for.
	for _, v := range p.Virtualenvs {
		if c, ok := venvPython(t, v); ok {
			p.Python.Candidates = append(p.Python.Candidates, c)
		}
	}
	p.Python.Django = djangoPython(p)
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

// Allows reports whether the source admits the minor version ("3.11"): a range when some
// release of that minor satisfies it (an unreadable range admits anything), a pin when it
// names that minor.
func (c PythonCandidate) Allows(minor string) bool {
	if c.Range {
		return rangeAllows(c.Spec, minor)
	}
	return c.Pin == minor
}

func isRange(spec string) bool { return strings.ContainsAny(spec, "<>=!~^*,") }

// rangeAllows reports whether some release of the minor version satisfies the range:
// ">3.11" allows 3.11 (3.11.1 satisfies it) and "<3.11.5" does too (3.11.0 does).
func rangeAllows(spec, minor string) bool {
	pspec, err := pep.PoetryToPEP440(spec)
	if err != nil {
		return true // an unreadable range cannot contradict anything; it is reported elsewhere
	}
	specs, err := pep.ParseSpecifierSet(pspec)
	if err != nil {
		return true // an unreadable range cannot contradict anything; it is reported elsewhere
	}
	for _, patch := range []string{".0", ".99"} {
		v, err := pep.ParseVersion(minor + patch)
		if err == nil && specs.Check(v, false) {
			return true
		}
	}
	return false
}

// candidate records what one source writes: the spec, whether it is a range, and for a
// pin the minor version it names.
func candidate(spec, source string) PythonCandidate {
	spec = strings.TrimSpace(spec)
	c := PythonCandidate{Spec: spec, Source: source, Range: isRange(spec)}
	if v, ok := ParsePythonMinor(spec); ok && !c.Range {
		c.Pin = v.String()
	}
	return c
}

// readOptional reads a small version file (runtime.txt, .python-version, .tool-versions) decoded as pip
// decodes requirements files, so one saved by a Windows editor (BOM, UTF-16, CRLF) reads as written.
func readOptional(t *tree, name string) (string, bool, error) {
	if !t.files[name] {
		return "", false, nil
	}
	b, err := t.readFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	text, err := manifest.DecodeText(b, name)
	if err != nil {
		return "", false, err
	}
	return text, true, nil
}

// eachLine calls fn with every non-empty line that is not a comment, 1-based.
func eachLine(text string, fn func(line string, n int) bool) {
	for i, line := range manifest.SplitLines(text) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !fn(line, i+1) {
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
