package plan

import (
	"strings"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

// TestPythonNotes: a Python that is not the project's own is always a note, and Django is checked
// against the version the image actually uses.
func TestPythonNotes(t *testing.T) {
	dj32 := &detect.DjangoPython{Spec: "3.2.25", Source: "requirements.txt:1", Python: []string{"3.6", "3.7", "3.8", "3.9", "3.10"}}
	dj42 := &detect.DjangoPython{Spec: "4.2.16", Source: "requirements.txt:2", Python: []string{"3.8", "3.9", "3.10", "3.11", "3.12"}}
	pin := func(v string) []detect.PythonCandidate {
		return []detect.PythonCandidate{{Spec: v, Pin: v, Source: ".python-version:1"}}
	}
	for _, tc := range []struct {
		name   string
		py     detect.Python
		chosen string
		want   []string // substrings, one per note, in order
	}{
		{"declared and used", detect.Python{Candidates: pin("3.11"), Django: dj42}, "3.11", nil},
		{"undeclared, Django 4.2", detect.Python{Django: dj42}, "3.12",
			[]string{"Python 3.12: no version found in the project; Django 4.2.16 (requirements.txt:2) supports Python 3.8–3.12"}},
		{"3.8 declared, 3.10 image", detect.Python{Candidates: pin("3.8"), Django: dj32}, "3.10",
			[]string{"Python 3.10, not 3.8: the project names 3.8 (.python-version:1), but Python 3.8 has no maintained python image"}},
		{"Django 3.2 on 3.12", detect.Python{Candidates: pin("3.8"), Django: dj32}, "3.12",
			[]string{"the answers (python in containerize.toml or --python) choose 3.12",
				`Django 3.2.25 (requirements.txt:1) supports Python 3.6–3.10, not 3.12, which the image uses: pin Python 3.10 (python = "3.10" in containerize.toml, or a .python-version) or upgrade Django`}},
		{"undeclared, answer outside Django", detect.Python{Django: dj32}, "3.13",
			[]string{"Python 3.13: no version found in the project; the answers", "Django 3.2.25 (requirements.txt:1) supports Python"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := pythonNotes(&detect.Project{Python: tc.py}, config.Config{Python: tc.chosen})
			if len(got) != len(tc.want) {
				t.Fatalf("notes = %q, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("note %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}
