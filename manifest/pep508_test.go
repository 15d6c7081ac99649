package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizeName(t *testing.T) {
	tests := map[string]string{
		"Django":                "django",
		"django_rest.FRAMEWORK": "django-rest-framework",
		"zope.interface":        "zope-interface",
		"a--_.b":                "a-b",
		"psycopg2-binary":       "psycopg2-binary",
		"":                      "",
	}
	for in, want := range tests {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in   string
		want Requirement
	}{
		{"django", Requirement{Name: "django", RawName: "django"}},
		{"  Django>=3.2,<4.0  ", Requirement{Name: "django", RawName: "Django", Specifier: ">=3.2,<4.0"}},
		{"djangorestframework~=3.11.0", Requirement{Name: "djangorestframework", RawName: "djangorestframework", Specifier: "~=3.11.0"}},
		{"django (>=5.0, <6.0)", Requirement{Name: "django", RawName: "django", Specifier: ">=5.0,<6.0"}},
		{"zope.interface[test, docs] >= 5.0 ; python_version >= '3.8'", Requirement{
			Name: "zope-interface", RawName: "zope.interface", Extras: []string{"test", "docs"},
			Specifier: ">=5.0", Marker: "python_version >= '3.8'"}},
		{"Foo_Bar.baz==1.0.post1", Requirement{Name: "foo-bar-baz", RawName: "Foo_Bar.baz", Specifier: "==1.0.post1"}},
		{"mysqlclient==2.2.*", Requirement{Name: "mysqlclient", RawName: "mysqlclient", Specifier: "==2.2.*"}},
		{"weird===1.0-custom+build", Requirement{Name: "weird", RawName: "weird", Specifier: "===1.0-custom+build"}},
		{"pkg!=1.5,>1.0", Requirement{Name: "pkg", RawName: "pkg", Specifier: "!=1.5,>1.0"}},
		{"local==1.0+ubuntu.1", Requirement{Name: "local", RawName: "local", Specifier: "==1.0+ubuntu.1"}},
		{"epoch>=1!2.0rc1.dev3", Requirement{Name: "epoch", RawName: "epoch", Specifier: ">=1!2.0rc1.dev3"}},
		{"celery[redis]", Requirement{Name: "celery", RawName: "celery", Extras: []string{"redis"}}},
		{"empty[ ]", Requirement{Name: "empty", RawName: "empty"}},
		{"pip @ https://github.com/pypa/pip/archive/22.0.2.zip", Requirement{
			Name: "pip", RawName: "pip", URL: "https://github.com/pypa/pip/archive/22.0.2.zip"}},
		{"name[fred,bar] @ http://foo.com ; python_version=='2.7'", Requirement{
			Name: "name", RawName: "name", Extras: []string{"fred", "bar"}, URL: "http://foo.com", Marker: "python_version=='2.7'"}},
		{"tzdata; sys_platform == \"win32\"", Requirement{Name: "tzdata", RawName: "tzdata", Marker: `sys_platform == "win32"`}},
		{"a;(os_name=='a' or os_name=='b') and extra == \"x\"", Requirement{
			Name: "a", RawName: "a", Marker: `(os_name=='a' or os_name=='b') and extra == "x"`}},
		{"b; 'linux' in sys_platform and platform_machine not in 'x86'", Requirement{
			Name: "b", RawName: "b", Marker: `'linux' in sys_platform and platform_machine not in 'x86'`}},
		{"x1", Requirement{Name: "x1", RawName: "x1"}},
		{"trailing__", Requirement{Name: "trailing-", RawName: "trailing__"}},
		{"a @ file:///srv/wheels/a-1.0.whl", Requirement{Name: "a", RawName: "a", URL: "file:///srv/wheels/a-1.0.whl"}},
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
}

func TestParseRequirementErrors(t *testing.T) {
	tests := []struct{ in, wantErr string }{
		{"", "expected a project name"},
		{">=1.0", "expected a project name"},
		{"django>>3", "expected a version after"},
		{"django 3.2", "expected a version operator"},
		{"django==", "expected a version after"},
		{"django==3.2 || ==4.0", "unexpected text"},
		{"django>=3.*", "invalid version"},
		{"django~=3", "at least two version segments"},
		{"django<=1.0+local", "invalid version"},
		{"django==1.0.*.post1", "invalid"},
		{"django(>=1.0", "expected ')'"},
		{"django[extra", "expected ',' or ']'"},
		{"django[,]", "expected an extra name"},
		{"django @ ", "expected a URL"},
		{"django @ ./django", "expected a URL with a scheme"},
		{"django;", "expected an environment marker"},
		{"django; python_version >= 3.8", "unquoted value \"3.8\""},
		{"django; python_version", "expected a comparison operator"},
		{"django; pyver == '3'", "unknown marker variable"},
		{"django; os_name == 'a' and", "expected a marker variable"},
		{"django; (os_name == 'a'", "expected ')'"},
		{"django; os_name == 'a", "unterminated string"},
		{"django; os_name not 'a'", "expected 'in' after 'not'"},
		{"django-", "unexpected text"},
		{"-django", "expected a project name"},
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
	}
	for in, want := range good {
		got, err := ValidateSpecifier(in)
		if err != nil || got != want {
			t.Errorf("ValidateSpecifier(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"3.2", ">=3.2 || <2", ">=", "=>3", ">=3.2,", "==1.0 extra", ">=1.0+local", "~=1.*"} {
		if got, err := ValidateSpecifier(bad); err == nil {
			t.Errorf("ValidateSpecifier(%q) = %q, want an error", bad, got)
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
