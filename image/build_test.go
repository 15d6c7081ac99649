package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/containerize/containerize/image/internal/testkit"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/pypi"
	"github.com/containerize/containerize/wheel"
)

func TestBuildPushesARunnableImage(t *testing.T) {
	f := newFixture(t)
	o := f.options(t, t.TempDir())
	o.Epoch = testEpoch
	o.Output.Push = f.reg.Host + "/library:1"
	var log bytes.Buffer
	o.Progress = &log
	var uploaded, total int64
	o.OnUpload = func(c, t int64) { uploaded, total = c, t }
	res := f.build(t, o)

	if !strings.HasSuffix(res.Pushed, "/library@"+res.Digest.String()) {
		t.Errorf("pushed %q, digest %v", res.Pushed, res.Digest)
	}
	if uploaded == 0 || uploaded != total {
		t.Errorf("upload progress ended at %d of %d", uploaded, total)
	}
	for _, want := range []string{"base: " + f.baseRef + " linux/amd64", "python 3.12.7: /usr/local/bin/python3.12", "glibc 2.36", "dependencies: 3 packages installed", "pushed ", "warning: package index http://127.0.0.1:"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, log.String())
		}
	}

	ref, err := name.ParseReference(o.Output.Push)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d != res.Digest {
		t.Fatalf("pulled %v, built %v", d, res.Digest)
	}
	if err := validate.Image(img); err != nil {
		t.Fatal(err)
	}

	t.Run("config", func(t *testing.T) {
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		c := cf.Config
		wantEnv := []string{
			"PATH=/opt/venv/bin:/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
			"LANG=C.UTF-8", "PYTHON_VERSION=3.12.7", "VIRTUAL_ENV=/opt/venv", "PYTHONDONTWRITEBYTECODE=1",
			"PYTHONUNBUFFERED=1", "DJANGO_SETTINGS_MODULE=mysite.settings", "WEB_CONCURRENCY=2",
		}
		if !slices.Equal(c.Env, wantEnv) {
			t.Errorf("env %q\nwant %q", c.Env, wantEnv)
		}
		if c.User != "10001:10001" || c.WorkingDir != "/app" {
			t.Errorf("user %q, workdir %q", c.User, c.WorkingDir)
		}
		if _, ok := c.ExposedPorts["8000/tcp"]; !ok || len(c.ExposedPorts) != 1 {
			t.Errorf("exposed ports %v", c.ExposedPorts)
		}
		wantCmd := []string{"sh", "-c", `python manage.py collectstatic --noinput && exec "$0" "$@"`,
			"gunicorn", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "mysite.wsgi.application"}
		if !slices.Equal(c.Cmd, wantCmd) {
			t.Errorf("cmd %q\nwant %q", c.Cmd, wantCmd)
		}
		if hc := c.Healthcheck; hc == nil || hc.Test[0] != "CMD" || hc.Test[1] != "python" || !strings.Contains(hc.Test[3], "'127.0.0.1', 8000") ||
			hc.Interval != 10*time.Second || hc.Retries != 3 {
			t.Errorf("healthcheck %+v", hc)
		}
		wantLabels := map[string]string{
			"org.example.base": "yes", LabelSource: "https://github.com/example/library",
			LabelRevision: revision, LabelCreated: "2024-05-01T12:00:00Z",
		}
		if len(c.Labels) != len(wantLabels) {
			t.Errorf("labels %v", c.Labels)
		}
		for k, v := range wantLabels {
			if c.Labels[k] != v {
				t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
			}
		}
		if !cf.Created.Equal(testEpoch) {
			t.Errorf("created %v", cf.Created)
		}
		n := len(cf.History)
		if n < 3 || cf.History[n-3].CreatedBy != "containerize build: /opt/venv (3 packages)" || !cf.History[n-1].Created.Equal(testEpoch) {
			t.Errorf("history %+v", cf.History)
		}
		if cf.Architecture != "amd64" || cf.OS != "linux" {
			t.Errorf("platform %s/%s", cf.OS, cf.Architecture)
		}
	})

	fs := files(t, img)
	t.Run("dependency layer", func(t *testing.T) {
		site := "opt/venv/lib/python3.12/site-packages/"
		want := map[string]string{
			"opt/venv/pyvenv.cfg":                        "home = /usr/local/bin\ninclude-system-site-packages = false\nversion = 3.12.7\nexecutable = /usr/local/bin/python3.12\n",
			site + "django/__init__.py":                  "VERSION = (5, 1, 2)\n",
			site + "fastext/_speed.so":                   "built for cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64",
			site + "gunicorn-23.0.0.dist-info/INSTALLER": "containerize\n",
			site + "gunicorn-23.0.0.dist-info/REQUESTED": "",
		}
		for p, data := range want {
			if got, ok := fs[p]; !ok || got.data != data {
				t.Errorf("%s = %q (present %v), want %q", p, got.data, ok, data)
			}
		}
		links := map[string]string{
			"opt/venv/bin/python": "/usr/local/bin/python3.12", "opt/venv/bin/python3": "python",
			"opt/venv/bin/python3.12": "python", "opt/venv/lib64": "lib",
		}
		for p, target := range links {
			if got := fs[p].hdr; got == nil || got.Typeflag != tar.TypeSymlink || got.Linkname != target {
				t.Errorf("%s: %+v, want a symlink to %s", p, got, target)
			}
		}
		script := fs["opt/venv/bin/gunicorn"]
		if !strings.HasPrefix(script.data, "#!/opt/venv/bin/python\n") || script.hdr.Mode != 0o755 || script.hdr.Uid != 0 {
			t.Errorf("bin/gunicorn: mode %o uid %d:\n%s", script.hdr.Mode, script.hdr.Uid, script.data)
		}
		record := fs[site+"gunicorn-23.0.0.dist-info/RECORD"].data
		if !strings.Contains(record, "../../../bin/gunicorn,sha256=") || !strings.Contains(record, "gunicorn/__init__.py,sha256=") {
			t.Errorf("RECORD:\n%s", record)
		}
		if _, ok := fs["opt/venv/include"]; !ok {
			t.Errorf("no include/")
		}
	})

	t.Run("user and app layers", func(t *testing.T) {
		if p := fs["etc/passwd"].data; !strings.HasSuffix(p, "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\napp:x:10001:10001::/app:/usr/sbin/nologin\n") {
			t.Errorf("passwd:\n%s", p)
		}
		if g := fs["etc/group"].data; g != "root:x:0:\nnogroup:x:65534:\napp:x:10001:\n" {
			t.Errorf("group:\n%s", g)
		}
		present := []string{"app", "app/manage.py", "app/mysite/settings.py", "app/books/views.py", "app/secret/keep.txt",
			"app/.env.example", "app/.dockerignore", "app/requirements.txt", "app/run.sh", "app/secret"}
		// A Windows checkout has neither executable bits nor (without privileges) symlinks.
		unix := runtime.GOOS != "windows"
		if unix {
			present = append(present, "app/settings_link.py")
		}
		for _, p := range present {
			h := fs[p].hdr
			if h == nil {
				t.Errorf("%s missing", p)
				continue
			}
			if h.Uid != 10001 || h.Gid != 10001 {
				t.Errorf("%s owned by %d:%d", p, h.Uid, h.Gid)
			}
		}
		for _, p := range []string{"app/.env", "app/.env.production", "app/.git", "app/.git/HEAD", "app/.venv", "app/env2",
			"app/debug.log", "app/secret/key.pem", "app/books/__pycache__"} {
			if _, ok := fs[p]; ok {
				t.Errorf("%s was copied", p)
			}
		}
		if m := fs["app/run.sh"].hdr.Mode; m != 0o755 && unix {
			t.Errorf("run.sh mode %o", m)
		}
		if m := fs["app/manage.py"].hdr.Mode; m != 0o644 {
			t.Errorf("manage.py mode %o", m)
		}
		if h := fs["app/settings_link.py"].hdr; unix && (h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "mysite/settings.py") {
			t.Errorf("settings_link.py %+v", h)
		}
		if !fs["app/manage.py"].hdr.ModTime.Equal(testEpoch) {
			t.Errorf("mtime %v", fs["app/manage.py"].hdr.ModTime)
		}
	})
}

