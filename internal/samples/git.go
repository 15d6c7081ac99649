package samples

import (
	"os"
	"os/exec"
	"testing"
)

// Git runs git in dir with no user or system configuration, for tests that need what a
// real repository holds (.git/index); it skips the test when git is not installed.
func Git(t testing.TB, dir string, args ...string) {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	cmd := exec.Command(git, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}
