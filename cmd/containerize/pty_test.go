//go:build !windows

package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"github.com/containerize/containerize/internal/samples"
)

// These tests run `containerize init` in a pseudo-terminal, as people do, and type the
// answers faster than a person: every key of the run in one write, arrows, space, tab,
// shift+tab and Enter included. The terminal UI must neither lose nor misplace a key,
// within the form or between the run's prompts.

// Keys as a terminal sends them.
const (
	enter    = "\r"
	up       = "\x1b[A"
	down     = "\x1b[B"
	space    = " "
	shiftTab = "\x1b[Z"
	ctrlC    = "\x03"
)

// ptyWait bounds every wait for the program: generous, for a loaded machine.
const ptyWait = 30 * time.Second

// terminal is containerize running in a pseudo-terminal. Its output is read all the time,
// so the program never blocks on a full terminal.
type terminal struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	exit chan error // the program's end

	mu      sync.Mutex
	out     bytes.Buffer
	changed chan struct{} // a wake-up for waitFor after each read
	read    chan struct{} // closed when the pty has no more to read
}

// startTerminal runs containerize with args in a fresh pseudo-terminal.
func startTerminal(t *testing.T, args ...string) *terminal {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = []string{mainEnv + "=1", "TERM=xterm-256color", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: rows, Cols: cols})
	if err != nil {
		t.Fatalf("start containerize in a pseudo-terminal: %v", err)
	}
	tm := &terminal{t: t, pty: f, cmd: cmd, exit: make(chan error, 1), changed: make(chan struct{}, 1), read: make(chan struct{})}
	go func() {
		defer close(tm.read)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.out.Write(buf[:n])
			tm.mu.Unlock()
			select {
			case tm.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return // EIO once the program has closed the terminal
			}
		}
	}()
	go func() { tm.exit <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = f.Close()
	})
	return tm
}

// The pseudo-terminal's size.
const cols, rows = 120, 40

// text is everything the program printed, without styling, for looking for a text.
func (tm *terminal) text() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.Strip(tm.out.String())
}

// screen is what the terminal shows now, for failure messages.
func (tm *terminal) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return screen(tm.out.String(), cols, rows)
}

// waitFor waits until the output shows want.
func (tm *terminal) waitFor(want string) {
	tm.t.Helper()
	deadline := time.After(ptyWait)
	for !strings.Contains(tm.text(), want) {
		select {
		case <-tm.changed:
		case <-deadline:
			tm.t.Fatalf("no %q after %s; the terminal shows:\n%s", want, ptyWait, tm.screen())
		}
	}
}

// send types keys, all in one write.
func (tm *terminal) send(keys string) {
	tm.t.Helper()
	if _, err := tm.pty.Write([]byte(keys)); err != nil {
		tm.t.Fatalf("type %q: %v", keys, err)
	}
}

// wait waits for the program to end and returns its exit code and everything it printed
// (text).
func (tm *terminal) wait() (int, string) {
	tm.t.Helper()
	select {
	case err := <-tm.exit:
		<-tm.read
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0, tm.text()
		case errors.As(err, &ee):
			return ee.ExitCode(), tm.text()
		}
		tm.t.Fatalf("containerize: %v", err)
	case <-time.After(ptyWait):
		tm.t.Fatalf("containerize did not end after %s; the terminal shows:\n%s", ptyWait, tm.screen())
	}
	return 0, ""
}

// succeeds waits for the program to end, and fails unless it ended well and showed each
// of want.
func (tm *terminal) succeeds(want ...string) {
	tm.t.Helper()
	code, text := tm.wait()
	if code != exitOK {
		tm.t.Fatalf("exit %d; the terminal shows:\n%s", code, tm.screen())
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			tm.t.Errorf("the terminal did not show %q; it shows:\n%s", w, tm.screen())
		}
	}
}

// copySample copies a sample project into a new folder, always of the same name (the
// project's name comes from it).
func copySample(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "project")
	if err := samples.CopyTree(filepath.Join(samples.Dir(), name), dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// initYes runs `containerize init --yes` with flags on a fresh copy of the sample and
// returns the folder: what the answers typed in the terminal must have written.
func initYes(t *testing.T, sample string, flags ...string) string {
	t.Helper()
	dir := copySample(t, sample)
	var out, errOut bytes.Buffer
	io := &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Rand: strings.NewReader(strings.Repeat("x", 1<<16)), Getenv: func(string) string { return "" }}
	if code := run(append(append([]string{"init", "--yes"}, flags...), dir), io); code != exitOK {
		t.Fatalf("init --yes %s exited %d: %s", strings.Join(flags, " "), code, errOut.String())
	}
	return dir
}

