package pyscan

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tName
	tNumber
	tString
	tOp
	tError // a character Python would reject, or an unterminated string
)

type token struct {
	kind tokKind
	text string // source text
	// val is a string token's decoded value (an f-string's literal text with its
	// fields as written); fields says the f-string has replacement fields.
	val     string
	fields  bool
	isBytes bool
	start   int // byte offsets into the source
	end     int
	line    int
}

// logicalLine is what Python calls a logical line: physical lines joined by backslashes
// or open brackets, without comments.
type logicalLine struct {
	toks   []token
	indent int
}

type tokenizer struct {
	src   string
	pos   int
	line  int
	depth int // open brackets
	cur   []token
	ind   int
	lines []logicalLine
}

// tokenize splits normalised source (only \n line ends) into logical lines.
func tokenize(src string) []logicalLine {
	t := &tokenizer{src: src, line: 1}
	t.run()
	return t.lines
}

func (t *tokenizer) run() {
	atStart := true
	for t.pos < len(t.src) {
		if atStart {
			col := t.indentation()
			if t.pos >= len(t.src) {
				break
			}
			switch t.src[t.pos] {
			case '\n': // blank line
				t.pos++
				t.line++
				continue
			case '#':
				t.skipComment()
				continue
			}
			t.ind = col
			atStart = false
		}
		c := t.src[t.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			t.pos++
		case c == '\n':
			t.pos++
			t.line++
			if t.depth == 0 || looksLikeStatement(t.src[t.pos:]) {
				// A statement at column 0 while a bracket is open means the bracket was
				// never closed: end the broken line here so the rest still scans.
				t.flush()
				t.depth = 0
				atStart = true
			}
		case c == '#':
			t.skipComment()
		case c == '\\':
			if t.pos+1 < len(t.src) && t.src[t.pos+1] == '\n' {
				t.pos += 2
				t.line++
			} else {
				t.emit(tError, t.pos, t.pos+1)
				t.pos++
			}
		case c == '"' || c == '\'':
			t.str(t.pos, t.pos, "")
		case c >= '0' && c <= '9' || c == '.' && t.pos+1 < len(t.src) && isDigit(t.src[t.pos+1]):
			t.number()
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf:
			t.name()
		default:
			t.op()
		}
	}
	t.flush()
}

// indentation consumes leading blanks and returns the column, tabs to multiples of 8.
func (t *tokenizer) indentation() int {
	col := 0
	for t.pos < len(t.src) {
		switch t.src[t.pos] {
		case ' ':
			col++
		case '\t':
			col = col/8*8 + 8
		case '\f':
			col = 0
		default:
			return col
		}
		t.pos++
	}
	return col
}

func (t *tokenizer) skipComment() {
	if i := strings.IndexByte(t.src[t.pos:], '\n'); i >= 0 {
		t.pos += i
	} else {
		t.pos = len(t.src)
	}
}

func (t *tokenizer) flush() {
	if len(t.cur) > 0 {
		t.lines = append(t.lines, logicalLine{toks: t.cur, indent: t.ind})
		t.cur = nil
	}
}

func (t *tokenizer) emit(k tokKind, start, end int) {
	t.cur = append(t.cur, token{kind: k, text: t.src[start:end], start: start, end: end, line: t.line})
}

func (t *tokenizer) name() {
	start := t.pos
	i := t.pos
	for i < len(t.src) {
		c := t.src[i]
		if c < utf8.RuneSelf {
			if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > start && isDigit(c) {
				i++
				continue
			}
			break
		}
		r, size := utf8.DecodeRuneInString(t.src[i:])
		if r == utf8.RuneError || !(unicode.IsLetter(r) || i > start && (unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc))) {
			break
		}
		i += size
	}
	if i == start { // a character that cannot start a name
		_, size := utf8.DecodeRuneInString(t.src[i:])
		t.emit(tError, start, start+size)
		t.pos = start + size
		return
	}
	if i < len(t.src) && (t.src[i] == '"' || t.src[i] == '\'') && isStringPrefix(t.src[start:i]) {
		t.str(start, i, strings.ToLower(t.src[start:i]))
		return
	}
	t.emit(tName, start, i)
	t.pos = i
}

func isStringPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "r", "u", "b", "br", "rb", "f", "fr", "rf", "t", "tr", "rt",
		"ur": // Python 2 only; read for facts all the same
		return true
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (t *tokenizer) number() {
	s, i := t.src, t.pos
	if s[i] == '0' && i+1 < len(s) && strings.IndexByte("xXoObB", s[i+1]) >= 0 {
		i += 2
		for i < len(s) && (isDigit(s[i]) || s[i] == '_' || s[i] >= 'a' && s[i] <= 'f' || s[i] >= 'A' && s[i] <= 'F') {
			i++
		}
	} else {
		digits := func() {
			for i < len(s) && (isDigit(s[i]) || s[i] == '_') {
				i++
			}
		}
		digits()
		if i < len(s) && s[i] == '.' {
			i++
			digits()
		}
		if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
			j := i + 1
			if j < len(s) && (s[j] == '+' || s[j] == '-') {
				j++
			}
			if j < len(s) && isDigit(s[j]) {
				i = j
				digits()
			}
		}
		if i < len(s) && (s[i] == 'j' || s[i] == 'J') {
			i++
		}
	}
	t.emit(tNumber, t.pos, i)
	t.pos = i
}

var ops3 = []string{"**=", "//=", ">>=", "<<=", "..."}
var ops2 = []string{"**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="}

const ops1 = "+-*/%@&|^~<>()[]{},:;.="

func (t *tokenizer) op() {
	rest := t.src[t.pos:]
	for _, group := range [][]string{ops3, ops2} {
		for _, o := range group {
			if strings.HasPrefix(rest, o) {
				t.emit(tOp, t.pos, t.pos+len(o))
				t.pos += len(o)
				return
			}
		}
	}
	c := rest[0]
	if strings.IndexByte(ops1, c) < 0 {
		_, size := utf8.DecodeRuneInString(rest)
		t.emit(tError, t.pos, t.pos+size)
		t.pos += size
		return
	}
	switch c {
	case '(', '[', '{':
		t.depth++
	case ')', ']', '}':
		if t.depth > 0 {
			t.depth--
		}
	}
	t.emit(tOp, t.pos, t.pos+1)
	t.pos++
}

// str scans a string literal whose prefix starts at start and whose quote is at q.
func (t *tokenizer) str(start, q int, prefix string) {
	raw := strings.ContainsRune(prefix, 'r')
	isBytes := strings.ContainsRune(prefix, 'b')
	format := strings.ContainsAny(prefix, "ft")
	end, val, fields, ok := scanString(t.src, q, raw, isBytes, format)
	k := tString
	if !ok {
		k = tError
	}
	t.cur = append(t.cur, token{kind: k, text: t.src[start:end], val: val, fields: fields,
		isBytes: isBytes, start: start, end: end, line: t.line})
	t.line += strings.Count(t.src[start:end], "\n")
	t.pos = end
}

