package migrate

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"gotest.tools/v3/golden"
)

// TestLegacyVenvProject migrates the sample project testdata/projects/legacy-venv
// from the real file system, as the command does: detect, find, read,
// analyze, plan.
func TestLegacyVenvProject(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "projects", "legacy-venv"))
	if err != nil {
		t.Fatal(err)
	}
	// pipenv and Poetry name environments after the resolved path; venv
	// wants it so.
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		t.Fatal(err)
	}
	in := loadFS(t, osFS(), filepath.ToSlash(dir))
	if in.Venv.Path != "venv" || in.Venv.Python != "3.8" {
		t.Fatalf("venv = %+v, want venv with Python 3.8", in.Venv)
	}
	r := analyze(t, in)
	if want := []string{"django", "djangorestframework"}; !slices.Equal(r.TopLevel, want) {
		t.Errorf("TopLevel = %v, want %v (the REQUESTED ones; pip left out)", r.TopLevel, want)
	}
	var human bytes.Buffer
	r.Human(&human)
	golden.Assert(t, human.String(), "legacy-venv/report.golden")
	for name, content := range plan(t, in, r, FormatRequirements) {
		golden.Assert(t, content, filepath.Join("legacy-venv", name))
	}
}

// TestPythonPolicyIsPassedIn: which Pythons have an image is the caller's policy, and
// Analyze wants one.
func TestPythonPolicyIsPassedIn(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "projects", "legacy-venv"))
	if err != nil {
		t.Fatal(err)
	}
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		t.Fatal(err)
	}
	in := loadFS(t, osFS(), filepath.ToSlash(dir))
	if r := analyze(t, in); r.PythonWarning == "" {
		t.Errorf("Python 3.8 has no image under the default test policy, yet no warning")
	}
	in.Python = testPolicy{"3.8", "3.12"}
	if r := analyze(t, in); r.PythonWarning != "" {
		t.Errorf("a policy supporting 3.8 still warns: %s", r.PythonWarning)
	}
	in.Python = nil
	if _, err := Analyze(in); err == nil {
		t.Errorf("Analyze without a Python policy did not fail")
	}
}
