package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/containerize/containerize/internal/samples"
)

// mainEnv makes the test binary run containerize's main (the pseudo-terminal tests).
const mainEnv = "CONTAINERIZE_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) != "" {
		// The pseudo-terminal, kill and race tests run the test binary as containerize.
		io := stdIO()
		io.WriteStep = stepLogger(os.Getenv(stepLogEnv))
		os.Exit(run(os.Args[1:], io))
	}
	testscript.Main(m, map[string]func(){
		"containerize": func() { os.Exit(run(os.Args[1:], stdIO())) },
	})
}

// stepLogEnv names a file to which the test binary, run as containerize, appends each step
// of the write phase, sleeping a moment after each so a kill lands inside it more often.
const stepLogEnv = "CONTAINERIZE_TEST_STEP_LOG"

// fullEnv set to 1 runs the kill and race tests at full count (200 kills, 100 pairs).
const fullEnv = "CONTAINERIZE_TEST_FULL"

func stepLogger(name string) func(string) error {
	if name == "" {
		return nil
	}
	return func(step string) error {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return err
		}
		f.WriteString(step + "\n")
		f.Close()
		time.Sleep(time.Millisecond)
		return nil
	}
}

// TestScripts runs the CLI end to end on copies of the sample projects:
// testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// sample NAME DIR copies a sample project from testdata/projects.
			"sample": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 2 {
					ts.Fatalf("usage: sample NAME DIR")
				}
				ts.Check(samples.CopyTree(filepath.Join(samples.Dir(), args[0]), ts.MkAbs(args[1])))
			},
			// write FILE TEXT... writes the words (with $VARS expanded) as one line, the
			// portable `echo TEXT > FILE`.
			"write": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: write FILE TEXT...")
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Join(args[1:], " ")+"\n"), 0o644))
			},
			// replace FILE OLD NEW replaces the first OLD in FILE by NEW (\n in NEW is a
			// newline); it fails when FILE has no OLD.
			"replace": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 3 {
					ts.Fatalf("usage: replace FILE OLD NEW")
				}
				data := ts.ReadFile(args[0])
				if !strings.Contains(data, args[1]) {
					ts.Fatalf("%s has no %q", args[0], args[1])
				}
				data = strings.Replace(data, args[1], strings.ReplaceAll(args[2], `\n`, "\n"), 1)
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(data), 0o644))
			},
			// nobackups DIR fails if any *.bak file exists below DIR.
			"nobackups": func(ts *testscript.TestScript, neg bool, args []string) {
				var found []string
				filepath.WalkDir(ts.MkAbs(args[0]), func(p string, d fs.DirEntry, err error) error {
					if err == nil && strings.Contains(d.Name(), ".bak") {
						found = append(found, p)
					}
					return nil
				})
				if len(found) > 0 != neg {
					ts.Fatalf("backups: %v", found)
				}
			},
		},
	})
}

// TestExitCodes checks the documented exit codes without going through a process.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	if err := samples.CopyTree(filepath.Join(samples.Dir(), "library"), dir); err != nil {
		t.Fatal(err)
	}
	foreign := t.TempDir()
	if err := samples.CopyTree(filepath.Join(samples.Dir(), "library"), foreign); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "Dockerfile"), []byte("FROM python\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want int
		msg  string
	}{
		{[]string{"detect", dir}, exitOK, ""},
		{[]string{"frobnicate"}, exitUsage, "unknown command"},
		{[]string{"init", "--no-such-flag", dir}, exitUsage, "unknown flag"},
		{[]string{"init", "--yes", "--python", "2.7", dir}, exitUsage, "--python"},
		{[]string{"init", "--yes", "--services", "postgres,oracle", dir}, exitUsage, "--services"},
		{[]string{"init", "--yes", "--port", "0", dir}, exitUsage, "--port: port must be between 1 and 65535, got 0"},
		{[]string{"init", "--yes", "--port", "65536", dir}, exitUsage, "--port"},
		{[]string{"init", "--yes", "--services", "none,postgres", dir}, exitUsage, "none means no services"},
		{[]string{"init", "--yes", "--services", "postgres,,redis", dir}, exitUsage, "empty service name"},
		{[]string{"init", "--yes", "--services", "redis,redis", dir}, exitUsage, "listed twice"},
		{[]string{"init", "--yes", "--server", "", dir}, exitUsage, "--server"},
		{[]string{"migrate", "--yes", "--format", "setup.py", dir}, exitUsage, "--format: unknown format"},
		{[]string{"init", "--yes", dir, dir}, exitUsage, "at most one directory"},
		{[]string{"init", "--yes", filepath.Join(dir, "missing")}, exitError, "missing does not exist"},
		{[]string{"init", "--yes", "--dry-run", dir}, exitOK, ""},
		{[]string{"doctor", "--no-such-flag", dir}, exitUsage, "unknown flag"},
		{[]string{"doctor", dir, dir}, exitUsage, "at most one directory"},
		{[]string{"init", "--yes", foreign}, exitConsent, "Dockerfile was not written by containerize"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tc.args, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }})
			if code != tc.want {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, tc.want, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.msg) {
				t.Fatalf("stderr %q does not mention %q", errOut.String(), tc.msg)
			}
		})
	}
	// Nothing above may have written into the project.
	if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err == nil {
		t.Fatal("a failed or dry run wrote a Dockerfile")
	}
}

// TestInitTwiceChangesNothing runs init --yes twice on every sample: the second run must
// find every file unchanged and leave no backups.
func TestInitTwiceChangesNothing(t *testing.T) {
	entries, err := os.ReadDir("../../testdata/projects")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir := t.TempDir()
			if err := samples.CopyTree(filepath.Join(samples.Dir(), e.Name()), dir); err != nil {
				t.Fatal(err)
			}
			initOnce := func() string {
				var out, errOut bytes.Buffer
				io := &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Rand: strings.NewReader(strings.Repeat("x", 1<<16)), Getenv: func(string) string { return "" }}
				if code := run([]string{"init", "--yes", dir}, io); code != exitOK {
					t.Fatalf("init exited %d: %s", code, errOut.String())
				}
				return out.String()
			}
			first := initOnce()
			if !strings.Contains(first, "created   Dockerfile") {
				t.Fatalf("first run:\n%s", first)
			}
			second := initOnce()
			for _, line := range strings.Split(strings.TrimSpace(second), "\n") {
				if line != "" && !strings.HasPrefix(line, "unchanged ") {
					t.Errorf("second run changed something: %q", line)
				}
			}
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && strings.Contains(d.Name(), ".bak") {
					t.Errorf("backup left behind: %s", p)
				}
				return nil
			})
		})
	}
}

func TestParseOutputs(t *testing.T) {
	out, err := parseOutputs(&buildOptions{outputs: []string{"docker,dest=a.tar", "oci,dest=dir"}, push: "r/x:1", load: true})
	if err != nil || out.DockerArchive != "a.tar" || out.OCILayout != "dir" || out.Push != "r/x:1" || !out.Load {
		t.Fatalf("parseOutputs = %+v, %v", out, err)
	}
	for _, bad := range []string{"docker", "docker,dest=", "zip,dest=x", "oci,to=x"} {
		if _, err := parseOutputs(&buildOptions{outputs: []string{bad}}); err == nil {
			t.Errorf("--output %q accepted", bad)
		}
	}
}
