package pep

// The differential test against github.com/aquasecurity/go-pep440-version,
// the library this package replaces, used as its callers used it: Parse,
// Version.String/Compare/IsPreRelease, NewSpecifiers(s) and
// NewSpecifiers(s, WithPreRelease(true)) with Check. Every difference must
// fall into a known class; which side is right in each class is settled by
// packaging (TestVersionsAsPackaging, TestSpecifierSetsAsPackaging).

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"unicode"

	pep440 "github.com/aquasecurity/go-pep440-version"
)

// diffs counts the differences found, by class, with an example each.
type diffs map[string]*struct {
	n       int
	example string
}

func (d diffs) add(class, example string) {
	if d[class] == nil {
		d[class] = &struct {
			n       int
			example string
		}{example: example}
	}
	d[class].n++
}

func (d diffs) report(t *testing.T) {
	classes := make([]string, 0, len(d))
	for c := range d {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		t.Logf("%5d × %s, e.g. %s", d[c].n, c, d[c].example)
	}
}

// goSpace is the white space of Go's \s, which go-pep440-version trims.
func goSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' }

// hasBigNumber reports whether s has a run of digits above 2^64-1.
func hasBigNumber(s string) bool {
	for i := 0; i < len(s); {
		num, j := digits(s, i)
		if j == i {
			i++
			continue
		}
		if len(num) > 20 || len(num) == 20 && num > "18446744073709551615" {
			return true
		}
		i = j
	}
	return false
}

// localLabel returns what follows the first '+' of s.
func localLabel(s string) string {
	_, l, _ := strings.Cut(s, "+")
	return l
}

// The classes of difference in parsing a version.
const (
	classFold      = "go accepts K (U+212A) and ſ (U+017F), which its (?i) folds to k and s; PEP 440 versions are ASCII"
	classBig       = "go rejects numbers above 2^64-1 (strconv.ParseUint), and sorts such a local segment as a word; PEP 440 sets no limit"
	classSpace     = "go does not strip white space beyond Go's \\s ([\\t\\n\\f\\r ]); packaging strips Python's (\\v, U+001C–U+001F, U+0085, U+00A0, …)"
	classLocalSep  = "go keeps - and _ in local labels (1.0+ubuntu-1 ≠ 1.0+ubuntu.1); PEP 440 normalises them to ."
	classLocalZero = "go keeps leading zeros in numeric local segments (1.0+01); packaging writes them as numbers (1.0+1)"
)

// versionClass explains a difference on one version string, or returns "".
func versionClass(s string) string {
	local := localLabel(strings.TrimFunc(s, isSpace))
	switch {
	case strings.ContainsAny(s, "\u212a\u017f"):
		return classFold
	case hasBigNumber(s):
		return classBig
	case strings.TrimFunc(s, goSpace) != strings.TrimFunc(s, isSpace):
		return classSpace
	case strings.ContainsAny(local, "-_"):
		return classLocalSep
	}
	for seg := range strings.FieldsFuncSeq(local, func(r rune) bool { return isSep(byte(r)) }) {
		if isDigits(seg) && len(seg) > 1 && seg[0] == '0' {
			return classLocalZero
		}
	}
	return ""
}

func compareVersions(t *testing.T, d diffs, s string) (Version, pep440.Version, bool) {
	v, err := ParseVersion(s)
	g, gerr := pep440.Parse(s)
	ok := err == nil && gerr == nil
	why := ""
	switch {
	case (err == nil) != (gerr == nil):
		why = "accepted by one only"
	case ok && g.String() != v.String():
		why = "normalised differently"
	case ok && g.IsPreRelease() != v.IsPrerelease():
		why = "pre-release or not"
	default:
		return v, g, ok
	}
	class := versionClass(s)
	if class == "" {
		t.Errorf("version %q %s: go %q %v, pep %q %v", s, why, g.String(), gerr, v, err)
	}
	d.add(class, fmt.Sprintf("%q: go %q %v, pep %q %v", s, g.String(), gerr, v, err))
	return v, g, ok
}

func compareOrder(t *testing.T, d diffs, a, b string) {
	va, ga, oka := compareVersions(t, d, a)
	vb, gb, okb := compareVersions(t, d, b)
	if !oka || !okb {
		return
	}
	got, want := va.Compare(vb), ga.Compare(gb)
	if got == want {
		return
	}
	class := versionClass(a)
	if class == "" {
		class = versionClass(b)
	}
	if class == "" {
		t.Errorf("Compare(%q, %q): go %d, pep %d", a, b, want, got)
	}
	d.add(class, fmt.Sprintf("Compare(%q, %q): go %d, pep %d", a, b, want, got))
}

