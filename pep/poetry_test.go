package pep

import (
	"strings"
	"testing"
)

func TestPoetryToPEP440(t *testing.T) {
	tests := map[string]string{
		"":                          "",
		"*":                         "",
		" * ":                       "",
		"^1.2.3":                    ">=1.2.3,<2.0.0",
		"^1.2":                      ">=1.2,<2.0",
		"^1":                        ">=1,<2",
		"^0.2.3":                    ">=0.2.3,<0.3.0",
		"^0.0.3":                    ">=0.0.3,<0.0.4",
		"^0.0":                      ">=0.0,<0.1",
		"^0":                        ">=0,<1",
		"^3.10":                     ">=3.10,<4.0",
		"^2.0.0b1":                  ">=2.0.0b1,<3.0.0",
		"^v1.2":                     ">=v1.2,<2.0",
		"~1.2.3":                    ">=1.2.3,<1.3.0",
		"~1.2":                      ">=1.2,<1.3",
		"~1":                        ">=1,<2",
		"~=3.14":                    "~=3.14",
		"1.2.3":                     "==1.2.3",
		"1.2.*":                     "==1.2.*",
		"=1.0":                      "==1.0",
		">=1.2 <2.0":                ">=1.2,<2.0",
		">= 1.2, < 2.0":             ">=1.2,<2.0",
		"!=1.5":                     "!=1.5",
		">=3.8,<3.9 || >=3.10,<4.0": ">=3.8,<4.0",
		"^3.8 || ^4.1":              ">=3.8,<5.0",
		">=3.11 || ^3.13":           ">=3.11",
		"<3.9 | >=3.10":             "",
		"3.8.* || 3.10.*":           ">=3.8,<3.11",
		"~=3.8.1 || 3.11":           ">=3.8.1,<=3.11",
		"~=3.8 || >3.12,!=3.13":     ">=3.8",
		"<3 || <=3":                 "<=3",
		"||":                        "",
		"^3|v4+0":                   ">=3,<=v4",
		"1.0+local || 2.0":          ">=1.0,<=2.0",
	}
	for in, want := range tests {
		got, err := PoetryToPEP440(in)
		if err != nil || got != want {
			t.Errorf("PoetryToPEP440(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for bad, want := range map[string]string{
		"^x":                    `invalid constraint "^x": ^x: expected a version`,
		">=":                    `invalid constraint ">=": ">=" has no version`,
		"^99999999999999999999": `version part "99999999999999999999" is too large`,
		"~>1.0":                 `invalid constraint "~>1.0": unknown operator "~>"`,
		"^1.0 || >=abc":         `constraint ">=abc": invalid version specifier ">=abc"`,
		"^1.0 || ===abc":        `version "abc"`,
		"1.2.3 || 2.x.*":        `constraint "2.x.*": invalid version specifier`,
	} {
		if got, err := PoetryToPEP440(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("PoetryToPEP440(%q) = %q, %v; want an error about %q", bad, got, err, want)
		}
	}
}

func TestPoetryPythonMarker(t *testing.T) {
	for in, want := range map[string]string{
		"*":              "",
		"^3.9":           `python_version >= "3.9" and python_version < "4.0"`,
		"~3.8.1":         `python_full_version >= "3.8.1" and python_full_version < "3.9.0"`,
		"3.10.*":         `python_version == "3.10.*"`,
		">=3.8 || <3.0":  "",
		"!=3.9.1, >=3.8": `python_full_version != "3.9.1" and python_version >= "3.8"`,
	} {
		got, err := PoetryPythonMarker(in)
		if err != nil || got != want {
			t.Errorf("PoetryPythonMarker(%q) = %q, %v; want %q", in, got, err, want)
		}
		if got != "" {
			if _, err := ParseRequirementMarker(got); err != nil {
				t.Errorf("PoetryPythonMarker(%q) = %q, which is no marker: %v", in, got, err)
			}
		}
	}
	for in, want := range map[string]string{
		`=== 3"x`:    `python_version === '3"x'`,
		`===3\x`:     `python_version === "3\x"`,
		`>=3,=== '"`: "",
	} {
		got, err := PoetryPythonMarker(in)
		if want == "" {
			if err == nil {
				t.Errorf("PoetryPythonMarker(%q) = %q, want an error", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("PoetryPythonMarker(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := PoetryPythonMarker("^three"); err == nil {
		t.Error("PoetryPythonMarker accepted ^three")
	}
}

func TestReleaseNums(t *testing.T) {
	for in, want := range map[string][2]string{
		"1.2.3rc1": {"1.2.3", "rc1"}, "v1.2": {"1.2", ""}, "1.2.": {"1.2", "."}, "1..2": {"1", "..2"}, "10": {"10", ""},
	} {
		nums, rest, ok := releaseNums(in)
		if !ok || nums != want[0] || rest != want[1] {
			t.Errorf("releaseNums(%q) = %q, %q, %v; want %q", in, nums, rest, ok, want)
		}
	}
	for _, in := range []string{"", "v", "vv1", "x1", "V1", ".1"} {
		if nums, rest, ok := releaseNums(in); ok {
			t.Errorf("releaseNums(%q) = %q, %q", in, nums, rest)
		}
	}
}

func FuzzPoetryToPEP440(f *testing.F) {
	for _, s := range []string{"^1.2.3", "~1.2", ">=1.2 <2.0", "^3.8 || ^4.1", "3.8.* || 3.10.*", "~=3.8.1 || 3.11", "^x", "* || ^0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		spec, err := PoetryToPEP440(c)
		if err != nil {
			return
		}
		// The result is a canonical PEP 440 specifier set.
		if again, err := ValidateSpecifier(spec); err != nil || again != spec {
			t.Fatalf("PoetryToPEP440(%q) = %q, which validates as %q, %v", c, spec, again, err)
		}
		// A marker string has no escapes: a version with both kinds of quote (only
		// `===` takes one) cannot be written as a marker, and saying so is right.
		if m, err := PoetryPythonMarker(c); err != nil {
			if !strings.Contains(spec, `"`) || !strings.Contains(spec, "'") {
				t.Fatalf("PoetryPythonMarker(%q): %v", c, err)
			}
		} else if m != "" {
			if _, err := ParseRequirementMarker(m); err != nil {
				t.Fatalf("PoetryPythonMarker(%q) = %q: %v", c, m, err)
			}
		}
	})
}
