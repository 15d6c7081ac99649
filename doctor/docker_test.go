package doctor

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"Docker Compose version v2.40.3", "2.40.3"},
		{"v2.24.6-desktop.1", "2.24.6-desktop.1"},
		{"Docker Compose version v5.0.0", "5.0.0"},
		{"docker-compose version 1.29.2, build unknown", "1.29.2"},
		{"20.10.24+dfsg1", "20.10.24+dfsg1"},
		{"28.2.2", "28.2.2"},
		{"2.17.3+azure-1", "2.17.3+azure-1"},
		{"v2.23", "2.23.0"},
	} {
		v, ok := parseVersion(tc.in)
		if !ok || v.String() != tc.want {
			t.Errorf("parseVersion(%q) = %v, %v; want %s", tc.in, v, ok, tc.want)
		}
	}
	for _, bad := range []string{"", "docker: 'compose' is not a docker command.", "version x.y", "1"} {
		if v, ok := parseVersion(bad); ok {
			t.Errorf("parseVersion(%q) = %v", bad, v)
		}
	}
	v, _ := parseVersion("v2.24.6-desktop.1")
	if !v.atLeast(2, 22, 0) || v.atLeast(2, 24, 7) || !v.atLeast(2, 24, 6) {
		t.Errorf("2.24.6-desktop.1 compares as %v", v)
	}
	if v, _ := parseVersion("v5.0.0"); !v.atLeast(2, 24, 7) {
		t.Error("Compose v5 is older than 2.24.7")
	}
}

// TestEngine reads the recorded answers of both docker CLIs here (Debian's 20.10 and 28.2)
// when the engine runs, is stopped, refuses the user, and when the CLI is missing.
func TestEngine(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, version, info string
		sev                 Severity
		summary, fix        string
	}{
		{"cli20 running", "cli20-version", "cli20-info", OK, "Docker Engine 20.10.24+dfsg1 answers (native Linux engine, context default)", ""},
		{"cli28 running", "cli28-version", "cli28-info", OK, "Docker Engine 20.10.24+dfsg1 answers", ""},
		{"cli20 stopped", "cli20-version-down", "cli20-info-down", Blocking, "not running", "sudo systemctl start docker"},
		{"cli28 stopped", "cli28-version-down", "cli28-info-down", Blocking, "not running", "sudo systemctl start docker"},
		{"cli20 denied", "cli20-version-denied", "cli20-info-denied", Blocking, "permission denied", "usermod -aG docker"},
		{"cli28 denied", "cli28-version-denied", "cli28-info-denied", Blocking, "permission denied", "usermod -aG docker"},
		{"no such context", "cli28-version-nocontext", "cli28-version-nocontext", Blocking, "context", "docker context use default"},
		{"DOCKER_HOST", "cli20-version-dockerhost", "cli20-info-down", Blocking, "not running", "DOCKER_HOST=unix:///nonexistent.sock"},
		{"no CLI", "", "", Blocking, "not installed", "https://docs.docker.com/engine/install/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &machine{compose: rec(t, "compose-version-plain")}
			if tc.version != "" {
				m.version, m.info = rec(t, tc.version), rec(t, tc.info)
			}
			env := map[string]string{}
			if tc.name == "DOCKER_HOST" {
				env["DOCKER_HOST"] = "unix:///nonexistent.sock"
			}
			r := check(t, dir, m, ports{}, env)
			f := find(t, r, "docker.engine")
			expect(t, f, tc.sev, tc.summary, tc.fix)
			if tc.sev == Blocking && f.Detail == "" {
				t.Error("a blocking engine finding says nothing of what docker said")
			}
			if has(r, "docker.buildkit") != (tc.sev == OK) {
				t.Errorf("BuildKit checked: %v, engine %s", has(r, "docker.buildkit"), tc.sev)
			}
		})
	}
	// Docker Desktop's own words for a stopped engine on macOS and Windows differ; the fix
	// names Desktop there (the message is not recorded: there is no Desktop here).
	m := &machine{version: edited(rec(t, "cli28-version-down"), `"Context":"default"`, `"Context":"desktop-linux"`), compose: rec(t, "compose-version-plain")}
	m.version.Stderr = []byte("error during connect: Get \"http://%2F%2F.%2Fpipe%2FdockerDesktopLinuxEngine/v1.47/version\": open //./pipe/dockerDesktopLinuxEngine: The system cannot find the file specified.\n")
	r := Check(t.Context(), Options{Dir: dir, Run: m.run, Listen: ports{}.listen, Host: Host{GOOS: "windows", UID: -1, GID: -1}})
	expect(t, find(t, r, "docker.engine"), Blocking, "not running", "start Docker Desktop")
}

