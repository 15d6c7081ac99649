package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/fsoverlay"
	"github.com/containerize/containerize/generate"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/wizard"
)

type initOptions struct {
	flags         wizard.Flags
	services      string
	settingsPatch bool
	noPatch       bool
	force         bool
	dryRun        bool
	accessible    bool
}

func newInitCmd(io *IO) *cobra.Command {
	opts := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Detect the project, ask what is open, and write its container files",
		Long: `init detects the project in DIR (default: the current directory), asks only what detection
cannot decide (services, Python version, port, web server, the settings block), and writes
Dockerfile, docker-compose.yml, .dockerignore, .env.example, .env (when missing) and
containerize.toml with the answers, so the next run asks nothing.

Every question has a flag. --yes takes the detected defaults for whatever is still open.
Without a terminal, questions are read line by line from standard input.

An existing file is never overwritten silently: init asks for each changed file, --force
replaces them and keeps a backup (FILE.bak), --dry-run prints a unified diff and writes nothing.`,
		Example: `  containerize init                         # ask on the terminal
  containerize init --yes                   # take the detected defaults (onboarding scripts)
  containerize init --services postgres,redis --python 3.12 --yes
  containerize init --dry-run               # show what would change`,
		Args: dirArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			opts.flags.ServicesSet = f.Changed("services")
			if opts.flags.ServicesSet {
				opts.flags.Services = splitList(opts.services)
			}
			switch {
			case f.Changed("settings-patch") && f.Changed("no-settings-patch"):
				return usageError{errors.New("--settings-patch and --no-settings-patch contradict each other")}
			case f.Changed("settings-patch"):
				opts.flags.SettingsPatch = &opts.settingsPatch
			case f.Changed("no-settings-patch"):
				no := !opts.noPatch
				opts.flags.SettingsPatch = &no
			}
			return initRun(io, opts, args)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.flags.Yes, "yes", "y", false, "take the detected defaults for every open question; never prompt")
	f.StringVar(&opts.flags.Python, "python", "", "Python minor version of the base image, e.g. 3.12 (one of "+strings.Join(config.SupportedPython, ", ")+")")
	f.IntVar(&opts.flags.Port, "port", 0, "port the web server listens on (default 8000)")
	f.StringVar(&opts.flags.Server, "server", "", "web server: gunicorn, uvicorn (gunicorn with uvicorn workers, ASGI) or daphne (ASGI)")
	f.StringVar(&opts.services, "services", "", `comma-separated services for docker-compose.yml: postgres, mysql, redis, celery-worker, celery-beat, mail, or "none"`)
	f.BoolVar(&opts.settingsPatch, "settings-patch", false, "append the block that reads SECRET_KEY, DEBUG, ALLOWED_HOSTS and DATABASE_URL from the environment to the settings module")
	f.BoolVar(&opts.noPatch, "no-settings-patch", false, "do not touch the settings module")
	f.BoolVar(&opts.force, "force", false, "overwrite changed files without asking, keeping a backup of each (FILE.bak)")
	f.BoolVar(&opts.dryRun, "dry-run", false, "print a unified diff of every change and write nothing")
	f.BoolVar(&opts.accessible, "accessible", false, "ask in plain line-by-line prompts (also: ACCESSIBLE=1, or when standard input is not a terminal)")
	return cmd
}

func splitList(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" && x != "none" {
			out = append(out, x)
		}
	}
	return out
}

func initRun(io *IO, opts *initOptions, args []string) error {
	dir, err := projectDir(args)
	if err != nil {
		return err
	}
	p, err := detectDir(dir)
	if err != nil {
		return err
	}
	saved, err := loadSaved(dir)
	if err != nil {
		return err
	}
	prompter := newPrompter(io, opts.flags.Yes, opts.accessible)
	printSummary(io, p)

	// A project whose dependencies live only in its virtualenv gets them declared first, in
	// the same write: detection then reads the project as migrate leaves it.
	var migrated []safewrite.File
	if p.PackageManager == "none" && len(p.Virtualenvs) > 0 {
		run := true
		if prompter != nil {
			run, err = prompter.Confirm("Declare the dependencies first?",
				fmt.Sprintf("No dependency file declares them; %s/ holds the only record. containerize migrate writes requirements.txt and requirements.lock from it.", p.Virtualenvs[0]), true)
			if err != nil {
				return abortOr(err)
			}
		}
		if !run {
			return fmt.Errorf("%s declares no dependencies: run containerize migrate, or add a requirements file, then init again", dir)
		}
		if migrated, err = migratePlan(io, p, dir, p.Virtualenvs[0], "", prompter); err != nil {
			return err
		}
		planned := map[string][]byte{}
		for _, f := range migrated {
			planned[f.Path] = f.Data
		}
		if p, err = detect.Detect(fsoverlay.New(os.DirFS(dir), planned), dir); err != nil {
			return err
		}
	}

	cfg, err := wizard.Resolve(p, saved, opts.flags, prompter)
	if err != nil {
		var fe *wizard.FlagError
		if errors.As(err, &fe) {
			return usageError{err}
		}
		return abortOr(err)
	}
	pl, err := plan.Make(p, cfg)
	if err != nil {
		return err
	}
	out, err := generate.Generate(pl, generate.Options{Rand: io.Rand, Dir: dir})
	if err != nil {
		return err
	}
	files, approved, err := desiredFiles(dir, out)
	if err != nil {
		return err
	}
	files = append(migrated, files...)
	changes, err := safewrite.Plan(dir, files)
	if err != nil {
		return err
	}
	if opts.dryRun {
		return printDryRun(io, changes)
	}
	res, err := safewrite.Apply(dir, changes, safewrite.Options{
		Force:   opts.force,
		Confirm: confirmer{prompter: prompter, approved: approved, out: io.ErrOut},
	})
	if err != nil {
		return abortOr(err)
	}
	printResult(io, res, out.Notes, "Next: docker compose up --build")
	return nil
}

// loadSaved reads containerize.toml when the project has one.
func loadSaved(dir string) (*config.Config, error) {
	name := filepath.Join(dir, config.FileName)
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", config.FileName, err)
	}
	return config.Parse(b, config.FileName)
}

// newPrompter picks how questions are asked: not at all with --yes, a terminal UI when
// both ends are terminals, otherwise plain prompts read line by line from standard input.
func newPrompter(io *IO, yes, accessible bool) wizard.Prompter {
	if yes {
		return nil
	}
	accessible = accessible || io.Getenv("ACCESSIBLE") != "" || !io.InTTY || !io.OutTTY
	return wizard.NewHuh(io.In, io.ErrOut, accessible)
}

// desiredFiles turns the generator's output into whole files: blocks and lines are merged
// into the current content of their file. approved lists the files the answers themselves
// consent to changing (the settings block, .gitignore entries, the saved answers).
func desiredFiles(dir string, out *generate.Output) ([]safewrite.File, map[string]bool, error) {
	approved := map[string]bool{config.FileName: true}
	current := func(rel string) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", rel, err)
		}
		return b, nil
	}
	// .env is written when missing (after .env.example); an existing one only gains what
	// the compose file needs.
	oldEnv, err := current(".env")
	if err != nil {
		return nil, nil, err
	}
	var files []safewrite.File
	for _, f := range out.Files {
		files = append(files, safewrite.File{Path: f.Path, Data: f.Data})
		if f.Path == ".env.example" && oldEnv == nil {
			files = append(files, safewrite.File{Path: ".env", Data: out.Env})
		}
	}
	for _, b := range out.Blocks {
		old, err := current(b.Path)
		if err != nil {
			return nil, nil, err
		}
		if old == nil {
			return nil, nil, fmt.Errorf("%s: the settings module is missing; cannot add the settings block (run with --no-settings-patch)", b.Path)
		}
		files = append(files, appended(b.Path, old, safewrite.EnsureBlock(old, b.Begin, b.End, b.Body)))
		approved[b.Path] = true
	}
	if oldEnv != nil {
		merged, added := generate.MergeEnv(oldEnv, out.Env)
		if len(added) > 0 {
			files = append(files, appended(".env", oldEnv, merged))
			approved[".env"] = true
			out.Notes = append(out.Notes, fmt.Sprintf(".env lacked %s, which docker-compose.yml uses; added with fresh values", strings.Join(added, ", ")))
		}
	}
	for _, l := range out.Lines {
		old, err := current(l.Path)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, appended(l.Path, old, safewrite.EnsureLines(old, l.Lines...)))
		approved[l.Path] = true
	}
	return files, approved, nil
}