// sameFiles fails unless the two folders hold the same files with the same content,
// except .env (fresh secrets).
func sameFiles(t *testing.T, got, want string) {
	t.Helper()
	files := func(dir string) map[string]string {
		m := map[string]string{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			b, err := os.ReadFile(p)
			m[rel] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		delete(m, ".env")
		return m
	}
	g, w := files(got), files(want)
	for _, f := range slices.Sorted(func(yield func(string) bool) {
		for f := range w {
			if !yield(f) {
				return
			}
		}
	}) {
		if g[f] != w[f] {
			t.Errorf("%s differs from what the same answers as flags write:\n--- typed\n%s\n--- flags\n%s", f, g[f], w[f])
		}
		delete(g, f)
	}
	for f := range g {
		t.Errorf("%s was written, but not by the same answers as flags", f)
	}
}

// answers is every key of one pass through channels-asgi's form: services (postgres and
// redis are pre-selected), python (3.13 is: the newest Django 5.1 supports), port, server (daphne
// is), the settings block, then, at the recap, back twice with shift+tab to change the server, forward again and
// write.
const answers = "" +
	space + down + down + down + down + down + space + enter + // services: postgres off, mail on → redis, mail
	up + enter + // python: 3.12
	"8080" + enter + // port
	up + enter + // server: uvicorn
	"n" + // settings block: no (n answers and moves on)
	shiftTab + shiftTab + // recap → settings block → server
	down + down + enter + // server: uvicorn → daphne → gunicorn
	enter + // settings block: still no
	"y" // recap: write

// answersAsFlags are the same answers given as flags.
var answersAsFlags = []string{"--services", "redis,mail", "--python", "3.12", "--port", "8080", "--server", "gunicorn", "--no-settings-patch"}

func TestTerminalTypedAtOnce(t *testing.T) {
	dir := copySample(t, "channels-asgi")
	tm := startTerminal(t, "init", dir)
	tm.waitFor("Services to run next to web")
	tm.send(answers)
	tm.succeeds("Services        redis, mail", "Web server      gunicorn", "created   Dockerfile")
	sameFiles(t, dir, initYes(t, "channels-asgi", answersAsFlags...))
}

func TestTerminalTypedBeforeDrawn(t *testing.T) {
	// Every key is typed before anything is drawn, maybe before the program has taken
	// the terminal from line mode: none may be lost.
	dir := copySample(t, "channels-asgi")
	tm := startTerminal(t, "init", dir)
	tm.send(answers)
	tm.succeeds()
	sameFiles(t, dir, initYes(t, "channels-asgi", answersAsFlags...))
}

func TestTerminalCtrlC(t *testing.T) {
	// Ctrl-C in the middle of the form, typed with the answers before it: exit 130,
	// nothing written.
	for name, keys := range map[string]string{
		"at the port":  space + enter + down + enter + "80" + ctrlC + "80" + enter,
		"at the recap": answers[:len(answers)-1] + ctrlC,
	} {
		t.Run(name, func(t *testing.T) {
			dir := copySample(t, "channels-asgi")
			tm := startTerminal(t, "init", dir)
			tm.waitFor("Services to run next to web")
			tm.send(keys)
			code, text := tm.wait()
			if code != exitAborted || !strings.Contains(text, "aborted: nothing was written") {
				t.Fatalf("exit %d, want %d and a word that nothing was written; the terminal shows:\n%s", code, exitAborted, tm.screen())
			}
			sameFiles(t, dir, copySample(t, "channels-asgi"))
		})
	}
}

func TestTerminalBetweenPrompts(t *testing.T) {
	// After the form, each file of the user's that would change is a prompt of its own:
	// the keys for all of them come in the same write as the form's.
	// A Dockerfile naming no minor version: one that did would be the Python the answers default to.
	mine := []byte("FROM python:3\n")
	edited := func(t *testing.T) string {
		dir := copySample(t, "channels-asgi")
		for _, f := range []string{"Dockerfile", ".dockerignore"} {
			if err := os.WriteFile(filepath.Join(dir, f), mine, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}

	t.Run("yes to both", func(t *testing.T) {
		dir := edited(t)
		tm := startTerminal(t, "init", dir)
		tm.waitFor("Services to run next to web")
		tm.send(answers + "y" + "y")
		tm.succeeds("Replace Dockerfile? yes", "Replace .dockerignore? yes")
		want := initYes(t, "channels-asgi", answersAsFlags...)
		for _, f := range []string{"Dockerfile.bak", ".dockerignore.bak"} {
			if err := os.WriteFile(filepath.Join(want, f), mine, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		sameFiles(t, dir, want)
	})

	t.Run("yes, then no", func(t *testing.T) {
		// No to the second writes nothing at all (exit 3).
		dir := edited(t)
		tm := startTerminal(t, "init", dir)
		tm.waitFor("Services to run next to web")
		tm.send(answers + "y" + "n")
		code, text := tm.wait()
		if code != exitConsent || !strings.Contains(text, "Replace .dockerignore? no") {
			t.Fatalf("exit %d, want %d after No to the second file; the terminal shows:\n%s", code, exitConsent, tm.screen())
		}
		sameFiles(t, dir, edited(t))
	})
}

func TestTerminalBeforeTheForm(t *testing.T) {
	// A project that declares nothing but has a virtualenv is asked first whether to
	// declare its dependencies; the report of what is declared is printed between that
	// question and the form. The keys for both come in one write, typed before anything
	// is drawn.
	dir := copySample(t, "legacy-venv")
	tm := startTerminal(t, "init", dir)
	tm.send("y" + // declare the dependencies first
		enter + enter + enter + enter + // services, python, port, settings block: the defaults
		"y") // recap: write
	tm.succeeds("Declare the dependencies first? yes", "Top level: 2 packages to declare", "created   requirements.lock")
	sameFiles(t, dir, initYes(t, "legacy-venv"))
}
