package safewrite

import (
	"context"
	"errors"
	"io"
	"maps"
	"strings"
	"testing"
	"time"
)

var errKill = errors.New("killed here")

// killFixture is a project and a plan that exercises every kind of write: an update that
// keeps a backup (replacing an older one), an additive update without one, a created file
// in new directories, and a created file at the root.
func killFixture(t *testing.T) (root string, changes []Change) {
	t.Helper()
	root = t.TempDir()
	put(t, root, "a.txt", "a old\n", 0o640)
	put(t, root, "a.txt.bak", "a ancient\n", 0o640)
	put(t, root, ".gitignore", "x\n", 0o644)
	put(t, root, "keep/me.txt", "mine\n", 0o644)
	changes = mustPlan(t, root,
		File{Path: "a.txt", Data: []byte("a new\n")},
		File{Path: ".gitignore", Data: []byte("x\ny\n"), NoBackup: true},
		File{Path: "d/e/new.txt", Data: []byte("new\n"), Mode: 0o600},
		File{Path: ".env", Data: []byte("SECRET_KEY=s\n"), Mode: 0o600})
	return root, changes
}

// wholeResults are the project of killFixture before and after its plan is applied.
func wholeResults(t *testing.T) (before, after map[string]string) {
	t.Helper()
	root, changes := killFixture(t)
	before = snapshot(t, root)
	if _, err := Apply(root, changes, Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	return before, snapshot(t, root)
}

// stopAt is a Step that stops the run at its nth step, calling at(step) there.
func stopAt(n int, at func(step string)) func(string) error {
	calls := 0
	return func(step string) error {
		if calls++; calls == n {
			at(step)
			return errKill
		}
		return nil
	}
}

// A run stopped after each step of the write phase, as a kill would stop it, and then
// recovered: the project is always the whole old or the whole new result, with no temp
// file or journal left; the stops before the commit roll back, the others roll forward.
func TestKilledAtEveryStepRecoversToOneWholeResult(t *testing.T) {
	before, after := wholeResults(t)
	var steps []string
	for n := 1; ; n++ {
		root, changes := killFixture(t)
		var last string
		_, err := Apply(root, changes, Options{Force: true, Step: stopAt(n, func(s string) { last = s })})
		if err == nil {
			if n == 1 {
				t.Fatal("no steps")
			}
			break
		}
		if !errors.Is(err, errKill) {
			t.Fatalf("stop at step %d: %v", n, err)
		}
		steps = append(steps, last)
		var log strings.Builder
		if err := Recover(root, &log); err != nil {
			t.Fatalf("Recover after a kill at %q: %v", last, err)
		}
		got := snapshot(t, root)
		for name := range got {
			if strings.Contains(name, TempPrefix) {
				t.Errorf("kill at %q: %s left after Recover", last, name)
			}
		}
		rolledForward := strings.Index(strings.Join(steps, "|"), "journal commit") >= 0
		want := before
		if rolledForward {
			want = after
		}
		if !maps.Equal(got, want) {
			t.Errorf("kill at %q (rolled forward: %v): got a mixed project", last, rolledForward)
			assertSameTree(t, want, got)
		}
		if log.Len() == 0 {
			t.Errorf("kill at %q: Recover said nothing", last)
		}
	}
	if len(steps) < 10 {
		t.Errorf("only %d steps: %v", len(steps), steps)
	}
	t.Logf("%d steps: %s", len(steps), strings.Join(steps, ", "))
}

// A stale temp file from an interrupted run (also one of an older version) is removed by
// the next run, which says so.
func TestRecoverRemovesStaleTemps(t *testing.T) {
	root := t.TempDir()
	put(t, root, ".containerize-0123456789abcdef.tmp", "SECRET_KEY=x\n", 0o600)
	put(t, root, "..env.tmp-0123456789ab", "SECRET_KEY=x\n", 0o644)
	put(t, root, ".keep.tmp-notmine", "mine\n", 0o644)
	var log strings.Builder
	if err := Recover(root, &log); err != nil {
		t.Fatal(err)
	}
	if exists(t, root, ".containerize-0123456789abcdef.tmp") || exists(t, root, "..env.tmp-0123456789ab") || !exists(t, root, ".keep.tmp-notmine") {
		t.Errorf("after Recover: %v", snapshot(t, root))
	}
	if !strings.Contains(log.String(), "removed ..env.tmp-0123456789ab") {
		t.Errorf("Recover said %q", log.String())
	}
}

// An interrupt (SIGINT) before the commit rolls the write back; after it, the write finishes.
func TestInterrupt(t *testing.T) {
	root, changes := killFixture(t)
	before := snapshot(t, root)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Apply(root, changes, Options{Force: true, Context: ctx, Step: func(s string) error {
		if strings.HasPrefix(s, "copy ") {
			cancel()
		}
		return nil
	}})
	if !errors.Is(err, errInterrupted) {
		t.Fatalf("Apply = %v, want interrupted", err)
	}
	assertSameTree(t, before, snapshot(t, root))

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	if _, err := Apply(root, changes, Options{Force: true, Context: ctx, Step: func(s string) error {
		if s == "journal commit" {
			cancel()
		}
		return nil
	}}); err != nil {
		t.Fatalf("interrupted after the commit: %v", err)
	}
	if get(t, root, "a.txt") != "a new\n" || exists(t, root, JournalName) {
		t.Errorf("after the commit, the write should finish: %v", snapshot(t, root))
	}
}

// A second run waits for the lock, says so, and gives up with a clear error.
func TestLock(t *testing.T) {
	root := t.TempDir()
	l, err := LockProject(root, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	waited := 0
	_, err = LockProject(root, 150*time.Millisecond, func() { waited++ })
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "run again") || waited != 1 {
		t.Fatalf("second lock = %v (waited %d), want it to wait once, then fail", err, waited)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		l.Unlock()
	}()
	l2, err := LockProject(root, 5*time.Second, nil)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	l2.Unlock()
}

// The recovery itself is killed at each of its steps, after a run killed at each step: the
// recovery after that still leaves one whole result.
func TestKilledRecoveryRecovers(t *testing.T) {
	before, after := wholeResults(t)
	pairs := 0
	for n := 1; ; n++ {
		finished := false
		for m := 1; ; m++ {
			root, changes := killFixture(t)
			_, err := Apply(root, changes, Options{Force: true, Step: stopAt(n, func(string) {})})
			if err == nil {
				finished = true
				break
			}
			tr, err := openTree(root)
			if err != nil {
				t.Fatal(err)
			}
			err = tr.recover(io.Discard, nil, stopAt(m, func(string) {}))
			tr.close()
			if err == nil {
				break // the recovery has fewer than m steps
			}
			if !errors.Is(err, errKill) {
				t.Fatalf("recovery stopped at %d after a kill at %d: %v", m, n, err)
			}
			pairs++
			if err := Recover(root, io.Discard); err != nil {
				t.Fatalf("Recover after kills at %d and %d: %v", n, m, err)
			}
			got := snapshot(t, root)
			if !maps.Equal(got, before) && !maps.Equal(got, after) {
				t.Errorf("kill at step %d, recovery killed at step %d: a mixed project", n, m)
				assertSameTree(t, after, got)
			}
		}
		if finished {
			break
		}
	}
	if pairs < 20 {
		t.Errorf("only %d (run, recovery) kill pairs", pairs)
	}
	t.Logf("%d (run step, recovery step) kill pairs, each recovered to one whole result", pairs)
}
