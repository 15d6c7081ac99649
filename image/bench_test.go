package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/image/internal/testkit"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/pypi"
)

// The build benchmarks run Build in process against a registry and an index on 127.0.0.1, with wheels the
// size of the library sample's (Django, DRF, a compiled driver: about 40 MB installed, 4,000 files) made
// from the Go tree's own sources and binaries, so that the bytes compress as real ones do. bench/run.sh
// measures the CLI against docker build; these isolate the in-process paths:
//
//	go test ./image -run '^$' -bench Build -benchtime 5x -cpuprofile cpu.out
//	go tool pprof -top image.test cpu.out
//
// Each reports "x-gzip": its time as a multiple of a baseline measured in the same run, compressing and
// hashing the dependency layer's tar once with compress/gzip at the default level, as a single stream (what
// every build did before issue 14). The ratio, unlike the time, means the same on a slower machine.
type benchSetup struct {
	reg      *testkit.Registry
	index    *testkit.Index
	baseRef  string
	root     string
	plan     *plan.Plan
	reqs     []lockset.Pin
	baseline time.Duration
}

func newBenchSetup(b *testing.B) *benchSetup {
	b.Helper()
	s := &benchSetup{reg: testkit.NewRegistry(), index: testkit.NewIndex(), root: b.TempDir()}
	b.Cleanup(s.reg.Close)
	b.Cleanup(s.index.Close)
	s.baseRef = s.reg.Host + "/python:3.12-slim"
	img, err := testkit.Base(testkit.BaseSpec{})
	if err != nil {
		b.Fatal(err)
	}
	if err := remote.Write(mustRef(b, s.baseRef), img); err != nil {
		b.Fatal(err)
	}

	goroot := runtime.GOROOT()
	var all []map[string]string
	add := func(project string, files map[string]string) {
		spec := testkit.WheelSpec{Name: project, Version: "1.0", Files: files}
		file, data := testkit.Wheel(spec)
		s.index.Add(project, file, data)
		s.reqs = append(s.reqs, lockset.Pin{Name: project, Version: "1.0", Hashes: []string{"sha256:" + testkit.SHA256(data)}, Requested: true})
		all = append(all, files)
	}
	// Django: text, many files. DRF: text. The driver: binaries (the Go tools stand in for shared libraries).
	add("bigweb", treeFiles(b, filepath.Join(goroot, "src"), []string{"net", "crypto", "encoding", "go"}, "bigweb", 32<<20))
	add("restkit", treeFiles(b, filepath.Join(goroot, "src"), []string{"cmd/compile/internal/ssa"}, "restkit", 6<<20))
	add("driver", treeFiles(b, filepath.Join(goroot, "pkg", "tool"), []string{runtime.GOOS + "_" + runtime.GOARCH}, "driver", 8<<20))
	for _, name := range []string{"asgiref", "sqlparse", "pytz", "gunicorn", "whitenoise"} {
		add(name, treeFiles(b, filepath.Join(goroot, "src"), []string{"strings", "bufio"}, name, 200<<10))
	}

	// The application: a small Django project.
	for p, data := range treeFiles(b, filepath.Join(goroot, "src"), []string{"net/http"}, "books", 600<<10) {
		writeFile(b, filepath.Join(s.root, p), data)
	}
	writeFile(b, filepath.Join(s.root, "manage.py"), "import os\n")
	writeFile(b, filepath.Join(s.root, "requirements.txt"), "bigweb==1.0\n")
	writeFile(b, filepath.Join(s.root, "mysite/settings.py"), "SECRET_KEY = 'x'\n")
	wsgi := "mysite.wsgi.application"
	project := &detect.Project{
		Root: s.root, Name: "Library", AppRoot: ".", DependencyDir: ".", PackageManager: "pip",
		DependencyFiles: []string{"requirements.txt"}, RequirementsFile: "requirements.txt",
		Dependencies: []detect.Dependency{{Name: "bigweb"}},
		Django: &django.Info{ManagePy: "manage.py", SettingsModule: "mysite.settings", SettingsFiles: []string{"mysite/settings.py"},
			WSGIApplication: &wsgi, Database: "sqlite"},
	}
	if s.plan, err = plan.Make(project, config.Config{Name: "app", Python: "3.12", Port: 8000, Server: config.ServerGunicorn}); err != nil {
		b.Fatal(err)
	}
	s.baseline = gzipBaseline(b, all)
	return s
}

