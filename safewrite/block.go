package safewrite

import (
	"bytes"
	"strings"
)

// EnsureBlock returns content with block appended (separated by a blank line) unless a line
// equal to marker is already present, in which case the text from that marker line through
// the first following endMarker line is replaced by block. So re-running with a changed
// block updates it in place, and re-running with the same block changes nothing.
//
// block is the whole managed text; if its first line is not marker, a marker line is put
// before it, and if its last line is not endMarker, an endMarker line is put after it. Lines
// are compared with surrounding white space ignored. The block takes the line endings of
// content (CRLF when content's first line ends in CRLF). If the marker is found but no end
// marker follows, only the marker line is replaced: text that cannot be told apart from the
// user's is kept, and shows up in the diff.
//
// marker and endMarker must be non-blank single lines, and no line inside block other than
// its first and last may equal either of them; otherwise a re-run may not find the block.
func EnsureBlock(content []byte, marker, endMarker string, block []byte) []byte {
	nl := lineEnding(content)
	b := managedBlock(block, marker, endMarker, nl)
	m, e := strings.TrimSpace(marker), strings.TrimSpace(endMarker)
	lines := splitLines(content)
	start := -1
	for i, l := range lines {
		if lineText(l) == m {
			start = i
			break
		}
	}
	if start < 0 {
		out := bytes.Clone(content)
		if len(out) > 0 {
			out = terminate(out, nl)
			if lineText(lines[len(lines)-1]) != "" {
				out = append(out, nl...)
			}
		}
		return append(out, b...)
	}
	end := start
	for j := start + 1; j < len(lines); j++ {
		if lineText(lines[j]) == e {
			end = j
			break
		}
	}
	var out []byte
	for _, l := range lines[:start] {
		out = append(out, l...)
	}
	out = append(out, b...)
	for _, l := range lines[end+1:] {
		out = append(out, l...)
	}
	return out
}

// managedBlock normalises block: ends in a newline, starts with the marker line and ends
// with the end marker line, and uses nl as line ending.
func managedBlock(block []byte, marker, endMarker, nl string) []byte {
	s := string(block)
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	for strings.Contains(s, "\r\n") { // a loop, so "\r\r\n" cannot leave a CRLF behind
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	lines := strings.SplitAfter(s, "\n")
	lines = lines[:len(lines)-1] // SplitAfter leaves "" after the final "\n"
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != strings.TrimSpace(marker) {
		lines = append([]string{strings.TrimRight(marker, "\r\n") + "\n"}, lines...)
	}
	if len(lines) < 2 || strings.TrimSpace(lines[len(lines)-1]) != strings.TrimSpace(endMarker) {
		lines = append(lines, strings.TrimRight(endMarker, "\r\n")+"\n")
	}
	s = strings.Join(lines, "")
	if nl != "\n" {
		s = strings.ReplaceAll(s, "\n", nl)
	}
	return []byte(s)
}

// EnsureLines returns content with each of lines appended (one per line, after adding a
// missing final newline) unless an equal line, ignoring surrounding white space, already
// exists; blank entries are ignored. Content that already has every line is returned as is.
// Meant for .gitignore entries; the file's line endings (LF or CRLF) are kept.
func EnsureLines(content []byte, lines ...string) []byte {
	have := map[string]bool{}
	for _, l := range splitLines(content) {
		have[lineText(l)] = true
	}
	var add []string
	for _, entry := range lines {
		for _, l := range strings.Split(entry, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || have[l] {
				continue
			}
			have[l] = true
			add = append(add, l)
		}
	}
	if len(add) == 0 {
		return content
	}
	nl := lineEnding(content)
	out := bytes.Clone(content)
	if len(out) > 0 {
		out = terminate(out, nl)
	}
	for _, l := range add {
		out = append(out, l...)
		out = append(out, nl...)
	}
	return out
}

// lineEnding is "\r\n" when content's first line ends in CRLF, else "\n". Content without
// a newline that ends in "\r" counts as CRLF, since terminating it makes a CRLF.
func lineEnding(content []byte) string {
	i := bytes.IndexByte(content, '\n')
	if i < 0 && bytes.HasSuffix(content, []byte("\r")) || i > 0 && content[i-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// terminate adds the line ending nl to non-empty content that does not end in a newline.
func terminate(content []byte, nl string) []byte {
	switch {
	case bytes.HasSuffix(content, []byte("\n")):
		return content
	case nl == "\r\n" && bytes.HasSuffix(content, []byte("\r")):
		return append(content, '\n')
	}
	return append(content, nl...)
}

// splitLines splits content after each "\n"; the last line may lack one.
func splitLines(content []byte) [][]byte {
	lines := bytes.SplitAfter(content, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// lineText is a line without its ending and surrounding white space, for comparisons.
func lineText(l []byte) string { return string(bytes.TrimSpace(l)) }
