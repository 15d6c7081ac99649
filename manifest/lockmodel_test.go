package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/containerize/containerize/pep"
)

func dep(name, marker string, extras ...string) LockedDependency {
	return LockedDependency{Dependency: pep.Dependency{Name: name, Marker: marker, Extras: extras}}
}

// TestLockModel checks what the lock readers keep beyond what detect reads:
// files, sources, dependency edges, extras, roots, indexes.
func TestLockModel(t *testing.T) {
	uv, err := ParseLock(readFixture(t, "uv/uv.lock"), "app/uv.lock")
	if err != nil {
		t.Fatal(err)
	}
	if uv.Format != "uv.lock" || uv.File != "app/uv.lock" || uv.Version != "1" {
		t.Errorf("uv.lock header: %q %q %q", uv.Format, uv.File, uv.Version)
	}
	if len(uv.Projects) != 1 || uv.Projects[0].Name != "polls-uv" || uv.Projects[0].Source != (PackageSource{Kind: "virtual", Location: "."}) {
		t.Fatalf("uv.lock projects: %+v", uv.Projects)
	}
	want := []LockedDependency{dep("django", ""), dep("psycopg", "", "binary")}
	if diff := cmp.Diff(want, uv.Roots); diff != "" {
		t.Errorf("uv.lock roots (-want +got):\n%s", diff)
	}
	proj := uv.Projects[0]
	if diff := cmp.Diff(map[string][]LockedDependency{"redis": {dep("redis", "")}}, proj.Extras); diff != "" {
		t.Errorf("uv.lock project extras: %s", diff)
	}
	if diff := cmp.Diff(map[string][]LockedDependency{"dev": {dep("pytest", "")}}, proj.DependencyGroups); diff != "" {
		t.Errorf("uv.lock project groups: %s", diff)
	}
	dj := uv.Packages[1]
	wantFiles := []LockedFile{
		{Name: "Django-5.1.4-py3-none-any.whl", URL: "https://files.pythonhosted.org/packages/58/0b/Django-5.1.4-py3-none-any.whl",
			Hash: "sha256:236e023f021f5ce7dee5779de7b286565fdea5f4ab86bae5338e3f7b69896cf0", Size: 8276471},
		{Name: "Django-5.1.4.tar.gz", URL: "https://files.pythonhosted.org/packages/d3/e8/Django-5.1.4.tar.gz",
			Hash: "sha256:de450c09e91879fa5a307f696e57c851955c910a438a35e6b4c895e86bedc82a", Size: 10716397},
	}
	if diff := cmp.Diff(wantFiles, dj.Files); diff != "" {
		t.Errorf("uv.lock django files, wheels first (-want +got):\n%s", diff)
	}
	if dj.Index != "https://pypi.org/simple" || dj.Source.Kind != "registry" || len(dj.Dependencies) != 3 || dj.Dependencies[2].Marker != "sys_platform == 'win32'" {
		t.Errorf("uv.lock django: %+v", dj)
	}
	if ps := uv.Packages[2]; ps.Name != "psycopg" || !cmp.Equal(ps.Extras["binary"], []LockedDependency{dep("psycopg-binary", "implementation_name != 'pypy'")}) {
		t.Errorf("uv.lock psycopg extras: %+v", ps.Extras)
	}

	poetry, err := ParseLock(readFixture(t, "poetry1/poetry.lock"), "poetry.lock")
	if err != nil {
		t.Fatal(err)
	}
	if poetry.Version != "1.1" {
		t.Errorf("poetry.lock version %q", poetry.Version)
	}
	asg, django, mylib := poetry.Packages[0], poetry.Packages[1], poetry.Packages[3]
	if diff := cmp.Diff(map[string][]LockedDependency{"tests": {dep("mypy", ""), dep("pytest", ""), dep("pytest-asyncio", "")}}, asg.Extras); diff != "" {
		t.Errorf("poetry.lock asgiref extras: %s", diff)
	}
	if len(asg.Files) != 2 || asg.Files[0].Name != "asgiref-3.6.0-py3-none-any.whl" || asg.Files[0].URL != "" {
		t.Errorf("poetry.lock asgiref files from [metadata.files]: %+v", asg.Files)
	}
	wantDeps := []LockedDependency{{Dependency: pep.Dependency{Name: "asgiref"}, Constraint: ">=3.6.0,<4"}, {Dependency: pep.Dependency{Name: "sqlparse"}, Constraint: ">=0.3.1"}}
	if diff := cmp.Diff(wantDeps, django.Dependencies); diff != "" {
		t.Errorf("poetry.lock django dependencies (-want +got):\n%s", diff)
	}
	if mylib.Source != (PackageSource{Kind: "git", Location: "https://github.com/example/mylib.git"}) {
		t.Errorf("poetry.lock mylib source %+v", mylib.Source)
	}

	pipenv, err := ParseLock(readFixture(t, "pipenv/Pipfile.lock"), "Pipfile.lock")
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(pipenv.IndexURLs, []string{"https://pypi.org/simple"}) {
		t.Errorf("Pipfile.lock indexes %q", pipenv.IndexURLs)
	}
	if p := pipenv.Packages[3]; p.Source != (PackageSource{Kind: "git", Location: "https://github.com/example/mylib.git"}) {
		t.Errorf("Pipfile.lock mylib source %+v", p.Source)
	}

	pdm, err := ParseLock(readFixture(t, "pdm/pdm.lock"), "pdm.lock")
	if err != nil {
		t.Fatal(err)
	}
	if p := pdm.Packages[0]; p.RequiresPython != ">=3.10" || !cmp.Equal(p.Groups, []string{"default"}) || len(p.Files) != 2 || len(p.Dependencies) == 0 || pdm.Version != "4.5.0" {
		t.Errorf("pdm.lock django %+v (lock version %q)", p, pdm.Version)
	}

	if _, err := ParseLock(nil, "requirements.txt"); err == nil {
		t.Error("ParseLock read requirements.txt")
	}
}
