package safewrite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// put writes a fixture file under root, creating parents.
func put(t *testing.T, root, rel, data string, mode fs.FileMode) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil { // WriteFile's mode is filtered by the umask
		t.Fatal(err)
	}
}

func get(t *testing.T, root, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exists(t *testing.T, root, rel string) bool {
	t.Helper()
	_, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return err == nil
}

// snapshot describes every entry under root (type, mode, content, symlink target), so a test
// can assert that a failed Apply left the tree exactly as it was.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		desc := info.Mode().String()
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			desc += " -> " + target
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += " " + string(b)
		}
		m[filepath.ToSlash(rel)] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func assertSameTree(t *testing.T, want, got map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: was %q, now %q", k, v, got[k])
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: left behind (%q)", k, v)
		}
	}
}

// confirmer answers from a map and records what it was asked.
type confirmer struct {
	answers map[string]bool
	err     error
	asked   []string
	diffs   []string
}

func (c *confirmer) ConfirmOverwrite(path, diff string) (bool, error) {
	c.asked = append(c.asked, path)
	c.diffs = append(c.diffs, diff)
	return c.answers[path], c.err
}

func mustPlan(t *testing.T, root string, files ...File) []Change {
	t.Helper()
	changes, err := Plan(root, files)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return changes
}

func actions(changes []Change) []Action {
	var a []Action
	for _, c := range changes {
		a = append(a, c.Action)
	}
	return a
}

