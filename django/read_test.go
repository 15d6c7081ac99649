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

// TestReadGolden reads every sample project in testdata/ and compares the whole Info with
// testdata/<name>.golden.json.
func TestReadGolden(t *testing.T) {
	for _, name := range []string{"plain", "package", "srclayout", "monorepo", "djdburl", "djdburl2",
		"cookiecutter", "channels", "celery", "tricky", "broken"} {
		t.Run(name, func(t *testing.T) {
			fsys := os.DirFS(filepath.Join("testdata", name))
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
			golden := filepath.Join("testdata", name+".golden.json")
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
				t.Errorf("Read(%s) differs from %s:\n%s", name, golden, got)
			}
		})
	}
}