func TestCompose(t *testing.T) {
	watch := tree(t, map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n    develop:\n      watch:\n        - action: rebuild\n          path: uv.lock\n"})
	// The development override's shape: the source mounted, rebuild rules on files inside it.
	mounted := tree(t, map[string]string{"compose.yaml": "x-dev: &dev\n  volumes:\n    - .:/app\nservices:\n  web:\n    <<: *dev\n    build: .\n    develop:\n      watch:\n        - action: rebuild\n          path: requirements/dev.txt\n"})
	v227 := &Result{Stdout: []byte("Docker Compose version v2.27.0\n")}
	plain := tree(t, map[string]string{"compose.yaml": "services:\n  web:\n    build: .\n"})
	desktop := &Result{Stdout: []byte("Docker Compose version v2.24.6-desktop.1\n")} // Desktop 4.28's Compose
	old := &Result{Stdout: []byte("Docker Compose version v2.21.0\n")}
	v5 := &Result{Stdout: []byte("Docker Compose version v5.0.0\n")}
	for _, tc := range []struct {
		name                string
		dir                 string
		compose, standalone *Result
		sev                 Severity
		summary, fix        string
		watchSev            Severity
		watchSummary        string
	}{
		{"plugin", watch, rec(t, "compose-version-plain"), nil, OK, "Docker Compose v2.40.3", "", OK, "up --watch` work"},
		{"v5", watch, v5, nil, OK, "Docker Compose v5.0.0", "", OK, "up --watch` work"},
		{"desktop suffix, watch rules", watch, desktop, nil, OK, "v2.24.6-desktop.1", "", Warning, "Compose 2.24.6-desktop.1 lacks `docker compose up --watch` (2.24.7)"},
		{"desktop suffix, no watch rules", plain, desktop, nil, OK, "v2.24.6-desktop.1", "", OK, "lacks `docker compose up --watch` (2.24.7)"},
		{"before watch", watch, old, nil, OK, "v2.21.0", "", Warning, "lacks develop.watch (2.22.0), `docker compose up --watch` (2.24.7)"},
		{"rebuild rules in the mount, too old", mounted, v227, nil, OK, "v2.27.0", "", Warning, "lacks rebuild rules inside the source mount (2.29.3)"},
		{"rebuild rules in the mount", mounted, rec(t, "compose-version-plain"), nil, OK, "v2.40.3", "", OK, "develop.watch, `docker compose up --watch`, rebuild rules inside the source mount work"},
		{"standalone v2 only (cli20)", plain, rec(t, "compose-missing-cli20"), rec(t, "compose-standalone-version"), Warning, "docker-compose only", "cli-plugins", OK, ""},
		{"standalone v2 only (cli28)", plain, rec(t, "compose-missing-cli28"), rec(t, "compose-standalone-version"), Warning, "docker-compose only", "cli-plugins", OK, ""},
		{"v1 only", plain, rec(t, "compose-missing-cli20"), rec(t, "compose-v1-version"), Blocking, "Compose v1", "docker-compose-plugin", "", ""},
		{"none", plain, rec(t, "compose-missing-cli20"), nil, Blocking, "not installed", "docker-compose-plugin", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := engineUp(t)
			m.compose, m.standalone = tc.compose, tc.standalone
			r := check(t, tc.dir, m, ports{}, nil)
			expect(t, find(t, r, "compose.version"), tc.sev, tc.summary, tc.fix)
			if tc.watchSev == "" {
				if has(r, "compose.watch") {
					t.Error("watch support reported without Compose v2")
				}
				return
			}
			expect(t, find(t, r, "compose.watch"), tc.watchSev, tc.watchSummary, "")
		})
	}
}