// gzipBaseline is the shortest of three runs of compressing and hashing the wheels' files as one tar with
// compress/gzip (one stream, default level).
func gzipBaseline(b *testing.B, wheels []map[string]string) time.Duration {
	var tarball bytes.Buffer
	tw := tar.NewWriter(&tarball)
	for _, files := range wheels {
		for p, data := range files {
			if err := tw.WriteHeader(&tar.Header{Name: p, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
				b.Fatal(err)
			}
			io.WriteString(tw, data)
		}
	}
	tw.Close()
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		h, d := sha256.New(), sha256.New()
		zw, _ := gzip.NewWriterLevel(io.MultiWriter(io.Discard, h), gzip.DefaultCompression)
		if _, err := io.Copy(io.MultiWriter(zw, d), bytes.NewReader(tarball.Bytes())); err != nil {
			b.Fatal(err)
		}
		zw.Close()
		best = min(best, time.Since(start))
	}
	b.Logf("baseline: %d MB of tar through compress/gzip and sha256 in %v", tarball.Len()>>20, best)
	return best
}

// treeFiles reads up to limit bytes of the files under root/dirs (in walk order, so always the same ones) as
// a wheel's members under pkg/.
func treeFiles(b *testing.B, root string, dirs []string, pkg string, limit int) map[string]string {
	b.Helper()
	files := map[string]string{}
	total := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || total >= limit {
				return err
			}
			if !d.Type().IsRegular() || strings.Contains(p, "testdata") {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			files[path.Join(pkg, filepath.ToSlash(rel))] = string(data)
			total += len(data)
			return nil
		})
		if err != nil {
			b.Skipf("the Go tree is needed for realistic content: %v", err)
		}
	}
	if total == 0 {
		b.Skipf("no files under %s", root)
	}
	return files
}

func (s *benchSetup) options(cache, push string, epoch time.Time) Options {
	return Options{
		Plan: s.plan, Root: s.root, Requirements: Pinned(s.reqs...),
		Index: pypi.Options{IndexURL: s.index.URL(), Retries: -1, CacheDir: filepath.Join(cache, "wheels")},
		Base:  s.baseRef, Platforms: []v1.Platform{{OS: "linux", Architecture: "amd64"}},
		CacheDir: cache, Epoch: epoch, Output: Output{Push: push},
	}
}

func (s *benchSetup) report(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(s.baseline), "x-gzip")
}

func BenchmarkBuild(b *testing.B) {
	s := newBenchSetup(b)
	ctx := context.Background()

	// Cold: no wheels, no layers, no facts about the base; a new epoch makes every layer new to the registry.
	b.Run("cold-push", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			cache := b.TempDir()
			b.StartTimer()
			o := s.options(cache, s.reg.Host+"/bench:cold", time.Unix(1_000_000_000+int64(i), 0))
			if _, err := Build(ctx, o); err != nil {
				b.Fatal(err)
			}
		}
		s.report(b)
	})

	// Warm: the caches of an earlier build; one application file edited before each run.
	warm := b.TempDir()
	if _, err := Build(ctx, s.options(warm, s.reg.Host+"/bench:warm", time.Time{})); err != nil {
		b.Fatal(err)
	}
	edit := func(i int) {
		f, err := os.OpenFile(filepath.Join(s.root, "manage.py"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(f, "# edit %d\n", i)
		f.Close()
	}
	b.Run("warm-push", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			edit(i)
			b.StartTimer()
			if _, err := Build(ctx, s.options(warm, s.reg.Host+"/bench:warm", time.Time{})); err != nil {
				b.Fatal(err)
			}
		}
		s.report(b)
	})
	// What --load sends to `docker load` when the daemon has none of the image (a docker archive).
	b.Run("warm-archive", func(b *testing.B) {
		out := filepath.Join(b.TempDir(), "image.tar")
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			edit(i)
			b.StartTimer()
			o := s.options(warm, "", time.Time{})
			o.Output = Output{DockerArchive: out}
			if _, err := Build(ctx, o); err != nil {
				b.Fatal(err)
			}
		}
		s.report(b)
	})
}
