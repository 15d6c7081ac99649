package doctor

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// version is a Docker or Compose release: "20.10.24+dfsg1", "v2.40.3", "v5.0.0",
// "v2.24.6-desktop.1", "1.29.2".
type version struct {
	Major, Minor, Patch int
	// Suffix is what follows the numbers ("+dfsg1", "-desktop.1", "-rc.1"), kept for
	// display. Features are judged by the numbers alone: a "-desktop.N" build is that release.
	Suffix string
}

// parseVersion reads the first version in s, with or without a leading "v": the numbers
// and what follows them up to a blank or a comma.
func parseVersion(s string) (version, bool) {
	for _, field := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' }) {
		f := strings.TrimPrefix(field, "v")
		if v, ok := parseNumbers(f); ok {
			return v, true
		}
	}
	return version{}, false
}

// parseNumbers reads "MAJOR.MINOR[.PATCH][suffix]".
func parseNumbers(s string) (version, bool) {
	end := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if end < 0 {
		end = len(s)
	}
	parts := strings.Split(strings.TrimSuffix(s[:end], "."), ".")
	if len(parts) < 2 || len(parts) > 3 {
		return version{}, false
	}
	var n [3]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil {
			return version{}, false
		}
		n[i] = x
	}
	return version{Major: n[0], Minor: n[1], Patch: n[2], Suffix: s[end:]}, true
}

// atLeast says v is release major.minor.patch or a later one.
func (v version) atLeast(major, minor, patch int) bool {
	return cmp.Or(cmp.Compare(v.Major, major), cmp.Compare(v.Minor, minor), cmp.Compare(v.Patch, patch)) >= 0
}

func (v version) String() string {
	return fmt.Sprintf("%d.%d.%d%s", v.Major, v.Minor, v.Patch, v.Suffix)
}
