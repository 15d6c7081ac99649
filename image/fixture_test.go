package image

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/image/internal/testkit"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/pypi"
)

// fixture is a Django project, a registry holding its base image and an index holding its wheels, all local.
type fixture struct {
	reg     *testkit.Registry
	index   *testkit.Index
	baseRef string
	root    string
	project *detect.Project
	cfg     config.Config
	reqs    []lockset.Pin
	wheels  map[string][]byte // file name → bytes
}

// projectFiles is the project on disk; .dockerignore and the always-excluded files are exercised too.
var projectFiles = map[string]string{
	"manage.py":               "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
	"requirements.txt":        "django==5.1.2\ngunicorn==23.0.0\nfastext==1.0\n",
	"mysite/__init__.py":      "",
	"mysite/settings.py":      "SECRET_KEY = 'x'\nSTATIC_ROOT = 'staticfiles'\n",
	"mysite/wsgi.py":          "application = None\n",
	"books/views.py":          "def index(request):\n    return None\n",
	"books/__pycache__/x.pyc": "junk",
	"debug.log":               "noise",
	"secret/key.pem":          "private",
	"secret/keep.txt":         "kept",
	".env":                    "SECRET_KEY=real\n",
	".env.production":         "SECRET_KEY=real\n",
	".env.example":            "SECRET_KEY=\n",
	".dockerignore":           "**/__pycache__\n*.log\nsecret\n!secret/keep.txt\n",
	".venv/pyvenv.cfg":        "home = /usr/bin\n",
	".venv/lib/site.py":       "",
	"env2/pyvenv.cfg":         "home = /usr/bin\n", // a virtualenv detect did not list
	".git/HEAD":               "ref: refs/heads/main\n",
	".git/refs/heads/main":    "0123456789abcdef0123456789abcdef01234567\n",
	".git/config":             "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:example/library.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
}

