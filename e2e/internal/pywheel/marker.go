package pywheel

import (
	"fmt"
	"regexp"
	"strings"

	pep440 "github.com/aquasecurity/go-pep440-version"
)

// Requirement is a parsed Requires-Dist value (PEP 508, without URL references).
type Requirement struct {
	Name      string // normalised
	Extras    []string
	Specifier string // "" for any version
	Marker    string
}

var reqRE = regexp.MustCompile(`^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*([^;]*?)\s*(?:;\s*(.*?))?\s*$`)

// ParseRequirement parses "name[extra] (>=1,<2); marker".
func ParseRequirement(s string) (Requirement, error) {
	m := reqRE.FindStringSubmatch(s)
	if m == nil || strings.HasPrefix(strings.TrimSpace(m[3]), "@") {
		return Requirement{}, fmt.Errorf("requirement %q: want name[extras] specifier; marker", s)
	}
	r := Requirement{Name: NormalizeName(m[1]), Marker: m[4]}
	for e := range strings.SplitSeq(m[2], ",") {
		if e = strings.TrimSpace(e); e != "" {
			r.Extras = append(r.Extras, NormalizeName(e))
		}
	}
	spec := strings.TrimSpace(m[3])
	spec = strings.TrimSuffix(strings.TrimPrefix(spec, "("), ")")
	r.Specifier = strings.TrimSpace(spec)
	return r, nil
}

// Satisfies reports whether version meets a specifier such as ">=3.2,<4" ("" and "*" match
// everything).
func Satisfies(version, specifier string) (bool, error) {
	specifier = strings.TrimSpace(specifier)
	if specifier == "" || specifier == "*" {
		return true, nil
	}
	v, err := pep440.Parse(version)
	if err != nil {
		return false, fmt.Errorf("version %q: %w", version, err)
	}
	s, err := pep440.NewSpecifiers(specifier)
	if err != nil {
		return false, fmt.Errorf("specifier %q: %w", specifier, err)
	}
	return s.Check(v), nil
}

// MarkerEnv is the environment markers are evaluated in (PEP 508 variable names).
type MarkerEnv map[string]string

// Linux311 is the environment of the python:3.11-slim stand-in on x86_64.
func Linux311(fullVersion string) MarkerEnv {
	return MarkerEnv{
		"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
		"platform_machine": "x86_64", "platform_python_implementation": "CPython",
		"implementation_name": "cpython", "python_version": "3.11",
		"python_full_version": fullVersion, "implementation_version": fullVersion,
		"platform_release": "", "platform_version": "", "extra": "",
	}
}

// EvalMarker evaluates a PEP 508 marker. An empty marker is true.
func EvalMarker(marker string, env MarkerEnv) (bool, error) {
	if strings.TrimSpace(marker) == "" {
		return true, nil
	}
	toks, err := markerTokens(marker)
	if err != nil {
		return false, fmt.Errorf("marker %q: %w", marker, err)
	}
	p := &markerParser{toks: toks, env: env}
	v, err := p.or()
	if err == nil && p.i < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	if err != nil {
		return false, fmt.Errorf("marker %q: %w", marker, err)
	}
	return v, nil
}

var tokRE = regexp.MustCompile(`^\s*(\(|\)|===|==|!=|<=|>=|~=|<|>|'[^']*'|"[^"]*"|[A-Za-z_][A-Za-z0-9_.]*)`)

func markerTokens(s string) ([]string, error) {
	var toks []string
	for strings.TrimSpace(s) != "" {
		m := tokRE.FindStringSubmatch(s)
		if m == nil {
			return nil, fmt.Errorf("cannot read %q", strings.TrimSpace(s))
		}
		toks = append(toks, m[1])
		s = s[len(m[0]):]
	}
	return toks, nil
}

type markerParser struct {
	toks []string
	i    int
	env  MarkerEnv
}

func (p *markerParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *markerParser) or() (bool, error) {
	v, err := p.and()
	for err == nil && p.peek() == "or" {
		p.i++
		var w bool
		w, err = p.and()
		v = v || w
	}
	return v, err
}

func (p *markerParser) and() (bool, error) {
	v, err := p.atom()
	for err == nil && p.peek() == "and" {
		p.i++
		var w bool
		w, err = p.atom()
		v = v && w
	}
	return v, err
}

func (p *markerParser) atom() (bool, error) {
	if p.peek() == "(" {
		p.i++
		v, err := p.or()
		if err != nil {
			return false, err
		}
		if p.peek() != ")" {
			return false, fmt.Errorf("missing )")
		}
		p.i++
		return v, nil
	}
	left, lvar, err := p.value()
	if err != nil {
		return false, err
	}
	op := p.peek()
	p.i++
	if op == "not" {
		if p.peek() != "in" {
			return false, fmt.Errorf("want 'in' after 'not'")
		}
		p.i++
		op = "not in"
	}
	right, rvar, err := p.value()
	if err != nil {
		return false, err
	}
	if lvar == "extra" || rvar == "extra" {
		left, right = NormalizeName(left), NormalizeName(right)
	}
	switch op {
	case "in":
		return strings.Contains(right, left), nil
	case "not in":
		return !strings.Contains(right, left), nil
	case "==", "!=", "<", "<=", ">", ">=", "~=", "===":
	default:
		return false, fmt.Errorf("unknown operator %q", op)
	}
	if op != "===" {
		if ok, err := Satisfies(left, op+right); err == nil {
			return ok, nil
		}
	}
	// Not versions: PEP 508 falls back to string comparison.
	switch op {
	case "==", "===":
		return left == right, nil
	case "!=":
		return left != right, nil
	}
	return false, fmt.Errorf("cannot compare %q %s %q", left, op, right)
}

// value reads a quoted string or a variable; it returns the value and the variable's name.
func (p *markerParser) value() (string, string, error) {
	t := p.peek()
	if t == "" {
		return "", "", fmt.Errorf("unexpected end")
	}
	p.i++
	if t[0] == '"' || t[0] == '\'' {
		return t[1 : len(t)-1], "", nil
	}
	v, ok := p.env[t]
	if !ok {
		return "", "", fmt.Errorf("unknown variable %q", t)
	}
	return v, t, nil
}
