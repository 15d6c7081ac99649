// Package rsstest runs one test of the current test binary in a child process and reports the child's peak
// resident memory, so a test can assert that memory stays bounded on a huge or hostile input. Tests only.
package rsstest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// ChildEnv is set in the child's environment to the value Run was given; a test seeing it runs the one case
// and returns, instead of spawning children.
const ChildEnv = "CONTAINERIZE_RSSTEST_CASE"

// Result is what a child run did.
type Result struct {
	PeakRSS int64 // bytes; 0 where the platform does not report it
	Output  []byte
	Err     error // the child failed (a test failure, a crash, the timeout)
}

// Run re-executes the test binary with -test.run=^test$ and ChildEnv=value, waiting at most timeout.
func Run(t testing.TB, test, value string, timeout time.Duration) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), ChildEnv+"="+value)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return Result{PeakRSS: peakRSS(cmd.ProcessState), Output: out, Err: err}
}

// Child returns the case a child process is to run, or "" in the parent.
func Child() string { return os.Getenv(ChildEnv) }

// Bound runs the test's child case (skipped with -short, as the children write large inputs) and fails
// unless it passes with a peak RSS below limit; what names the input in the log and the failure.
func Bound(t testing.TB, test, value, what string, limit int64) {
	t.Helper()
	if testing.Short() {
		t.Skip("writes a large input")
	}
	start := time.Now()
	r := Run(t, test, value, 3*time.Minute)
	if r.Err != nil {
		t.Fatalf("child: %v\n%s", r.Err, r.Output)
	}
	t.Logf("%s: peak RSS %d MiB, %s", what, r.PeakRSS>>20, time.Since(start).Round(time.Millisecond))
	if r.PeakRSS > limit {
		t.Errorf("%s: peak RSS %d MiB, want < %d MiB", what, r.PeakRSS>>20, limit>>20)
	}
}
