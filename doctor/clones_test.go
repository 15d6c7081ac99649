package doctor

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestComposeProjectName(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		env     map[string]string
		want    string
		from    string
		invalid bool
	}{
		{"name:", map[string]string{"compose.yaml": "name: shop\nservices: {}\n"}, nil, "shop", "the name: of compose.yaml", false},
		{"the override's name: wins", map[string]string{"compose.yaml": "name: shop\nservices: {}\n", "compose.override.yaml": "name: shop-dev\n"}, nil, "shop-dev", "the name: of compose.override.yaml", false},
		{"name: interpolated and normalised", map[string]string{"compose.yaml": "name: ${TEAM:-Web}.Shop\nservices: {}\n", ".env": "TEAM=Core_\n"}, nil, "core_shop", "the name: of compose.yaml", false},
		{".env", map[string]string{"compose.yaml": "name: shop\n", ".env": "COMPOSE_PROJECT_NAME=shop-review\n"}, nil, "shop-review", "COMPOSE_PROJECT_NAME in .env", false},
		{"an empty .env value counts as unset", map[string]string{"compose.yaml": "name: shop\n", ".env": "COMPOSE_PROJECT_NAME=\n"}, nil, "shop", "the name: of compose.yaml", false},
		{"the environment wins", map[string]string{"compose.yaml": "name: shop\n", ".env": "COMPOSE_PROJECT_NAME=shop-review\n"}, map[string]string{"COMPOSE_PROJECT_NAME": "mine"}, "mine", "COMPOSE_PROJECT_NAME in your environment", false},
		{"an explicit name is not normalised", map[string]string{"compose.yaml": "name: shop\n", ".env": "COMPOSE_PROJECT_NAME=Shop.Review\n"}, nil, "Shop.Review", "COMPOSE_PROJECT_NAME in .env", true},
		{"the folder", map[string]string{"compose.yaml": "services: {}\n"}, nil, "", "the folder's name", false},
		{"COMPOSE_FILE's first file's folder", map[string]string{"deploy/Web App/compose.yaml": "services: {}\n"}, map[string]string{"COMPOSE_FILE": "deploy/Web App/compose.yaml"}, "webapp", "the folder's name", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tree(t, tc.files)
			p := readProject(dir, func(k string) string { return tc.env[k] })
			n := p.composeName()
			want := cmp.Or(tc.want, normalizeProjectName(filepath.Base(dir)))
			if n.name != want || n.from() != tc.from || n.invalid != tc.invalid {
				t.Errorf("%+v (from %s), want %s from %s, invalid %v", n, n.from(), want, tc.from, tc.invalid)
			}
		})
	}
	for in, want := range map[string]string{"My Shop": "myshop", "_-shop.v2": "shopv2", "Ünïcode": "ncode", "a_b-c": "a_b-c", "--": ""} {
		if got := normalizeProjectName(in); got != want {
			t.Errorf("normalizeProjectName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCloneName(t *testing.T) {
	for _, tc := range []struct{ name, dir, want string }{
		{"shop", "/home/me/review/shop", "shop-review"},
		{"library", "/home/mate/src/second-clone", "library-second-clone"},
		{"shop", "/home/me/shop-review", "shop-review"},
		{"shop", "/home/me/Shop 2", "shop-shop2"},
		{"shop", "/shop", "shop-2"},
	} {
		if got := cloneName(tc.name, tc.dir); got != tc.want {
			t.Errorf("cloneName(%s, %s) = %s, want %s", tc.name, tc.dir, got, tc.want)
		}
	}
}

// The recordings (testdata/docker/clones-*) are of the project doctorclones, brought up in
// /tmp/czclones.7vGB/work/shop and /tmp/czclones.7vGB/review/shop.
const (
	recordedWork   = "/tmp/czclones.7vGB/work/shop"
	recordedReview = "/tmp/czclones.7vGB/review/shop"
)

// clone is a folder …/review/doctorclones holding the recorded project's compose file.
func clone(t *testing.T, env string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "review", "doctorclones")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	compose := "name: doctorclones\nservices:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n    volumes:\n      - dbdata:/var/lib/postgresql/data\n  web:\n    image: web\n    volumes:\n      - .:/app\nvolumes:\n  dbdata:\n"
	for name, data := range map[string]string{"compose.yaml": compose, ".env": "POSTGRES_PASSWORD=second\n" + env} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// recordedIn is the recording name with the folder recorded as from replaced by to.
func recordedIn(t *testing.T, name, from, to string) *Result {
	r := rec(t, name)
	r.Stdout = []byte(strings.ReplaceAll(string(r.Stdout), from, to))
	return r
}

func TestComposeProject(t *testing.T) {
	for _, tc := range []struct {
		name         string
		ps, volumes  func(dir string) *Result
		env          string
		sev          Severity
		summary, fix string
		detail       []string
	}{
		{"running from another folder", func(string) *Result { return rec(t, "clones-ps-running") }, func(string) *Result { return rec(t, "clones-volumes") }, "",
			Blocking, "Compose project doctorclones is running from another folder, " + recordedWork + " (not found on this machine): `docker compose up` here would take over its containers",
			"add COMPOSE_PROJECT_NAME=doctorclones-review to .env", []string{"its containers: db (running), web (running)\n", "its volumes: doctorclones_dbdata\n", "(from the name: of compose.yaml)", "authentication error"}},
		{"running from another folder (CLI 28)", func(string) *Result { return rec(t, "clones-ps-running-cli28") }, func(string) *Result { return rec(t, "clones-volumes-cli28") }, "",
			Blocking, "is running from another folder, " + recordedWork, "or remove the other clone's stack: `docker compose -p doctorclones down -v` (-v deletes its volumes", nil},
		{"taken over by the other clone", func(string) *Result { return rec(t, "clones-ps-takeover") }, func(string) *Result { return rec(t, "clones-volumes") }, "",
			Blocking, "is running from another folder, " + recordedReview, "", nil},
		{"this folder's db, the other's web", func(dir string) *Result { return recordedIn(t, "clones-ps-mixed", recordedReview, dir) }, func(string) *Result { return rec(t, "clones-volumes") }, "",
			Blocking, "is running from another folder, " + recordedWork, "", []string{"its containers: web (running)\n"}},
		{"stopped in another folder", func(string) *Result { return rec(t, "clones-ps-stopped") }, func(string) *Result { return rec(t, "clones-volumes") }, "",
			Warning, "Compose project doctorclones has stopped containers from another folder, " + recordedWork, "COMPOSE_PROJECT_NAME=doctorclones-review", []string{"db (exited), web (exited)"}},
		{"volumes left by down", func(string) *Result { return rec(t, "clones-ps-down") }, func(string) *Result { return rec(t, "clones-volumes-down") }, "",
			OK, "Compose project doctorclones has volumes but no containers: doctorclones_dbdata", "if another clone made them, give this clone a project name of its own: add COMPOSE_PROJECT_NAME=doctorclones-review to .env", []string{"does not record which folder made a volume"}},
		{"this folder's containers", func(dir string) *Result { return recordedIn(t, "clones-ps-running", recordedWork, dir) }, func(string) *Result { return rec(t, "clones-volumes") }, "",
			OK, "Compose project doctorclones (from the name: of compose.yaml): its containers were started in this folder", "", nil},
		{"nothing yet", func(string) *Result { return rec(t, "clones-ps-none") }, func(string) *Result { return rec(t, "clones-volumes-none") }, "",
			OK, "Compose project doctorclones (from the name: of compose.yaml) has no containers or volumes yet", "", nil},
		{"COMPOSE_PROJECT_NAME in .env", func(string) *Result { return rec(t, "clones-ps-running") }, func(string) *Result { return rec(t, "clones-volumes") }, "COMPOSE_PROJECT_NAME=doctorclones\n",
			Blocking, "is running from another folder", "change COMPOSE_PROJECT_NAME in .env to doctorclones-review", []string{"(from COMPOSE_PROJECT_NAME in .env)"}},
		{"docker ps fails", func(string) *Result {
			return &Result{ExitCode: 1, Stderr: []byte("Error response from daemon: an error the engine gave\n")}
		}, func(string) *Result { return rec(t, "clones-volumes") }, "",
			Warning, "which folders the containers of Compose project doctorclones come from could not be told", "docker ps -a --filter label=com.docker.compose.project=doctorclones", []string{"an error the engine gave"}},
		{"volumes cannot be listed", func(string) *Result { return rec(t, "clones-ps-none") }, func(string) *Result {
			return &Result{ExitCode: 1, Stderr: []byte("Error response from daemon: an error the engine gave\n")}
		}, "",
			OK, "has no containers yet", "", []string{"its volumes could not be listed: docker volume ls: Error response from daemon: an error the engine gave"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := clone(t, tc.env)
			m := engineUp(t)
			m.projectPs, m.projectVolumes = tc.ps(dir), tc.volumes(dir)
			f := find(t, check(t, dir, m, ports{}, nil), "compose.project")
			expect(t, f, tc.sev, tc.summary, tc.fix)
			for _, d := range tc.detail {
				if !strings.Contains(f.Detail+"\n", d) {
					t.Errorf("detail %q lacks %q", f.Detail, d)
				}
			}
			if !slices.Contains(m.ran, "docker ps -a --filter label=com.docker.compose.project=doctorclones --format "+psFormat) ||
				!slices.Contains(m.ran, "docker volume ls --filter label=com.docker.compose.project=doctorclones --format {{.Name}}") {
				t.Errorf("ran %q", m.ran)
			}
		})
	}
}

func TestComposeProjectFolders(t *testing.T) {
	dir := clone(t, "")
	// The other clone's folder exists here: named as it is.
	other := t.TempDir()
	m := engineUp(t)
	m.projectPs, m.projectVolumes = recordedIn(t, "clones-ps-running", recordedWork, other), rec(t, "clones-volumes")
	f := find(t, check(t, dir, m, ports{}, nil), "compose.project")
	expect(t, f, Blocking, "is running from another folder, "+other+": `docker compose up`", "")

	// This folder through a symbolic link (Compose records the path it was given).
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	m = engineUp(t)
	m.projectPs, m.projectVolumes = recordedIn(t, "clones-ps-running", recordedWork, link), rec(t, "clones-volumes")
	expect(t, find(t, check(t, dir, m, ports{}, nil), "compose.project"), OK, "its containers were started in this folder", "")

	// Two other folders.
	m = engineUp(t)
	ps := rec(t, "clones-ps-running")
	ps.Stdout = []byte(strings.Replace(string(ps.Stdout), recordedWork, recordedReview, 1))
	m.projectPs, m.projectVolumes = ps, rec(t, "clones-volumes")
	expect(t, find(t, check(t, dir, m, ports{}, nil), "compose.project"), Blocking,
		"is running from other folders, "+recordedReview+" (not found on this machine) and "+recordedWork+" (not found on this machine)", "")
}

func TestComposeProjectNotAsked(t *testing.T) {
	asked := func(m *machine) bool {
		for _, c := range m.ran {
			if strings.Contains(c, "com.docker.compose.project=") {
				return true
			}
		}
		return false
	}
	// The engine does not answer: nothing asked, nothing said.
	down := &machine{version: rec(t, "cli20-version-down"), info: rec(t, "cli20-info-down"), compose: rec(t, "compose-version-plain")}
	r := check(t, clone(t, ""), down, ports{}, nil)
	if has(r, "compose.project") || asked(down) {
		t.Errorf("engine down: ran %q; %+v", down.ran, r.Findings)
	}
	// No compose file.
	m := engineUp(t)
	if r := check(t, t.TempDir(), m, ports{}, nil); has(r, "compose.project") || asked(m) {
		t.Errorf("no compose file: ran %q", m.ran)
	}
	// A COMPOSE_PROJECT_NAME Compose refuses blocks, engine or not, and is not asked about.
	for _, m := range []*machine{engineUp(t), down} {
		m.ran = nil
		r := check(t, clone(t, "COMPOSE_PROJECT_NAME=Doctor.Clones\n"), m, ports{}, nil)
		expect(t, find(t, r, "compose.project"), Blocking, "COMPOSE_PROJECT_NAME=Doctor.Clones (COMPOSE_PROJECT_NAME in .env) is not a project name Compose accepts", "set COMPOSE_PROJECT_NAME=doctorclones in .env")
		if asked(m) {
			t.Errorf("ran %q", m.ran)
		}
	}
	// The environment's name: the fix says where it is set.
	m = engineUp(t)
	m.projectPs, m.projectVolumes = rec(t, "clones-ps-running"), rec(t, "clones-volumes")
	r = check(t, clone(t, ""), m, ports{}, map[string]string{"COMPOSE_PROJECT_NAME": "doctorclones"})
	expect(t, find(t, r, "compose.project"), Blocking, "running from another folder", "your environment sets COMPOSE_PROJECT_NAME=doctorclones, which wins over .env: set COMPOSE_PROJECT_NAME=doctorclones-review in this clone's shell")
}