// specClass explains why only one side accepts a specifier set, or returns "".
func specClass(spec string, goAccepts bool) string {
	if c := versionClass(spec); c == classFold || c == classBig || c == classSpace {
		return c
	}
	pieces := strings.Split(spec, ",")
	if goAccepts {
		switch {
		case strings.Contains(spec, "||"):
			return "go accepts || between alternatives (Poetry's syntax); PEP 440 has no or"
		case strings.TrimFunc(spec, goSpace) == "*":
			return "go accepts * for any version; PEP 440 has no such clause (packaging: invalid)"
		}
		for _, p := range pieces {
			p = strings.TrimFunc(p, goSpace)
			op := specOp(p)
			rest := strings.TrimFunc(p[len(op):], goSpace)
			switch {
			case p == "":
			case op == "" || strings.HasPrefix(p, "=") && !strings.HasPrefix(p, "=="):
				return "go accepts a clause with no operator or with = (read as ==); PEP 440 requires one of its eight operators"
			case strings.HasSuffix(rest, ".*") && (op == "==" || op == "!=") && IsVersion(strings.TrimSuffix(rest, ".*")):
				return "go accepts .* after a pre- or post-release (==1.0a1.*); PEP 440 allows it after a release only"
			case strings.HasSuffix(rest, ".*") && op != "==" && op != "!=" && op != "===":
				return "go ignores .* after ~=, <, >, <= or >= when a pre-release letter or separator comes before it (~=1.0a.* as ~=1.0a0); PEP 440 allows .* with == and != only"
			case !IsVersion(strings.TrimSuffix(rest, ".*")):
				return "go reads clauses with no comma between them, or none at all (>=1.0 <2, !=0v0 as !=0 and ==v0); PEP 440 separates them with commas"
			}
		}
		return ""
	}
	switch {
	case strings.TrimFunc(spec, goSpace) == "":
		return "go rejects the empty set; packaging reads it as any version"
	case strings.ContainsFunc(spec, func(r rune) bool { return isSpace(r) && !goSpace(r) }):
		return classSpace
	}
	for i, p := range pieces {
		p = strings.TrimFunc(p, goSpace)
		op := specOp(p)
		switch {
		case p == "" && i < len(pieces)-1 || p == "" && len(pieces) > 1 && strings.TrimFunc(pieces[len(pieces)-2], goSpace) == "":
			return "go rejects empty clauses (a leading comma, two in a row); packaging ignores them"
		case op == "===":
			return "go takes only a PEP 440 version after ===; PEP 440 takes any text (arbitrary equality)"
		case strings.ContainsFunc(p, unicode.IsUpper):
			return "go rejects upper case in specifiers (its validConstraintRegexp lacks (?i)); PEP 440 versions are case-insensitive"
		}
	}
	return ""
}

// sameBase reports whether v and w have the same epoch and release.
func sameBase(v, w Version) bool {
	return v.epoch == w.epoch && compareRelease(v.release, w.release, -1) == 0
}

// clauseClass explains why go and pep differ on v against one clause.
func clauseClass(c *clause, v Version) string {
	if cl := versionClass(c.text); cl != "" {
		return cl
	}
	if cl := versionClass(v.String()); cl != "" {
		return cl
	}
	prefixQuirk := func(n int) string {
		normal := c.v.String()
		if c.wildcard {
			normal += ".*"
		}
		switch {
		case v.releaseLen() < n:
			return "go's V.* (and ~=) prefix match fails when the version has fewer release numbers than the prefix (1 and 1a1 for ==1.0.*, 1 for ~=1.0.0); PEP 440 pads with zeros"
		case c.v.epoch != "" || v.epoch != "":
			return "go's V.* (and ~=) prefix match compares text, which mishandles epochs (1!1.0 for ==1!1.*)"
		case c.text != normal:
			return "go's V.* (and ~=) prefix match compares text, so a prefix spelt with v or leading zeros (==1.01.*) matches nothing; PEP 440 compares numbers"
		}
		return ""
	}
	switch c.op {
	case "<":
		if v.IsPrerelease() && sameBase(v, c.v) {
			return "<V: go excludes every pre-release of V's release (also for V.post1), and with WithPreRelease(true) none; PEP 440 and packaging exclude V.dev0 up to V, always"
		}
	case ">":
		if sameBase(v, c.v) {
			return ">V: go excludes post-releases and local versions of V's release, whatever V's own pre-, post- or dev-part; packaging excludes those of V itself (>1.0a1 admits 1.0.post1, >1.0.post1 admits 1.0.post2+local)"
		}
	case "~=":
		if c.v.pre != 0 {
			return "~=V with a pre-release V: go keeps the pre-release's release number in the prefix (~=1.4.5a4 as ==1.4.5.*); PEP 440 says ==1.4.*"
		}
		return prefixQuirk(c.v.releaseLen() - 1)
	case "==", "!=":
		if c.wildcard {
			return prefixQuirk(c.v.releaseLen())
		}
	case "===":
		return "=== compares go's String, whose local label is not normalised"
	}
	return ""
}

