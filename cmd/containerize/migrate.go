package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/migrate"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/venv"
	"github.com/containerize/containerize/wizard"
)

type migrateOptions struct {
	venv       string
	format     string
	yes        bool
	force      bool
	dryRun     bool
	accessible bool
}

func newMigrateCmd(io *IO) *cobra.Command {
	opts := &migrateOptions{}
	cmd := &cobra.Command{
		Use:   "migrate [DIR]",
		Short: "Turn a legacy virtualenv into declared, pinned dependencies",
		Long: `migrate finds the project's virtualenv (in the project, $VIRTUAL_ENV, virtualenvwrapper's
$WORKON_HOME, pipenv's and Poetry's folders, or --venv), reads what is installed in it without
running its Python, and reports the drift: packages declared but not installed, installed but
not declared, versions that differ, and imports in the project's code that nothing provides.

It then writes the manifest you pick, with the top-level packages pinned to their installed
versions, and requirements.lock with every package pinned. Existing files are never
overwritten without consent (--force keeps FILE.bak, --dry-run shows a diff).`,
		Example: `  containerize migrate                       # report, then write requirements.txt + requirements.lock
  containerize migrate --format pyproject --dry-run
  containerize migrate --venv ~/.virtualenvs/shop`,
		Args: dirArg,
		RunE: func(cmd *cobra.Command, args []string) error { return migrateRun(io, opts, args) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.venv, "venv", "", "the virtualenv to read (default: the one found; asked when several are found)")
	f.StringVar(&opts.format, "format", "", "manifest to write: requirements, pipfile or pyproject (default: what the project uses, else requirements)")
	f.BoolVarP(&opts.yes, "yes", "y", false, "never prompt: take the first virtualenv found and keep existing files unless --force")
	f.BoolVar(&opts.force, "force", false, "overwrite changed files without asking, keeping a backup of each (FILE.bak)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "print the report and a unified diff of every change; write nothing")
	f.BoolVar(&opts.accessible, "accessible", false, "ask in plain line-by-line prompts (also: ACCESSIBLE=1, or when standard input is not a terminal)")
	return cmd
}

func migrateRun(io *IO, opts *migrateOptions, args []string) error {
	dir, err := projectDir(args)
	if err != nil {
		return err
	}
	p, err := detectDir(dir)
	if err != nil {
		return err
	}
	prompter := newPrompter(io, opts.yes, opts.accessible)
	files, err := migratePlan(io, p, dir, opts.venv, opts.format, prompter)
	if err != nil {
		return err
	}
	changes, err := safewrite.Plan(dir, files)
	if err != nil {
		return err
	}
	if opts.dryRun {
		return printDryRun(io, changes)
	}
	res, err := safewrite.Apply(dir, changes, safewrite.Options{
		Force:   opts.force,
		Confirm: confirmer{prompter: prompter, out: io.ErrOut},
	})
	if err != nil {
		return abortOr(err)
	}
	printResult(io, res, nil, "Next: containerize init")
	return nil
}

// migratePlan finds and reads the virtualenv, prints the drift report, and returns the
// files that declare what it runs on. init uses it too, for a project that declares nothing.
func migratePlan(io *IO, p *detect.Project, dir, venvPath, format string, prompter wizard.Prompter) ([]safewrite.File, error) {
	resolved, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	loc := venv.Locator{Project: resolved, Getenv: io.Getenv, FS: os.DirFS("/")}
	var v venv.Venv
	if venvPath != "" {
		if v, err = loc.At(venvPath); err != nil {
			return nil, fmt.Errorf("--venv %s: %w", venvPath, err)
		}
	} else {
		found, err := loc.Find()
		if err != nil {
			return nil, err
		}
		switch {
		case len(found) == 0:
			return nil, fmt.Errorf("no virtualenv found for %s (looked in the project, $VIRTUAL_ENV, $WORKON_HOME, pipenv's and Poetry's folders): pass --venv PATH", dir)
		case len(found) == 1 || prompter == nil:
			v = found[0]
			if len(found) > 1 {
				fmt.Fprintf(io.ErrOut, "note: %d virtualenvs found; using %s (--venv picks another)\n", len(found), found[0].Path)
			}
		default:
			var options []wizard.Option
			for _, f := range found {
				options = append(options, wizard.Option{Value: f.Path, Label: fmt.Sprintf("%s (Python %s, %s)", f.Path, f.Python, f.Origin)})
			}
			choice, err := prompter.Select("Virtualenv to read", "Several virtualenvs belong to this project.", options, found[0].Path)
			if err != nil {
				return nil, err
			}
			for _, f := range found {
				if f.Path == choice {
					v = f
				}
			}
		}
	}
	dists, err := loc.Read(v)
	if err != nil {
		return nil, err
	}
	in := migrate.Input{Project: p, FS: os.DirFS(dir), Venv: v, Dists: dists, Dir: resolved}
	rep, err := migrate.Analyze(in)
	if err != nil {
		return nil, err
	}
	rep.Human(io.ErrOut)
	if format == "" {
		format = defaultFormat(p)
	}
	planned, err := migrate.Plan(in, rep, format)
	if err != nil {
		return nil, err
	}
	files := make([]safewrite.File, 0, len(planned))
	for _, f := range planned {
		files = append(files, safewrite.File{Path: f.Path, Data: f.Data})
	}
	return files, nil
}

// defaultFormat keeps the project's own kind of manifest.
func defaultFormat(p *detect.Project) string {
	switch {
	case p.PackageManager == "pipenv":
		return migrate.FormatPipfile
	case p.PackageManager == "setuptools", p.PackageManager == "pip" && p.RequirementsFile == "" && len(p.DependencyFiles) > 0:
		return migrate.FormatPyproject
	case strings.HasPrefix(p.PackageManager, "poetry"), p.PackageManager == "uv", p.PackageManager == "pdm":
		return migrate.FormatPyproject
	}
	return migrate.FormatRequirements
}
