package doctor

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// recording is one command's output, recorded from the real binaries into
// testdata/docker/NAME.txtar (its comment says where and how).
func recording(t *testing.T, name string) Result {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("testdata", "docker", name+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	for _, line := range strings.Split(string(a.Comment), "\n") {
		if code, ok := strings.CutPrefix(line, "exit: "); ok {
			r.ExitCode, _ = strconv.Atoi(code)
		}
	}
	for _, f := range a.Files {
		switch f.Name {
		case "stdout":
			r.Stdout = f.Data
		case "stderr":
			r.Stderr = f.Data
		}
	}
	return r
}

// notInstalled is what running a program that is not on PATH gives.
func notInstalled(name string) Result {
	return Result{Err: &exec.Error{Name: name, Err: exec.ErrNotFound}, ExitCode: -1}
}

// machine is a docker CLI made of recorded answers, one per question doctor asks; a nil
// Result means "not asked in this test" and fails it.
type machine struct {
	version, info, compose, standalone, composePs, psPublish *Result
	// projectPs and projectVolumes answer for the containers and volumes of a Compose project.
	projectPs, projectVolumes *Result
	// ran are the commands run, as "name args…"; doctor runs some at once.
	mu  sync.Mutex
	ran []string
}

func (m *machine) run(_ context.Context, c Command) Result {
	line := strings.Join(append([]string{c.Name}, c.Args...), " ")
	m.mu.Lock()
	m.ran = append(m.ran, line)
	m.mu.Unlock()
	var r *Result
	switch {
	case line == "docker version --format {{json .}}":
		r = m.version
	case line == "docker info --format {{json .}}":
		r = m.info
	case line == "docker compose version":
		r = m.compose
	case line == "docker-compose version":
		r = m.standalone
	case line == "docker compose ps --format json", line == "docker-compose ps --format json":
		r = m.composePs
	case strings.HasPrefix(line, "docker ps --filter publish="):
		r = m.psPublish
	case strings.HasPrefix(line, "docker ps -a --filter label=com.docker.compose.project="):
		r = m.projectPs
	case strings.HasPrefix(line, "docker volume ls --filter label=com.docker.compose.project="):
		r = m.projectVolumes
	}
	if r == nil {
		return Result{Err: &exec.Error{Name: c.Name, Err: exec.ErrNotFound}, ExitCode: -1}
	}
	return *r
}

// rec is recording as a pointer, for machine's fields.
func rec(t *testing.T, name string) *Result { r := recording(t, name); return &r }

// engineUp is Debian's docker CLI 20.10 with Compose v2.40.3 against a running engine 20.10
// that has no container or volume of the project.
func engineUp(t *testing.T) *machine {
	return &machine{version: rec(t, "cli20-version"), info: rec(t, "cli20-info"), compose: rec(t, "compose-version-plain"),
		composePs: rec(t, "compose-ps-empty"), projectPs: rec(t, "clones-ps-none"), projectVolumes: rec(t, "clones-volumes-none")}
}

// edited is r with its stdout's old replaced by new: a recorded answer turned into one of a
// machine that could not be recorded here (Docker Desktop, rootless, another release).
func edited(r *Result, old, new string) *Result {
	c := *r
	c.Stdout = []byte(strings.Replace(string(r.Stdout), old, new, 1))
	return &c
}

// ports is a Listen whose busy addresses are in use; others open.
type ports map[string]error

func (p ports) listen(network, address string) (io.Closer, error) {
	if err, ok := p[address]; ok {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	return io.NopCloser(nil), nil
}

var inUse = os.NewSyscallError("bind", syscall.EADDRINUSE)

// check runs Check on dir with m and l on a Linux host with uid and gid 1000.
func check(t *testing.T, dir string, m *machine, l ports, env map[string]string) *Report {
	t.Helper()
	return Check(context.Background(), Options{Dir: dir, Run: m.run, Listen: l.listen,
		Getenv: func(k string) string { return env[k] }, Host: Host{GOOS: "linux", UID: 1000, GID: 1000}})
}

// find is the finding with id (and subject, when given); it fails the test when there is none.
func find(t *testing.T, r *Report, id string, subject ...string) Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.ID == id && (len(subject) == 0 || f.Subject == subject[0]) {
			return f
		}
	}
	t.Fatalf("no finding %s %v in %+v", id, subject, r.Findings)
	return Finding{}
}

func has(r *Report, id string) bool {
	for _, f := range r.Findings {
		if f.ID == id {
			return true
		}
	}
	return false
}

// tree writes files (slash paths → content) into a new directory.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// expect fails unless f has severity sev and its summary and fix contain the given texts.
func expect(t *testing.T, f Finding, sev Severity, summary, fix string) {
	t.Helper()
	if f.Severity != sev || !strings.Contains(f.Summary, summary) || !strings.Contains(f.Fix, fix) {
		t.Errorf("%s %s: got %s %q (fix %q, detail %q); want %s, summary with %q, fix with %q",
			f.ID, f.Subject, f.Severity, f.Summary, f.Fix, f.Detail, sev, summary, fix)
	}
}