func TestBuildIsReproducible(t *testing.T) {
	f := newFixture(t)
	a := f.build(t, f.options(t, t.TempDir()))
	b := f.build(t, f.options(t, t.TempDir()))
	if a.Digest != b.Digest || a.Images[0].Dependencies != b.Images[0].Dependencies {
		t.Fatalf("two builds from empty caches differ: %v vs %v", a.Digest, b.Digest)
	}
	if b.Images[0].DependenciesCached {
		t.Errorf("a fresh cache reported a cached dependency layer")
	}
	o := f.options(t, t.TempDir())
	o.Epoch = DefaultEpoch.Add(time.Hour)
	c := f.build(t, o)
	if c.Digest == a.Digest || c.Images[0].Dependencies == a.Images[0].Dependencies || c.Images[0].App == a.Images[0].App {
		t.Errorf("another SOURCE_DATE_EPOCH gave the same digests: %+v", c.Images[0])
	}
	if a.Images[0].Base != c.Images[0].Base {
		t.Errorf("base changed")
	}
}

func TestBuildCache(t *testing.T) {
	f := newFixture(t)
	cache := t.TempDir()
	first := f.build(t, f.options(t, cache))
	if first.Images[0].DependenciesCached {
		t.Fatal("first build reported a cache hit")
	}
	pages, downloads := f.index.Pages.Load(), f.index.Downloads.Load()
	if pages == 0 || downloads != 3 {
		t.Fatalf("first build: %d pages, %d downloads", pages, downloads)
	}

	o := f.options(t, cache)
	second := f.build(t, o)
	if st := second.Index; st.Requests != 0 || st.CacheHits != 0 {
		t.Errorf("warm build used the index: %+v", st)
	}
	if !second.Images[0].DependenciesCached || second.Digest != first.Digest {
		t.Errorf("warm build: cached=%v digest %v, want %v", second.Images[0].DependenciesCached, second.Digest, first.Digest)
	}

	writeFile(t, filepath.Join(f.root, "books/views.py"), "def index(request):\n    return 'changed'\n")
	o = f.options(t, cache)
	third := f.build(t, o)
	if st := third.Index; st.Requests != 0 {
		t.Errorf("code change used the index: %+v", st)
	}
	a, c := first.Images[0], third.Images[0]
	if c.Dependencies != a.Dependencies || c.User != a.User || c.App == a.App || third.Digest == first.Digest {
		t.Errorf("after editing a .py file: deps %v→%v, user %v→%v, app %v→%v", a.Dependencies, c.Dependencies, a.User, c.User, a.App, c.App)
	}
	if f.index.Pages.Load() != pages || f.index.Downloads.Load() != downloads {
		t.Errorf("index served more requests")
	}

	// A changed pin is a miss: only that is re-resolved; the other wheels come from the wheel cache.
	f.addWheel(t, "six", "1.16.0", testkit.WheelSpec{Name: "six", Version: "1.16.0", Files: map[string]string{"six.py": ""}})
	o = f.options(t, cache)
	fourth := f.build(t, o)
	if fourth.Images[0].DependenciesCached || fourth.Images[0].Packages != 4 {
		t.Errorf("new pin: %+v", fourth.Images[0])
	}
	if st := fourth.Index; st.CacheHits != 3 {
		t.Errorf("new pin: %+v, want the 3 old wheels from the cache", st)
	}
}

