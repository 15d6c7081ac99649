package pep

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

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

// versionRegexps are compiled on first use, not at start-up.
var versionRegexps = sync.OnceValue(func() *struct{ release, public, version, releasePrefix *regexp.Regexp } {
	return &struct{ release, public, version, releasePrefix *regexp.Regexp }{
		release:       regexp.MustCompile(`(?i)^` + pep440Release + `$`),
		public:        regexp.MustCompile(`(?i)^` + pep440Public + `$`),
		version:       regexp.MustCompile(`(?i)^` + pep440Public + pep440Local + `$`),
		releasePrefix: regexp.MustCompile(`(?i)^` + pep440Release),
	}
})

// IsVersion reports whether s is a valid PEP 440 version.
func IsVersion(s string) bool { return versionRegexps().version.MatchString(s) }

// specOps are the PEP 440 comparison operators, longest first.
var specOps = []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"}

// validateVersionClause applies PEP 440's per-operator rules: wildcards only
// with == and !=, local versions only with == and !=, ~= needs two release
// segments, === takes anything.
func validateVersionClause(op, v string) error {
	re := versionRegexps()
	switch op {
	case "===":
		return nil
	case "==", "!=":
		if prefix, ok := strings.CutSuffix(v, ".*"); ok {
			if !re.release.MatchString(prefix) {
				return fmt.Errorf("invalid wildcard version %q", v)
			}
			return nil
		}
		if !re.version.MatchString(v) {
			return fmt.Errorf("invalid version %q", v)
		}
	case "~=":
		if !re.public.MatchString(v) {
			return fmt.Errorf("invalid version %q for ~=", v)
		}
		// Count the release segments after any "v" and epoch ("1!").
		rel := re.releasePrefix.FindString(v)
		if !strings.Contains(strings.TrimLeft(rel[strings.IndexByte(rel, '!')+1:], "vV"), ".") {
			return fmt.Errorf("~=%s needs at least two version segments, e.g. ~=%s.0", v, v)
		}
	default:
		if !re.public.MatchString(v) {
			return fmt.Errorf("invalid version %q for %s", v, op)
		}
	}
	return nil
}

// ValidateSpecifier checks a comma separated PEP 440 specifier set such as
// ">=3.2, <4" and returns it in canonical form (no spaces). "" is valid
// (any version).
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

// specifiers reads a comma separated list of version clauses and returns it
// in canonical form (no spaces, no parentheses). closer is the byte that
// ends a === version besides white space, ',' and ';' (0 for none).
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
