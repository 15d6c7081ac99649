package pep

import (
	"fmt"
	"strings"
	"unicode"
)

// Tag is one (python, abi, platform) compatibility tag (PEP 425), lower-case.
type Tag struct{ Python, ABI, Platform string }

func (t Tag) String() string { return t.Python + "-" + t.ABI + "-" + t.Platform }

// WheelFilename is a parsed wheel file name.
type WheelFilename struct {
	Name    string // as spelled in the file name, e.g. "Django" or "typing_extensions"
	Version string // as spelled in the file name
	Build   string // optional build tag; starts with a digit
	Tags    []Tag  // the expanded (cartesian product of) compressed tag sets, lower-case, in file-name order
}

// maxWheelTags bounds the cartesian product of a file name's compressed tag
// sets; real wheels have a handful, and an unbounded product would let a
// crafted name exhaust memory (packaging 26.3 added the same kind of limit).
const maxWheelTags = 1024

// ParseWheelFilename parses a wheel file name,
// {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl (PEP 427/491),
// where each tag field may be a compressed set joined with "." ("py2.py3",
// "manylinux_2_17_x86_64.manylinux2014_x86_64"). A directory part (a path
// or URL path) is ignored. The version must be PEP 440.
func ParseWheelFilename(name string) (WheelFilename, error) {
	base := name[strings.LastIndex(name, "/")+1:]
	stem, ok := strings.CutSuffix(base, ".whl")
	if !ok {
		return WheelFilename{}, fmt.Errorf("wheel file name %q: does not end in .whl", base)
	}
	parts := strings.Split(stem, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return WheelFilename{}, fmt.Errorf("wheel file name %q: want name-version(-build)?-python-abi-platform.whl, got %d dash-separated fields", base, len(parts))
	}
	f := WheelFilename{Name: parts[0], Version: parts[1]}
	if !validDistName(f.Name) {
		return WheelFilename{}, fmt.Errorf("wheel file name %q: invalid distribution name %q", base, f.Name)
	}
	if _, err := ParseVersion(f.Version); err != nil {
		return WheelFilename{}, fmt.Errorf("wheel file name %q: invalid version %q (not PEP 440)", base, f.Version)
	}
	if len(parts) == 6 {
		f.Build = parts[2]
		if f.Build == "" || f.Build[0] < '0' || f.Build[0] > '9' {
			return WheelFilename{}, fmt.Errorf("wheel file name %q: build tag %q must start with a digit", base, f.Build)
		}
		if strings.ContainsFunc(f.Build, func(r rune) bool { return !isTagRune(r) && r != '.' }) {
			return WheelFilename{}, fmt.Errorf("wheel file name %q: invalid build tag %q", base, f.Build)
		}
	}
	var sets [3][]string
	total := 1
	for i, field := range parts[len(parts)-3:] {
		for comp := range strings.SplitSeq(field, ".") {
			if comp == "" || strings.ContainsFunc(comp, func(r rune) bool { return !isTagRune(r) }) {
				return WheelFilename{}, fmt.Errorf("wheel file name %q: invalid tag %q", base, field)
			}
			sets[i] = append(sets[i], strings.ToLower(comp))
		}
		total *= len(sets[i])
		if total > maxWheelTags {
			return WheelFilename{}, fmt.Errorf("wheel file name %q: compressed tag sets expand to more than %d tags", base, maxWheelTags)
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