func TestBuildMissingWheels(t *testing.T) {
	f := newFixture(t)
	f.index.Add("psycopg2", "psycopg2-2.8.6.tar.gz", []byte("sdist"))
	f.reqs = append(f.reqs, lockset.Pin{Name: "psycopg2", Version: "2.8.6", Hashes: []string{"sha256:" + strings.Repeat("ab", 32)}})
	file, data := testkit.Wheel(testkit.WheelSpec{Name: "winonly", Version: "1.0", Tag: "cp312-cp312-win_amd64", Files: map[string]string{"winonly.pyd": ""}})
	f.index.Add("winonly", file, data)
	f.reqs = append(f.reqs, lockset.Pin{Name: "winonly", Version: "1.0"}, lockset.Pin{Name: "ghost", Version: "0.1"})
	_, err := Build(context.Background(), f.options(t, t.TempDir()))
	var missing *MissingWheelsError
	if !errors.As(err, &missing) || len(missing.Packages) != 3 {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{
		"no wheel fits the image (CPython 3.12, glibc 2.36, x86_64) for 3 locked package(s):",
		"  - ghost 0.1: the index has no file for this version\n",
		"  - psycopg2 2.8.6: only a source distribution (psycopg2-2.8.6.tar.gz), which needs Python and a compiler to build; use psycopg2-binary, which ships wheels\n",
		"  - winonly 1.0: none of its wheels is for this image (winonly-1.0-cp312-cp312-win_amd64.whl)\n",
		"`docker build` and the generated Dockerfile",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
}

func TestBuildHashMismatch(t *testing.T) {
	wrong := func(b byte) string { return "sha256:" + strings.Repeat(string("0123456789abcdef"[b]), 64) }
	for _, tc := range []struct {
		name   string
		hashes []string
		want   string
	}{
		{"one locked hash", []string{wrong(1)}, "sha256 is "},
		{"several locked hashes", []string{wrong(1), wrong(2)}, "which the lock does not allow (it allows " + wrong(1) + ", " + wrong(2) + ")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			for i := range f.reqs {
				if f.reqs[i].Name == "gunicorn" {
					f.reqs[i].Hashes = tc.hashes
				}
			}
			_, err := Build(context.Background(), f.options(t, t.TempDir()))
			if err == nil || !strings.Contains(err.Error(), "gunicorn 23.0.0") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			var pe *pypi.HashMismatchError
			if !errors.Is(err, wheel.ErrHashMismatch) && !errors.As(err, &pe) {
				t.Errorf("error is neither wheel.ErrHashMismatch nor pypi.HashMismatchError: %v", err)
			}
		})
	}
}