// scanString scans the string literal whose opening quote is at q. It returns the offset
// just past the literal (or where scanning stopped when it is unterminated), the decoded
// value, and whether an f-string had replacement fields.
func scanString(s string, q int, raw, isBytes, format bool) (end int, val string, fields, ok bool) {
	quote := s[q]
	triple := q+2 < len(s) && s[q+1] == quote && s[q+2] == quote
	i := q + 1
	if triple {
		i = q + 3
	}
	var b strings.Builder
	for i < len(s) {
		c := s[i]
		switch {
		case c == quote:
			if !triple {
				return i + 1, b.String(), fields, true
			}
			if i+2 < len(s) && s[i+1] == quote && s[i+2] == quote {
				return i + 3, b.String(), fields, true
			}
			b.WriteByte(c)
			i++
		case c == '\n' && !triple:
			return i, b.String(), fields, false
		case c == '\\':
			if i+1 >= len(s) {
				return len(s), b.String(), fields, false
			}
			if raw && format && (s[i+1] == '{' || s[i+1] == '}') {
				b.WriteByte('\\') // rf"\{{": the backslash is literal, the braces still count
				i++
				continue
			}
			if raw {
				// A raw string keeps the backslash, but it still stops the next
				// character from ending the literal.
				b.WriteByte('\\')
				b.WriteByte(s[i+1])
				i += 2
				continue
			}
			var dec string
			i, dec = decodeEscape(s, i, isBytes)
			b.WriteString(dec)
		case format && c == '{':
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteByte('{')
				i += 2
				continue
			}
			e, ok := skipField(s, i+1, triple)
			if !ok {
				return e, b.String(), fields, false
			}
			fields = true
			b.WriteString(s[i:e])
			i = e
		case format && c == '}':
			if i+1 < len(s) && s[i+1] == '}' {
				i++
			}
			b.WriteByte('}')
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return len(s), b.String(), fields, false
}

// skipField skips an f-string replacement field starting after its '{' and returns the
// offset after its closing '}'.
func skipField(s string, i int, triple bool) (int, bool) {
	depth := 0
	for i < len(s) {
		switch c := s[i]; c {
		case '\n':
			if !triple {
				return i, false
			}
			i++
		case '(', '[', '{':
			depth++
			i++
		case ')', ']':
			if depth > 0 {
				depth--
			}
			i++
		case '}':
			if depth == 0 {
				return i + 1, true
			}
			depth--
			i++
		case '\'', '"':
			// Nested strings are scanned as plain raw strings: only where they end matters.
			e, _, _, ok := scanString(s, i, true, false, false)
			if !ok {
				return e, false
			}
			i = e
		case '\\':
			i += 2
		default:
			i++
		}
	}
	return len(s), false
}

// decodeEscape decodes the escape sequence at s[i] == '\\' (with s[i+1] present) and
// returns the offset after it and its value. Unknown escapes are kept as written, like
// Python does; \N{...} is kept as written because decoding needs Unicode's name table.
func decodeEscape(s string, i int, isBytes bool) (int, string) {
	c := s[i+1]
	switch c {
	case '\n':
		return i + 2, ""
	case '\\', '\'', '"':
		return i + 2, string(c)
	case 'a', 'b', 'f', 'n', 'r', 't', 'v':
		return i + 2, string("\a\b\f\n\r\t\v"[strings.IndexByte("abfnrtv", c)])
	case '0', '1', '2', '3', '4', '5', '6', '7':
		j, v := i+1, 0
		for j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7' {
			v = v*8 + int(s[j]-'0')
			j++
		}
		return j, char(v, isBytes)
	case 'x':
		if v, ok := hexValue(s, i+2, 2); ok {
			return i + 4, char(v, isBytes)
		}
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		if v, ok := hexValue(s, i+2, n); ok && !isBytes && v <= unicode.MaxRune {
			return i + 2 + n, string(rune(v))
		}
	case 'N':
		if !isBytes && i+2 < len(s) && s[i+2] == '{' {
			if e := strings.IndexAny(s[i+2:], "}\n"); e >= 0 && s[i+2+e] == '}' {
				return i + 3 + e, s[i : i+3+e]
			}
		}
	}
	// Keep the backslash; the character after it is copied by the caller.
	return i + 1, "\\"
}

func char(v int, isBytes bool) string {
	if isBytes {
		return string([]byte{byte(v)})
	}
	return string(rune(v))
}

func hexValue(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		v = v*16 + int(d)
	}
	return v, true
}

// looksLikeStatement reports whether a physical line clearly starts a new statement at
// column 0: def, class, import, from … import, or an upper-case setting assignment.
func looksLikeStatement(line string) bool {
	for _, kw := range []string{"def ", "class ", "import "} {
		if strings.HasPrefix(line, kw) {
			return true
		}
	}
	if strings.HasPrefix(line, "from ") {
		eol := strings.IndexByte(line, '\n')
		if eol < 0 {
			eol = len(line)
		}
		return strings.Contains(line[:eol], " import ")
	}
	i := 0
	for i < len(line) && (line[i] >= 'A' && line[i] <= 'Z' || line[i] == '_' || i > 0 && isDigit(line[i])) {
		i++
	}
	if i == 0 {
		return false
	}
	j := i
	for j < len(line) && line[j] == ' ' {
		j++
	}
	if j == i || j >= len(line) {
		return false
	}
	rest := line[j:]
	return rest[0] == '=' && (len(rest) == 1 || rest[1] != '=') || strings.HasPrefix(rest, "+=")
}

// normalize makes line ends \n (as Python's universal newlines do) and drops a BOM.
func normalize(src []byte) string {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(src, '\r') < 0 {
		return string(src)
	}
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}
