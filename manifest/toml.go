package manifest

import (
	"errors"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// decodeTOML decodes data into a generic map. Decoding into a map (rather
// than structs) means the only errors are syntax errors, which carry a line;
// wrong value types are reported later by the callers, with lines from
// tomlIndex.
func decodeTOML(data []byte, path string) (map[string]any, error) {
	var v map[string]any
	if _, err := toml.Decode(string(data), &v); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &ParseError{File: path, Line: pe.Position.Line, Msg: pe.Message + " — fix the TOML syntax", Err: err}
		}
		return nil, &ParseError{File: path, Msg: err.Error() + " — fix the TOML syntax", Err: err}
	}
	if v == nil {
		v = map[string]any{}
	}
	return v, nil
}

// tomlIndex maps key paths of a TOML document to the line where they appear.
// BurntSushi/toml does not expose key positions, so this is a small scanner
// over the raw text that understands just enough TOML (tables, arrays of
// tables, dotted and quoted keys, strings, arrays, inline tables, comments)
// to place every key and every array element. It runs only on documents that
// toml.Decode has already accepted, and never fails: unknown paths have line 0.
//
// A path is the list of keys from the root; array elements (and the tables of
// an array of tables) are addressed by their decimal index, so the "name" of
// the third [[package]] is ("package", "2", "name").
type tomlIndex struct {
	lines map[string]int
}

func pathKey(parts []string) string { return strings.Join(parts, "\x00") }

// line returns the line of the key (or array element, or table header) at
// path, or 0 when it is not in the document.
func (x *tomlIndex) line(path ...string) int { return x.lines[pathKey(path)] }

// lineOr returns the line at path, else the line of the nearest ancestor
// found, so evidence points somewhere sensible even for unusual layouts.
func (x *tomlIndex) lineOr(path ...string) int {
	for n := len(path); n > 0; n-- {
		if l := x.line(path[:n]...); l > 0 {
			return l
		}
	}
	return 0
}

type tomlScanner struct {
	s     string
	i     int
	ln    int
	lines map[string]int
	aot   map[string]int // array-of-tables path -> number of tables so far
}

func indexTOML(data []byte) *tomlIndex {
	sc := &tomlScanner{s: string(data), ln: 1, lines: map[string]int{}, aot: map[string]int{}}
	sc.document()
	return &tomlIndex{lines: sc.lines}
}

func (sc *tomlScanner) eof() bool { return sc.i >= len(sc.s) }

func (sc *tomlScanner) peek() byte {
	if sc.eof() {
		return 0
	}
	return sc.s[sc.i]
}

func (sc *tomlScanner) advance() {
	if sc.s[sc.i] == '\n' {
		sc.ln++
	}
	sc.i++
}

func (sc *tomlScanner) skipSpace() {
	for !sc.eof() && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t') {
		sc.i++
	}
}

// skipBlank skips spaces, newlines and comments.
func (sc *tomlScanner) skipBlank() {
	for !sc.eof() {
		switch sc.s[sc.i] {
		case ' ', '\t', '\r', '\n':
			sc.advance()
		case '#':
			for !sc.eof() && sc.s[sc.i] != '\n' {
				sc.i++
			}
		default:
			return
		}
	}
}

func (sc *tomlScanner) record(path []string, line int) {
	k := pathKey(path)
	if _, ok := sc.lines[k]; !ok {
		sc.lines[k] = line
	}
}

func (sc *tomlScanner) document() {
	var table []string
	for {
		sc.skipBlank()
		if sc.eof() {
			return
		}
		start := sc.i
		line := sc.ln
		if sc.peek() == '[' {
			isArray := strings.HasPrefix(sc.s[sc.i:], "[[")
			if isArray {
				sc.i += 2
			} else {
				sc.i++
			}
			key := sc.key()
			sc.skipSpace()
			for !sc.eof() && sc.s[sc.i] == ']' {
				sc.i++
			}
			table = sc.resolve(key, isArray)
			sc.record(table, line)
		} else {
			key := sc.key()
			full := append(append([]string{}, table...), key...)
			for n := len(table) + 1; n <= len(full); n++ {
				sc.record(full[:n], line)
			}
			sc.skipSpace()
			if sc.peek() == '=' {
				sc.i++
				sc.skipSpace()
				sc.value(full, 0)
			}
		}
		if sc.i == start {
			sc.advance() // never stall on text this scanner does not understand
		}
	}
}

// resolve turns a table header into a full path, inserting the current index
// of every array of tables along the way.
func (sc *tomlScanner) resolve(header []string, isArray bool) []string {
	var res []string
	for i, k := range header {
		res = append(res, k)
		pk := pathKey(res)
		n, seen := sc.aot[pk]
		switch {
		case isArray && i == len(header)-1:
			sc.aot[pk] = n + 1
			res = append(res, strconv.Itoa(n))
		case seen && n > 0:
			res = append(res, strconv.Itoa(n-1))
		}
	}
	return res
}

// key reads a possibly dotted key; the parts are unquoted.
func (sc *tomlScanner) key() []string {
	var parts []string
	for {
		sc.skipSpace()
		if sc.eof() {
			return parts
		}
		switch c := sc.peek(); {
		case c == '"':
			parts = append(parts, sc.basicString())
		case c == '\'':
			sc.i++
			start := sc.i
			for !sc.eof() && sc.s[sc.i] != '\'' && sc.s[sc.i] != '\n' {
				sc.i++
			}
			parts = append(parts, sc.s[start:sc.i])
			if sc.peek() == '\'' {
				sc.i++
			}
		default:
			start := sc.i
			for !sc.eof() && (isAlnum(sc.s[sc.i]) || sc.s[sc.i] == '_' || sc.s[sc.i] == '-') {
				sc.i++
			}
			if sc.i == start {
				return parts
			}
			parts = append(parts, sc.s[start:sc.i])
		}
		sc.skipSpace()
		if sc.peek() != '.' {
			return parts
		}
		sc.i++
	}
}

// basicString reads a one-line "..." string and returns its value with the
// common escapes decoded (enough for keys).
func (sc *tomlScanner) basicString() string {
	sc.i++ // opening quote
	var b strings.Builder
	for !sc.eof() {
		c := sc.s[sc.i]
		switch {
		case c == '"':
			sc.i++
			return b.String()
		case c == '\n':
			return b.String()
		case c == '\\' && sc.i+1 < len(sc.s):
			e := sc.s[sc.i+1]
			sc.i += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'u', 'U':
				n := 4
				if e == 'U' {
					n = 8
				}
				if sc.i+n <= len(sc.s) {
					if r, err := strconv.ParseUint(sc.s[sc.i:sc.i+n], 16, 32); err == nil {
						b.WriteRune(rune(r))
						sc.i += n
					}
				}
			default:
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
			sc.i++
		}
	}
	return b.String()
}

func (sc *tomlScanner) value(path []string, depth int) {
	if sc.eof() || depth > 200 {
		return
	}
	switch {
	case strings.HasPrefix(sc.s[sc.i:], `"""`), strings.HasPrefix(sc.s[sc.i:], `'''`):
		q := sc.s[sc.i : sc.i+3]
		sc.i += 3
		for !sc.eof() {
			if q == `"""` && sc.s[sc.i] == '\\' && sc.i+1 < len(sc.s) {
				sc.advance()
				sc.advance()
				continue
			}
			if strings.HasPrefix(sc.s[sc.i:], q) {
				sc.i += 3
				// Up to two quotes may sit right before the closing delimiter.
				for n := 0; n < 2 && !sc.eof() && sc.s[sc.i] == q[0]; n++ {
					sc.i++
				}
				return
			}
			sc.advance()
		}
	case sc.peek() == '"':
		sc.basicString()
	case sc.peek() == '\'':
		sc.i++
		for !sc.eof() && sc.s[sc.i] != '\'' && sc.s[sc.i] != '\n' {
			sc.i++
		}
		if sc.peek() == '\'' {
			sc.i++
		}
	case sc.peek() == '[':
		sc.i++
		for idx := 0; ; idx++ {
			sc.skipBlank()
			if sc.eof() {
				return
			}
			if sc.peek() == ']' {
				sc.i++
				return
			}
			elem := append(append([]string{}, path...), strconv.Itoa(idx))
			sc.record(elem, sc.ln)
			start := sc.i
			sc.value(elem, depth+1)
			sc.skipBlank()
			if sc.peek() == ',' {
				sc.i++
			} else if sc.i == start {
				sc.advance()
			}
		}
	case sc.peek() == '{':
		sc.i++
		for {
			sc.skipBlank()
			if sc.eof() {
				return
			}
			if sc.peek() == '}' {
				sc.i++
				return
			}
			start := sc.i
			line := sc.ln
			key := sc.key()
			full := append(append([]string{}, path...), key...)
			for n := len(path) + 1; n <= len(full); n++ {
				sc.record(full[:n], line)
			}
			sc.skipSpace()
			if sc.peek() == '=' {
				sc.i++
				sc.skipSpace()
				sc.value(full, depth+1)
			}
			sc.skipBlank()
			if sc.peek() == ',' {
				sc.i++
			} else if sc.i == start {
				sc.advance()
			}
		}
	default:
		// Number, boolean or date: runs to a delimiter.
		for !sc.eof() && strings.IndexByte(",]}#\r\n", sc.s[sc.i]) < 0 {
			sc.i++
		}
	}
}

// Helpers for walking the generic values toml.Decode produces.

func tableAt(m map[string]any, keys ...string) (map[string]any, bool) {
	cur := m
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

// arrayOf returns v as a list; arrays of tables decode as []map[string]any.
func arrayOf(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case []map[string]any:
		out := make([]any, len(a))
		for i, t := range a {
			out[i] = t
		}
		return out, true
	}
	return nil, false
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// sortedKeys returns the keys of m in the order they appear in the file, by
// line (ties and unknown lines by name), so output follows the source.
func sortedKeys(m map[string]any, lineFor func(string) int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortByLine(keys, lineFor)
	return keys
}
