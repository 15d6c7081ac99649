package wheel

import (
	"fmt"
	"strings"
	"unicode"

	pep440 "github.com/aquasecurity/go-pep440-version"
)

// Filename is a parsed wheel file name.
type Filename struct {
	Name    string // as spelled in the file name, e.g. "Django" or "typing_extensions"
	Version string // as spelled in the file name
	Build   string // optional build tag; starts with a digit
	Tags    []Tag  // the expanded (cartesian product of) compressed tag sets, lower-case, in file-name order
}

// maxExpandedTags bounds the cartesian product of compressed tag sets; real wheels have a handful, and an
// unbounded product would let a crafted name exhaust memory (packaging 26.3 added the same kind of limit).
const maxExpandedTags = 1024

// ParseFilename parses a wheel file name, {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, where
// each tag field may be a compressed set joined with "." ("py2.py3",
// "manylinux_2_17_x86_64.manylinux2014_x86_64"). A directory part (a path or URL path) is ignored.
func ParseFilename(name string) (Filename, error) {
	base := name[strings.LastIndex(name, "/")+1:]
	stem, ok := strings.CutSuffix(base, ".whl")
	if !ok {
		return Filename{}, fmt.Errorf("wheel file name %q: does not end in .whl", base)
	}
	parts := strings.Split(stem, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return Filename{}, fmt.Errorf("wheel file name %q: want name-version(-build)?-python-abi-platform.whl, got %d dash-separated fields", base, len(parts))
	}
	f := Filename{Name: parts[0], Version: parts[1]}
	if !validDistName(f.Name) {
		return Filename{}, fmt.Errorf("wheel file name %q: invalid distribution name %q", base, f.Name)
	}
	if _, err := pep440.Parse(f.Version); err != nil {
		return Filename{}, fmt.Errorf("wheel file name %q: invalid version %q (not PEP 440)", base, f.Version)
	}
	if len(parts) == 6 {
		f.Build = parts[2]
		if f.Build == "" || f.Build[0] < '0' || f.Build[0] > '9' {
			return Filename{}, fmt.Errorf("wheel file name %q: build tag %q must start with a digit", base, f.Build)
		}
		if strings.ContainsFunc(f.Build, func(r rune) bool { return !isTagRune(r) && r != '.' }) {
			return Filename{}, fmt.Errorf("wheel file name %q: invalid build tag %q", base, f.Build)
		}
	}
	var sets [3][]string
	total := 1
	for i, field := range parts[len(parts)-3:] {
		for _, comp := range strings.Split(field, ".") {
			if comp == "" || strings.ContainsFunc(comp, func(r rune) bool { return !isTagRune(r) }) {
				return Filename{}, fmt.Errorf("wheel file name %q: invalid tag %q", base, field)
			}
			sets[i] = append(sets[i], strings.ToLower(comp))
		}
		total *= len(sets[i])
		if total > maxExpandedTags {
			return Filename{}, fmt.Errorf("wheel file name %q: compressed tag sets expand to more than %d tags", base, maxExpandedTags)
		}
	}
	seen := map[Tag]bool{}
	for _, py := range sets[0] {
		for _, abi := range sets[1] {
			for _, plat := range sets[2] {
				t := Tag{py, abi, plat}
				if !seen[t] {
					seen[t] = true
					f.Tags = append(f.Tags, t)
				}
			}
		}
	}
	return f, nil
}

func isTagRune(r rune) bool {
	return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// validDistName accepts the name field of a wheel file name: letters, digits, "_" and "." (older wheels
// kept dots and upper case; "-" cannot occur because it separates fields).
func validDistName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// NormalizeName returns the PEP 503 normalized form of a project name: lower case, with every run of
// "-", "_" and "." replaced by a single "-".
func NormalizeName(name string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// sameVersion compares two version strings as PEP 440 versions ("1.0" equals "1.0.0" and "1.0.post0"
// differs from "1.0"), falling back to a case-insensitive string comparison when either does not parse.
func sameVersion(a, b string) bool {
	va, errA := pep440.Parse(a)
	vb, errB := pep440.Parse(b)
	if errA != nil || errB != nil {
		return strings.EqualFold(a, b)
	}
	return va.Equal(vb) && va.Local() == vb.Local()
}

// compareBuild orders build tags as the spec says: no tag sorts first, then by the leading integer, then by
// the rest as a string. Digits are compared as strings so that absurdly long numbers cannot overflow.
func compareBuild(a, b string) int {
	if a == "" || b == "" {
		return cmpInt(len(a), len(b)) // "" < anything
	}
	na, ra := splitDigits(a)
	nb, rb := splitDigits(b)
	na, nb = strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
	if c := cmpInt(len(na), len(nb)); c != 0 {
		return c
	}
	if c := strings.Compare(na, nb); c != 0 {
		return c
	}
	return strings.Compare(ra, rb)
}

func splitDigits(s string) (digits, rest string) {
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Best picks the most preferred of the candidate files for t, or reports that none fits. A file's priority is
// the position of its best tag in t.Tags(); ties go to the higher build tag (the spec's tie-breaker), then to
// the lexically smaller name so the answer does not depend on the order of files. Names that do not parse
// as wheel file names (sdists, for example) are skipped. The version is not considered: with a lockfile it
// is already fixed, so callers pass the files of one version.
func Best(t Target, files []string) (chosen string, ok bool) {
	rank := map[Tag]int{}
	for i, tag := range t.Tags() {
		if _, dup := rank[tag]; !dup {
			rank[tag] = i
		}
	}
	bestRank, bestBuild := -1, ""
	for _, file := range files {
		fn, err := ParseFilename(file)
		if err != nil {
			continue
		}
		r := -1
		for _, tag := range fn.Tags {
			if i, ok := rank[tag]; ok && (r < 0 || i < r) {
				r = i
			}
		}
		if r < 0 {
			continue
		}
		better := bestRank < 0 || r < bestRank
		if r == bestRank {
			c := compareBuild(fn.Build, bestBuild)
			better = c > 0 || (c == 0 && file < chosen)
		}
		if better {
			chosen, bestRank, bestBuild = file, r, fn.Build
		}
	}
	return chosen, bestRank >= 0
}
