package markers

import (
	"strings"
	"testing"

	"github.com/containerize/containerize/manifest"
)

func TestEval(t *testing.T) {
	py38 := Linux("3.8.10", "x86_64")
	py39 := Linux("3.9", "x86_64")
	py310 := Linux("3.10.4", "aarch64")
	py27 := Linux("2.7.18", "x86_64")
	rc := Linux("3.13.0rc1", "x86_64")
	withExtra := func(env Env, extra string) Env {
		e := Env{}
		for k, v := range env {
			e[k] = v
		}
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
		{`extra == "tests"`, py38, false},
		{`os_name == "2"`, py38, false},
		{`implementation_name === "CPython"`, py38, true},
		{`sys_platform == "linux"`, py38, true},
		{`sys_platform == "linux2"`, py27, true},
		{`sys_platform == "win32" or platform_system == "Windows"`, py38, false},
		{`platform_machine == "aarch64"`, py310, true},
		{`platform_machine == "aarch64"`, py38, false},
		{`"linux" in sys_platform`, py27, true},
		{`platform_machine not in "x86_64 i686"`, py310, true},
		{`python_version in "2.6 2.7 3.2"`, py27, true},
		{`python_version not in "3.4 3.5"`, py38, true},
		// Legacy dotted names from old metadata.
		{`os.name == "posix" and sys.platform == "linux"`, py38, true},
		{`python_implementation == "CPython" and platform.python_implementation == "CPython"`, py38, true},
		{`platform.machine == "x86_64"`, py38, true},
		// Spacing and nesting.
		{`python_version=="3.8"and(os_name=="nt"or sys_platform=="linux")`, py38, true},
		{"python_version >= '3'\nand os_name == 'posix'", py38, true},
		{`((((os_name == "posix"))))`, py38, true},
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
	tests := []struct {
		marker string
		env    Env
		want   string // part of the message
	}{
		{``, Linux("3.8", "x86_64"), "empty"},
		{`foo == "1"`, Linux("3.8", "x86_64"), `unknown variable "foo"`},
		{`python_version == 3.8`, Linux("3.8", "x86_64"), "unquoted value 3.8"},
		{`python_version <`, Linux("3.8", "x86_64"), "end of marker"},
		{`python_version = "3"`, Linux("3.8", "x86_64"), "unknown operator at column 16"},
		{`(python_version == "3"`, Linux("3.8", "x86_64"), "expected ')'"},
		{`python_version == "3" os_name == "a"`, Linux("3.8", "x86_64"), `unexpected "os_name"`},
		{`"a" not "b"`, Linux("3.8", "x86_64"), "expected 'in' after 'not'"},
		{`os_name == 'posix`, Linux("3.8", "x86_64"), "unterminated string"},
		{`os_name ~= "posix"`, Linux("3.8", "x86_64"), "~= needs versions"},
		{`os_name == "posix"`, Env{}, "os_name is not set"},
		{`"x" in extras`, Linux("3.8", "x86_64"), "extras is not set"},
		{`extras == "x"`, Env{"extras": "x"}, "set of names"},
		{`os_name == "nt" or foo`, Linux("3.8", "x86_64"), `unknown variable "foo"`},
		{strings.Repeat("(", 100) + `os_name == "a"` + strings.Repeat(")", 100), Linux("3.8", "x86_64"), "nested too deeply"},
	}
	for _, tt := range tests {
		_, err := Eval(tt.marker, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Eval(%q) error = %v, want it to mention %q", tt.marker, err, tt.want)
		}
	}
}

// An error in a branch that does not decide the result is still an error:
// the outcome must not depend on which environment happens to be asked.
func TestEvalReportsErrorsInEveryBranch(t *testing.T) {
	if _, err := Eval(`os_name == "posix" or os_name ~= "1.0"`, Linux("3.8", "x86_64")); err == nil {
		t.Error("want an error from the second branch")
	}
}

func TestLinux(t *testing.T) {
	env := Linux("3.8.10", "aarch64")
	want := map[string]string{
		"python_version": "3.8", "python_full_version": "3.8.10", "sys_platform": "linux",
		"platform_system": "Linux", "platform_machine": "aarch64", "os_name": "posix",
		"implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": "",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("Linux()[%q] = %q, want %q", k, env[k], v)
		}
	}
	if got := Linux("2.7", "x86_64")["sys_platform"]; got != "linux2" {
		t.Errorf("Python 2.7 sys_platform = %q, want linux2", got)
	}
	// Every variable the parser knows is set, so no marker fails for want of one.
	for _, name := range variables {
		if setVars[name] {
			continue
		}
		if _, ok := env[name]; !ok {
			t.Errorf("Linux() does not set %s", name)
		}
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
		// Whatever a manifest accepts as a marker must be evaluable here.
		if !strings.ContainsAny(s, "\n\r") {
			if _, err := manifest.ParseRequirement("x; " + s); err == nil {
				if _, err := Parse(strings.TrimSpace(s)); err != nil {
					t.Fatalf("manifest accepts marker %q but Parse fails: %v", s, err)
				}
			}
		}
		m, err := Parse(s)
		if err != nil {
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
