package django

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenProjects are the projects TestReadGolden reads (and FuzzRead takes its seeds from),
// by the name of their golden file: the fixtures in testdata/ and, as "plain", the library
// sample of the repository's testdata/projects, read where it is.
var goldenProjects = []struct{ name, dir string }{
	{"plain", "../testdata/projects/library"},
	{"package", "testdata/package"},
	{"srclayout", "testdata/srclayout"},
	{"monorepo", "testdata/monorepo"},
	{"djdburl", "testdata/djdburl"},
	{"djdburl2", "testdata/djdburl2"},
	{"cookiecutter", "testdata/cookiecutter"},
	{"channels", "testdata/channels"},
	{"celery", "testdata/celery"},
	{"tricky", "testdata/tricky"},
	{"broken", "testdata/broken"},
}

// TestReadGolden reads every project of goldenProjects and compares the whole Info with
// testdata/<name>.golden.json.
func TestReadGolden(t *testing.T) {
	for _, p := range goldenProjects {
		t.Run(p.name, func(t *testing.T) {
			fsys := os.DirFS(p.dir)
			// Finding manage.py is detect's job; the fixtures keep theirs at the root or in backend/.
			mp := "manage.py"
			if _, err := fs.Stat(fsys, mp); err != nil {
				mp = "backend/manage.py"
			}
			info, err := Read(fsys, mp)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(info, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", p.name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./django -run TestReadGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Read(%s) differs from %s:\n%s", p.dir, golden, got)
			}
		})
	}
}
