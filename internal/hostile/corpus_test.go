package hostile

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/rsstest"
	"github.com/containerize/containerize/manifest"
)

// maxRSS bounds every case's peak resident memory: generous for a Go process that reads a 64 MiB index
// page, far below what the unbounded readers took (gigabytes).
const maxRSS = 512 << 20

// corpusDir holds the committed cases, one folder each (testdata/hostile/generate.py writes them).
const corpusDir = "../../testdata/hostile/files"

type hostileCase struct {
	name string
	run  func(t *testing.T)
}

func TestHostileCorpus(t *testing.T) {
	cases := append(fileCases(t), generatedCases()...)
	cases = append(cases, wheelCases()...)
	cases = append(cases, indexCases()...)
	if child := rsstest.Child(); child != "" {
		for _, c := range cases {
			if c.name == child {
				c.run(t)
				return
			}
		}
		t.Skipf("no case %q", child)
	}
	if len(cases) < 50 {
		t.Errorf("%d cases, want at least 50", len(cases))
	}
	var worst string
	var peak int64
	type rss struct {
		name string
		peak int64
	}
	var peaks []rss
	for _, c := range cases {
		start := time.Now()
		r := rsstest.Run(t, "TestHostileCorpus", c.name, time.Minute)
		if d := time.Since(start); d > time.Second {
			t.Logf("%s: %s, peak RSS %d MiB", c.name, d.Round(time.Millisecond), r.PeakRSS>>20)
		}
		if r.Err != nil {
			t.Errorf("%s: %v\n%s", c.name, r.Err, r.Output)
			continue
		}
		if r.PeakRSS > maxRSS {
			t.Errorf("%s: peak RSS %d MiB, want < %d MiB", c.name, r.PeakRSS>>20, maxRSS>>20)
		}
		peaks = append(peaks, rss{c.name, r.PeakRSS})
		if r.PeakRSS > peak {
			worst, peak = c.name, r.PeakRSS
		}
	}
	sort.Slice(peaks, func(i, j int) bool { return peaks[i].peak > peaks[j].peak })
	for _, p := range peaks[:min(5, len(peaks))] {
		t.Logf("peak RSS %3d MiB  %s", p.peak>>20, p.name)
	}
	t.Logf("%d hostile inputs; worst peak RSS %d MiB (%s)", len(cases), peak>>20, worst)
}

// fileCases are the committed folders: detect runs on each as a project, and the parser for each file it
// holds runs on that file.
func fileCases(t *testing.T) []hostileCase {
	dirs, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostileCase
	for _, d := range dirs {
		dir := filepath.Join(corpusDir, d.Name())
		cases = append(cases, hostileCase{"files/" + d.Name(), func(t *testing.T) { checkProject(t, dir) }})
	}
	return cases
}

// checkProject runs detect and every file's parser on dir, and checks that nothing in dir changed.
func checkProject(t *testing.T, dir string) {
	t.Helper()
	before := snapshot(t, dir)
	fsys := os.DirFS(dir)
	var names []string
	for n := range before {
		names = append(names, n)
	}
	sort.Strings(names)
	_, err := detect.Detect(fsys, ".")
	clearError(t, "detect", err, names...)
	for _, n := range names {
		if err := parseFile(fsys, n); err != nil {
			clearError(t, "parse "+n, err, names...) // an included file may be the one at fault
		}
	}
	if after := snapshot(t, dir); !equalSnapshots(before, after) {
		t.Errorf("%s changed: before %v, after %v", dir, before, after)
	}
}

// parseFile runs the manifest parser for name's kind; files no parser reads give nil.
func parseFile(fsys fs.FS, name string) error {
	base := filepath.Base(name)
	if strings.HasSuffix(base, ".txt") {
		_, err := manifest.ParseRequirementsFile(fsys, name)
		return err
	}
	data, err := manifest.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	switch {
	case base == "pyproject.toml":
		_, err = manifest.ParsePyproject(data, name)
	case base == "Pipfile":
		_, err = manifest.ParsePipfile(data, name)
	case base == "setup.py":
		_, err = manifest.ParseSetupPy(data, name)
	case base == "setup.cfg":
		_, err = manifest.ParseSetupCfg(data, name)
	case strings.HasSuffix(base, ".lock") || strings.HasPrefix(base, "pylock."):
		_, err = manifest.ParseLock(data, name)
	}
	return err
}

// clearError accepts no error, or an error that names one of files and is short enough to read.
func clearError(t *testing.T, what string, err error, files ...string) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if len(msg) > 2000 {
		t.Errorf("%s: a %d-byte error: %.200s…", what, len(msg), msg)
	}
	for _, f := range files {
		if strings.Contains(msg, f) || strings.Contains(msg, filepath.Base(f)) {
			return
		}
	}
	t.Errorf("%s: error names none of %v: %s", what, files, msg)
}

