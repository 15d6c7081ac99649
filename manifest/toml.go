package manifest

import (
	"bytes"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/pelletier/go-toml/v2/unstable"
)

// decodeTOML decodes data into a generic map. Decoding into a map (rather
// than structs) means the only errors are syntax errors, which carry a line;
// wrong value types are reported later by the callers, with lines from
// tomlIndex.
func decodeTOML(data []byte, path string) (map[string]any, error) {
	if len(data) > MaxFileSize {
		return nil, tooLarge(path)
	}
	if err := checkTOMLDepth(data, path); err != nil {
		return nil, err
	}
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

// tomlIndex maps key paths of a document to the line where they appear.
// BurntSushi/toml, which decodes the values, does not expose positions, so
// indexTOML takes them from go-toml's parser (indexJSON does the same for
// JSON). Unknown paths have line 0.
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

// record keeps the first line seen for path: a table that a later header
// or dotted key extends stays where it was opened.
func (x *tomlIndex) record(path []string, line int) {
	k := pathKey(path)
	if _, ok := x.lines[k]; !ok {
		x.lines[k] = line
	}
}

// indexTOML places every key, table header and array element of a document
// that toml.Decode has accepted. It never fails: should go-toml's parser
// stop where BurntSushi did not, the keys after that point have line 0 and
// the callers' lineOr falls back to an ancestor.
//
// The recorded paths are the ones written: a header [a.b.c] records a.b.c
// but not a or a.b, while a dotted key a.b.c = 1 records all three.
func indexTOML(data []byte) *tomlIndex {
	// go-toml's parser rejects the byte order mark that BurntSushi skips;
	// it holds no newline, so lines do not move.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	ix := &tomlIndexer{
		data: data,
		idx:  &tomlIndex{lines: map[string]int{}},
		ls:   newLineStarts(data),
		aot:  map[string]int{},
	}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := e.Key()
			key, line, _ := ix.key(&it)
			table = ix.resolve(key, e.Kind == unstable.ArrayTable)
			ix.idx.record(table, line)
		case unstable.KeyValue:
			ix.keyValue(table, e)
		}
	}
	return ix.idx
}

type tomlIndexer struct {
	data []byte
	idx  *tomlIndex
	ls   lineStarts
	aot  map[string]int // array-of-tables path -> number of tables so far
}

// key reads a possibly dotted key: its unquoted parts, its line and the
// offset just past it.
func (ix *tomlIndexer) key(it *unstable.Iterator) (parts []string, line, end int) {
	for it.Next() {
		n := it.Node()
		if line == 0 {
			line = ix.ls.line(int(n.Raw.Offset))
		}
		parts = append(parts, string(n.Data))
		end = int(n.Raw.Offset + n.Raw.Length)
	}
	return parts, line, end
}

// resolve turns a table header into a full path, inserting the current index
// of every array of tables along the way.
func (ix *tomlIndexer) resolve(header []string, isArray bool) []string {
	var res []string
	for i, k := range header {
		res = append(res, k)
		pk := pathKey(res)
		n, seen := ix.aot[pk]
		switch {
		case isArray && i == len(header)-1:
			ix.aot[pk] = n + 1
			res = append(res, strconv.Itoa(n))
		case seen && n > 0:
			res = append(res, strconv.Itoa(n-1))
		}
	}
	return res
}

// keyValue records the key of kv (every part of a dotted key) under table,
// then what its value holds.
func (ix *tomlIndexer) keyValue(table []string, kv *unstable.Node) {
	it := kv.Key()
	key, line, keyEnd := ix.key(&it)
	full := append(slices.Clip(table), key...)
	for n := len(table) + 1; n <= len(full); n++ {
		ix.idx.record(full[:n], line)
	}
	v := kv.Value()
	start := int(v.Raw.Offset)
	if v.Kind == unstable.Array {
		// Only " = " separates the key from the '['.
		start = keyEnd + bytes.IndexByte(ix.data[keyEnd:], '[')
	}
	ix.value(full, v, start)
}

// value records the elements of arrays and the keys of inline tables in v,
// which sits at path and starts at byte start; it returns where v ends.
// go-toml gives arrays no position and inline tables only their '{', so
// their ends, and the starts of nested arrays, are found by skipping what
// may separate values: blanks, newlines, comments and commas.
func (ix *tomlIndexer) value(path []string, v *unstable.Node, start int) int {
	switch v.Kind {
	case unstable.Array:
		end := start + 1
		i := 0
		for it := v.Children(); it.Next(); i++ {
			n := it.Node()
			at := int(n.Raw.Offset)
			if n.Kind == unstable.Array {
				at = ix.skipFill(end)
			}
			elem := append(slices.Clip(path), strconv.Itoa(i))
			ix.idx.record(elem, ix.ls.line(at))
			end = ix.value(elem, n, at)
		}
		return ix.skipFill(end) + 1 // past ']'
	case unstable.InlineTable:
		end := start + 1
		for it := v.Children(); it.Next(); {
			if n := it.Node(); n.Kind == unstable.KeyValue {
				ix.keyValue(path, n)
				end = int(n.Raw.Offset + n.Raw.Length)
			}
		}
		return ix.skipFill(end) + 1 // past '}'
	}
	return int(v.Raw.Offset + v.Raw.Length)
}

// skipFill returns the offset of the first byte at or after i that is not
// a blank, a newline, a comma or part of a comment.
func (ix *tomlIndexer) skipFill(i int) int {
	d := ix.data
	for i < len(d) {
		switch d[i] {
		case ' ', '\t', '\r', '\n', ',':
			i++
		case '#':
			if j := bytes.IndexByte(d[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(d)
			}
		default:
			return i
		}
	}
	return i
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
// stringsOf reads a TOML array of strings.
func stringsOf(v any) ([]string, bool) {
	list, ok := arrayOf(v)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

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
	keys := slices.Collect(maps.Keys(m))
	sortByLine(keys, lineFor)
	return keys
}
