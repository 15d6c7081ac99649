package pyscan

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/containerize/containerize/internal/lazy"
)

// SyntaxError is a reason Python 3 would refuse to compile a file, at a 1-based line.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// codingRE is PEP 263's encoding declaration, valid on the first two lines.
var codingRE = lazy.Regexp(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)

// Check reports the first reason Python 3 would refuse to compile src, nil when it finds
// none. Parse reads what it can of any file (Python 2 settings included); Check is the
// strict side, for a tool that is about to append Python 3 code to the file: it must not
// append to a file `python3 -m py_compile` rejects. It is not a full parser. It finds
// what makes a file unreadable (NUL bytes, bytes that are not UTF-8 without a coding
// declaration), tokenizer errors (unterminated strings, unbalanced brackets, stray
// characters, indentation that matches no outer level, an unexpected indent or a missing
// block), and Python 2 syntax (print and exec statements, `except X, e:`, `raise E, msg`,
// backticks, 0777 and 10L literals, ur"" strings, <>).
func Check(src []byte) *SyntaxError {
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return &SyntaxError{1 + bytes.Count(src[:i], []byte("\n")), "the file contains NUL bytes: it is not Python source text"}
	}
	body := bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(body) && !declaresEncoding(body) {
		off := 0
		for off < len(body) {
			r, size := utf8.DecodeRune(body[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		return &SyntaxError{1 + bytes.Count(body[:off], []byte("\n")), "the file is not UTF-8 and declares no encoding (a `# -*- coding: … -*-` line)"}
	}
	s := normalize(src)
	lines := tokenize(s)
	var errs []*SyntaxError
	add := func(line int, format string, args ...any) {
		errs = append(errs, &SyntaxError{line, fmt.Sprintf(format, args...)})
	}
	checkBrackets(lines, add)
	checkIndent(lines, add)
	for _, ll := range lines {
		checkTokens(s, ll.toks, add)
		for _, st := range statements(ll.toks) {
			checkStatement(st, add)
		}
	}
	var first *SyntaxError
	for _, e := range errs {
		if first == nil || e.Line < first.Line {
			first = e
		}
	}
	return first
}

func declaresEncoding(src []byte) bool {
	for i, l := range bytes.SplitN(src, []byte("\n"), 3) {
		if i < 2 && codingRE().Match(l) {
			return true
		}
	}
	return false
}

var closer = map[string]string{")": "(", "]": "[", "}": "{"}

func checkBrackets(lines []logicalLine, add func(int, string, ...any)) {
	var open []token
	for _, ll := range lines {
		for _, t := range ll.toks {
			if t.kind != tOp {
				continue
			}
			switch t.text {
			case "(", "[", "{":
				open = append(open, t)
			case ")", "]", "}":
				if len(open) == 0 {
					add(t.line, "unmatched '%s'", t.text)
					return
				}
				if o := open[len(open)-1]; o.text != closer[t.text] {
					add(t.line, "closing '%s' does not match '%s' on line %d", t.text, o.text, o.line)
					return
				}
				open = open[:len(open)-1]
			}
		}
	}
	if len(open) > 0 {
		add(open[len(open)-1].line, "'%s' was never closed", open[len(open)-1].text)
	}
}

// checkIndent follows Python's indentation stack over logical lines.
func checkIndent(lines []logicalLine, add func(int, string, ...any)) {
	stack := []int{0}
	expect := false // the previous line opened a block
	for _, ll := range lines {
		line := ll.toks[0].line
		top := stack[len(stack)-1]
		switch {
		case ll.indent > top:
			if !expect {
				add(line, "unexpected indent")
				return
			}
			stack = append(stack, ll.indent)
		case expect:
			add(line, "expected an indented block")
			return
		case ll.indent < top:
			for len(stack) > 1 && stack[len(stack)-1] > ll.indent {
				stack = stack[:len(stack)-1]
			}
			if stack[len(stack)-1] != ll.indent {
				add(line, "unindent does not match any outer indentation level")
				return
			}
		}
		expect = opensBlock(ll.toks)
	}
	if expect && len(lines) > 0 {
		last := lines[len(lines)-1].toks
		add(last[len(last)-1].line, "expected an indented block at the end of the file")
	}
}

// opensBlock reports whether a logical line is a compound statement header with its body
// on the following lines.
func opensBlock(toks []token) bool {
	first, last := toks[0], toks[len(toks)-1]
	if first.kind != tName || last.kind != tOp || last.text != ":" {
		return false
	}
	if !compound[first.text] && first.text != "match" && first.text != "case" {
		return false
	}
	return headerColon(toks) == len(toks)-1
}

func checkTokens(src string, toks []token, add func(int, string, ...any)) {
	for i, t := range toks {
		switch t.kind {
		case tError:
			switch {
			case t.text == "`":
				add(t.line, "backticks are Python 2 only; use repr()")
			case strings.ContainsAny(t.text, `"'`):
				add(t.line, "unterminated string literal")
			default:
				add(t.line, "invalid character %q", t.text)
			}
		case tString:
			if q := strings.IndexAny(t.text, `"'`); q > 0 && strings.Contains(strings.ToLower(t.text[:q]), "u") && q > 1 {
				add(t.line, "the string prefix %s is Python 2 only", t.text[:q])
			}
		case tNumber:
			if legacyOctal(t.text) {
				add(t.line, "leading zeros in decimal integer literals are not permitted (%s); Python 3 writes octal as 0o%s", t.text, strings.TrimLeft(t.text, "0"))
			}
			if i+1 < len(toks) && toks[i+1].start == t.end && (toks[i+1].text == "L" || toks[i+1].text == "l") {
				add(t.line, "the long integer suffix in %s%s is Python 2 only", t.text, toks[i+1].text)
			}
		case tOp:
			if t.text == "<" && i+1 < len(toks) && toks[i+1].text == ">" && toks[i+1].start == t.end {
				add(t.line, "<> is Python 2 only; use !=")
			}
		}
	}
}

func legacyOctal(n string) bool {
	if len(n) < 2 || n[0] != '0' {
		return false
	}
	nonzero := false
	for _, c := range n {
		switch {
		case c >= '1' && c <= '9':
			nonzero = true
		case c != '0' && c != '_':
			return false // 0x…, 0.5, 0e1, 07j
		}
	}
	return nonzero
}

// statements splits a logical line into its simple statements: after a compound header's
// colon and at top-level semicolons. A compound header itself is kept as one statement.
func statements(toks []token) [][]token {
	var out [][]token
	if opensBlock(toks) {
		return [][]token{toks}
	}
	first := toks[0]
	if first.kind == tName && (compound[first.text] || first.text == "match" || first.text == "case") {
		if c := headerColon(toks); c > 0 {
			out = append(out, toks[:c+1])
			toks = toks[c+1:]
		}
	}
	start := 0
	for i, t := range topLevelOps(toks) {
		if t.text == ";" {
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return append(out, toks[start:])
}

func checkStatement(st []token, add func(int, string, ...any)) {
	if len(st) < 2 || st[0].kind != tName {
		return
	}
	first, next := st[0], st[1]
	switch first.text {
	case "print", "exec":
		if next.kind == tString || next.kind == tNumber || next.kind == tName && !keywords[next.text] {
			add(first.line, "Missing parentheses in call to '%s': a Python 2 %s statement", first.text, first.text)
		}
	case "except", "raise":
		for _, t := range topLevelOps(st) {
			if t.text == ":" {
				break
			}
			if t.text == "," {
				if first.text == "except" {
					add(first.line, "`except X, e:` is Python 2 only; write `except X as e:`")
				} else {
					add(first.line, "`raise E, message` is Python 2 only; write `raise E(message)`")
				}
				return
			}
		}
	}
}