type fileState struct {
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

// snapshot lists dir's entries (without following links) with size, mode and modification time.
func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	m := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = fileState{info.Size(), info.Mode(), info.ModTime()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func equalSnapshots(a, b map[string]fileState) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !v.mtime.Equal(w.mtime) || v.size != w.size || v.mode != w.mode {
			return false
		}
	}
	return true
}

// writeFiles creates files (name → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sparse creates name under dir as a file of size bytes that takes no disk, with head at its start.
func sparse(t *testing.T, dir, name string, size int64, head string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(head); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

const (
	manageFile = "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"
	huge       = manifest.MaxFileSize + 1
)

// generatedCases are the huge inputs and links, made in the child's temporary directory.
func generatedCases() []hostileCase {
	project := func(name string, make func(t *testing.T, dir string)) hostileCase {
		return hostileCase{"generated/" + name, func(t *testing.T) {
			dir := t.TempDir()
			make(t, dir)
			checkProject(t, dir)
		}}
	}
	var cases []hostileCase
	for _, f := range []string{"requirements.txt", "pyproject.toml", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "setup.py", "setup.cfg"} {
		cases = append(cases, project("huge-"+f, func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string]string{"manage.py": manageFile})
			sparse(t, dir, f, huge, "")
		}))
	}
	cases = append(cases,
		project("huge-settings.py", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string]string{"manage.py": manageFile, "mysite/__init__.py": "", "requirements.txt": "django==4.2.7\n"})
			sparse(t, dir, "mysite/settings.py", huge, "SECRET_KEY = 'x'\n")
		}),
		project("huge-manage.py", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string]string{"requirements.txt": "django==4.2.7\n"})
			sparse(t, dir, "manage.py", huge, manageFile)
		}),
		project("long-line-requirements.txt", func(t *testing.T, dir string) {
			writeFiles(t, dir, map[string]string{"manage.py": manageFile, "requirements.txt": "django==4.2.7 " + strings.Repeat("\\\n", 1<<20) + strings.Repeat("x", 8<<20) + "\n"})
		}),
		project("many-files", func(t *testing.T, dir string) {
			files := map[string]string{"manage.py": manageFile, "requirements.txt": "django==4.2.7\n"}
			for i := range 3000 {
				files[fmt.Sprintf("pkg%d/requirements-%d.txt", i%30, i)] = "-r ../requirements.txt\n"
			}
			writeFiles(t, dir, files)
		}),
		project("deep-directories", func(t *testing.T, dir string) {
			p := strings.Repeat("d/", 200)
			writeFiles(t, dir, map[string]string{"manage.py": manageFile, p + "requirements.txt": "django\n", p + "settings.py": "X = 1\n"})
		}),
	)
	link := func(name string, files map[string]string, links map[string]string) hostileCase {
		return project(name, func(t *testing.T, dir string) {
			writeFiles(t, dir, files)
			for from, to := range links {
				to = strings.ReplaceAll(to, "$OUT", t.TempDir())
				if err := os.Symlink(to, filepath.Join(dir, from)); err != nil {
					t.Skipf("symlinks: %v", err)
				}
			}
		})
	}
	cases = append(cases,
		link("link-requirements-to-etc-passwd", map[string]string{"manage.py": manageFile}, map[string]string{"requirements.txt": "/etc/passwd"}),
		link("link-pyproject-out", map[string]string{"manage.py": manageFile}, map[string]string{"pyproject.toml": "../../../../../../../etc/hostname"}),
		link("link-dir-to-root", map[string]string{"manage.py": manageFile, "requirements.txt": "django\n"}, map[string]string{"sys": "/"}),
		link("link-loop", map[string]string{"manage.py": manageFile}, map[string]string{"a": "b", "b": "a", "requirements.txt": "a"}),
		link("link-dangling", map[string]string{"manage.py": manageFile}, map[string]string{"requirements.txt": "does-not-exist"}),
		link("link-dir-cycle", map[string]string{"manage.py": manageFile, "requirements.txt": "django\n"}, map[string]string{"loop": "."}),
		link("link-settings-out", map[string]string{"manage.py": manageFile, "mysite/__init__.py": "", "requirements.txt": "django\n"}, map[string]string{"mysite/settings.py": "$OUT"}),
		link("link-devnull-requirements", map[string]string{"manage.py": manageFile}, map[string]string{"requirements.txt": "/dev/zero"}),
	)
	return cases
}

// bytesContain reports whether b holds s; for messages built from raw bytes.
func bytesContain(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }
