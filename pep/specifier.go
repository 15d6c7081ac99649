package pep

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// specOps are the PEP 440 comparison operators, longest first.
var specOps = []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"}

// SpecifierSet is a parsed PEP 440 version specifier set such as
// ">=3.8, !=3.9.*, <4": a version satisfies it when it satisfies every
// clause. Check follows packaging's SpecifierSet (pypa/packaging, the
// reference implementation). The zero SpecifierSet is the empty set, "".
type SpecifierSet struct {
	clauses []clause
	pre     bool // a clause names a pre-release, which admits pre-releases
}

// ParseSpecifierSet parses a comma-separated PEP 440 specifier set as
// packaging reads one (Requires-Python, a lock's Python range): white space
// around clauses and between operator and version is ignored, and so are
// empty clauses. "" is the set that any version satisfies. Each clause
// follows PEP 440's rules for its operator: a trailing .* only with == and
// !=, after a release alone; a local label only with == and !=; ~= with at
// least two release numbers; === with any text but white space, ';' and
// ')' (or none, which no version matches). An error names the clause at
// fault, not the whole set.
func ParseSpecifierSet(s string) (SpecifierSet, error) {
	set := SpecifierSet{clauses: make([]clause, 0, strings.Count(s, ",")+1)}
	for rest, more := s, true; more; {
		var text string
		text, rest, more = strings.Cut(rest, ",")
		if text, _ = trimSpace(text); text == "" {
			continue
		}
		op := specOp(text)
		if op == "" {
			return SpecifierSet{}, fmt.Errorf("%q does not start with a version operator (==, !=, <=, >=, <, >, ~=, ===)", text)
		}
		v, _ := trimSpace(text[len(op):])
		c, err := newClause(op, v)
		if err != nil {
			return SpecifierSet{}, err
		}
		set.clauses = append(set.clauses, c)
		set.pre = set.pre || c.namesPrerelease()
	}
	return set, nil
}

// specOp returns the operator s starts with, or "".
func specOp(s string) string {
	for _, op := range specOps {
		if strings.HasPrefix(s, op) {
			return op
		}
	}
	return ""
}

// String returns the set's clauses as written, without white space, joined
// with ",".
func (s SpecifierSet) String() string {
	var b strings.Builder
	for i, c := range s.clauses {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c.op + c.text)
	}
	return b.String()
}

// Check reports whether v satisfies every clause. prereleases says whether
// pre-releases are admitted (an installed version, a target Python, or a
// resolver that found no final release). When they are not, a pre-release
// satisfies the set only if one of its clauses names a pre-release, as
// ">=2.0b1" does (PEP 440: pre-releases are excluded unless explicitly
// requested; a != or V.* clause requests none), so never the empty set.
//
// Whatever prereleases says, the exclusive comparisons keep PEP 440's
// rules: <V admits no pre-release of V unless V is one, >V admits no
// post-release of V unless V is one and no local version of V.
func (s SpecifierSet) Check(v Version, prereleases bool) bool {
	if !prereleases && !s.pre && v.IsPrerelease() {
		return false
	}
	for i := range s.clauses {
		if !s.clauses[i].matches(v) {
			return false
		}
	}
	return true
}

// clause is one operator and its version.
type clause struct {
	op       string
	text     string  // the version as written (any text for ===)
	v        Version // parsed; for === only when the text is a version
	wildcard bool    // == or != with a trailing .* (v is the prefix)
	local    bool    // == or != with a local label
}

