package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/kube"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/wizard"
	"github.com/containerize/containerize/workflow"
)

// writeFlags are the flags of every command that writes the project's files.
type writeFlags struct {
	yes, force, dryRun, accessible, json bool
}

func (w *writeFlags) register(f *pflag.FlagSet, yesHelp string) {
	f.BoolVarP(&w.yes, "yes", "y", false, yesHelp)
	f.BoolVar(&w.force, "force", false, "overwrite changed files without asking, keeping a backup of each (FILE.bak)")
	f.BoolVar(&w.dryRun, "dry-run", false, "print a unified diff of every change and write nothing")
	f.BoolVar(&w.json, "json", false, "print the plan and what happened to each file as JSON on standard output (for scripts)")
	f.BoolVar(&w.accessible, "accessible", false, "ask in plain line-by-line prompts (also: ACCESSIBLE=1, or when standard input is not a terminal)")
}

type initOptions struct {
	IO    *IO
	Dir   string
	Write writeFlags
	// Flags are the answers on the command line (Flags.Yes mirrors Write.yes).
	Flags wizard.Flags
	// Kubernetes is set by --kubernetes (with --kubernetes-host, --kubernetes-image).
	Kubernetes *kube.Options
}

// newInitCmd builds the init command; runF runs it (initRun, or a test's stand-in that sees
// the parsed options).
func newInitCmd(io *IO, runF func(*initOptions) error) *cobra.Command {
	opts := &initOptions{IO: io}
	var services string
	var patch, noPatch, kubernetes bool
	var kubeOpts kube.Options
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Detect the project, ask what is open, and write its container files",
		Long: `init detects the project in DIR (default: the current directory), asks only what detection
cannot decide (services, Python version, port, web server, the settings block), and writes
Dockerfile, docker-compose.yml (production), docker-compose.override.yml (the development
environment), .devcontainer/devcontainer.json, .dockerignore, .env.example, .env (when
missing, with this machine's DEV_UID/DEV_GID), containerize.toml with the answers, so the
next run asks nothing, and containerize.sum, the record of what it wrote. --kubernetes also
writes deploy/kubernetes from the same plan (kustomize: kubectl apply -k
deploy/kubernetes/overlays/staging).

Every question has a flag. --yes takes the detected defaults for whatever is still open.
Without a terminal, questions are read line by line from standard input.

A file containerize wrote and nobody edited follows the answers (its diff is printed). A file
someone edited, or that containerize never wrote, is only replaced with consent: init asks,
--force replaces it and keeps a backup (FILE.bak), keep = ["FILE"] in containerize.toml
leaves it alone. Without consent nothing at all is written and init exits with 3.
--dry-run prints a unified diff and writes nothing.`,
		Example: `  containerize init                         # ask on the terminal
  containerize init --yes                   # take the detected defaults (onboarding scripts)
  containerize init --services postgres,redis --python 3.12 --yes
  containerize init --settings config.settings.production --yes
  containerize init --dry-run               # show what would change
  containerize init --yes --kubernetes --kubernetes-host shop.example.com   # and deploy/kubernetes
  containerize init --yes --json            # a teammate's clone: only .env is written; JSON for scripts`,
		Args: dirArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Dir, err = projectDir(args); err != nil {
				return err
			}
			f := cmd.Flags()
			if err := checkInitFlags(f, &flagValues{port: opts.Flags.Port, services: services,
				python: opts.Flags.Python, server: opts.Flags.Server, name: opts.Flags.Name}); err != nil {
				return err
			}
			opts.Flags.Yes = opts.Write.yes
			if opts.Flags.ServicesSet = f.Changed("services"); opts.Flags.ServicesSet {
				opts.Flags.Services, _ = parseServices(services) // checked above
			}
			switch {
			case f.Changed("settings-patch") && f.Changed("no-settings-patch"):
				return usageError{errors.New("--settings-patch and --no-settings-patch contradict each other")}
			case f.Changed("settings-patch"):
				opts.Flags.SettingsPatch = &patch
			case f.Changed("no-settings-patch"):
				yes := !noPatch
				opts.Flags.SettingsPatch = &yes
			}
			if kubernetes {
				opts.Kubernetes = &kubeOpts
			} else if f.Changed("kubernetes-host") || f.Changed("kubernetes-image") {
				return usageError{errors.New("--kubernetes-host and --kubernetes-image go with --kubernetes")}
			}
			return runF(opts)
		},
	}
	f := cmd.Flags()
	opts.Write.register(f, "take the detected defaults for every open question; never prompt")
	f.BoolVar(&kubernetes, "kubernetes", false, "also write deploy/kubernetes: kustomize base, components and staging/production overlays (kubectl apply -k)")
	f.StringVar(&kubeOpts.Host, "kubernetes-host", "", "with --kubernetes: the public host name, for an Ingress and ALLOWED_HOSTS")
	f.StringVar(&kubeOpts.Image, "kubernetes-image", "", "with --kubernetes: the image the overlays run, REPOSITORY[:TAG|@sha256:DIGEST] (default: the local image)")
	f.StringVar(&opts.Flags.Name, "name", "", "the project's name: image, compose project and default database (saved; default: what the project calls itself)")
	f.StringVar(&opts.Flags.Python, "python", "", "Python minor version of the base image, e.g. 3.12 (one of "+strings.Join(config.Python.Supported, ", ")+")")
	f.IntVar(&opts.Flags.Port, "port", 0, "port the web server listens on (default 8000)")
	f.StringVar(&opts.Flags.Server, "server", "", "web server: gunicorn, uvicorn (gunicorn with uvicorn workers, ASGI) or daphne (ASGI)")
	f.StringVar(&services, "services", "", "comma-separated services for docker-compose.yml: "+
		strings.Join(detect.Strings(config.ComposeServices), ", ")+`, or "none"`)
	cmd.RegisterFlagCompletionFunc("python", completeOneOf(config.Python.Supported...))
	cmd.RegisterFlagCompletionFunc("server", completeOneOf(config.Servers...))
	cmd.RegisterFlagCompletionFunc("services", completeList(append(detect.Strings(config.ComposeServices), "none")...))
	f.StringVar(&opts.Flags.Settings, "settings", "", "the Django settings module the image runs, e.g. config.settings.production (default: the first of the candidates containerize detect lists)")
	f.BoolVar(&patch, "settings-patch", false, "append the block that reads SECRET_KEY, DEBUG, ALLOWED_HOSTS and DATABASE_URL from the environment to the settings module")
	f.BoolVar(&noPatch, "no-settings-patch", false, "do not touch the settings module")
	return cmd
}

