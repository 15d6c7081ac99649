package doctor

import (
	"context"
	"testing"
)

func TestHostUser(t *testing.T) {
	dev := func(env string) string {
		return tree(t, map[string]string{
			"compose.yaml": "services:\n  web:\n    image: x\n    user: \"${DEV_UID:-1000}:${DEV_GID:-1000}\"\n  worker:\n    image: x\n    user: \"${DEV_UID:-1000}:${DEV_GID:-1000}\"\n  db:\n    image: postgres\n    user: \"999\"\n",
			".env":         env,
		})
	}
	run := func(dir string, m *machine, h Host, env map[string]string) []Finding {
		r := Check(context.Background(), Options{Dir: dir, Run: m.run, Listen: ports{}.listen,
			Getenv: func(k string) string { return env[k] }, Host: h})
		var out []Finding
		for _, f := range r.Findings {
			if f.ID == "host.user" {
				out = append(out, f)
			}
		}
		return out
	}
	me := Host{GOOS: "linux", UID: 1234, GID: 1234}

	fs := run(dev("DEV_UID=1000\nDEV_GID=1000\n"), engineUp(t), me, nil)
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	expect(t, fs[0], Warning, "web, worker run as 1000:1000", "set DEV_UID=1234 and DEV_GID=1234 in .env")

	expect(t, run(dev("DEV_UID=1234\nDEV_GID=1234\n"), engineUp(t), me, nil)[0], OK, "your own (uid 1234, gid 1234)", "")
	// No .env entry: the compose file's default decides; the shell's environment wins.
	expect(t, run(dev(""), engineUp(t), Host{GOOS: "linux", UID: 1000, GID: 1000}, nil)[0], OK, "your own", "")
	expect(t, run(dev("DEV_UID=1000\n"), engineUp(t), me, map[string]string{"DEV_UID": "1234", "DEV_GID": "1234"})[0], OK, "your own", "")

	// Rootless: container root is the developer (SecurityOptions as `docker info` of a
	// rootless engine lists them).
	rootless := engineUp(t)
	rootless.info = edited(rootless.info, `"name=seccomp,profile=default"`, `"name=seccomp,profile=default","name=rootless","name=cgroupns"`)
	expect(t, run(dev("DEV_UID=1234\nDEV_GID=1234\n"), rootless, me, nil)[0], Warning, "will not be yours", "set DEV_UID=0 and DEV_GID=0")
	expect(t, find(t, check(t, dev(""), rootless, ports{}, nil), "docker.engine"), OK, "native Linux engine, rootless", "")

	// Docker Desktop (OperatingSystem as Desktop reports it): harmless whatever the values.
	desktop := engineUp(t)
	desktop.info = edited(desktop.info, `"OperatingSystem":"Debian GNU/Linux 12 (bookworm)"`, `"OperatingSystem":"Docker Desktop"`)
	for _, h := range []Host{me, {GOOS: "darwin", UID: 501, GID: 20}, {GOOS: "windows", UID: -1, GID: -1}} {
		expect(t, run(dev("DEV_UID=1000\nDEV_GID=1000\n"), desktop, h, nil)[0], OK, "Docker Desktop maps file ownership itself: DEV_UID, DEV_GID are harmless", "")
	}
	// An engine in another VM (colima on macOS), a remote one.
	expect(t, run(dev(""), engineUp(t), Host{GOOS: "darwin", UID: 501, GID: 20}, nil)[0], OK, "not on this machine (engine in a VM: Debian", "")
	expect(t, run(dev(""), engineUp(t), me, map[string]string{"DOCKER_HOST": "ssh://me@build"})[0], OK, "remote engine at ssh://me@build", "")

	// No service takes its user from variables, or the engine is down: nothing to say.
	if fs := run(tree(t, map[string]string{"compose.yaml": "services:\n  web:\n    image: x\n    user: \"1000\"\n"}), engineUp(t), me, nil); len(fs) != 0 {
		t.Errorf("fixed user: %+v", fs)
	}
	down := &machine{version: rec(t, "cli20-version-down"), info: rec(t, "cli20-info-down"), compose: rec(t, "compose-version-plain")}
	if fs := run(dev(""), down, me, nil); len(fs) != 0 {
		t.Errorf("engine down: %+v", fs)
	}
}

func TestWSL(t *testing.T) {
	wsl := Host{GOOS: "linux", UID: 1000, GID: 1000, WSL: true}
	expect(t, wslFindings("/mnt/c/Users/me/src/shop", wsl)[0], Warning, "Windows' C: drive", "clone the project into WSL's own file system")
	expect(t, wslFindings("/home/me/src/shop", wsl)[0], OK, "Linux file system", "")
	expect(t, wslFindings("/mnt/data/shop", wsl)[0], OK, "Linux file system", "")
	if fs := wslFindings("/mnt/c/src", Host{GOOS: "linux"}); fs != nil {
		t.Errorf("not WSL: %+v", fs)
	}
}

func TestEnvFile(t *testing.T) {
	compose := "services:\n  db:\n    image: postgres\n    env_file: .env\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      POSTGRES_DB: ${POSTGRES_DB:-app}\n"
	example := "DJANGO_SECRET_KEY=change-me\nPOSTGRES_DB=app\nPOSTGRES_PASSWORD=change-me\n"
	for _, tc := range []struct {
		name      string
		files     map[string]string
		env       map[string]string
		sev       Severity
		summary   string
		fix       string
		noFinding bool
	}{
		{"complete", map[string]string{".env": "DJANGO_SECRET_KEY=a\nPOSTGRES_DB=app\nexport POSTGRES_PASSWORD='b'\n"}, nil, OK, "every key of .env.example (3)", "", false},
		{"missing", nil, nil, Blocking, ".env is missing", "containerize init --yes", false},
		{"lacks a key the app reads", map[string]string{".env": "POSTGRES_DB=app\nPOSTGRES_PASSWORD=b\n"}, nil, Warning, ".env lacks DJANGO_SECRET_KEY", "containerize init adds the missing keys", false},
		{"lacks a key compose needs", map[string]string{".env": "DJANGO_SECRET_KEY=a\n"}, nil, Blocking, ".env lacks POSTGRES_DB, POSTGRES_PASSWORD", "containerize init adds", false},
		{"the shell has it", map[string]string{".env": "DJANGO_SECRET_KEY=a\n"}, map[string]string{"POSTGRES_PASSWORD": "x"}, Warning, ".env lacks POSTGRES_DB, POSTGRES_PASSWORD", "", false},
		{"no .env.example", map[string]string{".env.example": ""}, nil, "", "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"compose.yaml": compose, ".env.example": example}
			for k, v := range tc.files {
				files[k] = v
			}
			dir := tree(t, files)
			if tc.noFinding {
				dir = tree(t, map[string]string{"compose.yaml": compose})
			}
			r := check(t, dir, engineUp(t), ports{}, tc.env)
			if tc.noFinding {
				if has(r, "env.file") {
					t.Errorf("%+v", find(t, r, "env.file"))
				}
				return
			}
			expect(t, find(t, r, "env.file"), tc.sev, tc.summary, tc.fix)
		})
	}
}