const revision = "0123456789abcdef0123456789abcdef01234567"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{reg: testkit.NewRegistry(), index: testkit.NewIndex(), root: t.TempDir(), wheels: map[string][]byte{}}
	t.Cleanup(f.reg.Close)
	t.Cleanup(f.index.Close)
	for p, data := range projectFiles {
		writeFile(t, filepath.Join(f.root, p), data)
	}
	if err := os.WriteFile(filepath.Join(f.root, "run.sh"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Windows lets only privileged users make symlinks; the layer test then leaves it out.
	if err := os.Symlink("mysite/settings.py", filepath.Join(f.root, "settings_link.py")); err != nil && runtime.GOOS != "windows" {
		t.Fatal(err)
	}

	f.baseRef = f.reg.Host + "/python:3.12-slim"
	pushIndex(t, f.baseRef, testkit.BaseSpec{Arch: "amd64"}, testkit.BaseSpec{Arch: "arm64", Variant: "v8"})

	f.addWheel(t, "Django", "5.1.2", testkit.WheelSpec{Name: "Django", Version: "5.1.2",
		Files:   map[string]string{"django/__init__.py": "VERSION = (5, 1, 2)\n", "django/core/management/__init__.py": "def execute_from_command_line(): pass\n"},
		Scripts: map[string]string{"django-admin": "django.core.management:execute_from_command_line"}})
	f.addWheel(t, "gunicorn", "23.0.0", testkit.WheelSpec{Name: "gunicorn", Version: "23.0.0",
		Files:   map[string]string{"gunicorn/__init__.py": "", "gunicorn/app/wsgiapp.py": "def run(): pass\n"},
		Scripts: map[string]string{"gunicorn": "gunicorn.app.wsgiapp:run"}})
	// fastext has compiled wheels: one too new for the base's glibc 2.36, one that fits, one for arm64 and
	// one for musl; the lock lists all their hashes, as Pipfile.lock does.
	for _, tag := range []string{
		"cp312-cp312-manylinux_2_39_x86_64",
		"cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
		"cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64",
		"cp312-cp312-musllinux_1_2_x86_64",
	} {
		f.addWheel(t, "fastext", "1.0", testkit.WheelSpec{Name: "fastext", Version: "1.0", Tag: tag,
			Files: map[string]string{"fastext/__init__.py": "", "fastext/_speed.so": "built for " + tag}})
	}
	f.index.Add("fastext", "fastext-1.0.tar.gz", []byte("sdist"))

	wsgi := "mysite.wsgi.application"
	f.project = &detect.Project{
		Root: f.root, Name: "Library", AppRoot: ".", DependencyDir: ".", PackageManager: "pip",
		DependencyFiles: []string{"requirements.txt"}, RequirementsFile: "requirements.txt",
		Dependencies: []detect.Dependency{{Name: "django"}, {Name: "gunicorn"}, {Name: "fastext"}},
		Virtualenvs:  []string{".venv"},
		Django: &django.Info{ManagePy: "manage.py", SettingsModule: "mysite.settings", SettingsFiles: []string{"mysite/settings.py"},
			WSGIApplication: &wsgi, StaticRoot: true, Whitenoise: true, Database: "sqlite"},
	}
	f.cfg = config.Config{Name: "app", Python: "3.12", Port: 8000, Server: config.ServerGunicorn}
	return f
}

// addWheel serves a wheel and locks it: the requirement for name gains the wheel's hash.
func (f *fixture) addWheel(t *testing.T, project, version string, spec testkit.WheelSpec) {
	t.Helper()
	file, data := testkit.Wheel(spec)
	f.index.Add(project, file, data)
	f.wheels[file] = data
	for i := range f.reqs {
		if f.reqs[i].Name == project {
			f.reqs[i].Hashes = append(f.reqs[i].Hashes, "sha256:"+testkit.SHA256(data))
			return
		}
	}
	f.reqs = append(f.reqs, lockset.Pin{Name: project, Version: version, Hashes: []string{"sha256:" + testkit.SHA256(data)}, Requested: true})
}

func writeFile(t testing.TB, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pushIndex pushes stand-in bases, one per spec, as an index to ref.
func pushIndex(t *testing.T, ref string, specs ...testkit.BaseSpec) {
	t.Helper()
	idx := v1.ImageIndex(empty.Index)
	for _, spec := range specs {
		img, err := testkit.Base(spec)
		if err != nil {
			t.Fatal(err)
		}
		if spec.Arch == "" {
			spec.Arch = "amd64"
		}
		p := v1.Platform{OS: "linux", Architecture: spec.Arch, Variant: spec.Variant}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	if err := remote.WriteIndex(mustRef(t, ref), idx); err != nil {
		t.Fatal(err)
	}
}

// plan is the fixture project's plan.
func (f *fixture) plan(t *testing.T) *plan.Plan {
	t.Helper()
	pl, err := plan.Make(f.project, f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// options builds amd64 from the fixture with caches under cache.
func (f *fixture) options(t *testing.T, cache string) Options {
	return Options{
		Plan: f.plan(t), Root: f.root, Requirements: Pinned(f.reqs...),
		Index: pypi.Options{IndexURL: f.index.URL(), Retries: -1}, Base: f.baseRef, Platforms: []v1.Platform{{OS: "linux", Architecture: "amd64"}},
		CacheDir: cache,
	}
}

func (f *fixture) build(t *testing.T, o Options) *Result {
	t.Helper()
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// tarFile is one entry of an image's flattened filesystem.
type tarFile struct {
	hdr  *tar.Header
	data string
}

// files flattens img the way a container runtime would and returns its entries by path (no leading /).
func files(t *testing.T, img v1.Image) map[string]tarFile {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	out := map[string]tarFile{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		out[strings.TrimSuffix(strings.TrimPrefix(h.Name, "/"), "/")] = tarFile{h, string(data)}
	}
}

var testEpoch = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func mustRef(t testing.TB, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
