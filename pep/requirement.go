package pep

import (
	"fmt"
	"strings"

	"github.com/containerize/containerize/internal/excerpt"
)

// Requirement is one parsed PEP 508 requirement.
type Requirement struct {
	Name      string   // PEP 503-normalised
	RawName   string   // as written
	Extras    []string // as written, in order; nil for none (and for "name[]")
	Specifier string   // canonical: no spaces or parentheses, e.g. ">=3.2,<4.0"; "" if none
	URL       string   // the direct reference after '@', if any
	Marker    *Marker  // the environment marker after ';', parsed; nil if none
}

// String renders the requirement back as a PEP 508 string:
// "name[extra]>=1; marker", or "name @ url ; marker".
func (r Requirement) String() string {
	var b strings.Builder
	b.WriteString(r.RawName)
	if len(r.Extras) > 0 {
		b.WriteString("[" + strings.Join(r.Extras, ",") + "]")
	}
	if r.URL != "" {
		b.WriteString(" @ " + r.URL)
	} else {
		b.WriteString(r.Specifier)
	}
	if r.Marker != nil {
		if r.URL != "" {
			b.WriteString(" ") // a URL ends at white space, not at ';'
		}
		b.WriteString("; " + r.Marker.String())
	}
	return b.String()
}

// ParseRequirement parses one PEP 508 requirement string, as found in
// pyproject.toml, setup.cfg, setup.py or a Requires-Dist header. Its marker
// is parsed as ParseRequirementMarker parses one, and is ready to evaluate.
func ParseRequirement(s string) (Requirement, error) {
	p := &reqParser{s: s}
	r, err := p.parse()
	if err != nil {
		return Requirement{}, fmt.Errorf("invalid requirement %s: %w", excerpt.Quote(strings.TrimSpace(s)), err)
	}
	return r, nil
}

// reqParser scans a requirement or a specifier set.
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
		if !hasURLScheme(r.URL) {
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
		m, err := ParseRequirementMarker(marker)
		if err != nil {
			return r, fmt.Errorf("marker %s: %w", excerpt.Quote(marker), err)
		}
		r.Marker = m
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

// hasURLScheme reports whether u starts with a URI scheme and its colon
// (^[A-Za-z][A-Za-z0-9+.-]*:).
func hasURLScheme(u string) bool {
	if u == "" || !('a' <= u[0]|0x20 && u[0]|0x20 <= 'z') {
		return false
	}
	for i := 1; i < len(u); i++ {
		switch c := u[i]; {
		case c == ':':
			return true
		case isAlnum(c) || c == '+' || c == '.' || c == '-':
		default:
			return false
		}
	}
	return false
}
