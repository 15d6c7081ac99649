package pep

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/containerize/containerize/internal/excerpt"
)

// Env maps marker variables (python_version, python_full_version, sys_platform,
// platform_system, platform_machine, os_name, implementation_name,
// platform_python_implementation, platform_release, platform_version,
// implementation_version, extra; the sets extras and dependency_groups of
// PEP 751) to their values.
type Env map[string]string

// Linux returns the environment of CPython pythonVersion ("3.8" or "3.8.10")
// on Linux for arch ("x86_64", "aarch64"), with no extra selected. Values
// that depend on the kernel (platform_release, platform_version) are empty:
// no image pins them.
func Linux(pythonVersion, arch string) Env {
	pythonVersion = strings.TrimSpace(pythonVersion)
	short := pythonVersion
	if parts := strings.SplitN(pythonVersion, ".", 3); len(parts) >= 2 {
		short = parts[0] + "." + parts[1]
	}
	platform := "linux"
	if strings.HasPrefix(short, "2.") {
		// Python 2's sys.platform carried the kernel's major version.
		platform = "linux2"
	}
	return Env{
		"python_version":                 short,
		"python_full_version":            pythonVersion,
		"implementation_version":         pythonVersion,
		"implementation_name":            "cpython",
		"platform_python_implementation": "CPython",
		"os_name":                        "posix",
		"sys_platform":                   platform,
		"platform_system":                "Linux",
		"platform_machine":               arch,
		"platform_release":               "",
		"platform_version":               "",
		"extra":                          "",
	}
}

// Eval parses marker and evaluates it in env. Unknown variables, syntax
// errors, variables env does not set and comparisons that have no meaning
// (~= between non-versions) are errors.
func Eval(marker string, env Env) (bool, error) {
	m, err := Parse(marker)
	if err != nil {
		return false, err
	}
	return m.Eval(env)
}

// Marker is a parsed marker expression, to evaluate in several environments.
type Marker struct {
	src  string
	root node
}

// String returns the marker as it was written.
func (m *Marker) String() string { return m.src }

// Parse parses a marker expression as lockfiles and metadata hold one, where
// it may span lines:
//
//	or    = and ('or' and)*
//	and   = atom ('and' atom)*
//	atom  = '(' or ')' | value op value
//	value = variable | 'string' | "string"
//	op    = '==' | '!=' | '<' | '<=' | '>' | '>=' | '~=' | '===' | 'in' | 'not' 'in'
//
// Errors start with `marker "…":` and give the column of the problem.
func Parse(marker string) (*Marker, error) {
	root, err := parseMarker(marker, false)
	if err != nil {
		return nil, fmt.Errorf("marker %s: %w", excerpt.Quote(marker), err)
	}
	return &Marker{src: marker, root: root}, nil
}

// ParseRequirementMarker parses the marker of a requirement, the text after
// its ';': the grammar of Parse with PEP 508's white space (spaces and tabs
// only). Errors are worded as ParseRequirement's and do not repeat the
// marker, which the caller names.
func ParseRequirementMarker(marker string) (*Marker, error) {
	root, err := parseMarker(marker, true)
	if err != nil {
		return nil, err
	}
	return &Marker{src: marker, root: root}, nil
}

// Eval evaluates the marker in env.
func (m *Marker) Eval(env Env) (bool, error) {
	ok, err := m.root.eval(env)
	if err != nil {
		return false, fmt.Errorf("marker %s: %w", excerpt.Quote(m.src), err)
	}
	return ok, nil
}

// markerVariable maps the variable names PEP 508 defines, the newer
// set-valued extras and dependency_groups (PEP 751), and the dotted
// spellings of old metadata to their canonical names.
func markerVariable(name string) (string, bool) {
	switch name {
	case "python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
		"platform_system", "platform_version", "platform_machine", "platform_python_implementation",
		"implementation_name", "implementation_version", "extra", "extras", "dependency_groups":
		return name, true
	case "os.name":
		return "os_name", true
	case "sys.platform":
		return "sys_platform", true
	case "platform.version":
		return "platform_version", true
	case "platform.machine":
		return "platform_machine", true
	case "platform.python_implementation", "python_implementation":
		return "platform_python_implementation", true
	}
	return "", false
}

// isVersionVariable reports whether a variable holds versions: those compare
// by PEP 440 when both sides parse as versions (so do two string literals).
// Everything else compares as strings, so that `extra == "v2"` is a name
// comparison, never a version one.
func isVersionVariable(name string) bool {
	switch name {
	case "python_version", "python_full_version", "implementation_version", "platform_release":
		return true
	}
	return false
}

// isSetVariable reports whether a variable holds a comma-separated set of
// names; only in / not in apply.
func isSetVariable(name string) bool { return name == "extras" || name == "dependency_groups" }

