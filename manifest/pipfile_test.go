package manifest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParsePipfile(t *testing.T) {
	pf, err := ParsePipfile(readFixture(t, "pipenv/Pipfile"), "Pipfile")
	if err != nil {
		t.Fatal(err)
	}
	wantPkgs := []brief{
		{"django", "", "", "", false, 0, "Pipfile:12"},
		{"djangorestframework", "~=3.11.0", "", "", false, 0, "Pipfile:13"},
		{"pygments", "==2.6.1", "", "", false, 0, "Pipfile:14"},
		{"psycopg2-binary", ">=2.8,<3", "sys_platform == 'linux'", "", false, 0, "Pipfile:15"},
		{"requests", "", "", "", false, 0, "Pipfile:16"},
		{"django-filter", "==2.4", "sys_platform != 'win32'", "", false, 0, "Pipfile:17"},
		{"mylib", "", "", "git+https://github.com/example/mylib.git@v1.0.2", true, 0, "Pipfile:18"},
		{"localpkg", "", "", "./libs/localpkg", true, 0, "Pipfile:19"},
	}
	if diff := cmp.Diff(wantPkgs, briefs(pf.Packages)); diff != "" {
		t.Errorf("Packages (-want +got):\n%s", diff)
	}
	if got := pf.Packages[4].Extras; !cmp.Equal(got, []string{"socks", "security"}) {
		t.Errorf("requests extras = %q", got)
	}
	if got := pf.Packages[5].RawName; got != "Django_Filter" {
		t.Errorf("RawName = %q", got)
	}
	wantDev := []brief{
		{"pytest", "", "", "", false, 0, "Pipfile:22"},
		{"black", "==22.3.0", "", "", false, 0, "Pipfile:23"},
	}
	if diff := cmp.Diff(wantDev, briefs(pf.DevPackages)); diff != "" {
		t.Errorf("DevPackages (-want +got):\n%s", diff)
	}
	if pf.PythonVersion != "3.8" || pf.PythonVersionLine != 26 || pf.PythonFullVersion != "3.8.10" || pf.PythonFullVersionLine != 27 {
		t.Errorf("python = %q:%d, %q:%d", pf.PythonVersion, pf.PythonVersionLine, pf.PythonFullVersion, pf.PythonFullVersionLine)
	}
	wantSrc := []Source{
		{Name: "pypi", URL: "https://pypi.org/simple", VerifySSL: true},
		{Name: "internal", URL: "https://pypi.internal.example.com/simple", VerifySSL: false},
	}
	if diff := cmp.Diff(wantSrc, pf.Sources); diff != "" {
		t.Errorf("Sources (-want +got):\n%s", diff)
	}
}

func TestParsePipfileMinimal(t *testing.T) {
	// The classic DRF tutorial Pipfile, with the sections in another order.
	src := `[requires]
python_version = "3.11"

[dev-packages]

[packages]
djangorestframework = "~=3.11.0"
django = "*"
`
	pf, err := ParsePipfile([]byte(src), "app/Pipfile")
	if err != nil {
		t.Fatal(err)
	}
	want := []brief{
		{"djangorestframework", "~=3.11.0", "", "", false, 0, "app/Pipfile:7"},
		{"django", "", "", "", false, 0, "app/Pipfile:8"},
	}
	if diff := cmp.Diff(want, briefs(pf.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if pf.PythonVersion != "3.11" || pf.PythonVersionLine != 2 || len(pf.DevPackages) != 0 || len(pf.Sources) != 0 {
		t.Errorf("got %+v", pf)
	}
}

func TestParsePipfileErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", "[packages]\ndjango = \"*\"\nrequests = {version = \"*\"\n",
			"Pipfile:3: expected a comma or an inline table terminator '}', but got end of file instead — fix the TOML syntax"},
		{"bad specifier", "[packages]\n\ndjango = \">>3\"\n", `Pipfile:3: [packages] django: invalid version specifier ">>3"`},
		{"bad marker", "[dev-packages]\npytest = {version = \"*\", markers = \"os == 'x'\"}\n", `Pipfile:2: [dev-packages] pytest: markers "os == 'x'"`},
		{"unquoted python", "[requires]\npython_version = 3.10\n", "Pipfile:2: python_version must be a quoted string"},
		{"packages not a table", "packages = 1\n", "Pipfile:1: [packages] must be a table"},
		{"bad entry type", "[packages]\ndjango = 3\n", "Pipfile:2: [packages] django: expected a version string"},
		{"bad name", "[packages]\n\"not a name\" = \"*\"\n", `Pipfile:2: [packages] not a name: "not a name" is not a valid package name`},
		{"bad extras", "[packages]\nx = {extras = \"a\"}\n", "Pipfile:2: [packages] x: extras must be a list"},
		{"bad version type", "[packages]\nx = {version = 1}\n", "Pipfile:2: [packages] x: version must be a string"},
		{"source not tables", "source = 1\n", "Pipfile:1: [[source]] must be an array of tables"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePipfile([]byte(tt.src), "Pipfile")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant prefix %q", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line == 0 {
				t.Errorf("not a located ParseError: %#v", err)
			}
		})
	}
}
