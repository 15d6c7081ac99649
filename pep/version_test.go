package pep

import (
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

func TestIsVersion(t *testing.T) {
	for _, v := range []string{"1", "1.0", "v1.0", "1!2.0rc1.post3.dev4+local.7", "1.0.0-beta.2", "2024.1", "1.0-1", "1.0.RC1"} {
		if !IsVersion(v) {
			t.Errorf("IsVersion(%q) = false", v)
		}
	}
	for _, v := range []string{"", "x", "1.0+", "1..0", "1.*", ">=1", "1.0 "} {
		if IsVersion(v) {
			t.Errorf("IsVersion(%q) = true", v)
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
