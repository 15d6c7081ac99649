package pep

import (
	"cmp"
	"strings"
	"testing"
)

func TestValidateSpecifier(t *testing.T) {
	good := map[string]string{
		"":                 "",
		">= 3.2 , < 4":     ">=3.2,<4",
		"~=3.11.0":         "~=3.11.0",
		"==1.*":            "==1.*",
		"!=3.0.*,>=2.7":    "!=3.0.*,>=2.7",
		"===foobar":        "===foobar",
		">=1.0a1":          ">=1.0a1",
		"==1.0.0-beta.2":   "==1.0.0-beta.2", // normalisable spelling of 1.0.0b2
		"<=2.0.post1.dev2": "<=2.0.post1.dev2",
		"~=1!2.0":          "~=1!2.0",
		"==1.0+local.7":    "==1.0+local.7",
	}
	for in, want := range good {
		got, err := ValidateSpecifier(in)
		if err != nil || got != want {
			t.Errorf("ValidateSpecifier(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for bad, wantErr := range map[string]string{
		"3.2":         "expected a version operator",
		">=3.2 || <2": "unexpected text",
		">=":          "expected a version after",
		"=>3":         "expected a version operator",
		">=3.2,":      "expected a version operator",
		"==1.0 extra": "unexpected text",
		">=1.0+local": `invalid version "1.0+local" for >=`,
		"~=1.*":       "invalid version",
		"~=1":         "~=1 needs at least two version segments, e.g. ~=1.0",
		"~=1!2":       "needs at least two version segments",
		"==1.x.*":     `invalid wildcard version "1.x.*"`,
		"==x.*":       "invalid wildcard version",
		"!=1.0.dev1a": "invalid version",
	} {
		got, err := ValidateSpecifier(bad)
		if err == nil || !strings.Contains(err.Error(), wantErr) || !strings.HasPrefix(err.Error(), "invalid version specifier ") {
			t.Errorf("ValidateSpecifier(%q) = %q, %v; want an error about %q", bad, got, err, wantErr)
		}
	}
}

func TestParseVersionValidity(t *testing.T) {
	for _, v := range []string{"1", "1.0", "v1.0", "1!2.0rc1.post3.dev4+local.7", "1.0.0-beta.2", "2024.1", "1.0-1", "1.0.RC1", " 1.0 "} {
		if _, err := ParseVersion(v); err != nil {
			t.Errorf("ParseVersion(%q): %v", v, err)
		}
	}
	for _, v := range []string{"", "x", "1.0+", "1..0", "1.*", ">=1"} {
		if _, err := ParseVersion(v); err == nil {
			t.Errorf("ParseVersion(%q) accepted it", v)
		}
	}
}

func FuzzValidateSpecifier(f *testing.F) {
	for _, s := range []string{"", ">= 3.2 , < 4", "~=3.11.0", "!=3.0.*,>=2.7", "===foo bar", "~=1", "==1.0+x", ">=1,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ValidateSpecifier(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "invalid version specifier ") {
				t.Fatalf("%q: error %q", s, err)
			}
			return
		}
		if strings.ContainsAny(spec, " \t") {
			t.Fatalf("%q: canonical form %q has white space", s, spec)
		}
		again, err := ValidateSpecifier(spec)
		if err != nil || again != spec {
			t.Fatalf("%q: canonical form %q reads back as %q, %v", s, spec, again, err)
		}
		if spec != "" {
			if _, err := ParseRequirement("x" + spec); err != nil {
				t.Fatalf("%q: a requirement does not take %q: %v", s, spec, err)
			}
		}
	})
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]string{
		"1.0":                          "1.0",
		" V1.0.0-ALPHA_2.r ":           "1.0.0a2.post0",
		"1.0-1":                        "1.0.post1",
		"1.0c1":                        "1.0rc1",
		"1.0-preview.3":                "1.0rc3",
		"1.0rev":                       "1.0.post0",
		"1.0.DEV":                      "1.0.dev0",
		"0!01.02":                      "1.2",
		"007!1":                        "7!1",
		"1.0+Ubuntu-1_02":              "1.0+ubuntu.1.2",
		"1.0+0abc":                     "1.0+0abc",
		"1.0a.post.dev":                "1.0a0.post0.dev0",
		"99999999999999999999999.0":    "99999999999999999999999.0",
		"1!2.0rc1.post3.dev4+local.07": "1!2.0rc1.post3.dev4+local.7",
	} {
		v, err := ParseVersion(in)
		if err != nil || v.String() != want {
			t.Errorf("ParseVersion(%q) = %q, %v; want %q", in, v, err, want)
		}
	}
	for in, want := range map[string]string{
		"":          `invalid version "": empty`,
		"  ":        `invalid version "  ": empty`,
		"x":         `invalid version "x": expected a release number such as 1.0 at column 1`,
		"1!":        `invalid version "1!": expected a release number after the epoch at column 3`,
		" 3.x":      `invalid version " 3.x": unexpected '.' at column 3`,
		"1.0+":      `invalid version "1.0+": expected a letter or digit in the local label at column 5`,
		"1.0+a..b":  `invalid version "1.0+a..b": expected a letter or digit in the local label at column 7`,
		"1.0-1post": `invalid version "1.0-1post": unexpected 'p' at column 6`,
		"1.0 a1":    `invalid version "1.0 a1": unexpected ' ' at column 4`,
	} {
		if v, err := ParseVersion(in); err == nil || err.Error() != want {
			t.Errorf("ParseVersion(%q) = %q, %v; want the error %s", in, v, err, want)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	// PEP 440's examples of the order, and packaging's.
	order := []string{
		"0.dev0", "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12",
		"1.0b1.dev456", "1.0b2", "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456",
		"1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5", "1.0.post456.dev34",
		"1.0.post456", "1.0.15", "1.1.dev1", "99999999999999999999", "1!0.1",
	}
	for i := range order {
		for j := range order {
			a, _ := ParseVersion(order[i])
			b, _ := ParseVersion(order[j])
			if got, want := a.Compare(b), cmp.Compare(i, j); got != want {
				t.Errorf("Compare(%s, %s) = %d; want %d", a, b, got, want)
			}
		}
	}
	for _, eq := range [][2]string{{"1", "1.0.0"}, {"0!1", "1"}, {"1.0+A-1", "1.0+a.01"}, {"1.0a", "1.0alpha0"}} {
		a, _ := ParseVersion(eq[0])
		b, _ := ParseVersion(eq[1])
		if a.Compare(b) != 0 {
			t.Errorf("Compare(%s, %s) != 0", a, b)
		}
	}
	if (Version{}).Compare(Version{}) != 0 || (Version{}).String() != "" {
		t.Error("the zero Version")
	}
}

func TestSpecifierSet(t *testing.T) {
	for _, c := range []struct {
		spec     string
		admitted []string // with pre-releases admitted or not
		preOnly  []string // only with pre-releases admitted
		rejected []string
	}{
		{"", []string{"1.0", "1.0.post1"}, []string{"1.0a1"}, nil},
		{" >= 3.8 , , < 4 ,", []string{"3.8", "3.12.1", "3.99"}, []string{"3.13.0rc1"}, []string{"3.7", "4", "4.0.dev0"}},
		// PEP 440: ~=2.2.post3 is >=2.2.post3, ==2.*; ~=1.4.5a4 is >=1.4.5a4, ==1.4.*.
		{"~=2.2.post3", []string{"2.2.post3", "2.3", "2.99"}, nil, []string{"2.2", "3.0"}},
		{"~=1.4.5a4", []string{"1.4.5a4", "1.4.5b1", "1.4.9"}, nil, []string{"1.4.5a3", "1.5"}},
		// <V admits no pre-release of V, >V no post-release or local version of V.
		{"<3.13", []string{"3.12.7"}, []string{"3.12.0rc1"}, []string{"3.13.0rc1", "3.13.dev0", "3.13"}},
		{"<3.13rc2", []string{"3.12", "3.13rc1", "3.13.0a1"}, nil, []string{"3.13rc2"}}, // names a pre-release
		{">1.7", []string{"1.7.1", "1.8"}, []string{"1.8.dev0"}, []string{"1.7", "1.7.post2", "1.7+local", "1.7.0.post1.dev1"}},
		{">1.7.post2", []string{"1.7.post3", "1.7.post3+local"}, nil, []string{"1.7.post2", "1.7.post2+local"}},
		{">1.0a1", []string{"1.0", "1.0.post1"}, nil, []string{"1.0a1.post1", "1.0a1+local"}},
		// == ignores a candidate's local label unless the clause has one; .* is a prefix of release numbers.
		{"==1.0", []string{"1.0", "1.0.0", "1.0+local"}, nil, []string{"1.0.post1"}},
		{"==1.0+local", []string{"1.0+LOCAL"}, nil, []string{"1.0", "1.0+other"}},
		{"==1.0.*", []string{"1", "1.0.5", "1.0.post1", "1.0+local"}, []string{"1.0a1", "1.0.1rc1"}, []string{"1.1", "1!1.0"}},
		{"!=3.0.*,>=2.7", []string{"2.7", "3.1"}, nil, []string{"3.0.4", "2.6"}},
		{"===1.0+Local", []string{"1.0+local"}, nil, []string{"1.0", "1.0.0+local"}},
		// A clause that names a pre-release admits pre-releases.
		{">=2.0b1", []string{"2.0b1", "2.0rc1", "2.1.dev0", "2.0"}, nil, []string{"2.0a9"}},
		{"!=2.0b1", []string{"1.0"}, []string{"2.0b2"}, []string{"2.0b1"}},
	} {
		set, err := ParseSpecifierSet(c.spec)
		if err != nil {
			t.Errorf("ParseSpecifierSet(%q): %v", c.spec, err)
			continue
		}
		for _, list := range []struct {
			versions       []string
			without, admit bool
		}{{c.admitted, true, true}, {c.preOnly, false, true}, {c.rejected, false, false}} {
			for _, s := range list.versions {
				v, err := ParseVersion(s)
				if err != nil {
					t.Fatal(err)
				}
				if got := set.Check(v, false); got != list.without {
					t.Errorf("%q: Check(%s, false) = %v", c.spec, s, got)
				}
				if got := set.Check(v, true); got != list.admit {
					t.Errorf("%q: Check(%s, true) = %v", c.spec, s, got)
				}
			}
		}
	}
	for spec, want := range map[string]string{
		"3.8":          `"3.8" does not start with a version operator (==, !=, <=, >=, <, >, ~=, ===)`,
		">=3.8 <4":     `invalid version "3.8 <4" for >=`,
		">=3.8 || <2":  `invalid version "3.8 || <2" for >=`,
		"*":            `"*" does not start with a version operator`,
		"<x":           `invalid version "x" for <`,
		">1.0+local":   `invalid version "1.0+local" for >: a local label is allowed only with == and !=`,
		"~=1":          `~=1 needs at least two version segments, e.g. ~=1.0`,
		"==1.0a1.*":    `invalid wildcard version "1.0a1.*"`,
		">=1.*":        `invalid version "1.*" for >=`,
		"===a)":        `invalid version "a)" for ===: ')' is not allowed`,
		">=1.0,<2,=>3": `"=>3" does not start with a version operator`,
	} {
		if _, err := ParseSpecifierSet(spec); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseSpecifierSet(%q): %v; want the error %s", spec, err, want)
		}
	}
	if set, _ := ParseSpecifierSet(" >= 3.8 ,, <4 "); set.String() != ">=3.8,<4" {
		t.Errorf("String() = %q", set)
	}
}
