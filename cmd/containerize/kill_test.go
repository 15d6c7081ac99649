//go:build unix

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/safewrite"
)

func count(short, full int) int {
	if os.Getenv(fullEnv) == "1" {
		return full
	}
	return short
}

// containerize starts the test binary as containerize.
func containerize(stepLog string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = []string{mainEnv + "=1", "HOME=" + os.TempDir(), "PATH=" + os.Getenv("PATH"), stepLogEnv + "=" + stepLog}
	return cmd
}

func runOK(t *testing.T, args ...string) {
	t.Helper()
	var errOut bytes.Buffer
	cmd := containerize("", args...)
	cmd.Stderr = &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("containerize %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
}

// tree is every entry under dir: mode and content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		desc := fi.Mode().String()
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += " " + string(b)
		}
		m[filepath.ToSlash(rel)] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func copyOf(t *testing.T, dir string) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "project")
	if err := samples.CopyTree(dir, d); err != nil {
		t.Fatal(err)
	}
	return d
}

// leftovers lists the temp files, journal and lock under dir.
func leftovers(t *testing.T, dir string) []string {
	var found []string
	for p := range tree(t, dir) {
		if strings.HasPrefix(filepath.Base(p), ".containerize") || strings.Contains(p, ".tmp-") {
			found = append(found, p)
		}
	}
	return found
}

// TestKillDuringWrite kills `init --force` and `migrate` at random moments (SIGKILL, and
// every third time SIGTERM), then lets the next run recover: the project is always exactly
// the whole result before or after the killed run, and no temp file, journal or lock
// survives.
func TestKillDuringWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts hundreds of processes")
	}
	t.Run("init", func(t *testing.T) {
		base := copySample(t, "channels-asgi")
		runOK(t, "init", "--yes", "--port", "8001", base)
		killLoop(t, count(30, 200), base,
			[]string{"init", "--yes", "--force", "--port", "8002"},
			[]string{"init", "--yes", "--dry-run", "--port", "8002"})
	})
	t.Run("migrate", func(t *testing.T) {
		killLoop(t, count(10, 100), copySample(t, "legacy-venv"),
			[]string{"migrate", "--yes", "--force"},
			[]string{"migrate", "--yes", "--dry-run"})
	})
}

// killLoop runs args on n copies of base, each killed at a random moment, then recovers each
// with recoverArgs (a dry run: it writes nothing of its own) and compares.
func killLoop(t *testing.T, n int, base string, args, recoverArgs []string) {
	before := tree(t, copyOf(t, base)) // a copy, as each run's: CopyTree does not keep modes
	done := copyOf(t, base)
	runOK(t, append(args, done)...)
	after := tree(t, done)
	again := copyOf(t, base)
	runOK(t, append(args, again)...)
	if !maps.Equal(after, tree(t, again)) {
		t.Fatal("the run is not deterministic; the test cannot tell a whole result from a mixed one")
	}
	// The step log makes the write phase last longer: time a run with it.
	logDir := t.TempDir()
	start := time.Now()
	if err := containerize(filepath.Join(logDir, "timed"), append(args, copyOf(t, base))...).Run(); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)

	var finished, landed, caught, journaled, mixed, left int
	for i := range n {
		dir := copyOf(t, base)
		stepLog := filepath.Join(logDir, fmt.Sprintf("steps-%d", i))
		cmd := containerize(stepLog, append(args, dir)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sig := syscall.SIGKILL
		if i%3 == 2 {
			sig = syscall.SIGTERM
		}
		time.Sleep(rand.N(took))
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		var ee *exec.ExitError
		killed := errors.As(err, &ee) && !ee.Exited()
		steps, _ := os.ReadFile(stepLog)
		_, jerr := os.Stat(filepath.Join(dir, safewrite.JournalName))
		switch {
		case err == nil:
			finished++
		case killed && (len(steps) > 0 || jerr == nil):
			landed++
		case sig == syscall.SIGTERM && len(steps) > 0:
			caught++
		}
		if sig == syscall.SIGTERM && len(steps) > 0 {
			// Caught while writing: the run itself rolled back or finished.
			for _, p := range leftovers(t, dir) {
				if p != safewrite.LockName {
					t.Errorf("kill %d (SIGTERM after %q): %s left by the run itself", i, lastLine(steps), p)
				}
			}
		}
		if jerr == nil {
			journaled++
		}
		runOK(t, append(recoverArgs, dir)...)
		got := tree(t, dir)
		if l := leftovers(t, dir); len(l) > 0 {
			left++
			t.Errorf("kill %d (after %q): left %v", i, lastLine(steps), l)
		}
		if !maps.Equal(got, before) && !maps.Equal(got, after) {
			mixed++
			t.Errorf("kill %d (after %q): the project is neither the whole result before nor after the run: %s", i, lastLine(steps), treeDiff(before, after, got))
		}
	}
	t.Logf("%d kills: %d SIGKILLs landed inside the write phase (%d left a journal to recover), %d SIGTERMs were caught there, %d came after the run finished; %d mixed, %d with leftovers",
		n, landed, journaled, caught, finished, mixed, left)
}

// treeDiff names the entries where got differs from before and from after.
func treeDiff(before, after, got map[string]string) string {
	var d []string
	for _, m := range []map[string]string{before, after} {
		var names []string
		for k := range got {
			if m[k] != got[k] {
				names = append(names, k)
			}
		}
		for k := range m {
			if _, ok := got[k]; !ok {
				names = append(names, k+" (missing)")
			}
		}
		slices.Sort(names)
		d = append(d, strings.Join(names, ", "))
	}
	return "differs from the result before in " + d[0] + "; from the result after in " + d[1]
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// TestConcurrentInit runs pairs of `init --force` with different answers at once: the lock
// makes one wait for the other, so the project is always the whole result of one order.
func TestConcurrentInit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts hundreds of processes")
	}
	n := count(10, 100)
	base := copySample(t, "channels-asgi")
	runOK(t, "init", "--yes", base)
	a := []string{"init", "--yes", "--force", "--port", "8001"}
	b := []string{"init", "--yes", "--force", "--port", "8002"}
	ab, ba := copyOf(t, base), copyOf(t, base)
	runOK(t, append(a, ab)...)
	runOK(t, append(b, ab)...)
	runOK(t, append(b, ba)...)
	runOK(t, append(a, ba)...)
	wantAB, wantBA := tree(t, ab), tree(t, ba)

	var mixed, failed int
	var orders [2]int
	for i := range n {
		dir := copyOf(t, base)
		var errs [2]bytes.Buffer
		cmds := []*exec.Cmd{containerize("", append(a, dir)...), containerize("", append(b, dir)...)}
		for j, c := range cmds {
			c.Stderr = &errs[j]
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
		}
		for j, c := range cmds {
			if err := c.Wait(); err != nil {
				failed++
				t.Errorf("pair %d: run %d: %v\n%s", i, j, err, errs[j].String())
			}
		}
		got := tree(t, dir)
		switch {
		case maps.Equal(got, wantAB):
			orders[0]++
		case maps.Equal(got, wantBA):
			orders[1]++
		default:
			mixed++
			t.Errorf("pair %d: a mixed project", i)
		}
	}
	t.Logf("%d pairs: %d ended 8001 then 8002, %d the other way; %d mixed, %d runs failed", n, orders[0], orders[1], mixed, failed)
}
