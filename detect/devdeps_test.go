package detect_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/detect"
)

// devSummary is a DevSource in one line: kind, name, source and packages.
func devSummary(s detect.DevSource) string {
	return string(s.Kind) + " " + s.Name + " @" + s.Source + " [" + strings.Join(s.Packages, " ") + "]"
}

// TestDevDependencies: what each kind of dependency file declares for development is
// reported with its evidence, whichever manager is chosen; extras count only when their
// name says development, and a development requirements file that production already uses
// (the only one) is not reported again.
func TestDevDependencies(t *testing.T) {
	manage := &fstest.MapFile{Data: []byte("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings')\n")}
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  []string
	}{
		{"requirements files", fstest.MapFS{
			"requirements.txt":      {Data: []byte("django==5.1\n")},
			"requirements-dev.txt":  {Data: []byte("-r requirements.txt\npytest-django==4.9\n")},
			"requirements/docs.txt": {Data: []byte("sphinx\n")},
		}, []string{
			"requirements-file requirements-dev.txt @requirements-dev.txt:2 [django pytest-django]",
			"requirements-file requirements/docs.txt @requirements/docs.txt:1 [sphinx]",
		}},
		{"only a development file", fstest.MapFS{
			"requirements-dev.txt": {Data: []byte("django==5.1\n")},
		}, nil},
		{"Pipfile", fstest.MapFS{
			"Pipfile": {Data: []byte("[packages]\ndjango = \"*\"\n\n[dev-packages]\npytest = \"*\"\n")},
		}, []string{"pipfile-dev-packages dev-packages @Pipfile:5 [pytest]"}},
		{"Poetry groups", fstest.MapFS{
			"pyproject.toml": {Data: []byte("[tool.poetry]\nname = \"x\"\n[tool.poetry.dependencies]\npython = \"^3.12\"\ndjango = \"^5\"\n" +
				"[tool.poetry.dev-dependencies]\nblack = \"*\"\n[tool.poetry.group.test.dependencies]\npytest = \"^8\"\n")},
		}, []string{"poetry-group dev @pyproject.toml:7 [black]", "poetry-group test @pyproject.toml:9 [pytest]"}},
		{"PEP 735 groups and extras", fstest.MapFS{
			"pyproject.toml": {Data: []byte("[project]\nname = \"x\"\ndependencies = [\"django\"]\n" +
				"[project.optional-dependencies]\npostgres = [\"psycopg\"]\ntest = [\"pytest-django\"]\n" +
				"[dependency-groups]\nlint = [\"ruff\"]\ndev = [\"pytest\", {include-group = \"lint\"}]\n")},
		}, []string{
			"dependency-group lint @pyproject.toml:8 [ruff]",
			"dependency-group dev @pyproject.toml:9 [pytest ruff]",
			"extra test @pyproject.toml:6 [pytest-django]",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.files["manage.py"] = manage
			p, err := detect.Detect(tc.files, "proj")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range p.DevDependencies {
				got = append(got, devSummary(s))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("dev dependencies\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestPytestConfig: every place pytest reads its configuration from, the app root first and
// up to the project root, then the first conftest.py.
func TestPytestConfig(t *testing.T) {
	fsys := fstest.MapFS{
		"backend/manage.py":          {Data: []byte("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'app.settings')\n")},
		"backend/requirements.txt":   {Data: []byte("django\n")},
		"backend/pytest.ini":         {Data: []byte("[pytest]\n")},
		"backend/app/conftest.py":    {Data: []byte("")},
		"tox.ini":                    {Data: []byte("[tox]\nenvlist = py312\n\n[pytest]\naddopts = -q\n")},
		"setup.cfg":                  {Data: []byte("[flake8]\nmax-line-length = 100\n")},
		"node_modules/x/conftest.py": {Data: []byte("")},
	}
	p, err := detect.Detect(fsys, "proj")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range p.Tests.PytestConfig {
		got = append(got, f.Name+"@"+f.Source)
	}
	want := []string{"pytest.ini@backend/pytest.ini", "tox.ini@tox.ini:4", "conftest.py@backend/app/conftest.py"}
	if !slices.Equal(got, want) {
		t.Errorf("pytest config\n got %q\nwant %q", got, want)
	}
}
