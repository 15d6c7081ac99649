package pep

import (
	"regexp"
	"strings"
	"testing"
)

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Django":                 "django",
		"django_rest.FRAMEWORK":  "django-rest-framework",
		"zope.interface":         "zope-interface",
		"a--_.b":                 "a-b",
		"A-_.B":                  "a-b",
		"psycopg2-binary":        "psycopg2-binary",
		"typing__extensions":     "typing-extensions",
		"Foo__Bar--baz..Qux":     "foo-bar-baz-qux",
		"Foo__Bar-.baz":          "foo-bar-baz",
		"A1":                     "a1",
		"friendly-bard":          "friendly-bard",
		"trailing__":             "trailing-",
		"backports.zoneinfo_x-":  "backports-zoneinfo-x-",
		"-a":                     "-a",
		"a.":                     "a-",
		"a/b":                    "a/b",
		"a b":                    "a b",
		"naïve":                  "naïve",
		"NAÏVE":                  "naïve", // Python's str.lower()
		"":                       "",
		"Foo_Bar.baz==1.0.post1": "foo-bar-baz==1-0-post1",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidName(t *testing.T) {
	for in, want := range map[string]bool{
		"Django": true, "zope.interface": true, "Foo__Bar-.baz": true, "a": true, "A1": true, "0": true,
		"": false, "-a": false, "a.": false, "a_": false, "a/b": false, "a b": false, "naïve": false, "a\n": false,
	} {
		if got := ValidName(in); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", in, got, want)
		}
	}
}

// PEP 503's own definitions, as regular expressions, to hold the hand-written scanners to.
var (
	reRuns  = regexp.MustCompile(`[-_.]+`)
	reValid = regexp.MustCompile(`(?i)^([a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$`)
)

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Django", "zope.interface", "a--_.b", "-a_", "naïve", "İ", "\xff-x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeName(s)
		if NormalizeName(n) != n {
			t.Fatalf("NormalizeName is not idempotent on %q: %q, then %q", s, n, NormalizeName(n))
		}
		if strings.ContainsAny(n, "_.") || strings.Contains(n, "--") {
			t.Fatalf("NormalizeName(%q) = %q keeps separators", s, n)
		}
		if ValidName(s) != reValid.MatchString(s) {
			t.Fatalf("ValidName(%q) = %v, the PEP's expression says otherwise", s, ValidName(s))
		}
		if ValidName(s) {
			if !ValidName(n) {
				t.Fatalf("valid %q normalises to invalid %q", s, n)
			}
			if want := strings.ToLower(reRuns.ReplaceAllString(s, "-")); n != want {
				t.Fatalf("NormalizeName(%q) = %q, want %q", s, n, want)
			}
		}
	})
}
