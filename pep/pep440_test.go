package pep

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// packagingData is what packaging, the reference implementation of PEP 440,
// says about a corpus of versions and specifier sets
// (testdata/pep440.json, written by a script run with packaging).
type packagingData struct {
	Packaging  string
	Versions   [][3]any   // input, normalised form (nil: invalid), is a pre-release
	Order      [][]string // normalised versions sorted, equal ones grouped
	Candidates []string
	Specifiers [][2]any // set, nil when invalid, else one digit per candidate:
	// 2*Check(v, false) + Check(v, true)
}

func loadPackagingData(t testing.TB) *packagingData {
	t.Helper()
	b, err := os.ReadFile("testdata/pep440.json")
	if err != nil {
		t.Fatal(err)
	}
	var d packagingData
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

func TestVersionsAsPackaging(t *testing.T) {
	d := loadPackagingData(t)
	for _, c := range d.Versions {
		in, want, pre := c[0].(string), c[1], c[2].(bool)
		v, err := ParseVersion(in)
		switch {
		case want == nil && err == nil:
			t.Errorf("ParseVersion(%q) = %q; packaging %s says it is no version", in, v, d.Packaging)
		case want == nil:
			if !strings.HasPrefix(err.Error(), "invalid version ") {
				t.Errorf("ParseVersion(%q): error %q", in, err)
			}
		case err != nil:
			t.Errorf("ParseVersion(%q): %v; packaging reads %q", in, err, want)
		case v.String() != want || v.IsPrerelease() != pre:
			t.Errorf("ParseVersion(%q) = %q, pre-release %v; packaging: %q, %v", in, v, v.IsPrerelease(), want, pre)
		}
	}
}

func TestVersionOrderAsPackaging(t *testing.T) {
	d := loadPackagingData(t)
	type entry struct {
		v     Version
		group int
	}
	var all []entry
	for g, group := range d.Order {
		for _, s := range group {
			v, err := ParseVersion(s)
			if err != nil {
				t.Fatal(err)
			}
			if v.String() != s {
				t.Errorf("%q normalises to %q", s, v)
			}
			all = append(all, entry{v, g})
		}
	}
	for _, a := range all {
		for _, b := range all {
			want := 0
			switch {
			case a.group < b.group:
				want = -1
			case a.group > b.group:
				want = 1
			}
			if got := a.v.Compare(b.v); got != want {
				t.Errorf("Compare(%s, %s) = %d; packaging orders them %d", a.v, b.v, got, want)
			}
		}
	}
}

func TestSpecifierSetsAsPackaging(t *testing.T) {
	d := loadPackagingData(t)
	candidates := make([]Version, len(d.Candidates))
	for i, s := range d.Candidates {
		v, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		candidates[i] = v
	}
	for _, c := range d.Specifiers {
		spec, want := c[0].(string), c[1]
		set, err := ParseSpecifierSet(spec)
		if want == nil {
			if err == nil {
				t.Errorf("ParseSpecifierSet(%q) = %q; packaging %s says it is invalid", spec, set, d.Packaging)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v; packaging reads it", spec, err)
			continue
		}
		for i, v := range candidates {
			got := 0
			if set.Check(v, false) {
				got += 2
			}
			if set.Check(v, true) {
				got++
			}
			if w := int(want.(string)[i] - '0'); got != w {
				t.Errorf("%q: Check(%s, false) = %v, Check(%s, true) = %v; packaging: %v, %v", spec, v, got&2 != 0, v, got&1 != 0, w&2 != 0, w&1 != 0)
			}
		}
	}
}

// releaseKey is the normalised form with the release's trailing zeros
// dropped: two versions are equal exactly when their keys are.
func releaseKey(v Version) string {
	prefix := v.release
	if v.epoch != "" {
		prefix = v.epoch + "!" + prefix
	}
	rel := v.release
	for strings.HasSuffix(rel, ".0") {
		rel = strings.TrimSuffix(rel, ".0")
	}
	return v.epoch + "!" + rel + v.s[len(prefix):]
}

// FuzzVersion checks PEP 440's rules on any input: normalisation is a
// fixed point, the order is a total order in which equal means equal
// normalised forms (trailing zeros aside), and dev < pre < final < local <
// post for one release.
func FuzzVersion(f *testing.F) {
	d := loadPackagingData(f)
	for i, c := range d.Versions {
		f.Add(c[0].(string), d.Candidates[i%len(d.Candidates)], d.Candidates[(i*7)%len(d.Candidates)])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		var vs []Version
		for _, s := range []string{a, b, c} {
			v, err := ParseVersion(s)
			if err != nil {
				continue
			}
			again, err := ParseVersion(v.String())
			if err != nil || again != v || strings.ToLower(v.String()) != v.String() {
				t.Fatalf("%q normalises to %q, which reads back as %q, %v", s, v, again, err)
			}
			vs = append(vs, v)
			if v.pre == 0 && v.post == "" && v.dev == "" && v.local == "" {
				// One release: dev < pre < final < local < post.
				var chain []Version
				for _, suffix := range []string{".dev0", ".dev1", "a0.dev0", "a0", "a0.post0", "b1", "rc0", "", "+a", "+a.0", "+0", ".post0.dev0", ".post0", ".post1"} {
					w, err := ParseVersion(v.String() + suffix)
					if err != nil {
						t.Fatal(err)
					}
					chain = append(chain, w)
				}
				for i := 1; i < len(chain); i++ {
					if chain[i-1].Compare(chain[i]) != -1 || chain[i].Compare(chain[i-1]) != 1 {
						t.Fatalf("%s does not sort before %s", chain[i-1], chain[i])
					}
				}
			}
		}
		for _, x := range vs {
			for _, y := range vs {
				c := x.Compare(y)
				if c != -y.Compare(x) || (c == 0) != (releaseKey(x) == releaseKey(y)) {
					t.Fatalf("Compare(%s, %s) = %d, Compare(%s, %s) = %d", x, y, c, y, x, y.Compare(x))
				}
				for _, z := range vs {
					if c <= 0 && y.Compare(z) <= 0 && x.Compare(z) > 0 {
						t.Fatalf("%s <= %s <= %s but %s > %s", x, y, z, x, z)
					}
				}
			}
		}
	})
}

// FuzzSpecifierSet checks PEP 440's rules for specifier sets on any input:
// the canonical form reads back the same, admitting pre-releases only adds
// them, the comma is an and, != is not ==, ~=V is >=V and ==P.*, ==V is
// >=V and <=V, and the exclusive comparisons are narrower than the
// inclusive ones.
func FuzzSpecifierSet(f *testing.F) {
	d := loadPackagingData(f)
	for i, c := range d.Specifiers {
		f.Add(c[0].(string), d.Candidates[i%len(d.Candidates)])
	}
	f.Fuzz(func(t *testing.T, spec, s string) {
		set, err := ParseSpecifierSet(spec)
		if err != nil {
			return
		}
		again, err := ParseSpecifierSet(set.String())
		if err != nil || again.String() != set.String() || again.pre != set.pre {
			t.Fatalf("%q reads back from %q as %q, %v", spec, set, again, err)
		}
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		check := func(spec string) bool {
			t.Helper()
			set, err := ParseSpecifierSet(spec)
			if err != nil {
				t.Fatalf("%q: %v", spec, err)
			}
			return set.Check(v, true)
		}
		with, without := set.Check(v, true), set.Check(v, false)
		if without && !with || !v.IsPrerelease() && with != without || again.Check(v, true) != with {
			t.Fatalf("%q: Check(%s) %v with pre-releases, %v without", spec, v, with, without)
		}
		and := true
		for _, c := range set.clauses {
			and = and && check(c.op+c.text)
			var related []string
			switch {
			case c.op == "===":
			case c.op == "~=":
				prefix, _, _ := strings.Cut(c.v.String(), c.v.release) // the epoch
				prefix += c.v.release[:strings.LastIndexByte(c.v.release, '.')] + ".*"
				related = []string{">=" + c.text, "==" + prefix}
			case c.op == "==" && !c.wildcard && !c.local:
				related = []string{">=" + c.text, "<=" + c.text}
			}
			if related != nil && check(c.op+c.text) != (check(related[0]) && check(related[1])) {
				t.Fatalf("%s%s is not %s and %s for %s", c.op, c.text, related[0], related[1], v)
			}
			switch c.op {
			case "==":
				if check("!="+c.text) == check(c.op+c.text) {
					t.Fatalf("!=%s is ==%s for %s", c.text, c.text, v)
				}
			case "<", ">":
				if check(c.op+c.text) && (!check(c.op+"="+c.text) || check("=="+c.text)) {
					t.Fatalf("%s%s admits %s, but %s= or == disagree", c.op, c.text, v, c.op)
				}
			case ">=":
				if check(c.op+c.text) != (v.Compare(c.v) >= 0) {
					t.Fatalf(">=%s and Compare disagree on %s", c.text, v)
				}
			}
		}
		if and != with {
			t.Fatalf("%q: Check(%s) = %v, but its clauses say %v", spec, v, with, and)
		}
	})
}
