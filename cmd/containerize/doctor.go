package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/containerize/containerize/doctor"
)

type doctorOptions struct {
	IO   *IO
	Dir  string
	JSON bool
}

// newDoctorCmd builds the doctor command; runF runs it (doctorRun, or a test's stand-in).
func newDoctorCmd(io *IO, runF func(*doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "doctor [DIR]",
		Short: "Check that this machine can run the project's containers, with a fix for each problem",
		Long: `doctor checks what ` + "`docker compose up`" + ` needs on this machine for the project in DIR
(default: the current directory): the Docker engine answers, Compose v2 (and whether it has
develop.watch and up --watch), BuildKit, the containers' user against yours on a native Linux
engine, the project's place under WSL, .env against .env.example, the ports the stack
publishes, and whether the generated files are in step with containerize.toml.

Each finding is ok, warning or blocking, with what was seen and a fix. It changes nothing.
Exit status: 0 when nothing blocks docker compose up, 1 when something does. --json prints
the findings for scripts.`,
		Example: `  containerize doctor                 # in the project
  containerize doctor --json | jq '.findings[] | select(.severity != "ok")'`,
		Args: dirArg,
		RunE: inDir(&opts.Dir, func() error { return runF(opts) }),
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the findings as JSON (schema in README.md)")
	return cmd
}

func doctorRun(opts *doctorOptions) error {
	io := opts.IO
	r := doctor.Check(context.Background(), doctor.Options{
		Dir: opts.Dir, Run: doctor.Exec, Listen: doctor.ListenLocal, Getenv: io.Getenv, Host: doctor.ThisHost(io.Getenv),
	})
	write := r.WriteText
	if opts.JSON {
		write = r.WriteJSON
	}
	if err := write(io.Out); err != nil {
		return err
	}
	if n := r.Blocking(); n > 0 {
		where := "see the fixes above"
		if opts.JSON {
			where = "see the findings' fix"
		}
		return fmt.Errorf("%d finding(s) block docker compose up: %s", n, where)
	}
	return nil
}