func initRun(opts *initOptions) (err error) {
	io := opts.IO
	if opts.Write.json {
		defer func() { failureJSON(io, err) }()
	}
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
	changes, err := workflow.PrepareInit(workflow.Init{Dir: opts.Dir, Flags: opts.Flags, Prompter: prompter,
		Rand: io.Rand, UID: io.UID, GID: io.GID, Getenv: io.Getenv, Log: io.ErrOut, Kubernetes: opts.Kubernetes})
	if err != nil {
		var fe *wizard.FlagError
		if errors.As(err, &fe) {
			return usageError{err}
		}
		return abortOr(err)
	}
	return write(io, opts.Dir, opts.Write, prompter, changes)
}

// write applies the changes (asking before overwriting a user's file), or prints them with
// --dry-run, and prints what happened: for people, or as JSON with --json.
func write(io *IO, dir string, w writeFlags, prompter wizard.Prompter, c *workflow.Changes) error {
	if w.dryRun {
		n := 0
		for _, ch := range c.Changes {
			if ch.Diff != "" && !w.json {
				fmt.Fprint(io.Out, ch.Diff)
				n++
			}
		}
		for _, p := range slices.Sorted(maps.Keys(c.Consent)) {
			fmt.Fprintf(io.ErrOut, "%s was %s: init asks before replacing it (--force replaces it, keeping %s.bak)\n", p, c.Consent[p], p)
		}
		if w.json {
			return printJSON(io, c, nil, "dry-run")
		}
		fmt.Fprintf(io.ErrOut, "dry run: %d file(s) would change; nothing was written\n", n)
		return nil
	}
	if !w.force && prompter == nil {
		if err := c.NeedConsent(); err != nil {
			return err
		}
	}
	// SIGINT or SIGTERM while writing rolls the write back (or, once committed, lets it
	// finish) before the process exits.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := safewrite.Apply(dir, c.Changes, safewrite.Options{
		Force:   w.force,
		Confirm: interruptible{ctx, workflow.Confirmer{Prompter: prompter, Changes: c, Out: io.ErrOut}},
		Context: ctx,
		Log:     io.ErrOut,
		Step:    io.WriteStep,
	})
	if err != nil {
		return abortOr(err)
	}
	if w.json {
		return printJSON(io, c, &res, "")
	}
	out := io.Out
	// What changed in a file containerize keeps up to date is shown, so a re-run never
	// changes a file silently; .env's diff would print secrets.
	for _, ch := range c.Changes {
		if ch.Action == safewrite.Update && slices.Contains(res.Updated, ch.File.Path) && ch.File.Path != ".env" {
			fmt.Fprint(out, ch.Diff)
		}
	}
	for _, f := range res.Created {
		fmt.Fprintf(out, "created   %s\n", f)
	}
	for _, f := range res.Updated {
		fmt.Fprintf(out, "updated   %s\n", f)
	}
	for _, f := range res.Unchanged {
		fmt.Fprintf(out, "unchanged %s\n", f)
	}
	for _, f := range res.Backups {
		fmt.Fprintf(out, "backup    %s\n", f)
	}
	for _, n := range c.Notes {
		fmt.Fprintf(io.ErrOut, "note: %s\n", n)
	}
	if len(res.Created)+len(res.Updated) > 0 {
		printNext(out, c)
	}
	return nil
}

