package workflow

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
)

// TestEnvPrivateAndIgnored: a new .env is its owner's alone, and .gitignore lists it, the
// other .env files but the example, the backups and containerize's temporary files.
func TestEnvPrivateAndIgnored(t *testing.T) {
	dir := samples.Copy(t, "library")
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, dir, c)
	fi, err := os.Stat(filepath.Join(dir, ".env"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf(".env mode %v, want 0600", fi.Mode().Perm())
	}
	gi, err := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	lines := "\n" + string(gi)
	for _, want := range []string{".env", ".env.*", "!.env.example", "*.bak", "*.bak.*", ".containerize-*"} {
		if !strings.Contains(lines, "\n"+want+"\n") {
			t.Errorf(".gitignore lacks %q:\n%s", want, gi)
		}
	}
	if strings.Index(lines, "\n.env.*\n") > strings.Index(lines, "\n!.env.example\n") {
		t.Errorf(".gitignore: the exception must follow .env.*:\n%s", gi)
	}
}

// TestLeakyDockerignore: a .dockerignore init leaves in place (the user's, or kept) that
// lets secrets through is reported with the patterns it lacks: in the reason to replace the user's, in a note for a
// kept one; the generated one is not.
func TestLeakyDockerignore(t *testing.T) {
	dir := samples.Copy(t, "library")
	setFile(t, dir, ".dockerignore", ".env\n*.bak\n**/.ssh\n")
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	reason := c.Consent[".dockerignore"]
	if !strings.HasPrefix(reason, reasonForeign+" and lets secrets into docker build's context: it lacks **/.env **/.env.* **/.envrc") ||
		!strings.Contains(reason, " **/id_rsa* ") || !strings.Contains(reason, " **/*.bak ") || strings.Contains(reason, "**/.ssh") {
		t.Errorf("consent reason: %s", reason)
	}
	if err := c.NeedConsent(); err == nil || !strings.Contains(err.Error(), ".dockerignore was not written by containerize and lets secrets") {
		t.Errorf("consent error: %v", err)
	}
	apply(t, dir, withoutConsent(c))
	editFile(t, dir, "containerize.toml", "keep = []", `keep = [".dockerignore"]`)
	if c, err = PrepareInit(yes(dir)); err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, ".dockerignore lets secrets into docker build's context: it lacks **/.env ") || !strings.Contains(notes, "remove it from keep in containerize.toml") {
		t.Errorf("kept notes:\n%s", notes)
	}

	fresh := samples.Copy(t, "library")
	c, err = PrepareInit(yes(fresh))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, fresh, c)
	editFile(t, fresh, "containerize.toml", "keep = []", `keep = [".dockerignore"]`)
	if c, err = PrepareInit(yes(fresh)); err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(c.Notes, "\n"); strings.Contains(notes, "lets secrets") {
		t.Errorf("the generated .dockerignore is reported:\n%s", notes)
	}
}

// TestEnvReadableByOthers: an existing .env others can read keeps its mode (it is the
// user's) and gets a note.
func TestEnvReadableByOthers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits")
	}
	dir := samples.Copy(t, "library")
	setFile(t, dir, ".env", "SECRET_KEY=mine\n")
	if err := os.Chmod(filepath.Join(dir, ".env"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, ".env holds secrets and other users can read it (-rw-r--r--): chmod 600 .env") {
		t.Errorf("notes:\n%s", notes)
	}
}