func compareSpec(t *testing.T, d diffs, spec string, candidates []string) {
	set, err := ParseSpecifierSet(spec)
	gdef, gerr := pep440.NewSpecifiers(spec)
	gpre, _ := pep440.NewSpecifiers(spec, pep440.WithPreRelease(true))
	if (err == nil) != (gerr == nil) {
		class := specClass(spec, gerr == nil)
		if class == "" {
			t.Errorf("specifier %q accepted by one only: go %v, pep %v", spec, gerr, err)
		}
		d.add(class, fmt.Sprintf("%q: go %v, pep %v", spec, gerr, err))
		return
	}
	if err != nil {
		return
	}
	for _, s := range candidates {
		v, g, ok := compareVersions(t, d, s)
		if !ok {
			continue
		}
		for _, pre := range []bool{false, true} {
			got, want := set.Check(v, pre), gdef.Check(g)
			if pre {
				want = gpre.Check(g)
			}
			if got == want {
				continue
			}
			example := fmt.Sprintf("%q Check(%s): go %v, pep %v", spec, s, want, got)
			if pre {
				example = fmt.Sprintf("%q with pre-releases Check(%s): go %v, pep %v", spec, s, want, got)
			}
			class := ""
			if !pre && v.IsPrerelease() && !set.pre && !got && set.Check(v, true) == want {
				class = "go's default admits pre-releases (it applies no pre-release rule but <V's); packaging excludes them unless a clause names one"
			}
			for i := range set.clauses {
				c := &set.clauses[i]
				if class != "" {
					break
				}
				g1, err := pep440.NewSpecifiers(c.op + c.text)
				if err != nil {
					continue
				}
				if pre {
					g1, _ = pep440.NewSpecifiers(c.op+c.text, pep440.WithPreRelease(true))
				}
				if g1.Check(g) != c.matches(v) {
					class = clauseClass(c, v)
				}
			}
			if class == "" {
				t.Errorf("%s", example)
			}
			d.add(class, example)
		}
	}
}

func TestDifferentialGoPEP440(t *testing.T) {
	data := loadPackagingData(t)
	d := diffs{}
	for _, c := range data.Versions {
		compareVersions(t, d, c[0].(string))
	}
	var grid []string
	for _, group := range data.Order {
		grid = append(grid, group...)
	}
	for _, a := range grid {
		for _, b := range grid {
			compareOrder(t, d, a, b)
		}
	}
	for _, c := range data.Specifiers {
		compareSpec(t, d, c[0].(string), data.Candidates)
	}
	d.report(t)
}

func FuzzDifferentialVersion(f *testing.F) {
	data := loadPackagingData(f)
	for i, c := range data.Versions {
		f.Add(c[0].(string), data.Candidates[i%len(data.Candidates)])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a)+len(b) > 256 {
			t.Skip("go-pep440-version's regular expressions are slow on long input")
		}
		compareOrder(t, diffs{}, a, b)
	})
}

func FuzzDifferentialSpecifier(f *testing.F) {
	data := loadPackagingData(f)
	for i, c := range data.Specifiers {
		f.Add(c[0].(string), data.Candidates[i%len(data.Candidates)])
	}
	f.Fuzz(func(t *testing.T, spec, v string) {
		if len(spec)+len(v) > 256 {
			t.Skip("go-pep440-version's regular expressions are slow on long input")
		}
		compareSpec(t, diffs{}, spec, []string{v})
	})
}

// The same benchmarks with go-pep440-version, to compare in one run.

func BenchmarkGoPEP440ParseVersion(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range benchVersions {
			if _, err := pep440.Parse(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkGoPEP440Check(b *testing.B) {
	sets := make([]pep440.Specifiers, len(benchChecks))
	versions := make([]pep440.Version, len(benchChecks))
	for i, c := range benchChecks {
		sets[i], _ = pep440.NewSpecifiers(c.spec, pep440.WithPreRelease(true))
		versions[i], _ = pep440.Parse(c.version)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := range sets {
			sets[i].Check(versions[i])
		}
	}
}

func BenchmarkGoPEP440ParseAndCheck(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range benchChecks {
			set, err := pep440.NewSpecifiers(c.spec, pep440.WithPreRelease(true))
			if err != nil {
				b.Fatal(err)
			}
			v, err := pep440.Parse(c.version)
			if err != nil {
				b.Fatal(err)
			}
			set.Check(v)
		}
	}
}