// lockWait is how long a run waits for another run on the same project to finish.
const lockWait = 30 * time.Second

// lockProject takes the project's write lock, from before the files are read that the plan
// compares against until they are written, so two runs never interleave; then finishes or
// rolls back a write a killed run left, so the plan starts from one run's whole result.
// A dry run in a project it cannot write to (a read-only checkout) goes on unlocked.
func lockProject(io *IO, dir string, w writeFlags) (unlock func(), err error) {
	l, err := safewrite.LockProject(dir, lockWait, func() {
		fmt.Fprintf(io.ErrOut, "waiting for another containerize run to finish writing in %s (up to %v)...\n", dir, lockWait)
	})
	if err != nil && w.dryRun && !errors.Is(err, safewrite.ErrBusy) {
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	if err := safewrite.Recover(dir, io.ErrOut); err != nil {
		l.Unlock()
		return nil, err
	}
	return func() { l.Unlock() }, nil
}

// interruptible stops waiting for an answer when ctx ends (SIGINT, SIGTERM): the write is
// then aborted and nothing is written.
type interruptible struct {
	ctx context.Context
	c   safewrite.Confirmer
}

func (c interruptible) ConfirmOverwrite(path, diff string) (bool, error) {
	type answer struct {
		ok  bool
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		ok, err := c.c.ConfirmOverwrite(path, diff)
		ch <- answer{ok, err}
	}()
	select {
	case a := <-ch:
		return a.ok, a.err
	case <-c.ctx.Done():
		return false, wizard.ErrAborted
	}
}

// printNext says what to run now: for init, the documented commands of the development
// environment, its tests and production.
func printNext(out io.Writer, c *workflow.Changes) {
	cmds := c.Commands
	if cmds.Up == "" {
		fmt.Fprintln(out, "\nNext: "+c.Next)
		return
	}
	fmt.Fprintf(out, "\nNext:\n  development:  %s\n", cmds.Up)
	fmt.Fprintf(out, "                (%s also rebuilds when the dependencies change)\n", cmds.Watch)
	fmt.Fprintf(out, "  tests:        %s\n", cmds.Test)
	fmt.Fprintf(out, "  production:   %s\n", cmds.Production)
}

// runJSON is what --json prints: the plan, and what happened (or, with --dry-run, would
// happen) to each file. Diffs are left out: .env's would print secrets.
type runJSON struct {
	Plan  *plan.Plan `json:"plan,omitempty"`
	Files []fileJSON `json:"files"`
	Notes []string   `json:"notes"`
	Next  string     `json:"next,omitempty"`
	// Commands are init's documented commands: up, watch, test, production.
	Commands *commandsJSON `json:"commands,omitempty"`
	DryRun   bool          `json:"dry_run,omitempty"`
}

type commandsJSON struct {
	Up         string `json:"up"`
	Watch      string `json:"watch"`
	Test       string `json:"test"`
	Production string `json:"production"`
}

type fileJSON struct {
	Path string `json:"path"`
	// Action is created, updated, unchanged, or with --dry-run create, update, unchanged.
	Action string `json:"action"`
	Backup string `json:"backup,omitempty"`
	// Consent says why replacing this file needs the user's consent.
	Consent string `json:"consent,omitempty"`
}

// failureJSON tells a script why nothing was written, on standard output as the rest of
// --json: the error, the exit code, and each file that needs consent with why.
func failureJSON(io *IO, err error) {
	if err == nil {
		return
	}
	out := struct {
		Error    string            `json:"error"`
		ExitCode int               `json:"exit_code"`
		Consent  map[string]string `json:"consent,omitempty"`
	}{Error: err.Error(), ExitCode: exitCode(err)}
	var ce *workflow.ConsentError
	if errors.As(err, &ce) {
		out.Consent = ce.Files
	}
	enc := json.NewEncoder(io.Out)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}

func printJSON(io *IO, c *workflow.Changes, res *safewrite.Result, dryRun string) error {
	out := runJSON{Plan: c.Plan, Files: []fileJSON{}, Notes: append([]string{}, c.Notes...), Next: c.Next, DryRun: dryRun != ""}
	if cm := c.Commands; cm.Up != "" {
		out.Commands = &commandsJSON{Up: cm.Up, Watch: cm.Watch, Test: cm.Test, Production: cm.Production}
	}
	for _, ch := range c.Changes {
		f := fileJSON{Path: ch.File.Path, Action: ch.Action.String(), Consent: c.Consent[ch.File.Path]}
		if res != nil {
			switch {
			case slices.Contains(res.Created, f.Path):
				f.Action = "created"
			case slices.Contains(res.Updated, f.Path):
				f.Action = "updated"
			default:
				f.Action = "unchanged"
			}
			if i := slices.Index(res.Backups, f.Path+".bak"); i >= 0 {
				f.Backup = res.Backups[i]
			}
		}
		out.Files = append(out.Files, f)
	}
	enc := json.NewEncoder(io.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// newPrompter picks how questions are asked: not at all with --yes, a terminal UI when
// both ends are terminals, otherwise plain prompts read line by line from standard input.
// The terminal UI reads the terminal from now until done, which the run defers: it gives
// the terminal back, and reports a failure to do so when the run had none.
func newPrompter(io *IO, w writeFlags) (pr wizard.Prompter, done func(*error), err error) {
	if w.yes {
		return nil, func(*error) {}, nil
	}
	accessible := w.accessible || io.Getenv("ACCESSIBLE") != "" || !io.InTTY || !io.OutTTY
	h, err := wizard.NewHuh(io.In, io.ErrOut, accessible, io.Getenv("TERM"))
	if err != nil {
		return nil, nil, err
	}
	return h, func(err *error) {
		if cerr := h.Close(); cerr != nil && *err == nil {
			*err = cerr
		}
	}, nil
}

// abortOr turns a cancelled prompt into errAborted (exit 130).
func abortOr(err error) error {
	if errors.Is(err, wizard.ErrAborted) {
		return errAborted
	}
	return err
}
