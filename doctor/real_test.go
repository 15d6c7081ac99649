package doctor

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRealEngine runs doctor against this machine's docker CLI, Compose and engine, when
// `docker info` reports an engine; otherwise it says what it skipped and why.
func TestRealEngine(t *testing.T) {
	ctx := context.Background()
	info := Exec(ctx, Command{Name: "docker", Args: []string{"info", "--format", "{{.ServerVersion}}"}})
	engine := strings.TrimSpace(string(info.Stdout))
	if info.Err != nil || info.ExitCode != 0 || engine == "" {
		t.Skipf("skipped the checks against a real engine: `docker info` reports none (%s)",
			cmp.Or(errString(info.Err), firstLine(info.Stderr), "no server version"))
	}
	real := func(dir string) *Report {
		return Check(ctx, Options{Dir: dir, Run: Exec, Listen: ListenLocal, Getenv: os.Getenv, Host: ThisHost(os.Getenv)})
	}

	// A generated project whose ports are moved to free ones (others' stacks may hold the
	// defaults on a shared machine).
	dir := initialised(t, "requirements-celery")
	env := filepath.Join(dir, ".env")
	b, _ := os.ReadFile(env)
	free := freePorts(t, 3)
	b = fmt.Appendf(b, "WEB_PUBLISH_PORT=%d\nPOSTGRES_PUBLISH_PORT=%d\nREDIS_PUBLISH_PORT=%d\n", free[0], free[1], free[2])
	os.WriteFile(env, b, 0o644)
	r := real(dir)
	expect(t, find(t, r, "docker.engine"), OK, "Docker Engine "+engine+" answers", "")
	expect(t, find(t, r, "env.file"), OK, "every key", "")
	expect(t, find(t, r, "files.in-step"), OK, "in step", "")
	for _, p := range free {
		if f := find(t, r, "ports", portSubject(dir, r, p)); f.Severity != OK {
			t.Errorf("free port %d: %+v", p, f)
		}
	}
	if v := Exec(ctx, Command{Name: "docker", Args: []string{"compose", "version", "--short"}}); v.ExitCode == 0 && v.Err == nil {
		expect(t, find(t, r, "compose.version"), OK, "Docker Compose v"+strings.TrimPrefix(strings.TrimSpace(string(v.Stdout)), "v"), "")
	} else {
		t.Logf("skipped: `docker compose` is not installed here, so compose.version is not compared (%s)", firstLine(v.Stderr))
	}
	t.Logf("real engine %s:\n%s", engine, text(r))

	// A port another program holds.
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", free[1]))
	if err != nil {
		t.Fatal(err)
	}
	r = real(dir)
	l.Close()
	expect(t, find(t, r, "ports", fmt.Sprintf("127.0.0.1:%d/tcp", free[1])), Blocking, "(db, POSTGRES_PUBLISH_PORT) is in use by another program", "set POSTGRES_PUBLISH_PORT=")
	if r.Blocking() != 1 {
		t.Errorf("%d blocking:\n%s", r.Blocking(), text(r))
	}

	t.Run("own containers", func(t *testing.T) { ownContainers(t, real) })
	t.Run("another clone", func(t *testing.T) { anotherClone(t, real) })
}

// localImage is an image of the engine's to start a container from with sleep: the e2e
// harness's stand-ins (Debian) first, else any. The test is skipped when there is none.
func localImage(t *testing.T) string {
	images := Exec(context.Background(), Command{Name: "docker", Args: []string{"image", "ls", "--format", "{{.Repository}}:{{.Tag}}"}})
	var image string
	for _, line := range strings.Split(string(images.Stdout), "\n") {
		if line == "" || strings.Contains(line, "<none>") {
			continue
		}
		if image == "" || line == "containerize-e2e/debian:bookworm" || line == "redis:7" {
			image = line
		}
	}
	if image == "" {
		t.Skip("skipped: no local image to start a container from (no registry is reached)")
	}
	return image
}

