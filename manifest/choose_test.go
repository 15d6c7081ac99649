package manifest

import (
	"errors"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestChooseRequirements(t *testing.T) {
	tests := []struct {
		name     string
		files    []string
		dir      string
		chosen   string
		others   []string
		reason   string
		contents map[string]string // optional file contents
	}{
		{
			name:   "production folder beats root and base",
			files:  []string{"requirements.txt", "requirements/base.txt", "requirements/production.txt", "requirements/local.txt", "requirements/dev.txt"},
			dir:    ".",
			chosen: "requirements/production.txt",
			others: []string{"requirements.txt", "requirements/base.txt", "requirements/dev.txt", "requirements/local.txt"},
			reason: "requirements/production.txt: production requirements; requirements.txt is also present; " +
				"requirements/base.txt is shared by every environment; requirements/dev.txt and requirements/local.txt are for development",
		},
		{
			name:     "included files are named as such",
			files:    []string{"requirements/base.txt", "requirements/prod.txt", "requirements/dev.txt"},
			dir:      ".",
			contents: map[string]string{"requirements/prod.txt": "-r base.txt\ngunicorn\n", "requirements/dev.txt": "-r base.txt\n"},
			chosen:   "requirements/prod.txt",
			others:   []string{"requirements/base.txt", "requirements/dev.txt"},
			reason:   "requirements/prod.txt: production requirements; requirements/base.txt is included by it; requirements/dev.txt is for development",
		},
		{
			name:   "root requirements.txt beats base and dev",
			files:  []string{"requirements.txt", "requirements-dev.txt", "requirements/common.txt"},
			dir:    ".",
			chosen: "requirements.txt",
			others: []string{"requirements/common.txt", "requirements-dev.txt"},
			reason: "requirements.txt: the project's requirements file; requirements/common.txt is shared by every environment; requirements-dev.txt is for development",
		},
		{
			name:   "requirements_prod.txt beside requirements.txt",
			files:  []string{"requirements.txt", "requirements_prod.txt", "test-requirements.txt"},
			dir:    ".",
			chosen: "requirements_prod.txt",
			others: []string{"requirements.txt", "test-requirements.txt"},
			reason: "requirements_prod.txt: production requirements; requirements.txt is also present; test-requirements.txt is for development",
		},
		{
			name:   "base when there is no production file",
			files:  []string{"requirements/base.txt", "requirements/local.txt", "requirements/test.txt"},
			dir:    ".",
			chosen: "requirements/base.txt",
			others: []string{"requirements/test.txt", "requirements/local.txt"},
			reason: "requirements/base.txt: base requirements shared by every environment (no production file found); requirements/test.txt and requirements/local.txt are for development",
		},
		{
			name:   "only a dev file, and it says so",
			files:  []string{"backend/requirements-dev.txt", "backend/manage.py"},
			dir:    "backend",
			chosen: "backend/requirements-dev.txt",
			reason: "backend/requirements-dev.txt: the only requirements file, although its name says it is for development or tests — check that it is what production needs",
		},
		{
			name:   "unnamed role beats dev",
			files:  []string{"requirements/heroku.txt", "requirements/dev.txt"},
			dir:    "./",
			chosen: "requirements/heroku.txt",
			others: []string{"requirements/dev.txt"},
			reason: "requirements/heroku.txt: the only requirements file not named for development; requirements/dev.txt is for development",
		},
		{
			name:   "a dev word wins over prod in one name",
			files:  []string{"requirements/prod-test.txt", "requirements/base.txt"},
			dir:    ".",
			chosen: "requirements/base.txt",
			others: []string{"requirements/prod-test.txt"},
			reason: "requirements/base.txt: base requirements shared by every environment (no production file found); requirements/prod-test.txt is for development",
		},
		{
			name:   "requirements/requirements.txt is a base, non-.txt files ignored",
			files:  []string{"requirements/requirements.txt", "requirements/prod.in", "requirements.in"},
			dir:    ".",
			chosen: "requirements/requirements.txt",
			reason: "requirements/requirements.txt: base requirements shared by every environment (no production file found)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys[f] = &fstest.MapFile{Data: []byte(tt.contents[f])}
			}
			chosen, others, reason, err := ChooseRequirements(fsys, tt.dir)
			if err != nil {
				t.Fatal(err)
			}
			if chosen != tt.chosen {
				t.Errorf("chosen = %q, want %q", chosen, tt.chosen)
			}
			if diff := cmp.Diff(tt.others, others, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("others (-want +got):\n%s", diff)
			}
			if reason != tt.reason {
				t.Errorf("reason =\n  %q\nwant\n  %q", reason, tt.reason)
			}
		})
	}
}

func TestChooseRequirementsFixture(t *testing.T) {
	chosen, _, reason, err := ChooseRequirements(os.DirFS("testdata/reqs"), ".")
	if err != nil {
		t.Fatal(err)
	}
	want := "requirements/production.txt: production requirements; requirements/base.txt is included by it; " +
		"requirements.txt is also present; requirements/dev.txt and requirements/local.txt are for development"
	if chosen != "requirements/production.txt" || reason != want {
		t.Errorf("got %q, %q\nwant reason %q", chosen, reason, want)
	}
}

func TestChooseRequirementsNone(t *testing.T) {
	fsys := fstest.MapFS{"Pipfile": {}, "requirements": {Data: []byte("a file, not a folder")}}
	_, _, _, err := ChooseRequirements(fsys, ".")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
	if _, _, _, err := ChooseRequirements(fsys, "missing"); err == nil {
		t.Error("missing dir: no error")
	}
}

// TestDevNames: the names that say development, for requirements files and extras alike.
func TestDevNames(t *testing.T) {
	for name, want := range map[string]bool{
		"dev": true, "test": true, "tests": true, "Testing": true, "lint": true, "docs": true,
		"postgres": false, "s3": false, "production": false, "": false,
	} {
		if got := DevName(name); got != want {
			t.Errorf("DevName(%q) = %v", name, got)
		}
	}
	for file, want := range map[string]bool{
		"requirements-dev.txt": true, "dev-requirements.txt": true, "requirements/local.txt": true,
		"requirements/test.txt": true, "requirements_dev.txt": true,
		"requirements.txt": false, "requirements/base.txt": false, "requirements/production.txt": false,
	} {
		if got := IsDevRequirements(file); got != want {
			t.Errorf("IsDevRequirements(%q) = %v", file, got)
		}
	}
}
