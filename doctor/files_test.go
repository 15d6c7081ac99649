package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/safewrite"
)

// initialised is a copy of a sample after `containerize init --yes`.
func initialised(t *testing.T, sample string) string {
	t.Helper()
	dir := samples.Copy(t, sample)
	c, err := initChanges(dir, linux, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := safewrite.Apply(dir, c.Changes, safewrite.Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	return dir
}

var linux = Host{GOOS: "linux", UID: 1000, GID: 1000}

func TestFilesInStep(t *testing.T) {
	getenv := func(string) string { return "" }
	dir := initialised(t, "requirements-celery")
	expect(t, filesInStep(dir, linux, getenv), OK, "in step with containerize.toml", "")

	// .env is per machine: a different one is not out of step.
	os.WriteFile(filepath.Join(dir, ".env"), []byte("DJANGO_SECRET_KEY=mine\n"), 0o644)
	expect(t, filesInStep(dir, linux, getenv), OK, "in step", "")

	// A file edited by hand.
	df := filepath.Join(dir, "Dockerfile")
	orig, _ := os.ReadFile(df)
	os.WriteFile(df, append(orig, "# mine\n"...), 0o644)
	f := filesInStep(dir, linux, getenv)
	expect(t, f, Warning, "1 file(s) differ from what containerize.toml generates: Dockerfile (would update; edited since containerize wrote it)", "keep = [...]")
	os.WriteFile(df, orig, 0o644)

	// A changed answer: the files it decides follow.
	toml := filepath.Join(dir, "containerize.toml")
	b, _ := os.ReadFile(toml)
	os.WriteFile(toml, []byte(strings.Replace(string(b), "port = 8000", "port = 8080", 1)), 0o644)
	f = filesInStep(dir, linux, getenv)
	expect(t, f, Warning, "file(s) differ from what containerize.toml generates: Dockerfile (would update), docker-compose.yml (would update)", "containerize init --dry-run")
	if strings.Contains(f.Summary, ".env ") || strings.Contains(f.Summary, "containerize.toml (") {
		t.Errorf("summary %q names .env or the saved answers", f.Summary)
	}

	// Never set up.
	f = filesInStep(samples.Copy(t, "library"), linux, getenv)
	expect(t, f, Warning, "containerize.toml is missing", "containerize init")
	if !strings.Contains(f.Detail, "Dockerfile (would create)") {
		t.Errorf("detail %q", f.Detail)
	}

	// A project init cannot read.
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "containerize.toml"), []byte("python = [\n"), 0o644)
	expect(t, filesInStep(bad, linux, getenv), Warning, "cannot be worked out", "--dry-run")
}

// TestGeneratedProject: right after init, on a free machine, nothing blocks and the only
// findings left are the machine's.
func TestGeneratedProject(t *testing.T) {
	dir := initialised(t, "requirements-celery")
	r := check(t, dir, engineUp(t), ports{}, map[string]string{"DOCKER_BUILDKIT": "1"})
	if r.Blocking()+r.Warnings() != 0 {
		t.Errorf("findings on a generated project:\n%s", text(r))
	}
	if got := strings.Join(subjects(r, "ports"), " "); got != "0.0.0.0:8000/tcp 127.0.0.1:5432/tcp 127.0.0.1:6379/tcp" {
		t.Errorf("ports %s", got)
	}
	expect(t, find(t, r, "compose.file"), OK, "docker-compose.yml, docker-compose.override.yml", "")
	expect(t, find(t, r, "compose.watch"), OK, "rebuild rules inside the source mount work", "")
	expect(t, find(t, r, "host.user"), OK, "your own (uid 1000, gid 1000)", "")

	// Another teammate's machine, with the .env init wrote on this one.
	other := Host{GOOS: "linux", UID: 1234, GID: 1234}
	r = Check(context.Background(), Options{Dir: dir, Run: engineUp(t).run, Listen: ports{}.listen, Host: other})
	expect(t, find(t, r, "host.user"), Warning, "web, migrate, worker, beat run as 1000:1000", "set DEV_UID=1234 and DEV_GID=1234 in .env")
}

func text(r *Report) string {
	var b strings.Builder
	r.WriteText(&b)
	return b.String()
}