// appended is a file whose new content may only add to the old; when it purely appends,
// no backup is left beside it (replacing a block in place keeps one).
func appended(path string, old, data []byte) safewrite.File {
	return safewrite.File{Path: path, Data: data, Additive: bytes.HasPrefix(data, old)}
}

// confirmer asks before overwriting a file the user owns, unless the answers already said yes.
type confirmer struct {
	prompter wizard.Prompter
	approved map[string]bool
	out      interface{ Write([]byte) (int, error) }
}

func (c confirmer) ConfirmOverwrite(path, diff string) (bool, error) {
	if c.approved[path] {
		return true, nil
	}
	if c.prompter == nil {
		return false, nil
	}
	fmt.Fprintf(c.out, "\n%s already exists and would change:\n%s\n", path, diff)
	return c.prompter.Confirm(fmt.Sprintf("Overwrite %s?", path), "No keeps your file; --force overwrites and keeps a .bak copy.", false)
}

func printDryRun(io *IO, changes []safewrite.Change) error {
	n := 0
	for _, c := range changes {
		if c.Diff != "" {
			fmt.Fprint(io.Out, c.Diff)
			n++
		}
	}
	fmt.Fprintf(io.ErrOut, "dry run: %d file(s) would change; nothing was written\n", n)
	return nil
}

func printSummary(io *IO, p *detect.Project) {
	w := io.ErrOut
	fmt.Fprintf(w, "Detected %s", p.PackageManager)
	if len(p.DependencyFiles) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(p.DependencyFiles, ", "))
	}
	if p.Python.Version != "" {
		fmt.Fprintf(w, ", Python %s from %s", p.Python.Version, p.Python.Source)
	}
	if d := p.Django; d != nil && d.SettingsModule != "" {
		fmt.Fprintf(w, ", Django settings %s", d.SettingsModule)
	}
	fmt.Fprintln(w)
	if len(p.Services) > 0 {
		fmt.Fprintf(w, "Services: %s\n", strings.Join(p.Services, ", "))
	}
	for _, c := range p.Python.Conflicts {
		fmt.Fprintf(w, "note: %s\n", c)
	}
	for _, f := range p.Warnings {
		if f.Source != "" {
			fmt.Fprintf(w, "warning: %s: %s\n", f.Source, f.Detail)
		} else {
			fmt.Fprintf(w, "warning: %s\n", f.Detail)
		}
	}
}

// abortOr turns a cancelled prompt into errAborted (exit 130).
func abortOr(err error) error {
	if errors.Is(err, wizard.ErrAborted) {
		return errAborted
	}
	return err
}

func printResult(io *IO, res safewrite.Result, notes []string, next string) {
	w := io.Out
	for _, f := range res.Created {
		fmt.Fprintf(w, "created   %s\n", f)
	}
	for _, f := range res.Updated {
		fmt.Fprintf(w, "updated   %s\n", f)
	}
	for _, f := range res.Unchanged {
		fmt.Fprintf(w, "unchanged %s\n", f)
	}
	for _, f := range res.Skipped {
		fmt.Fprintf(w, "kept      %s (yours differs; --force replaces it and keeps a backup)\n", f)
	}
	for _, f := range res.Backups {
		fmt.Fprintf(w, "backup    %s\n", f)
	}
	for _, n := range notes {
		fmt.Fprintf(io.ErrOut, "note: %s\n", n)
	}
	if len(res.Created)+len(res.Updated) > 0 {
		fmt.Fprintln(w, "\n"+next)
	}
}
