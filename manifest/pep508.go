package manifest

import (
	"fmt"
	"regexp"
	"strings"
)

// ParseRequirement parses one PEP 508 requirement string, as found in
// pyproject.toml, setup.cfg or setup.py. File and Line are left for the
// caller to fill in.
func ParseRequirement(s string) (Requirement, error) {
	p := &reqParser{s: s}
	r, err := p.parse()
	if err != nil {
		return Requirement{}, fmt.Errorf("invalid requirement %q: %w", strings.TrimSpace(s), err)
	}
	return r, nil
}

type reqParser struct {
	s string
	i int
}

func (p *reqParser) eof() bool { return p.i >= len(p.s) }

func (p *reqParser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.s[p.i]
}

func (p *reqParser) ws() {
	for !p.eof() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// failf reports a problem at the current position (1-based column).
func (p *reqParser) failf(format string, args ...any) error {
	what := "end of text"
	if !p.eof() {
		what = fmt.Sprintf("%q", p.s[p.i:p.i+1])
	}
	return fmt.Errorf("%s at column %d (found %s)", fmt.Sprintf(format, args...), p.i+1, what)
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// name reads a PEP 508 identifier: letters and digits, with '-', '_' and
// '.' allowed inside but not at either end.
func (p *reqParser) name() (string, bool) {
	start := p.i
	if !isAlnum(p.peek()) {
		return "", false
	}
	for !p.eof() {
		c := p.s[p.i]
		if isAlnum(c) || c == '-' || c == '_' || c == '.' {
			p.i++
			continue
		}
		break
	}
	// A trailing '-' or '.' belongs to whatever follows, which will then
	// fail. Trailing '_' is kept: pip's parser accepts it, so files that pip
	// installs must parse here too.
	for p.i > start+1 && (p.s[p.i-1] == '-' || p.s[p.i-1] == '.') {
		p.i--
	}
	return p.s[start:p.i], true
}

func (p *reqParser) parse() (Requirement, error) {
	var r Requirement
	p.ws()
	name, ok := p.name()
	if !ok {
		return r, p.failf("expected a project name")
	}
	r.RawName = name
	r.Name = NormalizeName(name)
	p.ws()
	if p.peek() == '[' {
		p.i++
		extras, err := p.extras()
		if err != nil {
			return r, err
		}
		r.Extras = extras
		p.ws()
	}
	switch c := p.peek(); {
	case c == '@':
		p.i++
		p.ws()
		start := p.i
		for !p.eof() && p.s[p.i] != ' ' && p.s[p.i] != '\t' {
			p.i++
		}
		if p.i == start {
			return r, p.failf("expected a URL after '@'")
		}
		r.URL = p.s[start:p.i]
		if !reURLScheme.MatchString(r.URL) {
			p.i = start
			return r, p.failf("expected a URL with a scheme (https://, file://, git+https://) after '@'")
		}
		p.ws()
	case c == '(':
		p.i++
		spec, err := p.specifiers(')')
		if err != nil {
			return r, err
		}
		p.ws()
		if p.peek() != ')' {
			return r, p.failf("expected ')' to close the version specifier")
		}
		p.i++
		r.Specifier = spec
		p.ws()
	case strings.IndexByte("<>=!~", c) >= 0 && c != 0:
		spec, err := p.specifiers(0)
		if err != nil {
			return r, err
		}
		r.Specifier = spec
		p.ws()
	}
	if p.peek() == ';' {
		p.i++
		marker := strings.TrimSpace(p.s[p.i:])
		if marker == "" {
			return r, p.failf("expected an environment marker after ';'")
		}
		if err := validateMarker(marker); err != nil {
			return r, fmt.Errorf("marker %q: %w", marker, err)
		}
		r.Marker = marker
		p.i = len(p.s)
	}
	if !p.eof() {
		if r.Specifier == "" && r.URL == "" && (isAlnum(p.peek()) || p.peek() == '.') {
			return r, p.failf("expected a version operator such as '==' or '>=' before the version")
		}
		return r, p.failf("unexpected text")
	}
	return r, nil
}

func (p *reqParser) extras() ([]string, error) {
	var extras []string
	p.ws()
	if p.peek() == ']' {
		p.i++
		return nil, nil // "name[]" is the same as "name"
	}
	for {
		p.ws()
		e, ok := p.name()
		if !ok {
			return nil, p.failf("expected an extra name")
		}
		extras = append(extras, e)
		p.ws()
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return extras, nil
		default:
			return nil, p.failf("expected ',' or ']' in extras")
		}
	}
}

var reURLScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

var specOps = []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"}

// specifiers reads a comma separated list of version clauses and returns it
// in canonical form (no spaces, no parentheses).
func (p *reqParser) specifiers(closer byte) (string, error) {
	var parts []string
	for {
		p.ws()
		op := ""
		for _, o := range specOps {
			if strings.HasPrefix(p.s[p.i:], o) {
				op = o
				break
			}
		}
		if op == "" {
			return "", p.failf("expected a version operator (==, !=, <=, >=, <, >, ~=, ===)")
		}
		p.i += len(op)
		p.ws()
		start := p.i
		for !p.eof() {
			c := p.s[p.i]
			if op == "===" {
				if c == ' ' || c == '\t' || c == ',' || c == ';' || c == closer {
					break
				}
			} else if !(isAlnum(c) || strings.IndexByte("-_.*+!", c) >= 0) {
				break
			}
			p.i++
		}
		v := p.s[start:p.i]
		if v == "" {
			return "", p.failf("expected a version after %q", op)
		}
		if err := validateVersionClause(op, v); err != nil {
			p.i = start
			return "", p.failf("%v", err)
		}
		parts = append(parts, op+v)
		p.ws()
		if p.peek() != ',' {
			return strings.Join(parts, ","), nil
		}
		p.i++
	}
}

// PEP 440 version grammar (case-insensitive), split so that the clause
// rules below can ask for "public only" or "release only".
const (
	pep440Release = `v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`
	pep440Public  = pep440Release +
		`(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?` +
		`(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?` +
		`(?:[-_.]?dev[-_.]?[0-9]*)?`
	pep440Local = `(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`
)

var (
	reRelease = regexp.MustCompile(`(?i)^` + pep440Release + `$`)
	rePublic  = regexp.MustCompile(`(?i)^` + pep440Public + `$`)
	reVersion = regexp.MustCompile(`(?i)^` + pep440Public + pep440Local + `$`)
)

// IsVersion reports whether s is a valid PEP 440 version.
func IsVersion(s string) bool { return reVersion.MatchString(s) }

// validateVersionClause applies PEP 440's per-operator rules: wildcards only
// with == and !=, local versions only with == and !=, ~= needs two release
// segments, === takes anything.
func validateVersionClause(op, v string) error {
	switch op {
	case "===":
		return nil
	case "==", "!=":
		if prefix, ok := strings.CutSuffix(v, ".*"); ok {
			if !reRelease.MatchString(prefix) {
				return fmt.Errorf("invalid wildcard version %q", v)
			}
			return nil
		}
		if !reVersion.MatchString(v) {
			return fmt.Errorf("invalid version %q", v)
		}
	case "~=":
		if !rePublic.MatchString(v) {
			return fmt.Errorf("invalid version %q for ~=", v)
		}
		// Count the release segments after any "v" and epoch ("1!").
		rel := reReleasePrefix.FindString(v)
		if !strings.Contains(strings.TrimLeft(rel[strings.IndexByte(rel, '!')+1:], "vV"), ".") {
			return fmt.Errorf("~=%s needs at least two version segments, e.g. ~=%s.0", v, v)
		}
	default:
		if !rePublic.MatchString(v) {
			return fmt.Errorf("invalid version %q for %s", v, op)
		}
	}
	return nil
}

var reReleasePrefix = regexp.MustCompile(`(?i)^` + pep440Release)

// ValidateSpecifier checks a comma separated PEP 440 specifier set such as
// ">=3.2, <4" and returns it in canonical form. "" is valid (any version).
func ValidateSpecifier(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	p := &reqParser{s: s}
	spec, err := p.specifiers(0)
	if err != nil {
		return "", fmt.Errorf("invalid version specifier %q: %w", s, err)
	}
	p.ws()
	if !p.eof() {
		return "", fmt.Errorf("invalid version specifier %q: %w", s, p.failf("unexpected text"))
	}
	return spec, nil
}

// markerVars are the environment marker variables PEP 508 defines, plus the
// dotted legacy spellings and the newer extras / dependency_groups.
var markerVars = map[string]bool{
	"python_version": true, "python_full_version": true, "os_name": true, "sys_platform": true,
	"platform_release": true, "platform_system": true, "platform_version": true,
	"platform_machine": true, "platform_python_implementation": true, "implementation_name": true,
	"implementation_version": true, "extra": true, "extras": true, "dependency_groups": true,
	"os.name": true, "sys.platform": true, "platform.version": true, "platform.machine": true,
	"platform.python_implementation": true, "python_implementation": true,
}

type markerTok struct {
	kind string // "str", "var", "op", "and", "or", "(", ")"
	text string
}

func tokenizeMarker(s string) ([]markerTok, error) {
	var toks []markerTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')':
			toks = append(toks, markerTok{kind: string(c)})
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at column %d", i+1)
			}
			toks = append(toks, markerTok{kind: "str", text: s[i+1 : i+1+j]})
			i += j + 2
		case strings.IndexByte("<>=!~", c) >= 0:
			op := ""
			for _, o := range specOps {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, fmt.Errorf("unknown operator at column %d", i+1)
			}
			toks = append(toks, markerTok{kind: "op", text: op})
			i += len(op)
		case isAlnum(c) || c == '_' || c == '.':
			j := i
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_' || s[j] == '.') {
				j++
			}
			w := s[i:j]
			switch w {
			case "and", "or":
				toks = append(toks, markerTok{kind: w})
			case "in":
				toks = append(toks, markerTok{kind: "op", text: "in"})
			case "not":
				k := j
				for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
					k++
				}
				if !strings.HasPrefix(s[k:], "in") || (k+2 < len(s) && (isAlnum(s[k+2]) || s[k+2] == '_')) {
					return nil, fmt.Errorf("expected 'in' after 'not' at column %d", k+1)
				}
				toks = append(toks, markerTok{kind: "op", text: "not in"})
				j = k + 2
			default:
				if w[0] >= '0' && w[0] <= '9' {
					return nil, fmt.Errorf("unquoted value %q — quote it, e.g. \"%s\"", w, w)
				}
				if !markerVars[w] {
					return nil, fmt.Errorf("unknown marker variable %q (expected e.g. python_version, sys_platform, extra)", w)
				}
				toks = append(toks, markerTok{kind: "var", text: w})
			}
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at column %d", c, i+1)
		}
	}
	return toks, nil
}