func TestBuildKit(t *testing.T) {
	dir := t.TempDir()
	engine23 := func(m *machine) {
		m.version = edited(m.version, `"Server":{"Platform":{"Name":""},"Components":[{"Name":"Engine","Version":"20.10.24+dfsg1"`, `"Server":{"Platform":{"Name":""},"Components":[{"Name":"Engine","Version":"27.4.0"`)
		m.version = edited(m.version, `"Version":"20.10.24+dfsg1","ApiVersion":"1.41","MinAPIVersion"`, `"Version":"27.4.0","ApiVersion":"1.47","MinAPIVersion"`)
	}
	buildx := func(m *machine) {
		m.info = edited(m.info, `"Plugins":[{`, `"Plugins":[{"SchemaVersion":"0.1.0","Vendor":"Docker Inc.","Version":"v0.19.3","ShortDescription":"Docker Buildx","Name":"buildx","Path":"/usr/libexec/docker/cli-plugins/docker-buildx"},{`)
	}
	cli28 := func(m *machine) { m.version, m.info = rec(t, "cli28-version"), rec(t, "cli28-info") }
	for _, tc := range []struct {
		name    string
		setup   []func(*machine)
		env     string
		sev     Severity
		summary string
		fix     string
	}{
		{"engine 20, CLI 20", nil, "", Warning, "legacy builder on engine 20.10.24", "DOCKER_BUILDKIT=1"},
		{"engine 20, CLI 20, DOCKER_BUILDKIT=1", nil, "1", OK, "DOCKER_BUILDKIT=1", ""},
		{"DOCKER_BUILDKIT=0", nil, "0", Blocking, "DOCKER_BUILDKIT=0 turns BuildKit off", "unset DOCKER_BUILDKIT"},
		{"DOCKER_BUILDKIT=false with buildx", []func(*machine){buildx}, "false", Blocking, "turns BuildKit off", "unset DOCKER_BUILDKIT"},
		{"CLI 28 without buildx", []func(*machine){cli28}, "", Warning, "no buildx plugin", "docker-buildx-plugin"},
		{"CLI 28 without buildx, DOCKER_BUILDKIT=1", []func(*machine){cli28}, "1", Warning, "no buildx plugin", "docker-buildx-plugin"},
		{"buildx", []func(*machine){buildx}, "", OK, "buildx v0.19.3", ""},
		{"engine 27, CLI 20", []func(*machine){engine23}, "", OK, "the default of engine 27.4.0", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := engineUp(t)
			for _, f := range tc.setup {
				f(m)
			}
			r := check(t, dir, m, ports{}, map[string]string{"DOCKER_BUILDKIT": tc.env})
			expect(t, find(t, r, "docker.buildkit"), tc.sev, tc.summary, tc.fix)
		})
	}
}

func TestRemoteHost(t *testing.T) {
	for h, want := range map[string]bool{"": false, "unix:///var/run/docker.sock": false, "tcp://127.0.0.1:2375": false,
		"tcp://localhost:2376": false, "tcp://10.0.0.5:2376": true, "ssh://me@build": true, "npipe:////./pipe/docker_engine": false} {
		if remoteHost(h) != want {
			t.Errorf("remoteHost(%q) = %v", h, !want)
		}
	}
}

func TestCheckRunsDockerOnceEach(t *testing.T) {
	m := engineUp(t)
	check(t, t.TempDir(), m, ports{}, nil)
	if got := strings.Join(m.ran, "; "); strings.Count(got, "docker version") != 1 || strings.Count(got, "docker info") != 1 || strings.Count(got, "docker compose version") != 1 || len(m.ran) != 3 {
		t.Errorf("ran %s", got)
	}
	// With a compose file, the containers and the volumes of its Compose project, once each.
	m = engineUp(t)
	check(t, clone(t, ""), m, ports{}, nil)
	if got := strings.Join(m.ran, "; "); strings.Count(got, "docker ps -a --filter label=com.docker.compose.project=doctorclones") != 1 ||
		strings.Count(got, "docker volume ls --filter label=com.docker.compose.project=doctorclones") != 1 || len(m.ran) != 5 {
		t.Errorf("ran %s", got)
	}
}
