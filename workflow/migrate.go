package workflow

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/migrate"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/venv"
	"github.com/containerize/containerize/wizard"
)

// Migrate is what a migrate run needs besides the project.
type Migrate struct {
	// Dir is the project directory (absolute).
	Dir string
	// Venv is the virtualenv to read; "" finds it (asking when several are found and there
	// is a Prompter).
	Venv string
	// Format is the manifest to write (migrate.FormatRequirements, …); "" keeps the
	// project's own kind.
	Format   string
	Prompter wizard.Prompter
	// Getenv reads the environment ($VIRTUAL_ENV, $WORKON_HOME); nil means os.Getenv.
	Getenv func(string) string
	// Log receives the drift report and notes, for people.
	Log io.Writer
	// AllowConflicts writes the lock even when the virtualenv's packages do not satisfy each
	// other's requirements (it then lists the conflicts); without it that is an error.
	AllowConflicts bool
}

// PrepareMigrate detects the project, reads its virtualenv, writes the drift report to
// o.Log and returns the manifests that declare what the virtualenv runs on. It writes
// nothing.
func PrepareMigrate(o Migrate) (*Changes, error) {
	fsys, err := detect.Dir(o.Dir)
	if err != nil {
		return nil, err
	}
	p, err := detect.Detect(fsys, o.Dir)
	if err != nil {
		return nil, err
	}
	files, err := prepareMigrate(o, p)
	if err != nil {
		return nil, err
	}
	changes, err := safewrite.Plan(o.Dir, files)
	if err != nil {
		return nil, err
	}
	return &Changes{Changes: changes, Next: "containerize init"}, nil
}

// prepareMigrate finds and reads the virtualenv, writes the drift report, and returns the
// files that declare what it runs on. init uses it too, for a project that declares nothing.
func prepareMigrate(o Migrate, p *detect.Project) ([]safewrite.File, error) {
	log := cmp.Or[io.Writer](o.Log, io.Discard)
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	resolved, err := filepath.EvalSymlinks(o.Dir)
	if err != nil {
		return nil, err
	}
	loc := venv.Locator{Project: resolved, Getenv: getenv, FS: venv.SystemFS()}
	v, err := chooseVenv(loc, o, log)
	if err != nil {
		return nil, err
	}
	dists, err := loc.Read(v)
	if err != nil {
		return nil, err
	}
	fsys, err := detect.Dir(o.Dir)
	if err != nil {
		return nil, err
	}
	in := migrate.Input{Project: p, FS: fsys, Venv: v, Dists: dists, Dir: resolved, Python: config.Python}
	rep, err := migrate.Analyze(in)
	if err != nil {
		return nil, err
	}
	rep.Human(log)
	if err := rep.CheckInstallable(); err != nil && !o.AllowConflicts {
		return nil, err
	}
	planned, err := migrate.Plan(in, rep, cmp.Or(o.Format, migrate.DefaultFormat(p)))
	if err != nil {
		return nil, err
	}
	files := make([]safewrite.File, 0, len(planned))
	for _, f := range planned {
		files = append(files, safewrite.File{Path: f.Path, Data: f.Data})
	}
	return files, nil
}

// chooseVenv is --venv, else the one virtualenv found, else the one the user picks (the
// first without a Prompter).
func chooseVenv(loc venv.Locator, o Migrate, log io.Writer) (venv.Venv, error) {
	if o.Venv != "" {
		v, err := loc.At(o.Venv)
		if err != nil {
			return v, fmt.Errorf("--venv %s: %w", o.Venv, err)
		}
		return v, nil
	}
	found, err := loc.Find()
	if err != nil {
		return venv.Venv{}, err
	}
	switch {
	case len(found) == 0:
		return venv.Venv{}, fmt.Errorf("no virtualenv found for %s (looked in the project, $VIRTUAL_ENV, $WORKON_HOME, pipenv's and Poetry's folders): pass --venv PATH", o.Dir)
	case len(found) == 1 || o.Prompter == nil:
		if len(found) > 1 {
			fmt.Fprintf(log, "note: %d virtualenvs found; using %s (--venv picks another)\n", len(found), found[0].Path)
		}
		return found[0], nil
	}
	var options []wizard.Option
	for _, f := range found {
		options = append(options, wizard.Option{Value: f.Path, Label: fmt.Sprintf("%s (Python %s, %s)", f.Path, f.Python, f.Origin)})
	}
	choice, err := wizard.Select(o.Prompter, "Virtualenv to read", "Several virtualenvs belong to this project.", options, found[0].Path)
	if err != nil {
		return venv.Venv{}, err
	}
	for _, f := range found {
		if f.Path == choice {
			return f, nil
		}
	}
	return venv.Venv{}, fmt.Errorf("no virtualenv %s among those found", choice)
}