type markerToken struct {
	kind string // "str", "var", "op", "and", "or", "(", ")"
	text string
	col  int
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' || c == '.' }

// maxDepth bounds parenthesis nesting so hostile input cannot exhaust the stack.
const maxDepth = 100

// parseMarker tokenizes and parses s. strict is the requirement form: PEP
// 508's white space, and the wording ParseRequirement has always used
// (without columns after the tokenizer); otherwise newlines are white
// space too, and every message gives a column.
func parseMarker(s string, strict bool) (node, error) {
	toks, err := tokenize(s, strict)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 && !strict {
		return nil, fmt.Errorf("empty")
	}
	p := &markerParser{toks: toks, strict: strict}
	root, err := p.or(0)
	if err == nil && p.i < len(p.toks) {
		err = fmt.Errorf("unexpected %s", p.describe())
	}
	return root, err
}

func tokenize(s string, strict bool) ([]markerToken, error) {
	var toks []markerToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || !strict && (c == '\n' || c == '\r'):
			i++
		case c == '(' || c == ')':
			toks = append(toks, markerToken{kind: string(c), col: i + 1})
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at column %d", i+1)
			}
			toks = append(toks, markerToken{kind: "str", text: s[i+1 : i+1+j], col: i + 1})
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
			toks = append(toks, markerToken{kind: "op", text: op, col: i + 1})
			i += len(op)
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			w := s[i:j]
			switch w {
			case "and", "or":
				toks = append(toks, markerToken{kind: w, col: i + 1})
			case "in":
				toks = append(toks, markerToken{kind: "op", text: "in", col: i + 1})
			case "not":
				k := j
				for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
					k++
				}
				if !strings.HasPrefix(s[k:], "in") || (k+2 < len(s) && isWordByte(s[k+2])) {
					return nil, fmt.Errorf("expected 'in' after 'not' at column %d", k+1)
				}
				toks = append(toks, markerToken{kind: "op", text: "not in", col: i + 1})
				j = k + 2
			default:
				name, ok := markerVariable(w)
				switch {
				case ok:
				case '0' <= w[0] && w[0] <= '9' && strict:
					return nil, fmt.Errorf("unquoted value %q — quote it, e.g. \"%s\"", w, w)
				case '0' <= w[0] && w[0] <= '9':
					return nil, fmt.Errorf("unquoted value %s at column %d: quote it, e.g. \"%s\"", w, i+1, w)
				case strict:
					return nil, fmt.Errorf("unknown marker variable %q (expected e.g. python_version, sys_platform, extra)", w)
				default:
					return nil, fmt.Errorf("unknown variable %q at column %d (expected e.g. python_version, sys_platform, extra)", w, i+1)
				}
				toks = append(toks, markerToken{kind: "var", text: name, col: i + 1})
			}
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at column %d", c, i+1)
		}
	}
	return toks, nil
}

type markerParser struct {
	toks   []markerToken
	i      int
	strict bool
}

func (p *markerParser) is(kind string) bool { return p.i < len(p.toks) && p.toks[p.i].kind == kind }

func (p *markerParser) describe() string {
	if p.i >= len(p.toks) {
		return "end of marker"
	}
	t := p.toks[p.i]
	what := t.text
	if what == "" {
		what = t.kind
	}
	if p.strict {
		return strconv.Quote(what)
	}
	return fmt.Sprintf("%q at column %d", what, t.col)
}

func (p *markerParser) or(depth int) (node, error) {
	if depth > maxDepth {
		if p.strict {
			return nil, fmt.Errorf("marker nested too deeply")
		}
		return nil, fmt.Errorf("nested too deeply")
	}
	n, err := p.chain("or", depth, p.and)
	switch {
	case err != nil:
		return nil, err
	case len(n) == 1:
		return n[0], nil
	}
	return orNode(n), nil
}

func (p *markerParser) and(depth int) (node, error) {
	n, err := p.chain("and", depth, p.atom)
	switch {
	case err != nil:
		return nil, err
	case len(n) == 1:
		return n[0], nil
	}
	return andNode(n), nil
}

// chain parses `operand (kw operand)*`, the operands of one `or` or `and`.
func (p *markerParser) chain(kw string, depth int, operand func(int) (node, error)) ([]node, error) {
	first, err := operand(depth)
	if err != nil {
		return nil, err
	}
	n := []node{first}
	for p.is(kw) {
		p.i++
		next, err := operand(depth)
		if err != nil {
			return nil, err
		}
		n = append(n, next)
	}
	return n, nil
}

func (p *markerParser) atom(depth int) (node, error) {
	if p.is("(") {
		p.i++
		inner, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.is(")") {
			return nil, fmt.Errorf("expected ')' but found %s", p.describe())
		}
		p.i++
		return inner, nil
	}
	lhs, err := p.value()
	if err != nil {
		return nil, err
	}
	if !p.is("op") {
		return nil, fmt.Errorf("expected a comparison operator but found %s", p.describe())
	}
	op := p.toks[p.i].text
	p.i++
	rhs, err := p.value()
	if err != nil {
		return nil, err
	}
	return &compare{lhs: lhs, op: op, rhs: rhs}, nil
}

