package detect_test

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/detect"
)

// TestTOMLBOM: a pyproject.toml or Pipfile with a UTF-8 BOM is read, and reported, because pip, Poetry,
// Pipenv and PDM refuse it in the image build; uv reads it, so a uv project gets no warning.
func TestTOMLBOM(t *testing.T) {
	bom := "\xEF\xBB\xBF"
	pyproject := bom + "[project]\r\nname = \"x\"\r\nversion = \"1\"\r\ndependencies = [\"django==4.2\"]\r\n"
	for name, tc := range map[string]struct {
		fsys fstest.MapFS
		warn bool
	}{
		"pip":     {fstest.MapFS{"manage.py": {}, "pyproject.toml": {Data: []byte(pyproject)}}, true},
		"pipenv":  {fstest.MapFS{"manage.py": {}, "Pipfile": {Data: []byte(bom + "[packages]\r\ndjango = \"==4.2\"\r\n")}}, true},
		"uv":      {fstest.MapFS{"manage.py": {}, "pyproject.toml": {Data: []byte(pyproject)}, "uv.lock": {Data: []byte("version = 1\n")}}, false},
		"no bom":  {fstest.MapFS{"manage.py": {}, "pyproject.toml": {Data: []byte(strings.TrimPrefix(pyproject, bom))}}, false},
		"runtime": {fstest.MapFS{"manage.py": {}, "requirements.txt": {Data: []byte("django\n")}, "runtime.txt": {Data: []byte(bom + "python-3.11.9\r\n")}}, false},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := detect.Detect(tc.fsys, "/x")
			if err != nil {
				t.Fatal(err)
			}
			got := false
			for _, w := range p.Warnings {
				got = got || w.Name == "toml-bom"
			}
			if got != tc.warn {
				t.Errorf("toml-bom warning = %v, want %v: %+v", got, tc.warn, p.Warnings)
			}
			if name == "runtime" && (len(p.Python.Candidates) != 1 || p.Python.Candidates[0].Pin != "3.11") {
				t.Errorf("runtime.txt with a BOM: python = %+v, want 3.11", p.Python)
			}
		})
	}
}

// TestPythonJSONNull: an unknown Python version is null in `detect --json`, never "".
func TestPythonJSONNull(t *testing.T) {
	b, err := json.Marshal(detect.Python{Candidates: []detect.PythonCandidate{}, Conflicts: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"version":null,"source":null,"candidates":[],"conflicts":[]}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	b, _ = json.Marshal(detect.Python{Version: "3.12", Source: ".python-version:1", Candidates: []detect.PythonCandidate{{Spec: ">=3.11"}}})
	if !strings.Contains(string(b), `"version":"3.12","source":".python-version:1"`) {
		t.Errorf("known version: %s", b)
	}
}