func TestBuildOutputs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a shell script stands in for docker")
	}
	f := newFixture(t)
	dir := t.TempDir()
	fakeDocker := filepath.Join(dir, "docker")
	loaded := filepath.Join(dir, "loaded.tar")
	if err := os.WriteFile(fakeDocker, []byte("#!/bin/sh\n[ \"$1\" = load ] || exit 2\ncat > \"$FAKE_DOCKER_OUT\"\necho Loaded image: library:dev\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FAKE_DOCKER_OUT", loaded)
	o := f.options(t, t.TempDir())
	o.Output = Output{DockerArchive: filepath.Join(dir, "image.tar"), OCILayout: filepath.Join(dir, "layout"), Load: true, Docker: fakeDocker, Tag: "library:dev"}
	var log bytes.Buffer
	o.Progress = &log
	res := f.build(t, o)
	if res.Tag != "library:dev" {
		t.Errorf("tag %q", res.Tag)
	}
	if !strings.Contains(log.String(), "Loaded image: library:dev") {
		t.Errorf("docker load output not shown:\n%s", log.String())
	}

	tag, _ := name.NewTag("library:dev")
	for _, file := range []string{o.Output.DockerArchive, loaded} {
		img, err := tarball.ImageFromPath(file, &tag)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if d, _ := img.Digest(); d != res.Digest {
			t.Errorf("%s holds %v, built %v", file, d, res.Digest)
		}
		if err := validate.Image(img); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}

	p, err := layout.FromPath(o.Output.OCILayout)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 || m.Manifests[0].Digest != res.Digest || m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != tag.String() {
		t.Fatalf("index.json %+v", m.Manifests)
	}
	img, err := p.Image(res.Digest)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(img); err != nil {
		t.Error(err)
	}

	// A second build reads the base's layers from the cache, not the registry.
	base, _ := remote.Image(mustRef(t, f.baseRef), remote.WithPlatform(v1.Platform{OS: "linux", Architecture: "amd64"}))
	baseLayers, _ := base.Layers()
	before := map[v1.Hash]int{}
	for _, l := range baseLayers {
		d, _ := l.Digest()
		if before[d] = f.reg.BlobGets(d); before[d] == 0 {
			t.Errorf("base layer %v was never downloaded", d)
		}
	}
	o.Output = Output{DockerArchive: filepath.Join(dir, "again.tar")}
	if again := f.build(t, o); again.Digest != res.Digest {
		t.Errorf("rebuild %v, first build %v", again.Digest, res.Digest)
	}
	for d, n := range before {
		if got := f.reg.BlobGets(d); got != n {
			t.Errorf("base layer %v downloaded again (%d → %d)", d, n, got)
		}
	}

	o.Output = Output{Load: true, Docker: filepath.Join(dir, "no-such-docker")}
	if _, err := Build(context.Background(), o); err == nil || !strings.Contains(err.Error(), "is Docker installed?") {
		t.Errorf("missing docker: %v", err)
	}
}

