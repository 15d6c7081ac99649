package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/containerize/containerize/internal/excerpt"
	"github.com/containerize/containerize/migrate"
	"github.com/containerize/containerize/workflow"
)

type migrateOptions struct {
	IO     *IO
	Dir    string
	Write  writeFlags
	Venv   string
	Format string
	// AllowConflicts writes the lock although the virtualenv's packages conflict.
	AllowConflicts bool
}

// newMigrateCmd builds the migrate command; runF runs it (migrateRun, or a test's stand-in).
func newMigrateCmd(io *IO, runF func(*migrateOptions) error) *cobra.Command {
	opts := &migrateOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "migrate [DIR]",
		Short: "Turn a legacy virtualenv into declared, pinned dependencies",
		Long: `migrate finds the project's virtualenv (in the project, $VIRTUAL_ENV, virtualenvwrapper's
$WORKON_HOME, pipenv's and Poetry's folders, or --venv), reads what is installed in it without
running its Python, and reports the drift: packages declared but not installed, installed but
not declared, versions that differ, and imports in the project's code that nothing provides.

It then writes the manifest you pick, with the top-level packages pinned to their installed
versions, and requirements.lock with every package pinned. Existing files are never
overwritten without consent (--force keeps FILE.bak, --dry-run shows a diff).

The lock must install: when the installed packages do not satisfy each other's requirements
(what pip check reports — a package missing, or installed at a version another one's
Requires-Dist excludes, markers evaluated for the image's Python on Linux), migrate names each
conflict and exits 1 without writing. Fix the virtualenv, or pass --allow-conflicts to write
the files anyway, with the conflicts listed at the top of requirements.lock.`,
		Example: `  containerize migrate                       # report, then write requirements.txt + requirements.lock
  containerize migrate --format pyproject --dry-run
  containerize migrate --venv ~/.virtualenvs/shop`,
		Args: dirArg,
		RunE: inDir(&opts.Dir, func() error {
			switch opts.Format {
			case "", migrate.FormatRequirements, migrate.FormatPipfile, migrate.FormatPyproject:
			default:
				return usageError{fmt.Errorf("--format: unknown format %s: use %s, %s or %s", excerpt.Quote(opts.Format),
					migrate.FormatRequirements, migrate.FormatPipfile, migrate.FormatPyproject)}
			}
			return runF(opts)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&opts.Venv, "venv", "", "the virtualenv to read (default: the one found; asked when several are found)")
	f.StringVar(&opts.Format, "format", "", "manifest to write: requirements, pipfile or pyproject (default: what the project uses, else requirements)")
	f.BoolVar(&opts.AllowConflicts, "allow-conflicts", false, "write the lock even though the installed packages conflict (pip check); it lists the conflicts and will not install as it is")
	opts.Write.register(f, "never prompt: take the first virtualenv found and keep existing files unless --force")
	return cmd
}

func migrateRun(opts *migrateOptions) (err error) {
	io := opts.IO
	prompter, done, err := newPrompter(io, opts.Write)
	if err != nil {
		return err
	}
	defer done(&err)
	unlock, err := lockProject(io, opts.Dir, opts.Write)
	if err != nil {
		return err
	}
	defer unlock()
	changes, err := workflow.PrepareMigrate(workflow.Migrate{Dir: opts.Dir, Venv: opts.Venv, Format: opts.Format,
		Prompter: prompter, Getenv: io.Getenv, Log: io.ErrOut, AllowConflicts: opts.AllowConflicts})
	if err != nil {
		return abortOr(err)
	}
	return write(io, opts.Dir, opts.Write, prompter, changes)
}
