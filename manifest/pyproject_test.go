package manifest

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePyprojectPEP621(t *testing.T) {
	pp, err := ParsePyproject(readFixture(t, "pep621/pyproject.toml"), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	if pp.Name != "Library_API" || pp.RequiresPython != ">=3.10, <3.13" || pp.RequiresPythonLine != 9 {
		t.Errorf("Name, RequiresPython = %q, %q:%d", pp.Name, pp.RequiresPython, pp.RequiresPythonLine)
	}
	want := []brief{
		{"django", ">=4.2,<5.0", "", "", false, 0, "pyproject.toml:11"},
		{"djangorestframework", "~=3.14.0", "", "", false, 0, "pyproject.toml:12"},
		{"zope-interface", ">=5.0", "python_version >= '3.8'", "", false, 0, "pyproject.toml:13"},
		{"mysqlclient", "==2.2.*", "", "", false, 0, "pyproject.toml:14"},
		{"whitenoise", "", "sys_platform == 'linux'", "https://example.com/whitenoise-6.6.0-py3-none-any.whl", false, 0, "pyproject.toml:15"},
	}
	if diff := cmp.Diff(want, briefs(pp.Dependencies)); diff != "" {
		t.Errorf("Dependencies (-want +got):\n%s", diff)
	}
	wantOpt := map[string][]brief{
		"docs":          {{"sphinx", ">=7", "", "", false, 0, "pyproject.toml:19"}},
		"Server_Extras": {{"gunicorn", "", "", "", false, 0, "pyproject.toml:21"}, {"uvicorn", ">=0.30", "", "", false, 0, "pyproject.toml:22"}},
	}
	gotOpt := map[string][]brief{}
	for k, v := range pp.OptionalDependencies {
		gotOpt[k] = briefs(v)
	}
	if diff := cmp.Diff(wantOpt, gotOpt); diff != "" {
		t.Errorf("OptionalDependencies (-want +got):\n%s", diff)
	}
	wantGroups := map[string][]brief{
		"test": {{"pytest", ">=8", "", "", false, 0, "pyproject.toml:29"}, {"pytest-django", "", "", "", false, 0, "pyproject.toml:29"}},
		"dev": {{"pytest", ">=8", "", "", false, 0, "pyproject.toml:29"}, {"pytest-django", "", "", "", false, 0, "pyproject.toml:29"},
			{"ipdb", "", "", "", false, 0, "pyproject.toml:30"}},
	}
	gotGroups := map[string][]brief{}
	for k, v := range pp.DependencyGroups {
		gotGroups[k] = briefs(v)
	}
	if diff := cmp.Diff(wantGroups, gotGroups); diff != "" {
		t.Errorf("DependencyGroups (-want +got):\n%s", diff)
	}
	if pp.BuildBackend != "setuptools.build_meta" || pp.Poetry != nil || pp.UV || pp.PDM {
		t.Errorf("BuildBackend, Poetry, UV, PDM = %q, %v, %v, %v", pp.BuildBackend, pp.Poetry, pp.UV, pp.PDM)
	}
	if diff := cmp.Diff(map[string]string{"library-admin": "library.manage:main"}, pp.Scripts); diff != "" {
		t.Errorf("Scripts (-want +got):\n%s", diff)
	}
}

func TestParsePyprojectPoetry1(t *testing.T) {
	pp, err := ParsePyproject(readFixture(t, "poetry1/pyproject.toml"), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	if pp.Name != "bookshop" || pp.Poetry == nil || pp.BuildBackend != "poetry.core.masonry.api" {
		t.Fatalf("Name, Poetry, BuildBackend = %q, %v, %q", pp.Name, pp.Poetry, pp.BuildBackend)
	}
	ps := pp.Poetry
	if ps.Python != ">=3.10,<4.0" || ps.PythonRaw != "^3.10" || ps.PythonLine != 8 {
		t.Errorf("Python = %q (%q) line %d", ps.Python, ps.PythonRaw, ps.PythonLine)
	}
	want := []brief{
		{"django", ">=4.2,<5.0", "", "", false, 0, "pyproject.toml:9"},
		{"djangorestframework", ">=3.14,<3.15", "", "", false, 0, "pyproject.toml:10"},
		{"psycopg2", ">=2.9.5,<3.0.0", "", "", false, 0, "pyproject.toml:11"},
		{"celery", "==5.2.7", "", "", false, 0, "pyproject.toml:12"},
		{"gunicorn", "", "", "", false, 0, "pyproject.toml:13"},
		{"pillow", "<9.0", `python_version < "3.8"`, "", false, 0, "pyproject.toml:14"},
		{"pillow", ">=9.5,<10.0", `python_version >= "3.8"`, "", false, 0, "pyproject.toml:14"},
		{"mylib", "", "", "git+https://github.com/example/mylib.git@main", false, 0, "pyproject.toml:18"},
		{"shared", "", "", "../shared", true, 0, "pyproject.toml:19"},
		{"pywin32", ">=306,<307", "sys_platform == 'win32'", "", false, 0, "pyproject.toml:20"},
	}
	if diff := cmp.Diff(want, briefs(ps.Dependencies)); diff != "" {
		t.Errorf("Dependencies (-want +got):\n%s", diff)
	}
	if !ps.Dependencies[2].Optional || ps.Dependencies[3].Optional {
		t.Errorf("Optional flags wrong: %+v", ps.Dependencies[2:4])
	}
	if got := ps.Dependencies[3].Extras; !cmp.Equal(got, []string{"redis"}) {
		t.Errorf("celery extras = %q", got)
	}
	wantDev := []brief{
		{"pytest", ">=7.2,<8.0", "", "", false, 0, "pyproject.toml:26"},
		{"pytest-django", ">=4.5,<5", "", "", false, 0, "pyproject.toml:27"},
	}
	if diff := cmp.Diff(wantDev, briefs(ps.DevDependencies)); diff != "" {
		t.Errorf("DevDependencies (-want +got):\n%s", diff)
	}
	if ps.DevDependencies[0].Group != "dev" {
		t.Errorf("Group = %q", ps.DevDependencies[0].Group)
	}
	if diff := cmp.Diff(map[string]string{"bookshop": "bookshop.cli:main"}, pp.Scripts); diff != "" {
		t.Errorf("Scripts (-want +got):\n%s", diff)
	}
}

func TestParsePyprojectPoetry2(t *testing.T) {
	pp, err := ParsePyproject(readFixture(t, "poetry2/pyproject.toml"), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := []brief{
		{"django", ">=5.0,<6.0", "", "", false, 0, "pyproject.toml:6"},
		{"channels", ">=4.0", "", "", false, 0, "pyproject.toml:7"},
	}
	if diff := cmp.Diff(want, briefs(pp.Dependencies)); diff != "" {
		t.Errorf("Dependencies (-want +got):\n%s", diff)
	}
	ps := pp.Poetry
	if ps == nil || len(ps.Dependencies) != 0 || ps.Python != ">=3.11" || ps.PythonLine != 14 {
		t.Fatalf("Poetry = %+v", ps)
	}
	wantDev := []brief{
		{"pytest", ">=8.0,<9.0", "", "", false, 0, "pyproject.toml:17"},
		{"mkdocs", ">=1.5,<2.0", "", "", false, 0, "pyproject.toml:23"},
	}
	if diff := cmp.Diff(wantDev, briefs(ps.DevDependencies)); diff != "" {
		t.Errorf("DevDependencies (-want +got):\n%s", diff)
	}
	if ps.DevDependencies[0].Group != "dev" || ps.DevDependencies[1].Group != "docs" {
		t.Errorf("groups = %q, %q", ps.DevDependencies[0].Group, ps.DevDependencies[1].Group)
	}
}

func TestParsePyprojectUVAndPDM(t *testing.T) {
	pp, err := ParsePyproject(readFixture(t, "uv/pyproject.toml"), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !pp.UV || pp.PDM || pp.Poetry != nil || pp.RequiresPython != ">=3.12" || pp.RequiresPythonLine != 6 {
		t.Errorf("UV, PDM, Poetry, RequiresPython = %v, %v, %v, %q:%d", pp.UV, pp.PDM, pp.Poetry, pp.RequiresPython, pp.RequiresPythonLine)
	}
	want := []brief{
		{"django", ">=5.1", "", "", false, 0, "pyproject.toml:8"},
		{"psycopg", ">=3.2", "", "", false, 0, "pyproject.toml:9"},
		{"gunicorn", ">=23.0", "", "", false, 0, "pyproject.toml:10"},
	}
	if diff := cmp.Diff(want, briefs(pp.Dependencies)); diff != "" {
		t.Errorf("Dependencies (-want +got):\n%s", diff)
	}
	wantGroups := map[string][]brief{
		"dev": {{"pytest-django", ">=4.9", "", "", false, 0, "pyproject.toml:18"},
			{"ruff", ">=0.8", "", "", false, 0, "pyproject.toml:21"},
			{"ipython", "", "", "", false, 0, "pyproject.toml:27"}},
		"lint": {{"ruff", ">=0.8", "", "", false, 0, "pyproject.toml:21"}},
	}
	gotGroups := map[string][]brief{}
	for k, v := range pp.DependencyGroups {
		gotGroups[k] = briefs(v)
	}
	if diff := cmp.Diff(wantGroups, gotGroups); diff != "" {
		t.Errorf("DependencyGroups (-want +got):\n%s", diff)
	}

	pp, err = ParsePyproject(readFixture(t, "pdm/pyproject.toml"), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !pp.PDM || pp.UV || pp.BuildBackend != "pdm.backend" {
		t.Errorf("PDM, UV, BuildBackend = %v, %v, %q", pp.PDM, pp.UV, pp.BuildBackend)
	}
	want = []brief{
		{"django", "~=5.0", "", "", false, 0, "pyproject.toml:5"},
		{"whitenoise", ">=6.6", "", "", false, 0, "pyproject.toml:5"},
	}
	if diff := cmp.Diff(want, briefs(pp.Dependencies)); diff != "" {
		t.Errorf("PDM Dependencies (-want +got):\n%s", diff)
	}
	wantGroups = map[string][]brief{
		"test": {{"pytest", ">=8", "", "", false, 0, "pyproject.toml:11"},
			{"testkit", "", "", "file:///${PROJECT_ROOT}/libs/testkit#egg=testkit", true, 0, "pyproject.toml:11"}},
		"lint": {{"ruff", "", "", "", false, 0, "pyproject.toml:12"}},
	}
	gotGroups = map[string][]brief{}
	for k, v := range pp.DependencyGroups {
		gotGroups[k] = briefs(v)
	}
	if diff := cmp.Diff(wantGroups, gotGroups); diff != "" {
		t.Errorf("PDM groups (-want +got):\n%s", diff)
	}
}

func TestParsePyprojectDynamic(t *testing.T) {
	src := `[project]
name = "dyn"
dynamic = ["version", "dependencies"]

[tool.setuptools.dynamic]
dependencies = {file = ["requirements.txt", "requirements/base.txt"]}
`
	pp, err := ParsePyproject([]byte(src), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(pp.Dynamic, []string{"version", "dependencies"}) || !cmp.Equal(pp.DependencyFiles, []string{"requirements.txt", "requirements/base.txt"}) {
		t.Errorf("Dynamic, DependencyFiles = %q, %q", pp.Dynamic, pp.DependencyFiles)
	}
	pp, err = ParsePyproject([]byte("[tool.setuptools.dynamic]\ndependencies = {file = \"reqs.txt\"}\n"), "pyproject.toml")
	if err != nil || !cmp.Equal(pp.DependencyFiles, []string{"reqs.txt"}) || pp.Name != "" || pp.Poetry != nil {
		t.Errorf("got %+v, %v", pp, err)
	}
}

func TestParsePyprojectErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", "[project]\nname = \"x\"\ndependencies = [\n  \"django\"\n  \"requests\",\n]\n",
			"pyproject.toml:5: expected a comma (',') or array terminator (']'), but got '\"' — fix the TOML syntax"},
		{"bad dependency", "[project]\nname = \"x\"\ndependencies = [\n  \"django>=4.2\",\n  \"requests>>2\",\n]\n",
			`pyproject.toml:5: invalid requirement "requests>>2": expected a version after ">"`},
		{"bad optional dependency", "[project.optional-dependencies]\ndocs = [\"sphinx (>=7\"]\n",
			`pyproject.toml:2: invalid requirement "sphinx (>=7": expected ')'`},
		{"dependency not a string", "[project]\ndependencies = [\"a\",\n 3]\n", "pyproject.toml:3: project.dependencies: expected a requirement string"},
		{"dependencies not a list", "[project]\ndependencies = \"django\"\n", "pyproject.toml:2: project.dependencies must be a list"},
		{"bad requires-python", "[project]\nname = \"x\"\nrequires-python = \"3.11\"\n", "pyproject.toml:3: requires-python: invalid version specifier \"3.11\""},
		{"requires-python type", "[project]\nrequires-python = 3.11\n", "pyproject.toml:2: requires-python must be a string"},
		{"project not a table", "project = 1\n", "pyproject.toml:1: project must be a table"},
		{"group cycle", "[dependency-groups]\na = [{include-group = \"b\"}]\nb = [\"x\", {include-group = \"a\"}]\n",
			`pyproject.toml:2: dependency group "a" includes itself (via a -> b) — remove the cycle`},
		{"unknown group", "[dependency-groups]\na = [\"x\",\n  {include-group = \"nope\"}]\n", `pyproject.toml:3: include-group "nope": no such dependency group`},
		{"bad group table", "[dependency-groups]\na = [{other = 1}]\n", "pyproject.toml:2: a table in a dependency group"},
		{"bad group requirement", "[dependency-groups]\ntest = [\n\"pytest=8\"]\n", `pyproject.toml:3: invalid requirement "pytest=8"`},
		{"poetry caret", "[tool.poetry.dependencies]\npython = \"^3.11\"\ndjango = \"^four\"\n", `pyproject.toml:3: django: invalid constraint "^four"`},
		{"poetry python type", "[tool.poetry.dependencies]\npython = 3\n", "pyproject.toml:2: python must be a constraint string"},
		{"poetry dep type", "[tool.poetry.group.dev.dependencies]\npytest = 8\n", "pyproject.toml:2: pytest: expected a version string"},
		{"poetry python marker", "[tool.poetry.dependencies]\nx = {version = \"1\", python = \"^three\"}\n", `pyproject.toml:2: x: python = "^three"`},
		{"poetry markers", "[tool.poetry.dependencies]\nx = {version = \"1\", markers = \"platform == 'x'\"}\n", `pyproject.toml:2: x: markers`},
		{"poetry group not table", "[tool.poetry]\ngroup = 1\n", "pyproject.toml:2: tool.poetry.group must be a table"},
		{"poetry list entry", "[tool.poetry.dependencies]\nx = [\"1\"]\n", "pyproject.toml:2: x: each entry of a multiple-constraint dependency"},
		{"uv dev deps", "[tool.uv]\ndev-dependencies = [\"ok\", \"bad[\"]\n", `pyproject.toml:2: invalid requirement "bad["`},
		{"pdm dev deps", "[tool.pdm.dev-dependencies]\ntest = [\n  \"-e \",\n]\n", `pyproject.toml:3: invalid requirement "-e"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePyproject([]byte(tt.src), "pyproject.toml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line == 0 {
				t.Errorf("not a located ParseError: %#v", err)
			}
		})
	}
}

// TestParsePyprojectPytest: the line of [tool.pytest.ini_options], 0 without one.
func TestParsePyprojectPytest(t *testing.T) {
	pp, err := ParsePyproject([]byte("[project]\nname = \"x\"\n\n[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = \"x.settings\"\n"), "pyproject.toml")
	if err != nil {
		t.Fatal(err)
	}
	if pp.PytestLine != 4 {
		t.Errorf("PytestLine = %d, want 4", pp.PytestLine)
	}
	if pp, err = ParsePyproject([]byte("[tool.pytest]\nx = 1\n"), "pyproject.toml"); err != nil || pp.PytestLine != 0 {
		t.Errorf("without ini_options: PytestLine = %d, %v", pp.PytestLine, err)
	}
}
