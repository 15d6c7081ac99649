package generate

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotest.tools/v3/golden"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/fsoverlay"
	"github.com/containerize/containerize/migrate"
	"github.com/containerize/containerize/validate/fulllint"
	"github.com/containerize/containerize/venv"
	"github.com/containerize/containerize/wizard"
)

const projects = "../testdata/projects"

// variant is one sample generated with some answers given as flags.
type variant struct {
	name, sample string
	flags        wizard.Flags
}

func variants(t *testing.T) []variant {
	entries, err := os.ReadDir(projects)
	if err != nil {
		t.Fatal(err)
	}
	var vs []variant
	for _, e := range entries {
		if e.IsDir() {
			vs = append(vs, variant{name: e.Name(), sample: e.Name(), flags: wizard.Flags{Yes: true}})
		}
	}
	if len(vs) < 10 {
		t.Fatalf("only %d sample projects in %s", len(vs), projects)
	}
	no := false
	return append(vs,
		// The e2e scenario: the DRF tutorial moved onto postgres.
		variant{name: "library-postgres", sample: "library", flags: wizard.Flags{Yes: true, Services: []string{"postgres"}, ServicesSet: true}},
		variant{name: "channels-uvicorn", sample: "channels-asgi", flags: wizard.Flags{Yes: true, Server: config.ServerUvicorn, Port: 8080}},
		variant{name: "requirements-celery-minimal", sample: "requirements-celery", flags: wizard.Flags{Yes: true, Services: []string{"postgres"}, ServicesSet: true, SettingsPatch: &no}},
		variant{name: "library-mail-mysql", sample: "library", flags: wizard.Flags{Yes: true, Services: []string{"mysql", "mail"}, ServicesSet: true, Python: "3.10"}},
	)
}

// generateVariant runs detection, the non-interactive wizard and the generator.
func generateVariant(t *testing.T, v variant) (*detect.Project, *Output) {
	t.Helper()
	dir := filepath.Join(projects, v.sample)
	p, err := detect.Detect(os.DirFS(dir), dir)
	if err != nil {
		t.Fatalf("detect: %v", err)
	}
	if p.PackageManager == "none" {
		p = migrated(t, p, dir)
	}
	cfg, err := wizard.Resolve(p, nil, v.flags, nil)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	// A fixed seed keeps the secrets in the golden .env stable.
	out, err := Generate(p, cfg, Options{Rand: rand.NewChaCha8([32]byte{1})})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return p, out
}

// migrated is the project as init leaves a legacy one: its virtualenv declared by migrate's
// requirements plan, seen through an overlay before anything is written.
func migrated(t *testing.T, p *detect.Project, dir string) *detect.Project {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	loc := venv.Locator{Project: abs, FS: os.DirFS("/")}
	v, err := loc.At(p.Virtualenvs[0])
	if err != nil {
		t.Fatal(err)
	}
	dists, err := loc.Read(v)
	if err != nil {
		t.Fatal(err)
	}
	in := migrate.Input{Project: p, FS: os.DirFS(dir), Venv: v, Dists: dists, Dir: abs}
	rep, err := migrate.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	files, err := migrate.Plan(in, rep, migrate.FormatRequirements)
	if err != nil {
		t.Fatal(err)
	}
	planned := map[string][]byte{}
	for _, f := range files {
		planned[f.Path] = f.Data
	}
	p, err = detect.Detect(fsoverlay.New(os.DirFS(dir), planned), dir)
	if err != nil {
		t.Fatal(err)
	}
	if p.PackageManager != "pip" {
		t.Fatalf("after migrate the project uses %q, want pip", p.PackageManager)
	}
	return p
}

// TestGolden compares every generated file of every sample with its reviewed golden copy
// (go test ./generate -update rewrites them), and runs BuildKit's full lint on each
// Dockerfile: it must report nothing.
func TestGolden(t *testing.T) {
	for _, v := range variants(t) {
		t.Run(v.name, func(t *testing.T) {
			_, out := generateVariant(t, v)
			for _, f := range out.Files {
				golden.Assert(t, string(f.Data), filepath.Join(v.name, goldenName(f.Path)))
			}
			for _, b := range out.Blocks {
				golden.Assert(t, string(b.Body), filepath.Join(v.name, "settings-block.py"))
			}
			var notes strings.Builder
			for _, n := range out.Notes {
				notes.WriteString(n + "\n")
			}
			golden.Assert(t, notes.String(), filepath.Join(v.name, "notes.txt"))

			findings, err := fulllint.Lint(context.Background(), fileData(t, out, "Dockerfile"))
			if err != nil {
				t.Fatalf("lint: %v", err)
			}
			for _, f := range findings {
				t.Errorf("BuildKit lint: %s", f)
			}
		})
	}
}

// goldenName keeps dotfiles visible in the golden folders (".env" is stored as "env").
func goldenName(path string) string {
	return strings.TrimPrefix(path, ".")
}

func fileData(t *testing.T, out *Output, path string) []byte {
	t.Helper()
	for _, f := range out.Files {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("no %s generated", path)
	return nil
}

func TestMergeEnv(t *testing.T) {
	existing := []byte("# mine\nSECRET_KEY=keep\nexport DEBUG=1\n")
	fresh := []byte("# fresh\nSECRET_KEY=new\nDEBUG=False\nPOSTGRES_PASSWORD=abc\n")
	merged, added := MergeEnv(existing, fresh)
	want := "# mine\nSECRET_KEY=keep\nexport DEBUG=1\n\n# Added by containerize init: docker-compose.yml needs these.\nPOSTGRES_PASSWORD=abc\n"
	if string(merged) != want || len(added) != 1 || added[0] != "POSTGRES_PASSWORD" {
		t.Fatalf("MergeEnv = %q, %v", merged, added)
	}
	if again, added := MergeEnv(merged, fresh); string(again) != string(merged) || added != nil {
		t.Fatalf("second merge changed the file: %q", again)
	}
}