func TestCreateThenSecondRunChangesNothing(t *testing.T) {
	root := t.TempDir()
	files := []File{
		{Path: "Dockerfile", Data: []byte("FROM python:3.12-slim\nUSER app\n")},
		{Path: "docker/entrypoint.sh", Data: []byte("#!/bin/sh\nexec \"$@\"\n"), Mode: 0o755},
		{Path: "empty.txt", Data: nil},
	}
	changes := mustPlan(t, root, files...)
	if got, want := actions(changes), []Action{Create, Create, Create}; !slices.Equal(got, want) {
		t.Fatalf("actions = %v, want %v", got, want)
	}
	wantDiff := "--- /dev/null\n+++ b/Dockerfile\n@@ -0,0 +1,2 @@\n+FROM python:3.12-slim\n+USER app\n"
	if changes[0].Diff != wantDiff {
		t.Errorf("create diff:\n%s\nwant:\n%s", changes[0].Diff, wantDiff)
	}
	if want := "--- /dev/null\n+++ b/empty.txt\n"; changes[2].Diff != want {
		t.Errorf("empty file diff = %q, want %q", changes[2].Diff, want)
	}

	res, err := Apply(root, changes, Options{})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if want := []string{"Dockerfile", "docker/entrypoint.sh", "empty.txt"}; !slices.Equal(res.Created, want) {
		t.Errorf("Created = %q, want %q", res.Created, want)
	}
	for _, f := range files {
		if got := get(t, root, f.Path); got != string(f.Data) {
			t.Errorf("%s = %q, want %q", f.Path, got, f.Data)
		}
	}
	fi, err := os.Stat(filepath.Join(root, "docker", "entrypoint.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("entrypoint.sh mode %v, want executable (0755 less umask)", fi.Mode())
	}
	fi, err = os.Stat(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if p := fi.Mode().Perm(); p&0o111 != 0 || p&0o600 != 0o600 {
		t.Errorf("Dockerfile mode %v, want 0644 less umask", p)
	}

	// Backdate the files so a rewrite would show in the mtime.
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, f := range files {
		if err := os.Chtimes(filepath.Join(root, f.Path), old, old); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, root)
	changes = mustPlan(t, root, files...)
	if got, want := actions(changes), []Action{Unchanged, Unchanged, Unchanged}; !slices.Equal(got, want) {
		t.Fatalf("second plan actions = %v, want %v", got, want)
	}
	for _, c := range changes {
		if c.Diff != "" {
			t.Errorf("%s: unchanged file has diff %q", c.File.Path, c.Diff)
		}
	}
	c := &confirmer{}
	res, err = Apply(root, changes, Options{Confirm: c})
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	if len(res.Unchanged) != 3 || len(res.Created)+len(res.Updated)+len(res.Skipped)+len(res.Backups) != 0 {
		t.Errorf("second Apply result = %+v, want all unchanged", res)
	}
	if len(c.asked) != 0 {
		t.Errorf("asked about %q, want no questions", c.asked)
	}
	for _, f := range files {
		fi, err := os.Stat(filepath.Join(root, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if !fi.ModTime().Equal(old) {
			t.Errorf("%s rewritten: mtime %v, want %v", f.Path, fi.ModTime(), old)
		}
	}
	assertSameTree(t, before, snapshot(t, root))
}

// One backup per file: each overwrite's old content replaces the previous backup, so
// repeated runs never pile up Dockerfile.bak.2 … .bak.43.
func TestForceKeepsOneBackup(t *testing.T) {
	root := t.TempDir()
	put(t, root, "Dockerfile", "FROM python:3.9\n", 0o644)
	put(t, root, "Dockerfile.bak", "an older backup\n", 0o644)

	for _, data := range []string{"FROM python:3.11\n", "FROM python:3.12\n"} {
		prev := get(t, root, "Dockerfile")
		changes := mustPlan(t, root, File{Path: "Dockerfile", Data: []byte(data)})
		if changes[0].Action != Update {
			t.Fatalf("action = %v, want update", changes[0].Action)
		}
		c := &confirmer{}
		res, err := Apply(root, changes, Options{Force: true, Confirm: c})
		if err != nil {
			t.Fatalf("Apply: %v", err)
		}
		if len(c.asked) != 0 {
			t.Errorf("Force asked %q", c.asked)
		}
		const wantBak = "Dockerfile.bak"
		if !slices.Equal(res.Updated, []string{"Dockerfile"}) || !slices.Equal(res.Backups, []string{wantBak}) {
			t.Errorf("result = %+v, want Dockerfile updated with backup %s", res, wantBak)
		}
		if got := get(t, root, wantBak); got != prev {
			t.Errorf("%s = %q, want the old content %q", wantBak, got, prev)
		}
		if got := get(t, root, "Dockerfile"); got != data {
			t.Errorf("Dockerfile = %q, want %q", got, data)
		}
	}
	for name := range snapshot(t, root) {
		if name != "." && name != "Dockerfile" && name != "Dockerfile.bak" {
			t.Errorf("%s left behind", name)
		}
	}
}

func TestConfirm(t *testing.T) {
	tests := []struct {
		name        string
		confirm     *confirmer
		wantAsked   bool
		wantWritten bool
		wantErr     string
	}{
		{"yes", &confirmer{answers: map[string]bool{"settings.py": true}}, true, true, ""},
		{"no", &confirmer{answers: map[string]bool{}}, true, false, ""},
		{"nil confirmer never overwrites", nil, false, false, ""},
		{"error aborts everything", &confirmer{err: errors.New("interrupted")}, true, false, "interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			put(t, root, "settings.py", "DEBUG = True\nX = 1\n", 0o644)
			before := snapshot(t, root)
			changes := mustPlan(t, root,
				File{Path: "settings.py", Data: []byte("DEBUG = False\nX = 1\n")},
				File{Path: "Dockerfile", Data: []byte("FROM scratch\n")})
			opts := Options{}
			if tt.confirm != nil {
				opts.Confirm = tt.confirm
			}
			res, err := Apply(root, changes, opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Apply error = %v, want one containing %q", err, tt.wantErr)
				}
				// A failed confirmation writes nothing at all, not even the new Dockerfile.
				assertSameTree(t, before, snapshot(t, root))
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if tt.confirm != nil {
				asked := slices.Equal(tt.confirm.asked, []string{"settings.py"})
				if asked != tt.wantAsked {
					t.Errorf("asked %q, want asked=%v", tt.confirm.asked, tt.wantAsked)
				}
				if asked {
					want := "--- a/settings.py\n+++ b/settings.py\n@@ -1,2 +1,2 @@\n-DEBUG = True\n+DEBUG = False\n X = 1\n"
					if tt.confirm.diffs[0] != want {
						t.Errorf("diff shown:\n%s\nwant:\n%s", tt.confirm.diffs[0], want)
					}
				}
			}
			if got := get(t, root, "Dockerfile"); got != "FROM scratch\n" {
				t.Errorf("Dockerfile = %q, want it created regardless", got)
			}
			got := get(t, root, "settings.py")
			if tt.wantWritten {
				if got != "DEBUG = False\nX = 1\n" || !slices.Equal(res.Updated, []string{"settings.py"}) {
					t.Errorf("settings.py = %q, result %+v; want it updated", got, res)
				}
				if b := get(t, root, "settings.py.bak"); b != "DEBUG = True\nX = 1\n" {
					t.Errorf("backup = %q, want the old content", b)
				}
				return
			}
			if got != "DEBUG = True\nX = 1\n" || !slices.Equal(res.Skipped, []string{"settings.py"}) {
				t.Errorf("settings.py = %q, result %+v; want it skipped and untouched", got, res)
			}
			if exists(t, root, "settings.py.bak") {
				t.Error("backup made for a skipped file")
			}
		})
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	root := t.TempDir()
	put(t, root, "Dockerfile", "old\n", 0o644)
	put(t, root, "Dockerfile.bak", "older\n", 0o644)
	before := snapshot(t, root)
	changes := mustPlan(t, root,
		File{Path: "Dockerfile", Data: []byte("new\n")},
		File{Path: "deploy/compose.yml", Data: []byte("services: {}\n")})
	for _, opts := range []Options{{DryRun: true}, {DryRun: true, Force: true}} {
		c := &confirmer{}
		opts.Confirm = c
		res, err := Apply(root, changes, opts)
		if err != nil {
			t.Fatalf("Apply(%+v): %v", opts, err)
		}
		if len(c.asked) != 0 {
			t.Errorf("dry run asked %q", c.asked)
		}
		if !slices.Equal(res.Created, []string{"deploy/compose.yml"}) || !slices.Equal(res.Updated, []string{"Dockerfile"}) ||
			!slices.Equal(res.Backups, []string{"Dockerfile.bak"}) {
			t.Errorf("dry run result = %+v", res)
		}
		assertSameTree(t, before, snapshot(t, root))
	}
}

func TestUpdateKeepsPermissions(t *testing.T) {
	root := t.TempDir()
	put(t, root, "bin/start.sh", "#!/bin/sh\necho old\n", 0o750)
	put(t, root, ".env", "SECRET_KEY=abc\n", 0o600)
	changes := mustPlan(t, root,
		File{Path: "bin/start.sh", Data: []byte("#!/bin/sh\necho new\n"), Mode: 0o644},
		File{Path: ".env", Data: []byte("SECRET_KEY=def\n")})
	if _, err := Apply(root, changes, Options{Force: true}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for p, want := range map[string]fs.FileMode{
		"bin/start.sh": 0o750, "bin/start.sh.bak": 0o750, ".env": 0o600, ".env.bak": 0o600,
	} {
		fi, err := os.Stat(filepath.Join(root, p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s mode = %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
}

func TestPlanRejectsBadPaths(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	put(t, outside, "secret", "x", 0o644)
	put(t, root, "real/settings.py", "X = 1\n", 0o644)
	put(t, root, "afile", "x", 0o644)
	if err := os.MkdirAll(filepath.Join(root, "Dockerfile"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"out":     outside,                        // absolute, outside
		"rel-out": "../" + filepath.Base(outside), // relative, outside (both are in the same temp parent)
		"deep":    "real/../../x",
		"loop1":   "loop2",
		"loop2":   "loop1",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ path, want string }{
		{"", "empty file path"},
		{"/etc/passwd", "is absolute"},
		{"../x", "escapes the project root"},
		{"a/../../x", "escapes the project root"},
		{".", "project root itself"},
		{"a/..", "project root itself"},
		{"out/secret", "symlink out, which points outside the project root"},
		{"out/new/file", "symlink out, which points outside the project root"},
		{"rel-out/secret", "symlink rel-out, which points outside the project root"},
		{"deep", "symlink deep, which points outside the project root"},
		{"loop1/x", "too many levels of symlinks"},
		{"Dockerfile", "Dockerfile is a directory"},
		{"afile/x", "afile is a file, not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := Plan(root, []File{{Path: tt.path, Data: []byte("x")}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Plan(%q) error = %v, want one containing %q", tt.path, err, tt.want)
			}
			// Apply checks again: a hand-made Change is no way around the rules.
			_, err = Apply(root, []Change{{File: File{Path: tt.path, Data: []byte("x")}, Action: Create}}, Options{Force: true})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Apply(%q) error = %v, want one containing %q", tt.path, err, tt.want)
			}
		})
	}
	if got := get(t, outside, "secret"); got != "x" {
		t.Errorf("file outside the root changed: %q", got)
	}
}

func TestPlanRejectsSameFileTwice(t *testing.T) {
	root := t.TempDir()
	put(t, root, "real/a", "x", 0o644)
	if err := os.Symlink("real", filepath.Join(root, "alias")); err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]string{{"a", "./a"}, {"real/a", "alias/a"}} {
		_, err := Plan(root, []File{{Path: pair[0]}, {Path: pair[1]}})
		if err == nil || !strings.Contains(err.Error(), "are the same file") {
			t.Errorf("Plan(%q) error = %v, want \"are the same file\"", pair, err)
		}
	}
}

// Symlinks that stay inside the root are followed: the link's target is written and the
// link itself is kept, as an editor would.
func TestSymlinksInsideRootAreFollowed(t *testing.T) {
	root := t.TempDir()
	put(t, root, "src/config/settings.py", "X = 1\n", 0o644)
	if err := os.Symlink("src/config", filepath.Join(root, "config")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "src", "config", "settings.py"), filepath.Join(root, "settings-abs.py")); err != nil {
		t.Fatal(err)
	}
	changes := mustPlan(t, root,
		File{Path: "config/settings.py", Data: []byte("X = 2\n")},
		File{Path: "config/new/urls.py", Data: []byte("urlpatterns = []\n")})
	if got, want := actions(changes), []Action{Update, Create}; !slices.Equal(got, want) {
		t.Fatalf("actions = %v, want %v", got, want)
	}
	res, err := Apply(root, changes, Options{Force: true})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got := get(t, root, "src/config/settings.py"); got != "X = 2\n" {
		t.Errorf("link target = %q", got)
	}
	if got := get(t, root, "src/config/new/urls.py"); got != "urlpatterns = []\n" {
		t.Errorf("created through link = %q", got)
	}
	if !slices.Equal(res.Backups, []string{"src/config/settings.py.bak"}) {
		t.Errorf("Backups = %q", res.Backups)
	}

	// An absolute link to a file inside the root: the target changes, the link stays.
	changes = mustPlan(t, root, File{Path: "settings-abs.py", Data: []byte("X = 3\n")})
	if _, err := Apply(root, changes, Options{Force: true}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	fi, err := os.Lstat(filepath.Join(root, "settings-abs.py"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		t.Error("settings-abs.py was replaced by a regular file; want the symlink kept")
	}
	if got := get(t, root, "src/config/settings.py"); got != "X = 3\n" {
		t.Errorf("absolute link target = %q", got)
	}
}

func TestApplyRefusesFilesChangedSincePlan(t *testing.T) {
	root := t.TempDir()
	put(t, root, "settings.py", "X = 1\n", 0o644)
	changes := mustPlan(t, root,
		File{Path: "settings.py", Data: []byte("X = 2\n")},
		File{Path: "Dockerfile", Data: []byte("FROM scratch\n")})
	put(t, root, "settings.py", "X = 1\nMY_EDIT = True\n", 0o644)
	before := snapshot(t, root)
	_, err := Apply(root, changes, Options{Force: true})
	if err == nil || !strings.Contains(err.Error(), "settings.py changed on disk after the plan was made") {
		t.Fatalf("Apply error = %v, want settings.py changed on disk", err)
	}
	assertSameTree(t, before, snapshot(t, root))

	changes = mustPlan(t, root, File{Path: "Dockerfile", Data: []byte("FROM scratch\n")})
	put(t, root, "Dockerfile", "FROM mine\n", 0o644)
	if _, err := Apply(root, changes, Options{Force: true}); err == nil || !strings.Contains(err.Error(), "Dockerfile was created after the plan") {
		t.Fatalf("Apply error = %v, want Dockerfile created after the plan", err)
	}
	if got := get(t, root, "Dockerfile"); got != "FROM mine\n" {
		t.Errorf("Dockerfile = %q, want the user's file kept", got)
	}
}

// A directory turned into a file between Plan and Apply: the failure comes while staging the
// second file, after the first file's backup and temp file were written. Nothing may remain.
func TestApplyIsAllOrNothingWhenStagingFails(t *testing.T) {
	root := t.TempDir()
	put(t, root, "Dockerfile", "old\n", 0o644)
	changes := mustPlan(t, root,
		File{Path: "Dockerfile", Data: []byte("new\n")},
		File{Path: "deploy/k8s/app.yml", Data: []byte("kind: Pod\n")})
	before := snapshot(t, root)
	// The confirmer runs after every check and before anything is written: the moment to
	// pull the rug.
	sabotage := confirmFunc(func(string, string) (bool, error) {
		put(t, root, "deploy", "I am a file now\n", 0o644)
		return true, nil
	})
	_, err := Apply(root, changes, Options{Confirm: sabotage})
	if err == nil || !strings.Contains(err.Error(), "deploy/k8s/app.yml") {
		t.Fatalf("Apply error = %v, want one naming deploy/k8s/app.yml", err)
	}
	before["deploy"] = snapshot(t, root)["deploy"]
	assertSameTree(t, before, snapshot(t, root))

	// Plan itself refuses a target whose parent is a file, before anything is written.
	if _, err := Plan(root, []File{{Path: "Dockerfile", Data: []byte("new\n")}, {Path: "deploy/app.yml"}}); err == nil ||
		!strings.Contains(err.Error(), "deploy is a file, not a directory") {
		t.Fatalf("Plan error = %v, want deploy is a file", err)
	}
}

type confirmFunc func(path, diff string) (bool, error)

func (f confirmFunc) ConfirmOverwrite(path, diff string) (bool, error) { return f(path, diff) }

// A rename failing midway: the files already in place are put back from their backups,
// created files and directories are removed, and no temp file or backup remains.
func TestApplyRollsBackWhenRenameFails(t *testing.T) {
	root := t.TempDir()
	put(t, root, "a.txt", "a old\n", 0o640)
	put(t, root, "c.txt", "c old\n", 0o644)
	put(t, root, "c.txt.bak", "c ancient\n", 0o644)
	changes := mustPlan(t, root,
		File{Path: "new.txt", Data: []byte("new\n")},
		File{Path: "a.txt", Data: []byte("a new\n")},
		File{Path: "d/e/b.txt", Data: []byte("b\n")},
		File{Path: "c.txt", Data: []byte("c new\n")})
	before := snapshot(t, root)

	tr, err := openTree(root)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	real := tr.rename
	calls := 0
	tr.rename = func(oldpath, newpath string) error {
		if newpath == JournalName {
			return real(oldpath, newpath)
		}
		if calls++; calls == 3 {
			return errors.New("disk on fire")
		}
		return real(oldpath, newpath)
	}
	_, err = tr.apply(changes, Options{Force: true})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), "d/e/b.txt") {
		t.Fatalf("apply error = %v, want the rename failure naming d/e/b.txt", err)
	}
	assertSameTree(t, before, snapshot(t, root))
}

// When even the restore fails, the error says where the old content is kept, and that
// backup is not removed.
func TestApplyReportsFailedRestore(t *testing.T) {
	root := t.TempDir()
	put(t, root, "a.txt", "a old\n", 0o644)
	changes := mustPlan(t, root,
		File{Path: "a.txt", Data: []byte("a new\n")},
		File{Path: "b.txt", Data: []byte("b\n")})
	tr, err := openTree(root)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	real := tr.rename
	calls := 0
	tr.rename = func(oldpath, newpath string) error {
		if newpath == JournalName {
			return real(oldpath, newpath)
		}
		if calls++; calls >= 2 { // b's rename and a's restore fail
			return errors.New("read-only file system")
		}
		return real(oldpath, newpath)
	}
	_, err = tr.apply(changes, Options{Force: true})
	kept := regexp.MustCompile(`restore a\.txt \(its old content is kept in (\.containerize-[0-9a-f]+\.tmp)\)`).FindStringSubmatch(fmt.Sprint(err))
	if kept == nil {
		t.Fatalf("apply error = %v, want it to name the copy of a.txt", err)
	}
	if got := get(t, root, kept[1]); got != "a old\n" {
		t.Errorf("%s = %q, want the old content", kept[1], got)
	}
	got := snapshot(t, root)
	for name := range got {
		if strings.HasPrefix(name, TempPrefix) && name != kept[1] && name != JournalName || name == "b.txt" {
			t.Errorf("%s left behind", name)
		}
	}
	// The journal stays, and the next run puts the old content back.
	var log strings.Builder
	if err := Recover(root, &log); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if got := get(t, root, "a.txt"); got != "a old\n" || exists(t, root, kept[1]) || exists(t, root, JournalName) {
		t.Errorf("after Recover: a.txt = %q, copy kept: %v, journal kept: %v", got, exists(t, root, kept[1]), exists(t, root, JournalName))
	}
	if !strings.Contains(log.String(), "rolled back") {
		t.Errorf("Recover said %q, want it to say it rolled back", log.String())
	}
}

func TestApplyActionsFromCaller(t *testing.T) {
	root := t.TempDir()
	res, err := Apply(root, []Change{
		{File: File{Path: "skipped.txt", Data: []byte("x")}, Action: Skip},
		{File: File{Path: "same.txt", Data: []byte("x")}, Action: Unchanged},
	}, Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Skipped, []string{"skipped.txt"}) || !slices.Equal(res.Unchanged, []string{"same.txt"}) {
		t.Errorf("result = %+v", res)
	}
	if exists(t, root, "skipped.txt") || exists(t, root, "same.txt") {
		t.Error("Skip or Unchanged wrote a file")
	}
	if _, err := Apply(root, []Change{{File: File{Path: "x"}, Action: Action(42)}}, Options{}); err == nil {
		t.Error("unknown action accepted")
	}
}

func TestRead(t *testing.T) {
	root := t.TempDir()
	put(t, root, ".gitignore", "node_modules/\n", 0o644)
	data, ok, err := Read(root, ".gitignore")
	if err != nil || !ok || string(data) != "node_modules/\n" {
		t.Errorf("Read(.gitignore) = %q, %v, %v", data, ok, err)
	}
	data, ok, err = Read(root, "missing/.gitignore")
	if err != nil || ok || data != nil {
		t.Errorf("Read(missing) = %q, %v, %v; want nil, false, nil", data, ok, err)
	}
	if _, _, err := Read(root, "../x"); err == nil {
		t.Error("Read(../x) succeeded")
	}
	if _, _, err := Read(filepath.Join(root, "nope"), "x"); err == nil || !strings.Contains(err.Error(), "project root") {
		t.Errorf("Read with missing root error = %v", err)
	}
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name     string
		old, new []byte
		want     string
	}{
		{"equal", []byte("a\n"), []byte("a\n"), ""},
		{"new file", nil, []byte("a\nb\n"), "--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"empty existing file", []byte{}, []byte("a\n"), "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n"},
		{"three lines of context", []byte("1\n2\n3\n4\n5\n6\n7\n8\n9\n"), []byte("1\n2\n3\n4\nfive\n6\n7\n8\n9\n"),
			"--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{"no final newline", []byte("a"), []byte("b"), "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UnifiedDiff("f", tt.old, tt.new); got != tt.want {
				t.Errorf("UnifiedDiff:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

func TestActionString(t *testing.T) {
	for a, want := range map[Action]string{Create: "create", Update: "update", Unchanged: "unchanged", Skip: "skip", 9: "Action(9)"} {
		if got := a.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(a), got, want)
		}
	}
}

func TestApplyAdditiveLeavesNoBackup(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, ".gitignore"), []byte("*.pyc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	changes, err := Plan(root, []File{{Path: ".gitignore", Data: []byte("*.pyc\n.env\n"), NoBackup: true}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(root, changes, Options{Confirm: confirmFunc(func(string, string) (bool, error) { return true, nil })})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Updated) != 1 || len(res.Backups) != 0 {
		t.Fatalf("result %+v: want one update and no backup", res)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Fatalf("files left in the root: %v", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(root, ".gitignore")); string(b) != "*.pyc\n.env\n" {
		t.Fatalf(".gitignore = %q", b)
	}
}
