package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/venv"
)

type detectOptions struct {
	IO   *IO
	Dir  string
	JSON bool
}

// newDetectCmd builds the detect command; runF runs it (detectRun, or a test's stand-in).
func newDetectCmd(io *IO, runF func(*detectOptions) error) *cobra.Command {
	opts := &detectOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "detect [DIR]",
		Short: "Print what the project is, with the evidence (file:line) for every finding",
		Long: `detect reads the project in DIR (default: the current directory) and prints what it found:
the package manager and dependency files, the Python version and every source that names one,
the Django settings, the services the project uses and the Debian packages its image needs.
It never writes anything. --json prints the same for scripts.`,
		Args: dirArg,
		RunE: inDir(&opts.Dir, func() error { return runF(opts) }),
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the findings as JSON")
	return cmd
}

func detectRun(opts *detectOptions) error {
	io := opts.IO
	fsys, err := detect.Dir(opts.Dir)
	if err != nil {
		return err
	}
	p, err := detect.Detect(fsys, opts.Dir)
	if err != nil {
		return err
	}
	// Detection reports facts; the version chosen, the conflicts and Django's warning are
	// the Python policy's, printed beside them.
	config.Python.Apply(p)
	// Virtualenvs outside the project (VIRTUAL_ENV, WORKON_HOME, pipenv, Poetry) depend on
	// this user's environment, not on the tree, so they are looked up here.
	external, err := externalVenvs(io, opts.Dir)
	if err != nil {
		return err
	}
	if opts.JSON {
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // specifiers such as ">=5.1" stay readable
		return enc.Encode(detectOutput{Project: p, ExternalVirtualenvs: external})
	}
	printProject(io.Out, p, external)
	return nil
}

// detectOutput is detect --json: the project's findings plus the virtualenvs found outside it.
type detectOutput struct {
	*detect.Project
	ExternalVirtualenvs []venv.Venv `json:"external_virtualenvs"`
}

func externalVenvs(io *IO, dir string) ([]venv.Venv, error) {
	resolved, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	found, err := venv.Locator{Project: resolved, Getenv: io.Getenv, FS: venv.SystemFS()}.Find()
	if err != nil {
		return nil, err
	}
	out := []venv.Venv{}
	for _, v := range found {
		if v.Origin != "project" {
			out = append(out, v)
		}
	}
	return out, nil
}

// printProject writes the findings for people, one section per topic.
func printProject(w io.Writer, p *detect.Project, external []venv.Venv) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	or := func(s, none string) string {
		if s == "" {
			return none
		}
		return s
	}
	row("Project", fmt.Sprintf("%s (%s)", p.Name, p.Root))
	row("App root", p.AppRoot)
	row("Package manager", fmt.Sprintf("%s: %s", p.PackageManager, p.PackageManagerSource))
	row("  files", or(strings.Join(p.DependencyFiles, ", "), "none"))
	for _, f := range p.OtherDependencyFiles {
		row("  not used", fmt.Sprintf("%s: %s", f.Name, f.Detail))
	}
	row("Python", fmt.Sprintf("%s (%s)", or(p.Python.Version, "not specified"), or(p.Python.Source, "no source names a version")))
	if p.Python.Version == "" {
		v, why := config.Python.Undeclared(p.Python.Django)
		row("  image", fmt.Sprintf("%s: %s", v, why))
	}
	for _, c := range p.Python.Candidates {
		row("  candidate", fmt.Sprintf("%s: %q → %s", c.Source, c.Spec, or(c.Version, "none supported")))
	}
	for _, c := range p.Python.Conflicts {
		row("  conflict", c)
	}
	if d := p.Django; d != nil {
		row("Django", fmt.Sprintf("settings %s (%s)", or(d.SettingsModule, "not found"), or(d.SettingsModuleSource, d.ManagePy)))
		if len(d.SettingsCandidates) > 1 { // one is the settings row itself
			for _, c := range d.SettingsCandidates {
				chosen := ""
				if c.Chosen {
					chosen = ", chosen"
				}
				row("  settings candidate", fmt.Sprintf("%s: %s%s (%s)", c.Module, c.Role, chosen, strings.Join(c.Evidence, ", ")))
			}
		}
		app := func(a *string, src string) string {
			if a == nil {
				return "none"
			}
			return fmt.Sprintf("%s (%s)", *a, src)
		}
		row("  WSGI", app(d.WSGIApplication, d.WSGIApplicationSource))
		row("  ASGI", app(d.ASGIApplication, d.ASGIApplicationSource))
		row("  database", fmt.Sprintf("%s (%s)", or(d.Database, "unknown"), or(d.DatabaseSource, "-")))
		if d.StaticRoot {
			row("  static", "STATIC_ROOT ("+d.StaticRootSource+")")
		} else {
			row("  static", "STATIC_ROOT not set")
		}
		if d.Whitenoise {
			row("  whitenoise", d.WhitenoiseSource)
		}
		if d.EmailProvider != "" {
			// Mail over an HTTP API is no service, so the Services rows do not show it.
			mail := fmt.Sprintf("%s, an HTTP API (%s)", d.EmailProvider, d.EmailProviderSource)
			if len(d.EmailProviderEnv) > 0 {
				mail += "; reads " + strings.Join(d.EmailProviderEnv, ", ")
			}
			row("  mail", mail)
		}
		row("  apps", or(strings.Join(d.InstalledApps, ", "), "none"))
	} else {
		row("Django", "no manage.py found")
	}
	if len(p.ServiceEvidence) == 0 {
		row("Services", "none")
	}
	for i, s := range p.ServiceEvidence {
		k := ""
		if i == 0 {
			k = "Services"
		}
		row(k, fmt.Sprintf("%s (%s: %s)", s.Name, s.Source, s.Detail))
	}
	for i, pr := range p.Processes {
		k := ""
		if i == 0 {
			k = "Processes"
		}
		row(k, fmt.Sprintf("%s %s: %s (%s)", pr.Kind, pr.Name, strings.Join(pr.Command, " "), pr.Source))
	}
	if fe := p.Frontend; fe != nil {
		row("Frontend", fmt.Sprintf("%s build in %s (%s), %s, output %s", fe.Tool, fe.Dir, fe.BuildSource, fe.Manager, or(fe.Output, "unknown")))
	}
	row("Debian packages", fmt.Sprintf("build: %s; runtime: %s",
		or(strings.Join(p.SystemPackages.Build, " "), "none"), or(strings.Join(p.SystemPackages.Runtime, " "), "none")))
	row("Virtualenvs", or(strings.Join(p.Virtualenvs, ", "), "none in the project"))
	for _, v := range external {
		row("  outside", fmt.Sprintf("%s (Python %s, from %s)", v.Path, v.Python, v.Origin))
	}
	tw.Flush()
	if len(p.Warnings) > 0 {
		fmt.Fprintln(w, "Warnings:")
		for _, f := range p.Warnings {
			if f.Source != "" {
				fmt.Fprintf(w, "  %s: %s\n", f.Source, f.Detail)
			} else {
				fmt.Fprintf(w, "  %s\n", f.Detail)
			}
		}
	}
}
