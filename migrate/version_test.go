package migrate

import (
	"testing"

	"github.com/containerize/containerize/detect"
)

func TestVersionDiffers(t *testing.T) {
	for _, tc := range []struct {
		dep       detect.Dependency
		installed string
		differs   bool
		problem   bool
	}{
		{detect.Dependency{Name: "a", Version: "3.7.2"}, "3.7.2", false, false},
		{detect.Dependency{Name: "a", Version: "3.6.0"}, "3.7.2", true, false},
		{detect.Dependency{Name: "a", Version: "1.0"}, "1.0.0", false, false}, // PEP 440 equal
		{detect.Dependency{Name: "a", Specifier: "~=3.2"}, "3.2.25", false, false},
		{detect.Dependency{Name: "a", Specifier: "==3.2"}, "3.2.25", true, false},
		{detect.Dependency{Name: "a", Specifier: "==3.2.*"}, "3.2.25", false, false},
		{detect.Dependency{Name: "a", Specifier: ">=2.0"}, "2.1rc1", false, false}, // installed pre-releases count
		{detect.Dependency{Name: "a", Specifier: "<2"}, "2.1rc1", true, false},
		{detect.Dependency{Name: "a"}, "anything", false, false},
		{detect.Dependency{Name: "a", Specifier: ">=1", Source: "r.txt:1"}, "not-a-version", false, true},
		{detect.Dependency{Name: "a", Version: "weird"}, "weird", false, false},
		{detect.Dependency{Name: "a", Specifier: "=>1", Source: "r.txt:1"}, "1.0", false, true},
	} {
		differs, problem := versionDiffers(tc.dep, tc.installed)
		if differs != tc.differs || (problem != "") != tc.problem {
			t.Errorf("versionDiffers(%+v, %q) = %v, %q; want differs %v, problem %v", tc.dep, tc.installed, differs, problem, tc.differs, tc.problem)
		}
	}
}

func TestRelativeTo(t *testing.T) {
	for _, tc := range []struct{ dir, target, want string }{
		{".", "libs/x", "./libs/x"},
		{".", ".", "."},
		{"app", "libs/x", "../libs/x"},
		{"app", "app/libs/x", "./libs/x"},
		{"a/b", "a/c/d", "../c/d"},
		{"a/b", "a/b", "."},
	} {
		if got := relativeTo(tc.dir, tc.target); got != tc.want {
			t.Errorf("relativeTo(%q, %q) = %q, want %q", tc.dir, tc.target, got, tc.want)
		}
	}
}

func TestTOMLQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"django": "django", "zope.interface": `"zope.interface"`, "a_b-c": "a_b-c", "": `""`,
	} {
		if got := tomlKeyName(in); got != want {
			t.Errorf("tomlKeyName(%q) = %s, want %s", in, got, want)
		}
	}
	if got, want := tomlString("a\"b\\c\x01"), `"a\"b\\c\u0001"`; got != want {
		t.Errorf("tomlString = %s, want %s", got, want)
	}
}
