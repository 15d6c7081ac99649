package manifest

import (
	"strings"
)

// Setup is what setup.cfg or setup.py declares.
type Setup struct {
	Requirements       []Requirement // install_requires
	PythonRequires     string        // python_requires, as written
	PythonRequiresLine int
	// Dynamic is set when install_requires is computed (setup.py) or read
	// from files (setup.cfg "file:"), so Requirements may be incomplete.
	Dynamic bool
	// FromFiles lists the files of a setup.cfg "install_requires = file: ..."
	// directive, relative to the project root; read them with
	// ParseRequirementsFile.
	FromFiles []string
	// Extras are setup.cfg's [options.extras_require]: extra name -> its requirements.
	Extras map[string][]Requirement
	// Sections are setup.cfg's section headers and their lines ("tool:pytest" -> 27).
	Sections map[string]int
}

type iniValue struct {
	first     string
	firstLine int
	more      []logicalLine // continuation lines
}

// ParseSetupCfg reads [options] install_requires and python_requires from a
// setup.cfg, with setuptools' rules: a multi-line value has one requirement
// a line; a one-line value is split at ';'; lines starting with '#' are
// comments.
func ParseSetupCfg(data []byte, path string) (*Setup, error) {
	sections := map[string]map[string]*iniValue{}
	headers := map[string]int{}
	section := ""
	var cur *iniValue
	text := strings.TrimPrefix(string(data), "\ufeff")
	for i, raw := range strings.Split(text, "\n") {
		n := i + 1
		raw = strings.TrimRight(raw, "\r")
		s := strings.TrimSpace(raw)
		if s == "" || s[0] == '#' || s[0] == ';' {
			continue
		}
		if indented := raw[0] == ' ' || raw[0] == '\t'; indented && cur != nil {
			cur.more = append(cur.more, logicalLine{line: n, text: s})
			continue
		}
		if s[0] == '[' {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, errorf(path, n, "section header %q has no closing ']'", s)
			}
			section = strings.TrimSpace(s[1:end])
			if _, seen := headers[section]; !seen {
				headers[section] = n
			}
			cur = nil
			continue
		}
		k := strings.IndexAny(s, "=:")
		if k <= 0 {
			return nil, errorf(path, n, "expected \"key = value\" in [%s], found %q", section, s)
		}
		if sections[section] == nil {
			sections[section] = map[string]*iniValue{}
		}
		key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s[:k])), "-", "_")
		cur = &iniValue{first: strings.TrimSpace(s[k+1:]), firstLine: n}
		sections[section][key] = cur
	}

	st := &Setup{Sections: headers}
	for name, v := range sections["options.extras_require"] {
		reqs, err := cfgRequirements(path, "extras_require "+name, v.lines())
		if err != nil {
			return nil, err
		}
		if st.Extras == nil {
			st.Extras = map[string][]Requirement{}
		}
		st.Extras[name] = reqs
	}
	opts := sections["options"]
	if v := opts["python_requires"]; v != nil {
		st.PythonRequires, st.PythonRequiresLine = v.first, v.firstLine
		if st.PythonRequires == "" && len(v.more) > 0 {
			st.PythonRequires, st.PythonRequiresLine = v.more[0].text, v.more[0].line
		}
	}
	v := opts["install_requires"]
	if v == nil {
		return st, nil
	}
	if strings.HasPrefix(v.first, "file:") {
		st.Dynamic = true
		for _, f := range strings.Split(strings.TrimPrefix(v.first, "file:"), ",") {
			if f = strings.TrimSpace(f); f != "" {
				st.FromFiles = append(st.FromFiles, strings.TrimPrefix(f, "./"))
			}
		}
		return st, nil
	}
	reqs, err := cfgRequirements(path, "install_requires", v.lines())
	if err != nil {
		return nil, err
	}
	st.Requirements = reqs
	return st, nil
}

// lines are the items of a list value, setuptools' way: one a line when the value spans
// lines, else split at ';'.
func (v *iniValue) lines() []logicalLine {
	if len(v.more) == 0 {
		var items []logicalLine
		for _, part := range strings.Split(v.first, ";") {
			items = append(items, logicalLine{line: v.firstLine, text: part})
		}
		return items
	}
	var items []logicalLine
	if v.first != "" {
		items = append(items, logicalLine{line: v.firstLine, text: v.first})
	}
	return append(items, v.more...)
}

// cfgRequirements parses the PEP 508 requirements of a setup.cfg list value.
func cfgRequirements(path, key string, items []logicalLine) ([]Requirement, error) {
	var out []Requirement
	for _, it := range items {
		s := strings.TrimSpace(stripComment(it.text))
		if s == "" {
			continue
		}
		r, err := ParseRequirement(s)
		if err != nil {
			return nil, errorf(path, it.line, "%s: %v — write it as PEP 508, e.g. django>=4.2,<5", key, err)
		}
		r.File, r.Line = path, it.line
		out = append(out, r)
	}
	return out, nil
}