func TestBuildMultiPlatform(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	o := f.options(t, t.TempDir())
	o.Platforms = []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}}
	o.Output = Output{Push: f.reg.Host + "/library:multi", OCILayout: filepath.Join(dir, "layout")}
	res := f.build(t, o)
	if len(res.Images) != 2 || res.Images[0].Target.Arch != "x86_64" || res.Images[1].Target.Arch != "aarch64" {
		t.Fatalf("images %+v", res.Images)
	}
	if res.Images[0].App != res.Images[1].App || res.Images[0].Dependencies == res.Images[1].Dependencies {
		t.Errorf("app layers should match and dependency layers differ: %+v", res.Images)
	}
	ref, _ := name.ParseReference(o.Output.Push)
	idx, err := remote.Index(ref)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := idx.Digest(); d != res.Digest {
		t.Errorf("pulled index %v, built %v", d, res.Digest)
	}
	if err := validate.Index(idx); err != nil {
		t.Fatal(err)
	}
	m, _ := idx.IndexManifest()
	if len(m.Manifests) != 2 || m.Manifests[1].Platform == nil || m.Manifests[1].Platform.Architecture != "arm64" {
		t.Fatalf("index manifests %+v", m.Manifests)
	}
	arm, err := idx.Image(m.Manifests[1].Digest)
	if err != nil {
		t.Fatal(err)
	}
	so := files(t, arm)["opt/venv/lib/python3.12/site-packages/fastext/_speed.so"].data
	if so != "built for cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64" {
		t.Errorf("arm64 image has %q", so)
	}

	lp, err := layout.FromPath(o.Output.OCILayout)
	if err != nil {
		t.Fatal(err)
	}
	top, _ := lp.ImageIndex()
	tm, _ := top.IndexManifest()
	if len(tm.Manifests) != 1 || tm.Manifests[0].Digest != res.Digest || !tm.Manifests[0].MediaType.IsIndex() {
		t.Errorf("layout index.json %+v", tm.Manifests)
	}

	o.Output = Output{DockerArchive: filepath.Join(dir, "x.tar")}
	if _, err := Build(context.Background(), o); err == nil || !strings.Contains(err.Error(), "holds one platform") {
		t.Errorf("docker archive of two platforms: %v", err)
	}
}

func TestBuildMuslBase(t *testing.T) {
	f := newFixture(t)
	ref := f.reg.Host + "/python:3.12-alpine"
	pushIndex(t, ref, testkit.BaseSpec{Musl: true})
	o := f.options(t, t.TempDir())
	o.Base = ref
	o.Output.Push = f.reg.Host + "/library:alpine"
	res := f.build(t, o)
	if tg := res.Images[0].Target; tg.Libc != wheel.Musl || tg.LibcVersion != "1.2" {
		t.Fatalf("target %+v", tg)
	}
	r, _ := name.ParseReference(o.Output.Push)
	img, err := remote.Image(r)
	if err != nil {
		t.Fatal(err)
	}
	fs := files(t, img)
	if so := fs["opt/venv/lib/python3.12/site-packages/fastext/_speed.so"].data; so != "built for cp312-cp312-musllinux_1_2_x86_64" {
		t.Errorf("musl image has %q", so)
	}
	if _, ok := fs["opt/venv/lib64"]; !ok {
		t.Errorf("no lib64 link on a 64-bit base")
	}
}

func TestBuildFromLockfile(t *testing.T) {
	f := newFixture(t)
	var lines []string
	for _, r := range f.reqs {
		line := r.Name + "==" + r.Version
		for _, h := range r.Hashes {
			line += " \\\n    --hash=" + h
		}
		lines = append(lines, line)
	}
	lines = append(lines, "pywin32==306 ; sys_platform == 'win32' \\\n    --hash=sha256:"+strings.Repeat("0", 64))
	writeFile(t, filepath.Join(f.root, "requirements.txt"), strings.Join(lines, "\n")+"\n")
	o := f.options(t, t.TempDir())
	o.Requirements = Lockfile(os.DirFS(f.root), o.Plan.Image.Dependencies)
	o.Output.Push = f.reg.Host + "/library:lock"
	res := f.build(t, o)
	if res.Images[0].Packages != 3 {
		t.Fatalf("installed %d packages, want 3 (pywin32 is for Windows)", res.Images[0].Packages)
	}
	img, err := remote.Image(mustRef(t, o.Output.Push))
	if err != nil {
		t.Fatal(err)
	}
	fs := files(t, img)
	if _, ok := fs["opt/venv/lib/python3.12/site-packages/Django-5.1.2.dist-info/REQUESTED"]; !ok {
		t.Errorf("django, a declared dependency, has no REQUESTED")
	}
	if _, ok := fs["opt/venv/bin/django-admin"]; !ok {
		t.Errorf("no django-admin script")
	}
}
