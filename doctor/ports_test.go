package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// stack is a compose file as containerize writes it (an x-app anchor merged into the
// services), with an override file as the development setup adds, a long-syntax port, a
// range, a service behind a profile and entries that publish no fixed port.
var stack = map[string]string{
	"docker-compose.yml": `name: shop
x-app: &app
  image: shop:latest
  env_file: .env
services:
  web:
    <<: *app
    build: .
    ports:
      - "${WEB_PUBLISH_PORT:-8000}:8000"
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
    ports:
      - "127.0.0.1:${POSTGRES_PUBLISH_PORT:-5432}:5432"
  mail:
    image: mailpit
    ports:
      - target: 8025
        published: "${MAIL_PUBLISH_PORT:-8025}"
        host_ip: 127.0.0.1
      - "1025"
      - "127.0.0.1::1026"
  debug:
    image: busybox
    profiles: [debug]
    ports:
      - "9000-9001:9000-9001/udp"
`,
	"docker-compose.override.yml": `services:
  web:
    user: "${DEV_UID:-1000}:${DEV_GID:-1000}"
    ports:
      - "[::1]:5678:5678"
    develop:
      watch:
        - action: rebuild
          path: requirements.txt
`,
	".env.example": "POSTGRES_PASSWORD=change-me\nWEB_PUBLISH_PORT=8000\nPOSTGRES_PUBLISH_PORT=5432\nDEV_UID=1000\nDEV_GID=1000\n",
	".env":         "POSTGRES_PASSWORD=secret\nWEB_PUBLISH_PORT=8080\nPOSTGRES_PUBLISH_PORT=5432\nDEV_UID=1000\nDEV_GID=1000\n",
}

func subjects(r *Report, id string) []string {
	var out []string
	for _, f := range r.Findings {
		if f.ID == id {
			out = append(out, f.Subject)
		}
	}
	return out
}

func TestPortsOfTheStack(t *testing.T) {
	dir := tree(t, stack)
	r := check(t, dir, engineUp(t), ports{}, nil)
	got := strings.Join(subjects(r, "ports"), " ")
	want := "0.0.0.0:8080/tcp [::1]:5678/tcp 127.0.0.1:5432/tcp 127.0.0.1:8025/tcp"
	if got != want {
		t.Errorf("ports %s, want %s", got, want)
	}
	expect(t, find(t, r, "compose.file"), OK, "docker-compose.yml, docker-compose.override.yml", "")
	expect(t, find(t, r, "ports", "0.0.0.0:8080/tcp"), OK, "port 8080 (web, WEB_PUBLISH_PORT) is free", "")
	expect(t, find(t, r, "ports", "127.0.0.1:8025/tcp"), OK, "port 8025 (mail, MAIL_PUBLISH_PORT) is free", "")
	expect(t, find(t, r, "compose.watch"), OK, "work", "")

	// The shell's environment wins over .env, as in Compose; an active profile adds its ports.
	r = check(t, dir, engineUp(t), ports{}, map[string]string{"WEB_PUBLISH_PORT": "8001", "COMPOSE_PROFILES": "debug"})
	got = strings.Join(subjects(r, "ports"), " ")
	if want := "0.0.0.0:8001/tcp [::1]:5678/tcp 127.0.0.1:5432/tcp 127.0.0.1:8025/tcp 0.0.0.0:9000/udp 0.0.0.0:9001/udp"; got != want {
		t.Errorf("with the shell's WEB_PUBLISH_PORT and the debug profile: %s, want %s", got, want)
	}

	// COMPOSE_FILE in .env picks the files.
	os.WriteFile(filepath.Join(dir, ".env"), []byte(stack[".env"]+"COMPOSE_FILE=docker-compose.yml\n"), 0o644)
	r = check(t, dir, engineUp(t), ports{}, nil)
	expect(t, find(t, r, "compose.file"), OK, "loads docker-compose.yml (COMPOSE_FILE)", "")
	if got := strings.Join(subjects(r, "ports"), " "); strings.Contains(got, "5678") {
		t.Errorf("the override file was read though COMPOSE_FILE leaves it out: %s", got)
	}
}

