package pep

import (
	"cmp"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Version is a PEP 440 version, parsed and normalised as packaging's
// packaging.version.Version is (pypa/packaging, the reference
// implementation): "V1.0-ALPHA_2.r" reads as 1.0a2.post0. Compare orders
// versions as PEP 440 says. The zero Version is no version: its String is
// "" and it sorts as 0.
type Version struct {
	s string // the normalised form; the fields below are substrings of it
	// Numbers are canonical decimals (no leading zeros) of any length.
	epoch   string // "" for epoch 0
	release string // the release numbers joined with '.'
	pre     byte   // 'a', 'b' or 'c' (rc); 0 for a version that is no pre-release
	preN    string
	post    string // "" for none
	dev     string // "" for none
	local   string // lower case, '.'-separated, numbers canonical; "" for none
}

// ParseVersion parses a PEP 440 version with every normalisation the
// specification allows: any case, a leading "v", white space around it,
// '-', '_' or '.' (or nothing) before and inside the pre-, post- and
// dev-release parts, the spellings alpha, beta, c, pre, preview, rev and r,
// implicit numbers ("1.0a" is 1.0a0), the implicit post-release "1.0-1",
// leading zeros, and '-' or '_' in the local label. Numbers may be of any
// size.
func ParseVersion(s string) (Version, error) {
	t, lead := trimSpace(s)
	v, at, why := parseVersion(t)
	if why != "" {
		return Version{}, versionError(s, lead+at, why)
	}
	return v, nil
}

// String returns the normalised form: "1!2.0rc1.post3.dev4+ubuntu.1".
func (v Version) String() string { return v.s }

// IsPrerelease reports whether v is a pre-release: an alpha, beta or
// release candidate, or a developmental release.
func (v Version) IsPrerelease() bool { return v.pre != 0 || v.dev != "" }

// Compare returns -1, 0 or +1 as v sorts before, with or after w in PEP
// 440's order: by epoch, then release (trailing zeros ignored, so 1.0 ==
// 1.0.0), then 1.0.dev0 < 1.0a1.dev0 < 1.0a1 < 1.0a1.post1 < 1.0b1 <
// 1.0rc1 < 1.0 < 1.0+local < 1.0.post1.dev0 < 1.0.post1. Local labels
// compare segment by segment: numbers numerically and above words, words
// lexically, and a label sorts after its own prefix.
func (v Version) Compare(w Version) int {
	if c := v.comparePublic(w); c != 0 {
		return c
	}
	return compareLocal(v.local, w.local)
}

// comparePublic is Compare without the local labels.
func (v Version) comparePublic(w Version) int {
	if c := compareNum(v.epoch, w.epoch); c != 0 {
		return c
	}
	if c := compareRelease(v.release, w.release, -1); c != 0 {
		return c
	}
	if c := cmp.Compare(v.preRank(), w.preRank()); c != 0 {
		return c
	}
	if c := compareNum(v.preN, w.preN); c != 0 {
		return c
	}
	if c := compareNum(v.post, w.post); c != 0 { // none ("") first
		return c
	}
	if (v.dev == "") != (w.dev == "") { // none last
		if v.dev == "" {
			return 1
		}
		return -1
	}
	return compareNum(v.dev, w.dev)
}

// preRank orders the pre-release part: a developmental release of a final
// (1.0.dev1) first, then alpha, beta, release candidate, and none.
func (v Version) preRank() int {
	switch v.pre {
	case 'a':
		return 0
	case 'b':
		return 1
	case 'c':
		return 2
	}
	if v.post == "" && v.dev != "" {
		return -1
	}
	return 3
}

// releaseLen is the number of release numbers.
func (v Version) releaseLen() int { return strings.Count(v.release, ".") + 1 }

// compareNum compares canonical decimals; "" is below every number.
func compareNum(a, b string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// compareRelease compares the first n numbers of two releases (all of them
// when n < 0), the shorter padded with zeros.
func compareRelease(a, b string, n int) int {
	for ; n != 0 && (a != "" || b != ""); n-- {
		var x, y string
		x, a = nextNum(a)
		y, b = nextNum(b)
		if c := compareNum(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// nextNum splits the first number off a release; past the end it is 0.
func nextNum(rel string) (num, rest string) {
	if rel == "" {
		return "0", ""
	}
	num, rest, _ = strings.Cut(rel, ".")
	return num, rest
}

// compareLocal orders local labels: none first, then segment by segment.
func compareLocal(a, b string) int {
	if a == b {
		return 0
	}
	for {
		switch {
		case a == "" && b == "":
			return 0
		case a == "":
			return -1
		case b == "":
			return 1
		}
		var x, y string
		x, a, _ = strings.Cut(a, ".")
		y, b, _ = strings.Cut(b, ".")
		xn, yn := isDigits(x), isDigits(y)
		var c int
		switch {
		case xn && yn:
			c = compareNum(x, y)
		case xn:
			c = 1 // words before numbers
		case yn:
			c = -1
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isSep(c byte) bool { return c == '.' || c == '-' || c == '_' }

// isSpace is Python's str.isspace, which packaging strips around versions
// and specifiers: Unicode white space and the separators U+001C–U+001F.
func isSpace(r rune) bool { return unicode.IsSpace(r) || 0x1c <= r && r <= 0x1f }

// trimSpace strips isSpace from both ends of s and returns what it removed
// in front.
func trimSpace(s string) (string, int) {
	if s != "" && s[0] < utf8.RuneSelf && s[len(s)-1] < utf8.RuneSelf && !isSpace(rune(s[0])) && !isSpace(rune(s[len(s)-1])) {
		return s, 0 // the usual case
	}
	t := strings.TrimLeftFunc(s, isSpace)
	lead := len(s) - len(t)
	return strings.TrimRightFunc(t, isSpace), lead
}

// digits reads the decimal number at s[i:] and returns it canonical (a
// substring of s) with the index after it; end == i when there is none.
func digits(s string, i int) (num string, end int) {
	end = i
	for end < len(s) && isDigit(s[end]) {
		end++
	}
	start := i
	for start < end-1 && s[start] == '0' {
		start++
	}
	return s[start:end], end
}

// hasPrefixFold reports whether s starts with the lower-case ASCII word w,
// in any case.
func hasPrefixFold(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if s[i]|0x20 != w[i] {
			return false
		}
	}
	return true
}

// label returns the kind and length of the pre-, post- or dev-release
// label at the start of s if its kind is one of kinds: 'a', 'b', 'c' (rc),
// 'p' (post) or 'd' (dev). Of two spellings the longer is the right one: no
// version continues with the rest of it ("lpha", "eta", "view", "ev").
func label(s string, kinds string) (kind byte, n int) {
	if s == "" {
		return 0, 0
	}
	var words [2]string
	switch s[0] | 0x20 {
	case 'a':
		kind, words = 'a', [2]string{"alpha", "a"}
	case 'b':
		kind, words = 'b', [2]string{"beta", "b"}
	case 'c':
		kind, words = 'c', [2]string{"c"}
	case 'd':
		kind, words = 'd', [2]string{"dev"}
	case 'p':
		if hasPrefixFold(s, "post") {
			kind, words = 'p', [2]string{"post"}
		} else {
			kind, words = 'c', [2]string{"preview", "pre"}
		}
	case 'r':
		if hasPrefixFold(s, "rc") {
			kind, words = 'c', [2]string{"rc"}
		} else {
			kind, words = 'p', [2]string{"rev", "r"}
		}
	}
	if kind == 0 || strings.IndexByte(kinds, kind) < 0 {
		return 0, 0
	}
	for _, w := range words {
		if w != "" && hasPrefixFold(s, w) {
			return kind, len(w)
		}
	}
	return 0, 0
}

// parseVersion parses s, which has no white space around it, as PEP 440's
// grammar (packaging's VERSION_PATTERN) has it:
//
//	v? (N!)? N(.N)* ([-_.]? (a|b|c|rc|alpha|beta|pre|preview) [-_.]? N?)?
//	(-N | [-_.]? (post|rev|r) [-_.]? N?)? ([-_.]? dev [-_.]? N?)?
//	(+ [a-z0-9]+ ([-_.][a-z0-9]+)*)?
//
// The parts are optional and in a fixed order, and each begins with
// something the one before cannot take, so one left-to-right pass decides.
// On failure it returns where and why.
func parseVersion(s string) (v Version, at int, why string) {
	if s == "" {
		return Version{}, 0, "empty"
	}
	// The normalised form is built in b, on the stack for most versions,
	// with the offsets of its fields.
	var buf [48]byte
	b := buf[:0]
	var epoch, release, preN, post, dev, local [2]int
	i := 0
	if s[0]|0x20 == 'v' {
		i++
	}
	num, j := digits(s, i)
	if j == i {
		return Version{}, i, "expected a release number such as 1.0"
	}
	if j < len(s) && s[j] == '!' {
		if num != "0" {
			epoch[0] = len(b)
			b = append(b, num...)
			epoch[1] = len(b)
			b = append(b, '!')
		}
		i = j + 1
		if num, j = digits(s, i); j == i {
			return Version{}, i, "expected a release number after the epoch"
		}
	}
	release[0] = len(b)
	b = append(b, num...)
	for j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		num, j = digits(s, j+1)
		b = append(b, '.')
		b = append(b, num...)
	}
	release[1] = len(b)
	i = j

	// part reads "[-_.]? label [-_.]? N?" at s[i:], for a label of one of
	// kinds, and returns its number ("0" when implicit). A separator after
	// the label is taken even with no number after it ("1.0a." is 1.0a0), as
	// packaging's possessive [._-]?+ takes it.
	part := func(kinds string) (kind byte, num string, ok bool) {
		k := i
		if k < len(s) && isSep(s[k]) {
			k++
		}
		kind, n := label(s[k:], kinds)
		if n == 0 {
			return 0, "", false
		}
		k += n
		if k < len(s) && isSep(s[k]) {
			k++
		}
		if num, i = digits(s, k); i == k {
			num = "0"
		}
		return kind, num, true
	}
	if kind, num, ok := part("abc"); ok {
		v.pre = kind
		switch kind {
		case 'a':
			b = append(b, 'a')
		case 'b':
			b = append(b, 'b')
		default:
			b = append(b, "rc"...)
		}
		preN[0] = len(b)
		b = append(b, num...)
		preN[1] = len(b)
	}
	// The implicit post-release "-N" comes first, as in the grammar.
	ok := i+1 < len(s) && s[i] == '-' && isDigit(s[i+1])
	if ok {
		num, i = digits(s, i+1)
	} else {
		_, num, ok = part("p")
	}
	if ok {
		b = append(b, ".post"...)
		post[0] = len(b)
		b = append(b, num...)
		post[1] = len(b)
	}
	if _, num, ok := part("d"); ok {
		b = append(b, ".dev"...)
		dev[0] = len(b)
		b = append(b, num...)
		dev[1] = len(b)
	}
	if i < len(s) && s[i] == '+' {
		b = append(b, '+')
		local[0] = len(b)
		for {
			i++
			j := i
			for j < len(s) && isAlnum(s[j]) {
				j++
			}
			if j == i {
				return Version{}, i, "expected a letter or digit in the local label"
			}
			if isDigits(s[i:j]) {
				num, _ := digits(s, i)
				b = append(b, num...)
			} else {
				for k := i; k < j; k++ {
					c := s[k]
					if 'A' <= c && c <= 'Z' {
						c += 'a' - 'A'
					}
					b = append(b, c)
				}
			}
			if i = j; i == len(s) || !isSep(s[i]) {
				break
			}
			b = append(b, '.')
		}
		local[1] = len(b)
	}
	if i < len(s) {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return Version{}, i, fmt.Sprintf("unexpected %q", r)
	}
	if string(b) == s {
		v.s = s
	} else {
		v.s = string(b)
	}
	v.epoch = v.s[epoch[0]:epoch[1]]
	v.release = v.s[release[0]:release[1]]
	v.preN = v.s[preN[0]:preN[1]]
	v.post = v.s[post[0]:post[1]]
	v.dev = v.s[dev[0]:dev[1]]
	v.local = v.s[local[0]:local[1]]
	return v, 0, ""
}

// versionError reports an invalid version with the column (1-based) of the
// problem.
func versionError(s string, at int, why string) error {
	if why == "empty" {
		return fmt.Errorf("invalid version %q: empty", s)
	}
	return fmt.Errorf("invalid version %q: %s at column %d", s, why, at+1)
}
