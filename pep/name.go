package pep

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeName returns the PEP 503 form of a project name:
// re.sub(r"[-_.]+", "-", name).lower(). Leading and trailing separators
// stay (as one "-"), so only a valid name normalises to a valid name.
func NormalizeName(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for i := 0; i < len(name); {
		c := name[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			i++
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(name[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteByte(c) // not UTF-8: kept as it is
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// ValidName reports whether name is a valid project name, the core metadata
// Name rule: ASCII letters and digits, with '.', '_' and '-' inside but not
// at either end (^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$, ignoring case).
// A valid name is also safe as a path component and in an index URL.
func ValidName(name string) bool {
	if name == "" || !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return false
	}
	for i := 1; i < len(name)-1; i++ {
		if c := name[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
