// Package markers evaluates PEP 508 environment markers ("python_version < '3.8'
// and sys_platform == 'linux'") against a described environment, so a
// virtualenv's dependency graph can be followed for the Python it was built
// for without running that Python.
package markers

import (
	"fmt"
	"strings"

	version "github.com/aquasecurity/go-pep440-version"

	"github.com/containerize/containerize/manifest"
)

// Env maps marker variables (python_version, python_full_version, sys_platform,
// platform_system, platform_machine, os_name, implementation_name,
// platform_python_implementation, platform_release, platform_version,
// implementation_version, extra) to their values.
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

// Parse parses a marker expression:
//
//	or    = and ('or' and)*
//	and   = atom ('and' atom)*
//	atom  = '(' or ')' | value op value
//	value = variable | 'string' | "string"
//	op    = '==' | '!=' | '<' | '<=' | '>' | '>=' | '~=' | '===' | 'in' | 'not' 'in'
func Parse(marker string) (*Marker, error) {
	toks, err := tokenize(marker)
	if err != nil {
		return nil, fmt.Errorf("marker %q: %w", marker, err)
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("marker %q: empty", marker)
	}
	p := &parser{toks: toks}
	root, err := p.or(0)
	if err == nil && p.i < len(p.toks) {
		err = fmt.Errorf("unexpected %s", p.describe())
	}
	if err != nil {
		return nil, fmt.Errorf("marker %q: %w", marker, err)
	}
	return &Marker{src: marker, root: root}, nil
}

// Eval evaluates the marker in env.
func (m *Marker) Eval(env Env) (bool, error) {
	ok, err := m.root.eval(env)
	if err != nil {
		return false, fmt.Errorf("marker %q: %w", m.src, err)
	}
	return ok, nil
}

// variables are the names PEP 508 defines, the newer set-valued extras and
// dependency_groups (PEP 751), and the dotted spellings of old metadata,
// mapped to their canonical names.
var variables = map[string]string{
	"python_version": "python_version", "python_full_version": "python_full_version",
	"os_name": "os_name", "sys_platform": "sys_platform", "platform_release": "platform_release",
	"platform_system": "platform_system", "platform_version": "platform_version",
	"platform_machine": "platform_machine", "platform_python_implementation": "platform_python_implementation",
	"implementation_name": "implementation_name", "implementation_version": "implementation_version",
	"extra": "extra", "extras": "extras", "dependency_groups": "dependency_groups",
	"os.name": "os_name", "sys.platform": "sys_platform", "platform.version": "platform_version",
	"platform.machine": "platform_machine", "platform.python_implementation": "platform_python_implementation",
	"python_implementation": "platform_python_implementation",
}

// versionVars hold versions: they compare by PEP 440 when both sides parse
// as versions (so do two string literals). Everything else compares as
// strings, so that `extra == "v2"` is a name comparison, never a version one.
var versionVars = map[string]bool{
	"python_version": true, "python_full_version": true, "implementation_version": true, "platform_release": true,
}

// setVars hold comma-separated sets of names; only in / not in apply.
var setVars = map[string]bool{"extras": true, "dependency_groups": true}

type token struct {
	kind string // "str", "var", "op", "and", "or", "(", ")"
	text string
	col  int
}

var operators = []string{"===", "==", "!=", "<=", ">=", "~=", "<", ">"}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.'
}

func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, token{kind: string(c), col: i + 1})
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string at column %d", i+1)
			}
			toks = append(toks, token{kind: "str", text: s[i+1 : i+1+j], col: i + 1})
			i += j + 2
		case strings.IndexByte("<>=!~", c) >= 0:
			op := ""
			for _, o := range operators {
				if strings.HasPrefix(s[i:], o) {
					op = o
					break
				}
			}
			if op == "" {
				return nil, fmt.Errorf("unknown operator at column %d", i+1)
			}
			toks = append(toks, token{kind: "op", text: op, col: i + 1})
			i += len(op)
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			w := s[i:j]
			switch w {
			case "and", "or":
				toks = append(toks, token{kind: w, col: i + 1})
			case "in":
				toks = append(toks, token{kind: "op", text: "in", col: i + 1})
			case "not":
				k := j
				for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
					k++
				}
				if !strings.HasPrefix(s[k:], "in") || (k+2 < len(s) && isWordByte(s[k+2])) {
					return nil, fmt.Errorf("expected 'in' after 'not' at column %d", k+1)
				}
				toks = append(toks, token{kind: "op", text: "not in", col: i + 1})
				j = k + 2
			default:
				name, ok := variables[w]
				if !ok {
					if '0' <= w[0] && w[0] <= '9' {
						return nil, fmt.Errorf("unquoted value %s at column %d: quote it, e.g. \"%s\"", w, i+1, w)
					}
					return nil, fmt.Errorf("unknown variable %q at column %d (expected e.g. python_version, sys_platform, extra)", w, i+1)
				}
				toks = append(toks, token{kind: "var", text: name, col: i + 1})
			}
			i = j
		default:
			return nil, fmt.Errorf("unexpected %q at column %d", c, i+1)
		}
	}
	return toks, nil
}