// validateMarker checks the PEP 508 marker grammar:
//
//	or   = and ('or' and)*
//	and  = expr ('and' expr)*
//	expr = value op value | '(' or ')'
func validateMarker(s string) error {
	toks, err := tokenizeMarker(s)
	if err != nil {
		return err
	}
	m := &markerParser{toks: toks}
	if err := m.or(0); err != nil {
		return err
	}
	if m.i != len(m.toks) {
		return fmt.Errorf("unexpected %s", m.describe())
	}
	return nil
}

type markerParser struct {
	toks []markerTok
	i    int
}

func (m *markerParser) describe() string {
	if m.i >= len(m.toks) {
		return "end of marker"
	}
	t := m.toks[m.i]
	if t.text != "" {
		return fmt.Sprintf("%q", t.text)
	}
	return fmt.Sprintf("%q", t.kind)
}

func (m *markerParser) is(kind string) bool { return m.i < len(m.toks) && m.toks[m.i].kind == kind }

func (m *markerParser) or(depth int) error {
	if depth > 100 {
		return fmt.Errorf("marker nested too deeply")
	}
	if err := m.and(depth); err != nil {
		return err
	}
	for m.is("or") {
		m.i++
		if err := m.and(depth); err != nil {
			return err
		}
	}
	return nil
}

func (m *markerParser) and(depth int) error {
	if err := m.expr(depth); err != nil {
		return err
	}
	for m.is("and") {
		m.i++
		if err := m.expr(depth); err != nil {
			return err
		}
	}
	return nil
}

func (m *markerParser) expr(depth int) error {
	if m.is("(") {
		m.i++
		if err := m.or(depth + 1); err != nil {
			return err
		}
		if !m.is(")") {
			return fmt.Errorf("expected ')' but found %s", m.describe())
		}
		m.i++
		return nil
	}
	if !m.is("var") && !m.is("str") {
		return fmt.Errorf("expected a marker variable or quoted string but found %s", m.describe())
	}
	m.i++
	if !m.is("op") {
		return fmt.Errorf("expected a comparison operator but found %s", m.describe())
	}
	m.i++
	if !m.is("var") && !m.is("str") {
		return fmt.Errorf("expected a marker variable or quoted string but found %s", m.describe())
	}
	m.i++
	return nil
}