func TestPortTaken(t *testing.T) {
	dir := tree(t, stack)
	busy := ports{"127.0.0.1:5432": inUse, "127.0.0.1:5433": inUse, "0.0.0.0:8080": inUse}

	// Nobody's container: another program.
	m := engineUp(t)
	r := check(t, dir, m, busy, nil)
	f := find(t, r, "ports", "127.0.0.1:5432/tcp")
	expect(t, f, Blocking, "port 5432 (db, POSTGRES_PUBLISH_PORT) is in use by another program", "set POSTGRES_PUBLISH_PORT=5434 in .env (5434 is free)")
	if !strings.Contains(f.Fix, "sudo ss -ltnp 'sport = :5432'") || !strings.Contains(f.Detail, "address already in use") {
		t.Errorf("fix %q, detail %q", f.Fix, f.Detail)
	}
	expect(t, find(t, r, "ports", "0.0.0.0:8080/tcp"), Blocking, "port 8080 (web, WEB_PUBLISH_PORT) is in use", "WEB_PUBLISH_PORT=8081")
	if r.Blocking() != 2 {
		t.Errorf("%d blocking", r.Blocking())
	}

	// Another project's container (recorded: docker ps --filter publish=16379).
	m = engineUp(t)
	m.psPublish = rec(t, "cli20-ps-publish")
	r = check(t, dir, m, busy, nil)
	expect(t, find(t, r, "ports", "127.0.0.1:5432/tcp"), Blocking, "in use by the container doctorrec-cache-1 (Compose project doctorrec)", "docker compose -p doctorrec stop")

	// This project's own containers (recorded: docker compose ps of a project publishing
	// 16379 on 127.0.0.1 and 16380 everywhere).
	dir = tree(t, map[string]string{"compose.yaml": "services:\n  cache:\n    image: redis:7\n    ports:\n      - \"127.0.0.1:${CACHE_PUBLISH_PORT:-16379}:6379\"\n      - \"16380:6379\"\n      - \"16381:6379\"\n"})
	m = engineUp(t)
	m.composePs = rec(t, "compose-ps")
	r = check(t, dir, m, ports{"127.0.0.1:16379": inUse, "127.0.0.1:16380": inUse, "127.0.0.1:16381": inUse}, nil)
	expect(t, find(t, r, "ports", "127.0.0.1:16379/tcp"), OK, "port 16379 (cache, CACHE_PUBLISH_PORT) is held by this project's running cache", "")
	expect(t, find(t, r, "ports", "0.0.0.0:16380/tcp"), OK, "held by this project's running cache", "")
	expect(t, find(t, r, "ports", "0.0.0.0:16381/tcp"), Blocking, "port 16381 (cache) is in use by another program", "change the published port of services.cache.ports in compose.yaml")
	if n := strings.Count(strings.Join(m.ran, "\n"), "compose ps"); n != 1 {
		t.Errorf("docker compose ps ran %d times", n)
	}

	// Compose before 2.21 printed a JSON array.
	m = engineUp(t)
	lines := strings.Split(strings.TrimSpace(string(rec(t, "compose-ps").Stdout)), "\n")
	m.composePs = &Result{Stdout: []byte("[" + strings.Join(lines, ",") + "]\n")}
	r = check(t, dir, m, ports{"127.0.0.1:16379": inUse}, nil)
	expect(t, find(t, r, "ports", "127.0.0.1:16379/tcp"), OK, "held by this project's running cache", "")

	// The engine is down: nobody can say whose it is.
	m = &machine{version: rec(t, "cli20-version-down"), info: rec(t, "cli20-info-down"), compose: rec(t, "compose-version-plain")}
	r = check(t, dir, m, ports{"127.0.0.1:16379": inUse}, nil)
	f = find(t, r, "ports", "127.0.0.1:16379/tcp")
	expect(t, f, Blocking, "in use by another program", "CACHE_PUBLISH_PORT=16382")
	if !strings.Contains(f.Detail, "the Docker engine does not answer") {
		t.Errorf("detail %q", f.Detail)
	}
}

func TestPortErrors(t *testing.T) {
	dir := tree(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: x\n    ports:\n      - \"10.9.9.9:8000:8000\"\n      - \"80:80\"\n"})
	r := check(t, dir, engineUp(t), ports{"10.9.9.9:8000": syscall.EADDRNOTAVAIL, "127.0.0.1:80": syscall.EACCES}, nil)
	expect(t, find(t, r, "ports", "10.9.9.9:8000/tcp"), Blocking, "not an address of this machine", "services.web.ports")
	expect(t, find(t, r, "ports", "0.0.0.0:80/tcp"), OK, "not tested", "")
}

func TestSplitPortSpec(t *testing.T) {
	for _, tc := range []struct{ in, ip, ports, proto string }{
		{"8000:8000", "", "8000", ""},
		{"127.0.0.1:5432:5432", "127.0.0.1", "5432", ""},
		{"127.0.0.1::5432", "127.0.0.1", "", ""},
		{"8000", "", "", ""},
		{"9000-9001:9000-9001/udp", "", "9000-9001", "udp"},
		{"[::1]:5678:5678", "::1", "5678", ""},
		{"::1:5678:5678", "::1", "5678", ""},
	} {
		ip, ports, proto, err := splitPortSpec(tc.in)
		if err != nil || ip != tc.ip || ports != tc.ports || proto != tc.proto {
			t.Errorf("splitPortSpec(%q) = %q %q %q %v", tc.in, ip, ports, proto, err)
		}
	}
	for _, bad := range []string{"0:80", "70000:80", "9000-8000:80", "1-500:1-500", "x:80"} {
		ip, hostPorts, _, _ := splitPortSpec(bad)
		if _, err := portRange(hostPorts); err == nil {
			t.Errorf("%q (%s %s) accepted", bad, ip, hostPorts)
		}
	}
}

func TestComposeFileFinding(t *testing.T) {
	r := check(t, t.TempDir(), engineUp(t), ports{}, nil)
	expect(t, find(t, r, "compose.file"), Blocking, "no compose file", "containerize init")
	dir := tree(t, map[string]string{"compose.yaml": "services: [\n", "docker-compose.yml": "services: {}\n"})
	r = check(t, dir, engineUp(t), ports{}, nil)
	f := find(t, r, "compose.file")
	expect(t, f, Blocking, "cannot be read", "docker compose config")
	if !strings.Contains(f.Detail, "compose.yaml") {
		t.Errorf("detail %q does not name the file Compose prefers", f.Detail)
	}
	dir = tree(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: x\n    ports:\n      - \"${PORT:?set PORT in .env}:80\"\n"})
	expect(t, find(t, check(t, dir, engineUp(t), ports{}, nil), "compose.file"), Blocking, "cannot be read", "")
}