// pyTok is a token of Python source, as far as setup.py scanning needs.
type pyTok struct {
	kind byte // 'n' name, 's' string, 'o' operator or bracket, '0' number
	text string
	line int
	f    bool // an f-string: its value is not a literal
}

var pyOps3 = []string{"**=", "//=", ">>=", "<<=", "..."}
var pyOps2 = []string{"==", "!=", "<=", ">=", "**", "//", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "<<", ">>"}

// tokenizePython splits Python source into names, strings (decoded),
// numbers and operators, skipping comments and line continuations. It never
// fails: an unterminated string runs to the end of the source.
func tokenizePython(src string) []pyTok {
	var toks []pyTok
	line := 1
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\\':
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'' || isPyNameStart(c):
			j := i
			for j < len(src) && isPyNameChar(src[j]) {
				j++
			}
			prefix := src[i:j]
			if j < len(src) && (src[j] == '"' || src[j] == '\'') && isStringPrefix(prefix) {
				start := line
				val, end, nl := scanPyString(src, j, strings.ContainsAny(prefix, "rR"))
				toks = append(toks, pyTok{kind: 's', text: val, line: start, f: strings.ContainsAny(prefix, "fF")})
				line += nl
				i = end
				continue
			}
			kind := byte('n')
			if c >= '0' && c <= '9' {
				kind = '0'
			}
			toks = append(toks, pyTok{kind: kind, text: prefix, line: line})
			i = j
		default:
			op := src[i : i+1]
			for _, cands := range [][]string{pyOps3, pyOps2} {
				for _, o := range cands {
					if strings.HasPrefix(src[i:], o) {
						op = o
						break
					}
				}
				if len(op) > 1 {
					break
				}
			}
			toks = append(toks, pyTok{kind: 'o', text: op, line: line})
			i += len(op)
		}
	}
	return toks
}

func isPyNameStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80 || '0' <= c && c <= '9'
}

func isPyNameChar(c byte) bool { return isPyNameStart(c) }

func isStringPrefix(p string) bool {
	if len(p) > 2 {
		return false
	}
	for i := 0; i < len(p); i++ {
		if !strings.ContainsRune("rRbBuUfF", rune(p[i])) {
			return false
		}
	}
	return true
}

// scanPyString reads the string literal whose quote is at src[q]. It returns
// the value (common escapes decoded unless raw), the index after the
// literal, and how many newlines it spans.
func scanPyString(src string, q int, raw bool) (string, int, int) {
	quote := src[q : q+1]
	if strings.HasPrefix(src[q:], strings.Repeat(quote, 3)) {
		quote = strings.Repeat(quote, 3)
	}
	var b strings.Builder
	nl := 0
	i := q + len(quote)
	for i < len(src) {
		if strings.HasPrefix(src[i:], quote) {
			return b.String(), i + len(quote), nl
		}
		c := src[i]
		if c == '\n' {
			if len(quote) == 1 {
				return b.String(), i, nl // unterminated: stop at the line end
			}
			nl++
		}
		if c == '\\' && i+1 < len(src) {
			e := src[i+1]
			if e == '\n' {
				nl++
			}
			if raw {
				b.WriteByte(c)
				b.WriteByte(e)
			} else {
				switch e {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case '\n':
				default:
					b.WriteByte(e)
				}
			}
			i += 2
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), i, nl
}

// ParseSetupPy scans a setup.py for install_requires and python_requires
// without running it. install_requires may be a literal list or tuple of
// strings, a string, or a name assigned such a literal in the same file;
// anything else (a call, a comprehension, "+ other") sets Dynamic and keeps
// the literal strings it can see.
func ParseSetupPy(data []byte, path string) (*Setup, error) {
	toks := tokenizePython(string(data))
	st := &Setup{}
	if j := findKeyword(toks, "python_requires"); j >= 0 {
		if s, line, end := stringAt(toks, j); end > j && !toks[j].f {
			st.PythonRequires, st.PythonRequiresLine = strings.TrimSpace(s), line
		}
	}
	j := findKeyword(toks, "install_requires")
	if j < 0 {
		return st, nil
	}
	reqs, dynamic, err := requirementsValue(toks, j, path, 0)
	if err != nil {
		return nil, err
	}
	st.Requirements, st.Dynamic = reqs, dynamic
	return st, nil
}

// findKeyword returns the index of the value after `name=` (a keyword
// argument or an assignment) or `"name":` (a dict entry), or -1.
func findKeyword(toks []pyTok, name string) int {
	for i := 0; i+2 < len(toks); i++ {
		t := toks[i]
		if t.kind == 'n' && t.text == name && toks[i+1].text == "=" && toks[i+1].kind == 'o' &&
			(i == 0 || toks[i-1].text != ".") {
			return i + 2
		}
		if t.kind == 's' && !t.f && t.text == name && toks[i+1].text == ":" && toks[i+1].kind == 'o' {
			return i + 2
		}
	}
	return -1
}

// assignment returns the index of the value in `name = value` at the start
// of a statement, or -1.
func assignment(toks []pyTok, name string) int {
	for i := 0; i+2 < len(toks); i++ {
		t := toks[i]
		if t.kind == 'n' && t.text == name && toks[i+1].kind == 'o' && toks[i+1].text == "=" &&
			(i == 0 || (toks[i-1].text != "." && toks[i-1].text != "(" && toks[i-1].text != ",")) {
			return i + 2
		}
	}
	return -1
}

// mutated reports whether the list named name is changed after its
// assignment: name.append(...), name.extend(...), name += ....
func mutated(toks []pyTok, name string) bool {
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].kind != 'n' || toks[i].text != name || (i > 0 && toks[i-1].text == ".") {
			continue
		}
		next := toks[i+1]
		if next.kind == 'o' && next.text == "+=" {
			return true
		}
		if next.kind == 'o' && next.text == "." && toks[i+2].kind == 'n' {
			switch toks[i+2].text {
			case "append", "extend", "insert", "__iadd__":
				return true
			}
		}
	}
	return false
}

