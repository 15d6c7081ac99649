package migrate

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// An existing Pipfile or pyproject.toml is edited in place: only the
// dependency list changes, and comments, formatting and every other table
// stay as the user wrote them. go-toml's parser gives the byte ranges.

// tomlLayout says where a TOML document's tables and key/values are.
type tomlLayout struct {
	data   []byte
	tables []tomlTable // the root table first, then in document order
}

type tomlTable struct {
	name  string // dotted; "" for the root
	array bool   // [[name]]
	// bodyEnd is where a new key/value goes: after the line of the last one,
	// or after the header line.
	bodyEnd int
	keys    []tomlKey
}

type tomlKey struct {
	name       string // dotted, relative to the table
	start, end int    // from the key's first byte to the value's last
}

func layoutTOML(data []byte, file string) (*tomlLayout, error) {
	l := &tomlLayout{data: data, tables: []tomlTable{{}}}
	var p unstable.Parser
	p.Reset(data)
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			keys := n.Key()
			name, first := dottedKey(&keys)
			l.tables = append(l.tables, tomlTable{name: name, array: n.Kind == unstable.ArrayTable, bodyEnd: lineEnd(data, first)})
		case unstable.KeyValue:
			keys := n.Key()
			name, _ := dottedKey(&keys)
			start, end := int(n.Raw.Offset), int(n.Raw.Offset+n.Raw.Length)
			t := &l.tables[len(l.tables)-1]
			t.keys = append(t.keys, tomlKey{name: name, start: start, end: end})
			t.bodyEnd = lineEnd(data, end)
		}
	}
	if err := p.Error(); err != nil {
		// The manifest parsers have accepted the file already; this parser
		// is stricter in places.
		return nil, fmt.Errorf("%s: %w; edit its dependencies by hand or fix the TOML", file, err)
	}
	return l, nil
}

// dottedKey joins a key's parts and returns the offset of its first byte.
func dottedKey(it *unstable.Iterator) (string, int) {
	var parts []string
	first := -1
	for it.Next() {
		k := it.Node()
		if first < 0 {
			first = int(k.Raw.Offset)
		}
		parts = append(parts, string(k.Data))
	}
	return strings.Join(parts, "."), first
}

// lineEnd is the offset just after the newline that ends the line holding
// offset, or the end of data.
func lineEnd(data []byte, offset int) int {
	if offset < 0 {
		return 0
	}
	if i := bytes.IndexByte(data[offset:], '\n'); i >= 0 {
		return offset + i + 1
	}
	return len(data)
}

// lineStart is the offset of the first byte of the line holding offset.
func lineStart(data []byte, offset int) int {
	return bytes.LastIndexByte(data[:offset], '\n') + 1
}

func (l *tomlLayout) table(name string) *tomlTable {
	for i := range l.tables {
		if t := &l.tables[i]; t.name == name && !t.array {
			return t
		}
	}
	return nil
}

func (t *tomlTable) key(name string) *tomlKey {
	for i := range t.keys {
		if t.keys[i].name == name {
			return &t.keys[i]
		}
	}
	return nil
}

type edit struct {
	start, end int
	text       string
}

// apply makes the edits, which must not overlap.
func apply(data []byte, edits []edit) []byte {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := append([]byte(nil), data...)
	for _, e := range edits {
		text := e.text
		// Text added at the end of a file that lacks its last newline.
		if e.start == len(out) && len(out) > 0 && out[len(out)-1] != '\n' {
			text = "\n" + text
		}
		out = append(out[:e.start:e.start], append([]byte(text), out[e.end:]...)...)
	}
	return out
}

// appendTable adds a table at the end of the document, after a blank line.
func appendTable(data []byte, table string) edit {
	sep := "\n"
	if len(data) == 0 {
		sep = ""
	}
	return edit{start: len(data), end: len(data), text: sep + table}
}

// mergeDependencies replaces [project].dependencies of a pyproject.toml
// with value (a TOML array), or adds it to [project], or adds newProject
// when there is no [project] table.
func mergeDependencies(data []byte, file, value, newProject string) ([]byte, error) {
	l, err := layoutTOML(data, file)
	if err != nil {
		return nil, err
	}
	var edits []edit
	if t := l.table("project"); t != nil {
		if k := t.key("dependencies"); k != nil {
			edits = append(edits, edit{k.start, k.end, "dependencies = " + value})
		} else {
			edits = append(edits, edit{t.bodyEnd, t.bodyEnd, "dependencies = " + value + "\n"})
		}
	} else if k := l.tables[0].key("project.dependencies"); k != nil {
		edits = append(edits, edit{k.start, k.end, "project.dependencies = " + value})
	} else {
		edits = append(edits, appendTable(data, newProject))
	}
	return apply(data, edits), nil
}

// mergePackages replaces the key/values of a Pipfile's [packages] with body
// (lines), or adds the table; it adds requires when there is no [requires].
func mergePackages(data []byte, file, body, requires string) ([]byte, error) {
	l, err := layoutTOML(data, file)
	if err != nil {
		return nil, err
	}
	var edits []edit
	if t := l.table("packages"); t != nil {
		start := t.bodyEnd
		if len(t.keys) > 0 {
			start = lineStart(data, t.keys[0].start)
		}
		edits = append(edits, edit{start, t.bodyEnd, body})
	} else {
		edits = append(edits, appendTable(data, "[packages]\n"+body))
	}
	if l.table("requires") == nil && requires != "" {
		edits = append(edits, appendTable(data, requires))
	}
	if len(edits) == 2 && edits[0].start == edits[1].start {
		// Both go at the end: one edit, in order.
		edits = []edit{{edits[0].start, edits[0].end, edits[0].text + "\n" + requires}}
	}
	return apply(data, edits), nil
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlKeyName writes a key bare when TOML allows it, else quoted.
func tomlKeyName(s string) string {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return tomlString(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}
