// Package excerpt quotes text read from a project in messages: at most a short prefix, with
// control characters escaped, so an error never echoes a whole file line (a password, a
// shadow entry) nor writes terminal escape sequences.
package excerpt

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Max is how many characters of the text Quote and Text keep.
const Max = 60

// Quote returns the excerpt of s Go-quoted (control and invalid bytes escaped).
func Quote(s string) string { return strconv.Quote(cut(s)) }

// Text returns the excerpt of s unquoted, for code shown as it reads: printable characters
// as they are, anything else (control characters, invalid UTF-8) escaped as Go would.
func Text(s string) string {
	s = cut(s)
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && len(s[i:]) > 0 && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

// cut keeps the first Max characters of s, marking a cut with "…".
func cut(s string) string {
	n := 0
	for i := range s {
		if n == Max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
