package workflow

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
)

// TestTrackedEnv: init writes no secrets into a .env git tracks; it says how to stop
// tracking it. Untracked, the same .env is extended as usual.
func TestTrackedEnv(t *testing.T) {
	dir := samples.Copy(t, "library")
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DEBUG=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) { samples.Git(t, dir, args...) }
	run("init", "-q")
	run("add", "-f", ".env")
	_, err := PrepareInit(yes(dir))
	if err == nil || !strings.Contains(err.Error(), "git rm --cached .env") {
		t.Fatalf("err = %v, want the refusal naming git rm --cached .env", err)
	}
	run("rm", "-q", "--cached", ".env")
	if _, err := PrepareInit(yes(dir)); err != nil {
		t.Fatalf("untracked: %v", err)
	}
}
