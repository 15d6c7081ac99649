package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ParseRequirement is pep.ParseRequirement with the marker as text (pep
// tests the parser itself).
func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in   string
		want Requirement
	}{
		{"django", Requirement{Name: "django", RawName: "django"}},
		{"zope.interface[test, docs] >= 5.0 ; python_version >= '3.8'", Requirement{
			Name: "zope-interface", RawName: "zope.interface", Extras: []string{"test", "docs"},
			Specifier: ">=5.0", Marker: "python_version >= '3.8'"}},
		{"name[fred,bar] @ http://foo.com ; python_version=='2.7'", Requirement{
			Name: "name", RawName: "name", Extras: []string{"fred", "bar"}, URL: "http://foo.com", Marker: "python_version=='2.7'"}},
		{"empty[ ]", Requirement{Name: "empty", RawName: "empty"}},
	}
	for _, tt := range tests {
		got, err := ParseRequirement(tt.in)
		if err != nil {
			t.Errorf("ParseRequirement(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseRequirement(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	if _, err := ParseRequirement("django; pyver == '3'"); err == nil || err.Error() != `invalid requirement "django; pyver == '3'": marker "pyver == '3'": unknown marker variable "pyver" (expected e.g. python_version, sys_platform, extra)` {
		t.Errorf("error = %v", err)
	}
}

func TestRequirementStringBarePath(t *testing.T) {
	for in, want := range map[string]string{
		"./lib[x,y] ; os_name == 'posix'": "./lib[x,y] ; os_name == 'posix'",
		"https://e.x/p-1.0.zip":           "p @ https://e.x/p-1.0.zip",
		"django[argon2]==4.2":             "django[argon2]==4.2",
	} {
		r, err := parseRequirementLine(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.String(); got != want {
			t.Errorf("String() of %q = %q, want %q", in, got, want)
		}
	}
}

func TestRequirementString(t *testing.T) {
	for _, in := range []string{
		"django>=3.2,<4.0",
		"celery[redis,sqs]==5.3; python_version >= '3.8'",
		"pip @ https://example.com/pip.zip ; sys_platform == 'linux'",
	} {
		r, err := ParseRequirement(in)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseRequirement(r.String())
		if err != nil {
			t.Fatalf("re-parse %q: %v", r.String(), err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Errorf("round trip of %q via %q (-first +second):\n%s", in, r.String(), diff)
		}
	}
}