func (p *markerParser) value() (operand, error) {
	if !p.is("var") && !p.is("str") {
		if p.strict {
			return operand{}, fmt.Errorf("expected a marker variable or quoted string but found %s", p.describe())
		}
		return operand{}, fmt.Errorf("expected a variable or a quoted string but found %s", p.describe())
	}
	t := p.toks[p.i]
	p.i++
	return operand{isVar: t.kind == "var", text: t.text}, nil
}

type node interface {
	eval(Env) (bool, error)
}

type orNode []node

// eval evaluates every branch, not just up to the first true one, so that an
// error anywhere is reported whatever the environment.
func (n orNode) eval(env Env) (bool, error) {
	result := false
	for _, c := range n {
		ok, err := c.eval(env)
		if err != nil {
			return false, err
		}
		result = result || ok
	}
	return result, nil
}

type andNode []node

func (n andNode) eval(env Env) (bool, error) {
	result := true
	for _, c := range n {
		ok, err := c.eval(env)
		if err != nil {
			return false, err
		}
		result = result && ok
	}
	return result, nil
}

type operand struct {
	isVar bool
	text  string // variable name (canonical) or the string's contents
}

func (o operand) value(env Env) (string, error) {
	if !o.isVar {
		return o.text, nil
	}
	v, ok := env[o.text]
	if !ok {
		return "", fmt.Errorf("variable %s is not set in this environment", o.text)
	}
	return v, nil
}

type compare struct {
	lhs operand
	op  string
	rhs operand
}

func (c *compare) eval(env Env) (bool, error) {
	l, err := c.lhs.value(env)
	if err != nil {
		return false, err
	}
	r, err := c.rhs.value(env)
	if err != nil {
		return false, err
	}
	isVersion := !c.lhs.isVar && !c.rhs.isVar // two literals
	isExtra, isSet := false, false
	for _, o := range []operand{c.lhs, c.rhs} {
		if o.isVar {
			isVersion = isVersion || isVersionVariable(o.text)
			isExtra = isExtra || o.text == "extra"
			isSet = isSet || isSetVariable(o.text)
		}
	}
	if isSet {
		return setOp(c, l, r)
	}
	if isExtra {
		// Extra names compare normalised, as pip compares them.
		l, r = NormalizeName(l), NormalizeName(r)
	}
	if isVersion && c.op != "in" && c.op != "not in" && c.op != "===" {
		if ok, handled := versionOp(l, c.op, r); handled {
			return ok, nil
		}
	}
	return stringOp(l, c.op, r)
}

// setOp evaluates 'name' in extras: the set variable holds comma-separated names.
func setOp(c *compare, l, r string) (bool, error) {
	if c.op != "in" && c.op != "not in" || !c.rhs.isVar || c.lhs.isVar {
		return false, fmt.Errorf("%s is a set of names: only 'name' in %s and 'name' not in %s apply", c.rhs.text, c.rhs.text, c.rhs.text)
	}
	member := false
	for name := range strings.SplitSeq(r, ",") {
		if name = strings.TrimSpace(name); name != "" && NormalizeName(name) == NormalizeName(l) {
			member = true
		}
	}
	return member == (c.op == "in"), nil
}

func stringOp(l, op, r string) (bool, error) {
	switch op {
	case "==":
		return l == r, nil
	case "!=":
		return l != r, nil
	case "<":
		return l < r, nil
	case "<=":
		return l <= r, nil
	case ">":
		return l > r, nil
	case ">=":
		return l >= r, nil
	case "===":
		// PEP 440 arbitrary equality: plain string equality, case-insensitive as pip has it.
		return strings.EqualFold(l, r), nil
	case "in":
		return strings.Contains(r, l), nil
	case "not in":
		return !strings.Contains(r, l), nil
	}
	return false, fmt.Errorf("%s needs versions on both sides, not %q and %q", op, l, r)
}

// versionOp compares by PEP 440 when both sides are versions (the specifier
// side may end in .* for == and !=), as packaging does: the clause op r,
// with pre-releases admitted. handled is false when they are not, and the
// caller falls back to string comparison as PEP 508 says.
func versionOp(l, op, r string) (result, handled bool) {
	// Either side may carry the wildcard: "3.8.*" == python_full_version
	// means the same as python_full_version == "3.8.*".
	if (op == "==" || op == "!=") && strings.HasSuffix(l, ".*") && !strings.HasSuffix(r, ".*") {
		l, r = r, l
	}
	// A space or tab makes a string, never a version: "3.8 " is not 3.8.
	if strings.ContainsAny(l, " \t") || strings.ContainsAny(r, " \t") {
		return false, false
	}
	candidate, err := ParseVersion(l)
	if err != nil {
		return false, false
	}
	r, _ = trimSpace(r)
	c, err := newClause(op, r)
	if err != nil {
		return false, false
	}
	return c.matches(candidate), true
}
