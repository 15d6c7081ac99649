package image

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/plan"
)

func TestAddLine(t *testing.T) {
	const line = "app:x:10001:10001::/app:/usr/sbin/nologin"
	for _, tc := range []struct {
		name, in, want, err string
	}{
		{"append", "root:x:0:0::/root:/bin/sh\n", "root:x:0:0::/root:/bin/sh\n" + line + "\n", ""},
		{"no final newline", "root:x:0:0::/root:/bin/sh", "root:x:0:0::/root:/bin/sh\n" + line + "\n", ""},
		{"no file", "", line + "\n", ""},
		{"already there", "root:x:0:0::/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n", "root:x:0:0::/root:/bin/sh\napp:x:10001:10001::/home/app:/bin/sh\n", ""},
		{"name taken", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n", "", `/etc/passwd:2: "app" has id 1000, not 10001`},
		{"id taken", "web:x:10001:10001::/:/bin/sh\n", "", `/etc/passwd:1: id 10001 belongs to "web" already`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := addLine("/etc/passwd", []byte(tc.in), "app", 10001, line, 2)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestUserEntries(t *testing.T) {
	rt := &plan.Runtime{UserName: "app", UID: 10001, GID: 10001, OwnedDirs: []string{"/app", "/app/media", "/data"}}
	b := &base.Base{Passwd: []byte("root:x:0:0::/root:/bin/sh\n"), Group: []byte("root:x:0:\n"), Symlinks: []string{"/bin", "/lib"}}
	entries, err := userEntries(b, rt)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]layer.Entry{}
	for _, e := range entries {
		byPath[e.Path] = e
	}
	if g := string(byPath["/etc/group"].Data); g != "root:x:0:\napp:x:10001:\n" {
		t.Errorf("group %q", g)
	}
	for _, d := range rt.OwnedDirs {
		if e := byPath[d]; !e.Mode.IsDir() || e.UID != 10001 || e.GID != 10001 {
			t.Errorf("%s: %+v", d, e)
		}
	}
	if byPath["/etc/passwd"].UID != 0 {
		t.Errorf("/etc/passwd not owned by root")
	}
	if err := checkSymlinks(b, entries); err != nil {
		t.Error(err)
	}
	if err := checkSymlinks(b, []layer.Entry{{Path: "/lib/x"}}); err == nil || !strings.Contains(err.Error(), "/lib is a symlink in the base image") {
		t.Errorf("entry below a base symlink: %v", err)
	}
}

func TestMergeEnv(t *testing.T) {
	got := mergeEnv([]string{"PATH=/bin", "LANG=C", "PATH=/usr/bin", "X=1"}, []string{"PATH=/opt/venv/bin:/usr/bin", "NEW=2", "X=3"})
	want := []string{"PATH=/opt/venv/bin:/usr/bin", "LANG=C", "X=3", "NEW=2"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestConfigure(t *testing.T) {
	rt := &plan.Runtime{Command: []string{"daphne", "app.asgi:application"}, Env: []string{"DJANGO_SETTINGS_MODULE=app.settings"},
		WorkDir: "/app/src", Port: 8080, User: "10001:10001", Healthcheck: plan.Healthcheck{Command: []string{"true"}}}
	cf := &v1.ConfigFile{Config: v1.Config{Env: []string{"LANG=C"}, Entrypoint: []string{"tini", "--"}, ExposedPorts: map[string]struct{}{"22/tcp": {}}}}
	b := &base.Base{Python: "3.12.7"}
	got, err := configure(cf, b, rt, "", "", DefaultEpoch)
	if err != nil {
		t.Fatal(err)
	}
	c := got.Config
	if !slices.Equal(c.Env, []string{"LANG=C", "PATH=/opt/venv/bin:" + defaultPath, "VIRTUAL_ENV=/opt/venv", "DJANGO_SETTINGS_MODULE=app.settings"}) {
		t.Errorf("env %q", c.Env)
	}
	if !slices.Equal(c.Cmd, rt.Command) || !slices.Equal(c.Entrypoint, []string{"tini", "--"}) || c.WorkingDir != "/app/src" || len(c.ExposedPorts) != 2 {
		t.Errorf("config %+v", c)
	}
	if _, ok := c.Labels[LabelSource]; ok || c.Labels[LabelCreated] != "1980-01-01T00:00:00Z" {
		t.Errorf("labels %v", c.Labels)
	}
	if len(cf.Config.Env) != 1 || cf.Config.Labels != nil {
		t.Errorf("configure changed its input: %+v", cf.Config)
	}
	rt.Collectstatic = true
	if _, err := configure(cf, b, rt, "", "", DefaultEpoch); err == nil || !strings.Contains(err.Error(), "has no /bin/sh") {
		t.Errorf("collectstatic without a shell: %v", err)
	}
	// Behind the start check, collectstatic runs after it: it imports the settings, which need the key.
	rt.RequiredEnv = "DJANGO_SECRET_KEY"
	rt.Command = plan.StartCheck(rt.RequiredEnv, []string{"daphne", "app.asgi:application"})
	b.Shell = true
	got, err = configure(cf, b, rt, "", "", DefaultEpoch)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(slices.Clone(rt.Command[:4]), "sh", "-c", collectstaticScript), "daphne", "app.asgi:application")
	if !slices.Equal(got.Config.Cmd, want) {
		t.Errorf("cmd %q, want %q", got.Config.Cmd, want)
	}
	// COMPRESS_OFFLINE: compress after collectstatic, as the Dockerfile does.
	rt.Compress = true
	if got, err = configure(cf, b, rt, "", "", DefaultEpoch); err != nil {
		t.Fatal(err)
	}
	if script := got.Config.Cmd[6]; !strings.Contains(script, "collectstatic --noinput && python manage.py compress --force && exec") {
		t.Errorf("compress: %q", got.Config.Cmd)
	}
}

func TestEpochFromEnv(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  time.Time
		err   bool
	}{
		{"", DefaultEpoch, false},
		{"1700000000", time.Unix(1700000000, 0).UTC(), false},
		{" 0 ", time.Unix(0, 0).UTC(), false},
		{"1.5", time.Time{}, true},
		{"-1", time.Time{}, true},
		{"soon", time.Time{}, true},
	} {
		got, err := EpochFromEnv(func(k string) string {
			if k == "SOURCE_DATE_EPOCH" {
				return tc.value
			}
			return ""
		})
		if (err != nil) != tc.err || !got.Equal(tc.want) {
			t.Errorf("SOURCE_DATE_EPOCH=%q: %v, %v", tc.value, got, err)
		}
	}
}

func TestWebURL(t *testing.T) {
	for in, want := range map[string]string{
		"git@github.com:example/library.git":            "https://github.com/example/library",
		"github.com:example/library":                    "https://github.com/example/library",
		"ssh://git@gitlab.com:2222/group/sub/proj.git":  "https://gitlab.com/group/sub/proj",
		"https://user:token@github.com/example/lib.git": "https://github.com/example/lib",
		"http://git.local:8080/lib":                     "http://git.local:8080/lib",
		"/srv/git/lib.git":                              "",
		"file:///srv/git/lib.git":                       "",
	} {
		if got := webURL(in); got != want {
			t.Errorf("webURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGitInfo(t *testing.T) {
	const commit = "89abcdef0123456789abcdef0123456789abcdef"
	write := func(dir string, files map[string]string) {
		for p, data := range files {
			writeFile(t, filepath.Join(dir, p), data)
		}
	}
	config := "[remote \"origin\"]\n\turl = https://github.com/example/lib.git\n"

	packed := t.TempDir()
	write(packed, map[string]string{".git/HEAD": "ref: refs/heads/main\n", ".git/config": config,
		".git/packed-refs": "# pack-refs with: peeled fully-peeled sorted\n" + commit + " refs/heads/main\n"})
	sub := filepath.Join(packed, "app", "src")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if s, r := gitInfo(sub); s != "https://github.com/example/lib" || r != commit {
		t.Errorf("packed ref from a subfolder: %q %q", s, r)
	}

	detached := t.TempDir()
	write(detached, map[string]string{".git/HEAD": commit + "\n"})
	if s, r := gitInfo(detached); s != "" || r != commit {
		t.Errorf("detached: %q %q", s, r)
	}

	unborn := t.TempDir()
	write(unborn, map[string]string{".git/HEAD": "ref: refs/heads/main\n"})
	if _, r := gitInfo(unborn); r != "" {
		t.Errorf("unborn branch: %q", r)
	}

	// A worktree: .git is a file; HEAD is in the worktree's git dir, the branch and config in the main one.
	main := t.TempDir()
	write(main, map[string]string{".git/config": config, ".git/refs/heads/feature": commit + "\n",
		".git/worktrees/wt/HEAD": "ref: refs/heads/feature\n", ".git/worktrees/wt/commondir": "../..\n"})
	wt := t.TempDir()
	write(wt, map[string]string{".git": "gitdir: " + filepath.Join(main, ".git/worktrees/wt") + "\n"})
	if s, r := gitInfo(wt); s != "https://github.com/example/lib" || r != commit {
		t.Errorf("worktree: %q %q", s, r)
	}
}

func TestDepsKey(t *testing.T) {
	v := venv{Prefix: VenvPrefix, Interpreter: "/usr/local/bin/python3.12", Version: "3.12.7", Minor: "3.12", Lib64: true}
	target := (&base.Base{Python: "3.12.7", Arch: "x86_64", Libc: "glibc", LibcVersion: "2.36"}).Target()
	a := lockset.Pin{Name: "Django", Version: "5.1", Hashes: []string{"sha256:" + strings.Repeat("a", 64), "SHA256=" + strings.Repeat("B", 64)}}
	b := lockset.Pin{Name: "six", Version: "1.16.0", Hashes: []string{strings.Repeat("c", 64)}}
	key := func(reqs ...lockset.Pin) string {
		k, err := newDepsKey(v, target, reqs, DefaultEpoch, nil)
		if err != nil {
			t.Fatal(err)
		}
		return k.hash()
	}
	a2 := a
	a2.Hashes = []string{"sha256:" + strings.Repeat("b", 64), "sha256:" + strings.Repeat("a", 64)}
	a2.Name = "django"
	if key(a, b) != key(b, a2) {
		t.Errorf("order or spelling of pins and hashes changed the key")
	}
	a3 := a
	a3.Version = "5.1.1"
	newer := target
	newer.LibcVersion = "2.39"
	k4, _ := newDepsKey(v, newer, []lockset.Pin{a, b}, DefaultEpoch, nil)
	k5, _ := newDepsKey(v, target, []lockset.Pin{a, b}, DefaultEpoch.Add(time.Second), nil)
	for name, other := range map[string]string{"version": key(a3, b), "target": k4.hash(), "epoch": k5.hash(), "pins": key(a)} {
		if other == key(a, b) {
			t.Errorf("changing the %s kept the key", name)
		}
	}
	if _, err := newDepsKey(v, target, []lockset.Pin{{Name: "x", Hashes: []string{"md5:abc"}}}, DefaultEpoch, nil); err == nil {
		t.Errorf("md5 accepted")
	}
}

// TestBuildRefusesNodeAssets: the Dockerfile's Node stage cannot run here; an image without
// the project's built assets would serve pages whose scripts are missing.
func TestBuildRefusesNodeAssets(t *testing.T) {
	pl := &plan.Plan{Image: plan.Image{Assets: &plan.Assets{Source: "assets/package.json:7", Build: "npm run build"}}}
	_, err := Build(t.Context(), Options{Plan: pl, Requirements: Pinned()})
	if err == nil || !strings.Contains(err.Error(), "assets/package.json:7: the project's static assets are built with npm run build") {
		t.Errorf("err = %v", err)
	}
}