// newClause checks the version text against PEP 440's rules for op.
func newClause(op, text string) (clause, error) {
	c := clause{op: op, text: text}
	var why string
	switch op {
	case "===":
		// packaging takes "===" with no text, which no version equals.
		if i := strings.IndexFunc(text, func(r rune) bool { return isSpace(r) || r == ';' || r == ')' }); i >= 0 {
			r, _ := utf8.DecodeRuneInString(text[i:])
			return c, fmt.Errorf("invalid version %q for ===: %q is not allowed", text, r)
		}
		if v, _, why := parseVersion(text); why == "" {
			c.v = v
		}
		return c, nil
	case "==", "!=":
		if prefix, ok := strings.CutSuffix(text, ".*"); ok {
			c.v, _, why = parseVersion(prefix)
			if why != "" || c.v.pre != 0 || c.v.post != "" || c.v.dev != "" || c.v.local != "" {
				return c, fmt.Errorf("invalid wildcard version %q", text)
			}
			c.wildcard = true
			return c, nil
		}
		if c.v, _, why = parseVersion(text); why != "" {
			return c, fmt.Errorf("invalid version %q", text)
		}
		c.local = c.v.local != ""
		return c, nil
	case "~=", "<=", ">=", "<", ">":
		if c.v, _, why = parseVersion(text); why != "" {
			if op == "~=" {
				return c, fmt.Errorf("invalid version %q for ~=", text)
			}
			return c, fmt.Errorf("invalid version %q for %s", text, op)
		}
		if c.v.local != "" {
			return c, fmt.Errorf("invalid version %q for %s: a local label is allowed only with == and !=", text, op)
		}
		if op == "~=" && c.v.releaseLen() < 2 {
			return c, fmt.Errorf("~=%s needs at least two version segments, e.g. ~=%s.0", text, text)
		}
		return c, nil
	}
	return c, fmt.Errorf("unknown version operator %q", op)
}

// namesPrerelease reports whether the clause requests pre-releases, as
// packaging's Specifier.prereleases detects: its version is one, and the
// operator is neither != nor a wildcard ==.
func (c *clause) namesPrerelease() bool {
	return c.op != "!=" && !c.wildcard && c.v.IsPrerelease()
}

// matches applies the clause to v, as packaging's version ranges do.
func (c *clause) matches(v Version) bool {
	switch c.op {
	case "===":
		return arbitraryEqual(v.s, c.text)
	case "==":
		return c.equal(v)
	case "!=":
		return !c.equal(v)
	case ">=":
		return v.Compare(c.v) >= 0
	case "<=":
		return v.comparePublic(c.v) <= 0 // 1.0+local <= 1.0
	case "<":
		// Not a pre-release of V unless V is one: below V.dev0.
		bound := c.v
		if !bound.IsPrerelease() {
			bound.dev, bound.s = "0", ""
		}
		return v.Compare(bound) < 0
	case ">":
		if v.Compare(c.v) <= 0 {
			return false
		}
		if c.v.dev != "" || c.v.post != "" {
			// V+local alone lies between V and the next version up.
			return v.comparePublic(c.v) != 0
		}
		// Neither V+local nor a post-release of V (V.post1, V.post1.dev0).
		return v.epoch != c.v.epoch || compareRelease(v.release, c.v.release, -1) != 0 || v.pre != c.v.pre || v.preN != c.v.preN
	case "~=":
		// >=V and ==P.* for P, V's release without its last number.
		return v.Compare(c.v) >= 0 && samePrefix(v, c.v, c.v.releaseLen()-1)
	}
	return false
}

// equal is the == test: a prefix match for V.*, an exact one for a version
// with a local label, else one that ignores v's local label.
func (c *clause) equal(v Version) bool {
	switch {
	case c.wildcard:
		return samePrefix(v, c.v, c.v.releaseLen())
	case c.local:
		return v.Compare(c.v) == 0
	}
	return v.comparePublic(c.v) == 0
}

// samePrefix reports whether v has w's epoch and w's first n release
// numbers (missing ones count as 0): ==1.2.* admits 1.2, 1.2.0.1, 1.2rc1.
func samePrefix(v, w Version, n int) bool {
	return v.epoch == w.epoch && compareRelease(v.release, w.release, n) == 0
}

// arbitraryEqual is ===: the version's normalised text equals spec with
// spec lower-cased as Python lower-cases it (the Kelvin sign is the one
// character outside ASCII that lower-cases to ASCII: k).
func arbitraryEqual(norm, spec string) bool {
	i := 0
	for _, r := range spec {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r == '\u212a':
			r = 'k'
		}
		if r >= utf8.RuneSelf || i >= len(norm) || norm[i] != byte(r) {
			return false
		}
		i++
	}
	return i == len(norm)
}

// ValidateSpecifier checks a comma separated PEP 440 specifier set such as
// ">=3.2, <4" as PEP 508 writes one in a requirement (no empty clauses;
// spaces and tabs only) and returns it in canonical form (no spaces). ""
// is valid (any version).
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
		op := specOp(p.s[p.i:])
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
		if _, err := newClause(op, v); err != nil {
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
