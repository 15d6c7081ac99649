package pep

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// req is a Requirement with its marker as text, to compare.
type req struct {
	Name, RawName string
	Extras        []string
	Specifier     string
	URL           string
	Marker        string
}

func view(r Requirement) req {
	v := req{Name: r.Name, RawName: r.RawName, Extras: r.Extras, Specifier: r.Specifier, URL: r.URL}
	if r.Marker != nil {
		v.Marker = r.Marker.String()
	}
	return v
}

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in   string
		want req
	}{
		{"django", req{Name: "django", RawName: "django"}},
		{"Django", req{Name: "django", RawName: "Django"}},
		{"  Django>=3.2,<4.0  ", req{Name: "django", RawName: "Django", Specifier: ">=3.2,<4.0"}},
		{"djangorestframework~=3.11.0", req{Name: "djangorestframework", RawName: "djangorestframework", Specifier: "~=3.11.0"}},
		{"django (>=5.0, <6.0)", req{Name: "django", RawName: "django", Specifier: ">=5.0,<6.0"}},
		{"asgiref (<4,>=3.3.2)", req{Name: "asgiref", RawName: "asgiref", Specifier: "<4,>=3.3.2"}},
		{"zope.interface[test, docs] >= 5.0 ; python_version >= '3.8'", req{
			Name: "zope-interface", RawName: "zope.interface", Extras: []string{"test", "docs"},
			Specifier: ">=5.0", Marker: "python_version >= '3.8'"}},
		{"kombu[sqs]>=5.2; extra == 'sqs'", req{Name: "kombu", RawName: "kombu", Extras: []string{"sqs"}, Specifier: ">=5.2", Marker: "extra == 'sqs'"}},
		{"importlib-metadata (>=4.8.3) ; python_version < \"3.8\"", req{
			Name: "importlib-metadata", RawName: "importlib-metadata", Specifier: ">=4.8.3", Marker: `python_version < "3.8"`}},
		{"Twisted[tls,http2]>=22.4", req{Name: "twisted", RawName: "Twisted", Extras: []string{"tls", "http2"}, Specifier: ">=22.4"}},
		{"Foo_Bar.baz==1.0.post1", req{Name: "foo-bar-baz", RawName: "Foo_Bar.baz", Specifier: "==1.0.post1"}},
		{"mysqlclient==2.2.*", req{Name: "mysqlclient", RawName: "mysqlclient", Specifier: "==2.2.*"}},
		{"weird===1.0-custom+build", req{Name: "weird", RawName: "weird", Specifier: "===1.0-custom+build"}},
		{"weird (===a)", req{Name: "weird", RawName: "weird", Specifier: "===a"}},
		{"pkg!=1.5,>1.0", req{Name: "pkg", RawName: "pkg", Specifier: "!=1.5,>1.0"}},
		{"local==1.0+ubuntu.1", req{Name: "local", RawName: "local", Specifier: "==1.0+ubuntu.1"}},
		{"epoch>=1!2.0rc1.dev3", req{Name: "epoch", RawName: "epoch", Specifier: ">=1!2.0rc1.dev3"}},
		{"celery[redis]", req{Name: "celery", RawName: "celery", Extras: []string{"redis"}}},
		{"empty[ ]", req{Name: "empty", RawName: "empty"}},
		{"pip @ https://github.com/pypa/pip/archive/22.0.2.zip", req{
			Name: "pip", RawName: "pip", URL: "https://github.com/pypa/pip/archive/22.0.2.zip"}},
		{"name[fred,bar] @ http://foo.com ; python_version=='2.7'", req{
			Name: "name", RawName: "name", Extras: []string{"fred", "bar"}, URL: "http://foo.com", Marker: "python_version=='2.7'"}},
		{"tzdata; sys_platform == \"win32\"", req{Name: "tzdata", RawName: "tzdata", Marker: `sys_platform == "win32"`}},
		{"a;(os_name=='a' or os_name=='b') and extra == \"x\"", req{
			Name: "a", RawName: "a", Marker: `(os_name=='a' or os_name=='b') and extra == "x"`}},
		{"b; 'linux' in sys_platform and platform_machine not in 'x86'", req{
			Name: "b", RawName: "b", Marker: `'linux' in sys_platform and platform_machine not in 'x86'`}},
		{"x1", req{Name: "x1", RawName: "x1"}},
		{"trailing__", req{Name: "trailing-", RawName: "trailing__"}},
		{"a @ file:///srv/wheels/a-1.0.whl", req{Name: "a", RawName: "a", URL: "file:///srv/wheels/a-1.0.whl"}},
		{"a @ git+https://h/r.git@v1", req{Name: "a", RawName: "a", URL: "git+https://h/r.git@v1"}},
	}
	for _, tt := range tests {
		got, err := ParseRequirement(tt.in)
		if err != nil {
			t.Errorf("ParseRequirement(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, view(got)); diff != "" {
			t.Errorf("ParseRequirement(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// The marker a requirement carries is parsed, ready to evaluate.
func TestParseRequirementMarkerEvaluates(t *testing.T) {
	r, err := ParseRequirement(`backports.zoneinfo ; python_version < "3.9" and extra == 'tz'`)
	if err != nil {
		t.Fatal(err)
	}
	env := Linux("3.8.10", "x86_64")
	env["extra"] = "TZ"
	if ok, err := r.Marker.Eval(env); err != nil || !ok {
		t.Errorf("Eval = %v, %v; want true", ok, err)
	}
	if ok, err := r.Marker.Eval(Linux("3.11", "x86_64")); err != nil || ok {
		t.Errorf("Eval on 3.11 = %v, %v; want false", ok, err)
	}
}

func TestParseRequirementErrors(t *testing.T) {
	tests := []struct{ in, wantErr string }{
		{"", `invalid requirement "": expected a project name at column 1 (found end of text)`},
		{">=1.0", "expected a project name"},
		{"-foo", "expected a project name"},
		{"-django", "expected a project name"},
		{"django>>3", "expected a version after"},
		{"django 3.2", `invalid requirement "django 3.2": expected a version operator such as '==' or '>=' before the version at column 8 (found "3")`},
		{"bad dep ==", `invalid requirement "bad dep ==": expected a version operator such as '==' or '>=' before the version at column 5 (found "d")`},
		{"django==", "expected a version after"},
		{"django==3.2 || ==4.0", "unexpected text"},
		{"foo#bar==1.0", `invalid requirement "foo#bar==1.0": unexpected text at column 4`},
		{"django>=3.*", "invalid version"},
		{"django~=3", "at least two version segments"},
		{"django<=1.0+local", "invalid version"},
		{"django==1.0.*.post1", "invalid"},
		{"django(>=1.0", "expected ')'"},
		{"django[extra", "expected ',' or ']'"},
		{"django[,]", "expected an extra name"},
		{"django @ ", "expected a URL"},
		{"django @ ./django", "expected a URL with a scheme"},
		{"django @ 1http://x", "expected a URL with a scheme"},
		{"django;", "expected an environment marker"},
		{"django; python_version >= 3.8", `marker "python_version >= 3.8": unquoted value "3.8" — quote it, e.g. "3.8"`},
		{"django; python_version", `expected a comparison operator but found end of marker`},
		{"django; python_version 'x'", `expected a comparison operator but found "x"`},
		{"django; pyver == '3'", `unknown marker variable "pyver" (expected e.g. python_version, sys_platform, extra)`},
		{"django; os_name == 'a' and", "expected a marker variable or quoted string but found end of marker"},
		{"django; os_name == 'a' and and", `expected a marker variable or quoted string but found "and"`},
		{"django; (os_name == 'a'", "expected ')' but found end of marker"},
		{"django; os_name == 'a' os_name", `unexpected "os_name"`},
		{"django; os_name == 'a", "unterminated string at column 12"},
		{"django; os_name not 'a'", "expected 'in' after 'not'"},
		{"django; os_name = 'a'", "unknown operator at column 9"},
		{"django; os_name == 'a'\nand os_name == 'b'", `unexpected '\n' at column 15`},
		{"django; " + strings.Repeat("(", 102) + "os_name == 'a'" + strings.Repeat(")", 102), "marker nested too deeply"},
		{"django-", "unexpected text"},
		{"foo @ https://example.invalid/foo.whl extra", "unexpected text"},
	}
	for _, tt := range tests {
		_, err := ParseRequirement(tt.in)
		if err == nil {
			t.Errorf("ParseRequirement(%q): no error, want %q", tt.in, tt.wantErr)
			continue
		}
		if !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseRequirement(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
		}
	}
}

func TestParseRequirementMarker(t *testing.T) {
	if m, err := ParseRequirementMarker(`os_name == "posix"`); err != nil || m.String() != `os_name == "posix"` {
		t.Errorf("ParseRequirementMarker = %v, %v", m, err)
	}
	for in, want := range map[string]string{
		"":                      "expected a marker variable or quoted string but found end of marker",
		"os_name == 'a' or":     "expected a marker variable or quoted string but found end of marker",
		"os_name ==\n'a'":       `unexpected '\n' at column 11`,
		"foo == 'a'":            `unknown marker variable "foo"`,
		"(os_name == 'a'))":     `unexpected ")"`,
		"os_name == 'a' or (1)": `unquoted value "1" — quote it`,
	} {
		if _, err := ParseRequirementMarker(in); err == nil || err.Error() != want && !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseRequirementMarker(%q) error = %v, want %q", in, err, want)
		}
	}
}

func TestRequirementString(t *testing.T) {
	for in, want := range map[string]string{
		"django>=3.2,<4.0": "django>=3.2,<4.0",
		"celery[redis,sqs]==5.3; python_version >= '3.8'":             "celery[redis,sqs]==5.3; python_version >= '3.8'",
		"pip @ https://example.com/pip.zip ; sys_platform == 'linux'": "pip @ https://example.com/pip.zip ; sys_platform == 'linux'",
		"pip@https://example.com/pip.zip":                             "pip @ https://example.com/pip.zip",
		"Zope.Interface [ Test ] ( >= 5 , < 6 )":                      "Zope.Interface[Test]>=5,<6",
		"x[]":                                                         "x",
	} {
		r, err := ParseRequirement(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.String(); got != want {
			t.Errorf("String() of %q = %q, want %q", in, got, want)
		}
		back, err := ParseRequirement(r.String())
		if err != nil {
			t.Fatalf("re-parse %q: %v", r.String(), err)
		}
		if diff := cmp.Diff(view(r), view(back)); diff != "" {
			t.Errorf("round trip of %q via %q (-first +second):\n%s", in, r.String(), diff)
		}
	}
}

func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{
		"django", "Django>=3.2,<4.0", "django (>=5.0, <6.0)", "zope.interface[test]>=5; python_version >= '3.8'",
		"pip @ https://example.com/pip.zip ; sys_platform == 'linux'", "x===1", "a==1.*", "a~=1.0",
		"a; (os_name == 'a' or extra == \"b\") and 'x' not in platform_version",
		"asgiref (<4,>=3.3.2)", "kombu[sqs]>=5.2; extra == 'sqs'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRequirement(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "invalid requirement ") {
				t.Fatalf("%q: error %q", s, err)
			}
			return
		}
		if r.Name != NormalizeName(r.RawName) || r.Name == "" {
			t.Fatalf("%q: Name %q, RawName %q", s, r.Name, r.RawName)
		}
		back, err := ParseRequirement(r.String())
		if err != nil {
			t.Fatalf("%q parsed, but its String() %q does not: %v", s, r.String(), err)
		}
		if diff := cmp.Diff(view(r), view(back)); diff != "" {
			t.Fatalf("%q round trip via %q changed (-first +second):\n%s", s, r.String(), diff)
		}
		if r.Marker != nil {
			// The marker a requirement accepts is one Parse accepts too, and evaluates.
			if _, err := Parse(r.Marker.String()); err != nil {
				t.Fatalf("%q: the requirement's marker does not parse alone: %v", s, err)
			}
			a, errA := r.Marker.Eval(Linux("3.8.10", "x86_64"))
			b, errB := Eval(r.Marker.String(), Linux("3.8.10", "x86_64"))
			if a != b || (errA == nil) != (errB == nil) {
				t.Fatalf("%q: the requirement's marker evaluates to %v, %v; parsed alone %v, %v", s, a, errA, b, errB)
			}
		}
	})
}

func TestHasURLScheme(t *testing.T) {
	for in, want := range map[string]bool{
		"https://x": true, "HTTPS://x": true, "git+ssh://x": true, "a1.b-c+d:": true, "file:x": true,
		"": false, "x": false, "1http://x": false, "./x": false, "ht tp://x": false, ":x": false, "_x:": false,
	} {
		if got := hasURLScheme(in); got != want {
			t.Errorf("hasURLScheme(%q) = %v", in, got)
		}
	}
}
