package wheel

import (
	"cmp"
	"strings"

	"github.com/containerize/containerize/pep"
)

// sameVersion compares two version strings as PEP 440 versions ("1.0" equals "1.0.0" and "1.0.post0"
// differs from "1.0"), falling back to a case-insensitive string comparison when either does not parse.
func sameVersion(a, b string) bool {
	va, errA := pep.ParseVersion(a)
	vb, errB := pep.ParseVersion(b)
	if errA != nil || errB != nil {
		return strings.EqualFold(a, b)
	}
	return va.Compare(vb) == 0
}

// compareBuild orders build tags as the spec says: no tag sorts first, then by the leading integer, then by
// the rest as a string. Digits are compared as strings so that absurdly long numbers cannot overflow.
func compareBuild(a, b string) int {
	if a == "" || b == "" {
		return cmp.Compare(len(a), len(b)) // "" < anything
	}
	na, ra := splitDigits(a)
	nb, rb := splitDigits(b)
	na, nb = strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
	if c := cmp.Compare(len(na), len(nb)); c != 0 {
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
		fn, err := pep.ParseWheelFilename(file)
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
