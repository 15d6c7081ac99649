package workflow

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
)

// TestTrackedEnv: init writes no secrets into a .env git tracks; it says how to stop
// tracking it. Untracked, the same .env is extended as usual.
func TestTrackedEnv(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	dir := samples.Copy(t, "library")
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DEBUG=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	run("add", "-f", ".env")
	_, err = PrepareInit(yes(dir))
	if err == nil || !strings.Contains(err.Error(), "git rm --cached .env") {
		t.Fatalf("err = %v, want the refusal naming git rm --cached .env", err)
	}
	run("rm", "-q", "--cached", ".env")
	if _, err := PrepareInit(yes(dir)); err != nil {
		t.Fatalf("untracked: %v", err)
	}
}