// ownContainers starts a container publishing a port with Compose and checks that doctor
// tells this project's own container from another project's.
func ownContainers(t *testing.T, real func(string) *Report) {
	ctx := context.Background()
	image := localImage(t)
	port := freePorts(t, 1)[0]
	name := fmt.Sprintf("czdoctor%d", time.Now().UnixNano()%1e9)
	compose := fmt.Sprintf("name: %s\nservices:\n  hold:\n    image: %s\n    entrypoint: [\"sleep\", \"300\"]\n    healthcheck:\n      disable: true\n    ports:\n      - \"127.0.0.1:${HOLD_PUBLISH_PORT:-1}:9\"\n", name, image)
	dir := tree(t, map[string]string{"compose.yaml": compose, ".env": fmt.Sprintf("HOLD_PUBLISH_PORT=%d\n", port)})
	t.Cleanup(func() {
		Exec(context.Background(), Command{Name: "docker", Args: []string{"compose", "down", "-v", "--timeout", "1"}, Dir: dir})
	})
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	up := Exec(ctx, Command{Name: "docker", Args: []string{"compose", "up", "-d"}, Dir: dir})
	if up.Err != nil || up.ExitCode != 0 {
		t.Skipf("skipped: `docker compose up` of %s with sleep as its command failed, so no container holds a port (%s)", image, cmp.Or(errString(up.Err), strings.TrimSpace(string(up.Stderr))))
	}
	subject := fmt.Sprintf("127.0.0.1:%d/tcp", port)
	expect(t, find(t, real(dir), "ports", subject), OK, "held by this project's running hold", "")

	other := tree(t, map[string]string{"compose.yaml": strings.Replace(compose, "name: "+name, "name: "+name+"x", 1), ".env": fmt.Sprintf("HOLD_PUBLISH_PORT=%d\n", port)})
	expect(t, find(t, real(other), "ports", subject), Blocking, fmt.Sprintf("in use by the container %s-hold-1 (Compose project %s)", name, name), "set HOLD_PUBLISH_PORT=")
}

// anotherClone brings a project with a named volume up in one folder with Compose and
// checks what doctor says in a second folder with the same compose file: blocking while the
// first clone's container runs, a warning once `down` has left its volume, nothing once the
// second clone has a COMPOSE_PROJECT_NAME of its own.
func anotherClone(t *testing.T, real func(string) *Report) {
	image := localImage(t)
	name := fmt.Sprintf("czclones%d", time.Now().UnixNano()%1e9)
	compose := fmt.Sprintf("name: %s\nservices:\n  db:\n    image: %s\n    entrypoint: [\"sleep\", \"300\"]\n    stop_signal: SIGKILL\n    healthcheck:\n      disable: true\n    volumes:\n      - data:/data\nvolumes:\n  data:\n", name, image)
	root := t.TempDir()
	first, second := filepath.Join(root, "work", name), filepath.Join(root, "review", name)
	for _, dir := range []string{first, second} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	compose2 := func(dir string, args ...string) Result {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		return Exec(ctx, Command{Name: "docker", Args: append([]string{"compose"}, args...), Dir: dir})
	}
	t.Cleanup(func() {
		compose2(first, "-p", name, "down", "-v", "--timeout", "1")
		compose2(first, "-p", name+"-review", "down", "-v", "--timeout", "1")
	})
	if up := compose2(first, "up", "-d"); up.Err != nil || up.ExitCode != 0 {
		t.Skipf("skipped: `docker compose up` of %s with sleep as its command failed (%s)", image, cmp.Or(errString(up.Err), strings.TrimSpace(string(up.Stderr))))
	}
	expect(t, find(t, real(second), "compose.project"), Blocking, fmt.Sprintf("Compose project %s is running from another folder, %s: ", name, first), "add COMPOSE_PROJECT_NAME="+name+"-review to .env")
	expect(t, find(t, real(first), "compose.project"), OK, "its containers were started in this folder", "")

	if down := compose2(first, "down", "--timeout", "1"); down.Err != nil || down.ExitCode != 0 {
		t.Fatalf("docker compose down: %s", down.Stderr)
	}
	expect(t, find(t, real(second), "compose.project"), OK, fmt.Sprintf("has volumes but no containers: %s_data", name), "")

	if err := os.WriteFile(filepath.Join(second, ".env"), []byte("COMPOSE_PROJECT_NAME="+name+"-review\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	expect(t, find(t, real(second), "compose.project"), OK, fmt.Sprintf("Compose project %s-review (from COMPOSE_PROJECT_NAME in .env) has no containers or volumes yet", name), "")
}

// freePorts are n ports free on 127.0.0.1 and 0.0.0.0 right now.
func freePorts(t *testing.T, n int) []int {
	var out []int
	for len(out) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if all, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", p)); err == nil {
			all.Close()
			out = append(out, p)
		}
	}
	return out
}

// portSubject is the subject of the finding for port p.
func portSubject(_ string, r *Report, p int) string {
	for _, f := range r.Findings {
		if f.ID == "ports" && strings.Contains(f.Subject, fmt.Sprintf(":%d/", p)) {
			return f.Subject
		}
	}
	return fmt.Sprintf("port %d not checked", p)
}
