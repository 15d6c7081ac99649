package detect

import (
	"testing"
	"testing/fstest"
)

// TestRequirementsBesidePipfile: a requirements file beside a Pipfile is what gets installed
// when a deployment file installs it (even with a Pipfile.lock), or when it pins every
// package and there is no Pipfile.lock; otherwise the Pipfile wins.
func TestRequirementsBesidePipfile(t *testing.T) {
	pipfile := "[packages]\ndjango = \"~=5.0\"\n"
	for _, tc := range []struct {
		name  string
		files map[string]string
		pm    PackageManager
		why   string
	}{
		{"pinned export, no lock", map[string]string{"requirements.txt": "-i https://pypi.org/simple\ndjango==5.2.15; python_version >= '3.10'\n"},
			ManagerPip, "requirements.txt pins every package and the Pipfile has no Pipfile.lock"},
		{"unpinned requirements, no lock", map[string]string{"requirements.txt": "django>=5\n"}, ManagerPipenv, "Pipfile (no Pipfile.lock)"},
		{"Dockerfile installs it, lock or not", map[string]string{"requirements.txt": "django>=5\n", "Pipfile.lock": `{"_meta": {}, "default": {}, "develop": {}}`,
			"docker/Dockerfile": "FROM python:3.12\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n"},
			ManagerPip, "docker/Dockerfile:3 installs requirements.txt with pip"},
		{"a CI workflow installs it", map[string]string{"requirements.txt": "django>=5\n",
			".github/workflows/tests.yml": "jobs:\n  test:\n    steps:\n      - run: python -m pip install -r requirements.txt\n"},
			ManagerPip, ".github/workflows/tests.yml:4 installs requirements.txt with pip"},
		{"only a development Dockerfile installs it", map[string]string{"requirements.txt": "django>=5\n",
			"Dockerfile.dev": "FROM python:3.12\nRUN pip install -r requirements.txt\n"}, ManagerPipenv, "Pipfile (no Pipfile.lock)"},
		{"a commented-out install is not one", map[string]string{"requirements.txt": "django>=5\n",
			"Dockerfile": "FROM python:3.12\n# RUN pip install -r requirements.txt\nRUN pipenv install --system\n"}, ManagerPipenv, "Pipfile (no Pipfile.lock)"},
	} {
		fsys := fstest.MapFS{"manage.py": {Data: []byte("")}, "Pipfile": {Data: []byte(pipfile)}}
		for n, b := range tc.files {
			fsys[n] = &fstest.MapFile{Data: []byte(b)}
		}
		p, err := Detect(fsys, "p")
		if err != nil {
			t.Fatal(err)
		}
		if p.PackageManager != tc.pm || p.PackageManagerSource != tc.why {
			t.Errorf("%s: %s (%s), want %s (%s)", tc.name, p.PackageManager, p.PackageManagerSource, tc.pm, tc.why)
		}
	}
}

// TestToolTableWithoutDependencies: [tool.uv] (or [tool.pdm]) configuring the tool does not
// make it the package manager of a project whose dependencies are in requirements.txt.
func TestToolTableWithoutDependencies(t *testing.T) {
	for _, tool := range []string{"uv", "pdm"} {
		p, err := Detect(fstest.MapFS{
			"manage.py":        {Data: []byte("")},
			"pyproject.toml":   {Data: []byte("[tool." + tool + "]\ncache-keys = []\n\n[tool.ruff]\nline-length = 100\n")},
			"requirements.txt": {Data: []byte("django==4.2.29\n")},
		}, "p")
		if err != nil {
			t.Fatal(err)
		}
		if p.PackageManager != ManagerPip || p.RequirementsFile != "requirements.txt" {
			t.Errorf("[tool.%s] without dependencies: %s (%s), want pip from requirements.txt", tool, p.PackageManager, p.PackageManagerSource)
		}
	}
}

// TestDependencyGroupsOnly: a pyproject.toml with only PEP 735 groups installs with pip
// --group: the group a deployment file installs, else the only one not named for development.
func TestDependencyGroupsOnly(t *testing.T) {
	pyproject := "[dependency-groups]\nmain = [\"django==5.2.16\"]\ndev = [\"pytest\"]\n"
	for _, tc := range []struct {
		name, extra, group, why string
		dev                     []string
	}{
		{"the only runtime group", pyproject, "main", `pyproject.toml declares its dependencies in dependency groups only; "main" is its only group not named for development`, []string{"dev"}},
		{"the group the Dockerfile installs", pyproject + "prod = [\"django==5.2.16\", \"gunicorn\"]\n", "prod",
			`pyproject.toml declares its dependencies in dependency groups only; Dockerfile:2 installs group "prod" with pip`, []string{"main", "dev"}},
		{"several runtime groups, none installed", pyproject + "web = [\"gunicorn\"]\n", "", "", nil},
	} {
		fsys := fstest.MapFS{"manage.py": {Data: []byte("")}, "pyproject.toml": {Data: []byte(tc.extra)}}
		if tc.group == "prod" {
			fsys["Dockerfile"] = &fstest.MapFile{Data: []byte("FROM python:3.12\nRUN pip install \"pip>=25.1\" && pip install --group prod --group dev\n")}
		}
		p, err := Detect(fsys, "p")
		if err != nil {
			t.Fatal(err)
		}
		if tc.group == "" {
			if p.PackageManager != ManagerNone || p.DependencyGroup != "" {
				t.Errorf("%s: %s group %q, want none", tc.name, p.PackageManager, p.DependencyGroup)
			}
			continue
		}
		if p.PackageManager != ManagerPip || p.DependencyGroup != tc.group || p.PackageManagerSource != tc.why {
			t.Errorf("%s: %s group %q (%s), want pip group %q (%s)", tc.name, p.PackageManager, p.DependencyGroup, p.PackageManagerSource, tc.group, tc.why)
		}
		line := map[string]string{"main": "pyproject.toml:2", "prod": "pyproject.toml:4"}[tc.group]
		if d := p.Dependencies; len(d) == 0 || d[0].Name != "django" || d[0].Specifier != "==5.2.16" || d[0].Source != line {
			t.Errorf("%s: dependencies %+v, want django ==5.2.16 at %s", tc.name, d, line)
		}
		var dev []string
		for _, s := range p.DevDependencies {
			dev = append(dev, s.Name)
		}
		if len(dev) != len(tc.dev) {
			t.Errorf("%s: development groups %v, want %v", tc.name, dev, tc.dev)
		}
	}
}