// stringAt reads adjacent string literals starting at j ("a" "b" is "ab").
func stringAt(toks []pyTok, j int) (string, int, int) {
	var b strings.Builder
	line := 0
	k := j
	for ; k < len(toks) && toks[k].kind == 's'; k++ {
		if line == 0 {
			line = toks[k].line
		}
		b.WriteString(toks[k].text)
	}
	return b.String(), line, k
}

// endsValue reports whether the token at k closes an argument or statement.
func endsValue(toks []pyTok, k int) bool {
	if k >= len(toks) {
		return true
	}
	t := toks[k]
	if t.kind == 'o' {
		return t.text == "," || t.text == ")" || t.text == "}" || t.text == ";"
	}
	// A following name or string on a new line starts a new statement.
	return k > 0 && t.line > toks[k-1].line
}

func requirementsValue(toks []pyTok, j int, path string, depth int) ([]Requirement, bool, error) {
	if j >= len(toks) {
		return nil, true, nil
	}
	t := toks[j]
	switch {
	case t.kind == 's':
		s, line, end := stringAt(toks, j)
		if t.f {
			return nil, true, nil
		}
		reqs, err := requirementsFromString(s, line, path)
		return reqs, err != nil || !endsValue(toks, end), err
	case t.kind == 'o' && (t.text == "[" || t.text == "("):
		close := "]"
		if t.text == "(" {
			close = ")"
		}
		var reqs []Requirement
		dynamic := false
		k := j + 1
		for k < len(toks) {
			if toks[k].kind == 'o' && isCloser(toks[k].text) {
				// The list's own closer, or (in broken source) a stray one.
				k++
				break
			}
			// One element: adjacent strings followed by ',' or the closer.
			if toks[k].kind == 's' && !toks[k].f {
				s, line, end := stringAt(toks, k)
				if end < len(toks) && toks[end].kind == 'o' && (toks[end].text == "," || toks[end].text == close) {
					r, err := ParseRequirement(s)
					if err != nil {
						return nil, false, errorf(path, line, "install_requires: %v — write it as PEP 508, e.g. \"django>=4.2,<5\"", err)
					}
					r.File, r.Line = path, line
					reqs = append(reqs, r)
					k = end
					if toks[k].text == "," {
						k++
					}
					continue
				}
			}
			// Anything else is computed: skip to the next top-level comma.
			dynamic = true
			k = skipElement(toks, k, close)
		}
		return reqs, dynamic || !endsValue(toks, k), nil
	case t.kind == 'n' && depth < 3 && endsValue(toks, j+1):
		if v := assignment(toks, t.text); v >= 0 {
			reqs, dynamic, err := requirementsValue(toks, v, path, depth+1)
			return reqs, dynamic || mutated(toks, t.text), err
		}
	}
	return nil, true, nil
}

func isCloser(s string) bool { return s == ")" || s == "]" || s == "}" }

// skipElement advances past one element of a list or call, stopping at a
// comma or the closer at this nesting level (the comma is consumed).
func skipElement(toks []pyTok, k int, close string) int {
	depth := 0
	for ; k < len(toks); k++ {
		t := toks[k]
		if t.kind != 'o' {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				return k // the closer (or a stray one) ends the list
			}
			depth--
		case ",":
			if depth == 0 {
				return k + 1
			}
		}
	}
	return k
}

// requirementsFromString handles install_requires given as one string, one
// requirement a line.
func requirementsFromString(s string, line int, path string) ([]Requirement, error) {
	var reqs []Requirement
	for i, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(stripComment(l))
		if l == "" {
			continue
		}
		r, err := ParseRequirement(l)
		if err != nil {
			return nil, errorf(path, line+i, "install_requires: %v — write it as PEP 508, e.g. \"django>=4.2,<5\"", err)
		}
		r.File, r.Line = path, line+i
		reqs = append(reqs, r)
	}
	return reqs, nil
}
