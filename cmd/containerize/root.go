package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

func newRootCmd(io *IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "containerize",
		Short: "Give a Python / Django project a container setup that works the first time",
		Long: `containerize detects what a Python / Django project is (dependency files, lockfiles,
Python version, Django settings, the services it uses), asks only what it cannot know,
and writes a Dockerfile, docker-compose.yml, .dockerignore and .env files.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.ErrOut)
	// --version is ours, not cobra's (which needs the version before any command runs), so
	// the build information is read only when asked.
	showVersion := root.Flags().BoolP("version", "v", false, "print containerize's version")
	root.RunE = func(c *cobra.Command, _ []string) error {
		if *showVersion {
			_, err := fmt.Fprintln(io.Out, "containerize version", buildVersion())
			return err
		}
		return c.Help()
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newInitCmd(io, initRun), newDetectCmd(io, detectRun), newBuildCmd(io, buildRun), newMigrateCmd(io, migrateRun),
		newDoctorCmd(io, doctorRun))
	return root
}

// dirArg validates the optional DIR argument.
func dirArg(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usageError{fmt.Errorf("%s takes at most one directory, got %d arguments", cmd.CommandPath(), len(args))}
	}
	return nil
}

// inDir is a RunE that resolves DIR into *dir and then runs run.
func inDir(dir *string, run func() error) func(*cobra.Command, []string) error {
	return func(_ *cobra.Command, args []string) (err error) {
		if *dir, err = projectDir(args); err != nil {
			return err
		}
		return run()
	}
}

// projectDir resolves DIR (default ".") to an absolute directory that exists.
func projectDir(args []string) (string, error) {
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("project directory %s does not exist", dir)
	}
	if err != nil {
		return "", fmt.Errorf("project directory: %w", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	return abs, nil
}

// unknownCommand turns cobra's unknown-command error into a usage error.
func isUnknownCommand(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "unknown command")
}
