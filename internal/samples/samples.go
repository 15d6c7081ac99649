// Package samples hands tests the sample projects under testdata/projects as init sees them:
// detected (a legacy virtualenv project declared by migrate first, through an overlay) and
// resolved with the answers of a variant. Tests of plan, generate and the image builder
// share it, so each sees the same projects with the same answers.
package samples

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/fsoverlay"
	"github.com/containerize/containerize/migrate"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/venv"
	"github.com/containerize/containerize/wizard"
)

// Dir is the folder holding the sample projects.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "projects")
}

// Copy copies the named sample into a new temporary directory and returns its path.
func Copy(t testing.TB, name string) string {
	t.Helper()
	dst := t.TempDir()
	if err := CopyTree(filepath.Join(Dir(), name), dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// CopyTree copies the files below src into dst (created as needed), as regular files with
// mode 0644.
func CopyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// Variant is one sample project with some answers given as flags.
type Variant struct {
	Name, Sample string
	Flags        wizard.Flags
}

// Variants are every sample with the detected defaults, and the answer variants whose
// files are reviewed too.
func Variants(t testing.TB) []Variant {
	t.Helper()
	entries, err := os.ReadDir(Dir())
	if err != nil {
		t.Fatal(err)
	}
	var vs []Variant
	for _, e := range entries {
		if e.IsDir() {
			vs = append(vs, Variant{Name: e.Name(), Sample: e.Name(), Flags: wizard.Flags{Yes: true}})
		}
	}
	if len(vs) < 10 {
		t.Fatalf("only %d sample projects in %s", len(vs), Dir())
	}
	no := false
	return append(vs,
		// The e2e scenario: the DRF tutorial moved onto postgres.
		Variant{Name: "library-postgres", Sample: "library", Flags: wizard.Flags{Yes: true, Services: []detect.Service{detect.ServicePostgres}, ServicesSet: true}},
		Variant{Name: "channels-uvicorn", Sample: "channels-asgi", Flags: wizard.Flags{Yes: true, Server: config.ServerUvicorn, Port: 8080}},
		Variant{Name: "requirements-celery-minimal", Sample: "requirements-celery", Flags: wizard.Flags{Yes: true, Services: []detect.Service{detect.ServicePostgres}, ServicesSet: true, SettingsPatch: &no}},
		// The user overrides the ranking: the image runs the base settings.
		Variant{Name: "module-dev-default-base", Sample: "module-dev-default", Flags: wizard.Flags{Yes: true, Settings: "proj.settings.base"}},
		Variant{Name: "library-mail-mysql", Sample: "library", Flags: wizard.Flags{Yes: true, Services: []detect.Service{detect.ServiceMySQL, detect.ServiceMail}, ServicesSet: true, Python: "3.10"}},
	)
}

// Load detects the variant's sample and resolves its answers without prompting.
func Load(t testing.TB, v Variant) (*detect.Project, config.Config) {
	t.Helper()
	dir := filepath.Join(Dir(), v.Sample)
	// A chosen settings module is read as init reads it (workflow's settle).
	p, err := detect.DetectWith(os.DirFS(dir), dir, detect.Options{Settings: v.Flags.Settings})
	if err != nil {
		t.Fatalf("detect: %v", err)
	}
	if p.PackageManager == detect.ManagerNone {
		p = migrated(t, p, dir)
	}
	cfg, err := wizard.Resolve(p, nil, v.Flags, nil)
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	return p, cfg
}

// Plan is the variant's plan.
func Plan(t testing.TB, v Variant) *plan.Plan {
	t.Helper()
	p, cfg := Load(t, v)
	pl, err := plan.Make(p, cfg)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	return pl
}

// migrated is the project as init leaves a legacy one: its virtualenv declared by
// migrate's requirements plan, seen through an overlay before anything is written.
func migrated(t testing.TB, p *detect.Project, dir string) *detect.Project {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	loc := venv.Locator{Project: abs, FS: venv.SystemFS()}
	v, err := loc.At(p.Virtualenvs[0])
	if err != nil {
		t.Fatal(err)
	}
	dists, err := loc.Read(v)
	if err != nil {
		t.Fatal(err)
	}
	in := migrate.Input{Project: p, FS: os.DirFS(dir), Venv: v, Dists: dists, Dir: abs, Python: config.Python}
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
	if p.PackageManager != detect.ManagerPip {
		t.Fatalf("after migrate the project uses %q, want pip", p.PackageManager)
	}
	return p
}
