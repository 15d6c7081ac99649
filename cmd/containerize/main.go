// Command containerize gives an existing Python / Django project a container setup that
// works the first time: it detects the project, asks what it cannot know, and writes a
// Dockerfile, docker-compose.yml, .dockerignore and .env files.
package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/containerize/containerize/workflow"
)

// Exit codes, documented in README.md.
const (
	exitOK      = 0
	exitError   = 1 // bad input, invalid project, failed write
	exitUsage   = 2 // unknown command or flag, bad flag value
	exitConsent = 3 // a file someone edited would be replaced without consent; nothing written
	exitAborted = 130
)

func main() { os.Exit(run(os.Args[1:], stdIO())) }

// IO is everything a command reads from or writes to outside its arguments, so tests can
// hand in their own.
type IO struct {
	In          io.Reader
	Out, ErrOut io.Writer
	// InTTY / OutTTY / ErrTTY say whether In / Out / ErrOut are terminals (prompts need the
	// first two for the TUI; progress bars are drawn on ErrOut only when it is one).
	InTTY, OutTTY, ErrTTY bool
	// Rand is the source of fresh secrets.
	Rand io.Reader
	// Getenv reads the environment (ACCESSIBLE, NO_COLOR).
	Getenv func(string) string
	// UID and GID are the user's (os.Getuid, os.Getgid), whom the development containers
	// run as.
	UID, GID int
	// WriteStep, when set, is called after each step of the write phase (safewrite's
	// Options.Step): the kill test slows the write down with it and records where it was.
	WriteStep func(step string) error
}

func stdIO() *IO {
	return &IO{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		OutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		ErrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		Rand:   rand.Reader,
		Getenv: os.Getenv,
		UID:    os.Getuid(),
		GID:    os.Getgid(),
	}
}

// usageError marks errors in how the command was called.
type usageError struct{ error }

// abortError marks a user's Ctrl-C or Esc at a prompt.
var errAborted = errors.New("aborted: nothing was written")

func run(args []string, io *IO) int {
	root := newRootCmd(io)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(io.ErrOut, "containerize:", err)
	code := exitCode(err)
	if code == exitUsage {
		fmt.Fprintln(io.ErrOut, "Run 'containerize --help' for usage.")
	}
	return code
}

// exitCode is the documented exit code of a command's error.
func exitCode(err error) int {
	var ue usageError
	var ce *workflow.ConsentError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errAborted):
		return exitAborted
	case errors.As(err, &ce):
		return exitConsent
	case errors.As(err, &ue), isUnknownCommand(err):
		return exitUsage
	}
	return exitError
}
