package pep

import (
	"maps"
	"strings"
	"testing"
)

func TestEval(t *testing.T) {
	py38 := Linux("3.8.10", "x86_64")
	py39 := Linux("3.9", "x86_64")
	py310 := Linux("3.10.4", "aarch64")
	py311 := Linux("3.11.2", "x86_64")
	py27 := Linux("2.7.18", "x86_64")
	rc := Linux("3.13.0rc1", "x86_64")
	withExtra := func(env Env, extra string) Env {
		e := maps.Clone(env)
		e["extra"] = extra
		return e
	}
	tests := []struct {
		marker string
		env    Env
		want   bool
	}{
		// The examples of PEP 508.
		{`python_version < "2.7"`, py27, false},
		{`python_version<"2.7"`, py38, false},
		{`os_name=='a' or os_name=='b'`, py38, false},
		{`os_name=='a' and os_name=='b' or os_name=='posix'`, py38, true},
		{`os_name=='posix' and (os_name=='b' or os_name=='c')`, py38, false},
		{`os_name=='a' or os_name=='posix' and os_name=='c'`, py38, false},
		{`(os_name=='a' or os_name=='posix') and os_name=='posix'`, py38, true},
		{`python_version > "2.6" and python_full_version < "3.0"`, py27, true},
		{`platform_python_implementation == "CPython" and implementation_name == "cpython"`, py38, true},

		// Versions compare as versions, not strings: "3.10" > "3.9".
		{`python_version >= "3.10"`, py39, false},
		{`python_version >= "3.10"`, py310, true},
		{`python_version > "3.9"`, py310, true},
		{`python_version < "3.11"`, py310, true},
		{`python_full_version >= "3.8.2"`, py38, true},
		{`python_full_version < "3.8.9"`, py38, false},
		{`python_full_version == "3.8.10"`, py38, true},
		{`python_version == "3.8"`, py38, true},
		{`python_version != "3.8"`, py38, false},
		{`python_version ~= "3.8"`, py310, true},
		{`python_version ~= "3.9"`, py38, false},
		{`python_version ~= "3.10"`, py311, true},
		{`python_version < "3.8"`, py311, false},
		{`python_version >= "3.8"`, py311, true},
		{`python_full_version >= '3.11.1' and sys_platform == "linux"`, py311, true},
		// Both operand orders.
		{`'3.8' < python_version`, py310, true},
		{`'3.10' <= python_version`, py39, false},
		{`"3.9" > python_version`, py38, true},
		// Wildcards, on either side.
		{`python_full_version == "3.8.*"`, py38, true},
		{`"3.8.*" == python_full_version`, py38, true},
		{`python_full_version != "3.8.*"`, py38, false},
		{`"3.9.*" != python_full_version`, py38, true},
		{`python_version == "3.*"`, py27, false},
		// Pre-release Pythons satisfy the marker of their series.
		{`python_full_version >= "3.8"`, rc, true},
		{`python_version >= "3.13"`, rc, true},
		// PEP 440: <V admits no pre-release of V.
		{`python_full_version < "3.13"`, rc, false},
		{`python_full_version < "3.14"`, rc, true},
		// Two literals compare as versions too.
		{`"3.8" < "3.10"`, py38, true},
		// A version-like variable whose value is not a version falls back to strings.
		{`platform_release >= "5.0"`, Env{"platform_release": "6.1.0-17-amd64"}, true},
		{`platform_release >= "5.0"`, py38, false},
		{`python_version >= "3.9."`, py310, false}, // "3.9." is no version: "3.10" < "3.9." as strings

		// Strings compare as strings, even when they look like versions.
		{`extra == 'v2'`, py38, false},
		{`extra == 'v2'`, withExtra(py38, "v2"), true},
		{`extra == "Security_Extra"`, withExtra(py38, "security-extra"), true},
		{`extra == "redis"`, withExtra(py311, "redis"), true},
		{`extra == "Redis"`, withExtra(py311, "redis"), true},
		{`extra == "redis"`, py311, false},
		{`extra == "tests"`, py38, false},
		{`(platform_python_implementation != "PyPy" and (platform_system != "Windows" or python_version < "3.10")) and extra == "couchbase"`, withExtra(py311, "redis"), false},
		{`os_name == "2"`, py38, false},
		{`os_name < "posix"`, py38, false},
		{`implementation_name === "CPython"`, py38, true},
		{`sys_platform == "linux"`, py38, true},
		{`sys_platform == "linux2"`, py27, true},
		{`sys_platform == "win32" or platform_system == "Windows"`, py38, false},
		{`sys_platform == "win32" or platform_system == "Linux"`, py311, true},
		{`platform_machine == "aarch64"`, py310, true},
		{`platform_machine == "aarch64"`, py38, false},
		{`platform_machine != "aarch64"`, py311, true},
		{`"linux" in sys_platform`, py27, true},
		{`"win" not in sys_platform`, py311, true},
		{`platform_machine not in "x86_64 i686"`, py310, true},
		{`python_version in "2.6 2.7 3.2"`, py27, true},
		{`python_version not in "3.4 3.5"`, py38, true},
		// Legacy dotted names from old metadata.
		{`os.name == "posix" and sys.platform == "linux"`, py38, true},
		{`python_implementation == "CPython" and platform.python_implementation == "CPython"`, py38, true},
		{`platform.machine == "x86_64"`, py38, true},
		{`platform.version == ""`, py38, true},
		// Spacing and nesting.
		{`python_version=="3.8"and(os_name=="nt"or sys_platform=="linux")`, py38, true},
		{"python_version >= '3'\nand os_name == 'posix'", py38, true},
		{"python_version >= '3'\r\n\tand os_name == 'posix'", py38, true},
		{`((((os_name == "posix"))))`, py38, true},
		{strings.Repeat("(", 100) + `os_name == "posix"` + strings.Repeat(")", 100), py38, true},
		{`os_name == "nt" or (sys_platform == "linux" and platform_machine == "aarch64")`, py310, true},
		// Sets of names (PEP 751).
		{`"docs" in extras`, Env{"extras": "docs,test"}, true},
		{`"Docs" not in extras`, Env{"extras": "docs"}, false},
		{`"gui" in dependency_groups`, Env{"dependency_groups": ""}, false},
	}
	for _, tt := range tests {
		got, err := Eval(tt.marker, tt.env)
		if err != nil {
			t.Errorf("Eval(%q): %v", tt.marker, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Eval(%q) = %v, want %v", tt.marker, got, tt.want)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	py38 := Linux("3.8", "x86_64")
	tests := []struct {
		marker string
		env    Env
		want   string // the message, or its start
	}{
		{``, py38, `marker "": empty`},
		{` `, py38, `marker " ": empty`},
		{`foo == "1"`, py38, `marker "foo == \"1\"": unknown variable "foo" at column 1 (expected e.g. python_version, sys_platform, extra)`},
		{`python_version == 3.8`, py38, `marker "python_version == 3.8": unquoted value 3.8 at column 19: quote it, e.g. "3.8"`},
		{`python_version <`, py38, `marker "python_version <": expected a variable or a quoted string but found end of marker`},
		{`python_version ?? "3"`, py38, `marker "python_version ?? \"3\"": unexpected '?' at column 16`},
		{`python_version = "3"`, py38, `marker "python_version = \"3\"": unknown operator at column 16`},
		{`(python_version == "3"`, py38, `marker "(python_version == \"3\"": expected ')' but found end of marker`},
		{`(python_version == "3" or)`, py38, `marker "(python_version == \"3\" or)": expected a variable or a quoted string but found ")" at column 26`},
		{`python_version "3"`, py38, `marker "python_version \"3\"": expected a comparison operator but found "3" at column 16`},
		{`python_version == "3" os_name == "a"`, py38, `marker "python_version == \"3\" os_name == \"a\"": unexpected "os_name" at column 23`},
		{`"a" not "b"`, py38, `marker "\"a\" not \"b\"": expected 'in' after 'not' at column 9`},
		{`"a" not inside`, py38, "expected 'in' after 'not' at column 9"},
		{`os_name == 'posix`, py38, "unterminated string at column 12"},
		{`os_name ~= "posix"`, py38, `marker "os_name ~= \"posix\"": ~= needs versions on both sides, not "posix" and "posix"`},
		{`os_name == "posix"`, Env{}, "os_name is not set"},
		{`"x" in extras`, py38, "extras is not set"},
		{`extras == "x"`, Env{"extras": "x"}, "is a set of names"},
		{`os_name == "nt" or foo`, py38, `unknown variable "foo"`},
		{strings.Repeat("(", 101) + `os_name == "a"` + strings.Repeat(")", 101), py38, "nested too deeply"},
	}
	for _, tt := range tests {
		_, err := Eval(tt.marker, tt.env)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Eval(%q) error = %v, want %q", tt.marker, err, tt.want)
		}
	}
}

// An error in a branch that does not decide the result is still an error:
// the outcome must not depend on which environment happens to be asked.
func TestEvalReportsErrorsInEveryBranch(t *testing.T) {
	if _, err := Eval(`os_name == "posix" or os_name ~= "1.0"`, Linux("3.8", "x86_64")); err == nil {
		t.Error("want an error from the second branch")
	}
	if _, err := Eval(`os_name == "nt" and os_name ~= "1.0"`, Linux("3.8", "x86_64")); err == nil {
		t.Error("want an error from the second branch")
	}
}

// markerVariables are the names markerVariable knows, canonical or not.
var markerVariables = []string{
	"python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
	"platform_system", "platform_version", "platform_machine", "platform_python_implementation",
	"implementation_name", "implementation_version", "extra", "extras", "dependency_groups",
	"os.name", "sys.platform", "platform.version", "platform.machine", "platform.python_implementation",
	"python_implementation",
}

func TestLinux(t *testing.T) {
	env := Linux("3.8.10", "aarch64")
	want := map[string]string{
		"python_version": "3.8", "python_full_version": "3.8.10", "sys_platform": "linux",
		"platform_system": "Linux", "platform_machine": "aarch64", "os_name": "posix",
		"implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": "",
		"implementation_version": "3.8.10", "platform_release": "", "platform_version": "",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("Linux()[%q] = %q, want %q", k, env[k], v)
		}
	}
	if got := Linux("2.7", "x86_64")["sys_platform"]; got != "linux2" {
		t.Errorf("Python 2.7 sys_platform = %q, want linux2", got)
	}
	if got := Linux(" 3 ", "x86_64")["python_version"]; got != "3" {
		t.Errorf("python_version of Python 3 = %q", got)
	}
	// Every variable the parser knows is set, so no marker fails for want of one.
	for _, v := range markerVariables {
		name, ok := markerVariable(v)
		if !ok {
			t.Errorf("markerVariable(%q) unknown", v)
			continue
		}
		if isSetVariable(name) {
			continue
		}
		if _, ok := env[name]; !ok {
			t.Errorf("Linux() does not set %s", name)
		}
	}
	if _, ok := markerVariable("python"); ok {
		t.Error(`markerVariable("python") is known`)
	}
}

func TestParseOnceEvalMany(t *testing.T) {
	m, err := Parse(`python_version < "3.11"`)
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != `python_version < "3.11"` {
		t.Errorf("String() = %q", m.String())
	}
	for py, want := range map[string]bool{"3.8": true, "3.10": true, "3.11": false, "3.12.1": false} {
		if got, err := m.Eval(Linux(py, "x86_64")); err != nil || got != want {
			t.Errorf("Python %s: got %v, %v; want %v", py, got, err, want)
		}
	}
}

func FuzzEval(f *testing.F) {
	for _, s := range []string{
		`python_version < "3.8"`, `'3.8' < python_version`, `extra == "v2"`, `python_full_version == "3.8.*"`,
		`(os_name == "nt" or sys_platform == "linux") and platform_machine not in "x86"`,
		`python_version ~= "3.8"`, `implementation_name === "cpython"`, `"a" in extras`,
		`python_version == "1!2.0rc1.post3.dev4+local"`, `python_version >= "3.8,<4"`, `python_version == "3 || 4"`,
		`python_full_version ~= "1!2.0.post1.dev2"`, `python_version ~= "2.0rc1"`, `python_version == "1.0+local.*"`,
		`python_version ~= "1"`, `"3.8.*" != python_version`, `python_version <= "99999999999999999999999.0"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Whatever a requirement accepts as a marker must be evaluable here.
		if strict, err := ParseRequirementMarker(s); err == nil {
			m, err := Parse(s)
			if err != nil {
				t.Fatalf("a requirement accepts marker %q but Parse fails: %v", s, err)
			}
			if m.String() != strict.String() {
				t.Fatalf("%q: String() %q and %q", s, m.String(), strict.String())
			}
		}
		m, err := Parse(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "marker ") {
				t.Fatalf("%q: error %q does not name the marker", s, err)
			}
			return
		}
		for _, env := range []Env{Linux("3.8.10", "x86_64"), Linux("2.7", "aarch64"), {"extras": "a,b", "dependency_groups": "", "python_version": s}} {
			a, errA := m.Eval(env)
			b, errB := m.Eval(env)
			if a != b || (errA == nil) != (errB == nil) {
				t.Fatalf("%q evaluates differently twice", s)
			}
		}
	})
}