// maxDepth bounds parenthesis nesting so hostile input cannot exhaust the stack.
const maxDepth = 64

type parser struct {
	toks []token
	i    int
}

func (p *parser) is(kind string) bool { return p.i < len(p.toks) && p.toks[p.i].kind == kind }

func (p *parser) describe() string {
	if p.i >= len(p.toks) {
		return "end of marker"
	}
	t := p.toks[p.i]
	if t.text != "" {
		return fmt.Sprintf("%q at column %d", t.text, t.col)
	}
	return fmt.Sprintf("%q at column %d", t.kind, t.col)
}

func (p *parser) or(depth int) (node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested too deeply")
	}
	first, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	n := orNode{first}
	for p.is("or") {
		p.i++
		next, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		n = append(n, next)
	}
	if len(n) == 1 {
		return first, nil
	}
	return n, nil
}

func (p *parser) and(depth int) (node, error) {
	first, err := p.atom(depth)
	if err != nil {
		return nil, err
	}
	n := andNode{first}
	for p.is("and") {
		p.i++
		next, err := p.atom(depth)
		if err != nil {
			return nil, err
		}
		n = append(n, next)
	}
	if len(n) == 1 {
		return first, nil
	}
	return n, nil
}

func (p *parser) atom(depth int) (node, error) {
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

func (p *parser) value() (operand, error) {
	if !p.is("var") && !p.is("str") {
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
	vars := []string{}
	for _, o := range []operand{c.lhs, c.rhs} {
		if o.isVar {
			vars = append(vars, o.text)
		}
	}
	isVersion, isExtra, isSet := len(vars) == 0, false, ""
	for _, v := range vars {
		isVersion = isVersion || versionVars[v]
		isExtra = isExtra || v == "extra"
		if setVars[v] {
			isSet = v
		}
	}
	if isSet != "" {
		return setOp(c, l, r)
	}
	if isExtra {
		// Extra names compare normalised, as pip compares them.
		l, r = manifest.NormalizeName(l), manifest.NormalizeName(r)
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
	for _, name := range strings.Split(r, ",") {
		if name = strings.TrimSpace(name); name != "" && manifest.NormalizeName(name) == manifest.NormalizeName(l) {
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
// side may end in .* for == and !=). handled is false when they are not, and
// the caller falls back to string comparison as PEP 508 says.
func versionOp(l, op, r string) (result, handled bool) {
	// Either side may carry the wildcard: "3.8.*" == python_full_version
	// means the same as python_full_version == "3.8.*".
	if (op == "==" || op == "!=") && strings.HasSuffix(l, ".*") && !strings.HasSuffix(r, ".*") {
		l, r = r, l
	}
	if !isSingleVersion(l, false) || !isSingleVersion(r, op == "==" || op == "!=") {
		return false, false
	}
	candidate, err := version.Parse(l)
	if err != nil {
		return false, false
	}
	spec, err := version.NewSpecifiers(op+r, version.WithPreRelease(true))
	if err != nil {
		return false, false
	}
	return spec.Check(candidate), true
}

// isSingleVersion reports whether s is one PEP 440 version (with a trailing
// .* when wildcard is allowed) and nothing else: the specifier library would
// otherwise read "3.8,<4" or "3 || 4" as several clauses.
func isSingleVersion(s string, wildcard bool) bool {
	if wildcard {
		s = strings.TrimSuffix(s, ".*")
	}
	if s == "" || strings.ContainsAny(s, ", |*\t") {
		return false
	}
	_, err := version.Parse(s)
	return err == nil
}
