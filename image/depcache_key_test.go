package image

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/plan"
)

// TestDepsKeyOfLockfiles pins the dependency layer's cache key for the sample projects' locks, read the way
// containerize build reads them (detect, the plan's dependencies, Lockfile): a change to how locks are read
// must not make every cached layer a miss. The keys were computed before the lock readers were merged.
func TestDepsKeyOfLockfiles(t *testing.T) {
	tests := []struct {
		dir, python, arch, key string
	}{
		{"testdata/projects/library", "3.11.9", "x86_64", "13dd373443462f4b6fca5561fcf5a59708fb5498193501afd76bbb18e65fc3ce"},
		{"testdata/projects/poetry", "3.12.7", "x86_64", "b3ba28d4b54f5e047fa1a2c38c862e8360fb3455ec70c701bf930939749684b6"},
		{"testdata/projects/uv", "3.12.7", "x86_64", "343acf7a18dcf36cc40cb42cb9d2569b6eae04e9504dea33b1fbd42e7267f87b"},
		{"testdata/projects/uv", "3.13.1", "aarch64", "6c84c2bfe3949927e477444f218a648fe89dd1fccefaa27dddd7ef9c30d30e29"},
		{"testdata/projects/pdm", "3.12.7", "x86_64", "7c514bbe9912ae8b5cb62157dc4ad8f9d04a3c59453381fda10892b519ca8bf7"},
		{"testdata/projects/requirements-celery", "3.12.7", "x86_64", "61ad64dbc6f100a97e97a4bccd090d6e2bc2e01fbeebc6dc6043e7b7cb1e4266"},
		{"lockset/testdata/pylock", "3.12.7", "aarch64", "1ca1c1692968abe2268b7144133a0091cef7d2bd913683c168a69fc523320959"},
		{"lockset/testdata/poetry", "3.10.16", "x86_64", "ce71f7b43746de2810f5e6e7874c15c9aaf97ad587e45341124eb6f1db2b6cdc"},
		{"lockset/testdata/uv", "3.10.16", "x86_64", "86079f0837046414768b8325a0d6a717286d6182fa3d57b2920f2d8cd8a55e89"},
	}
	for _, tc := range tests {
		t.Run(tc.dir+"/"+tc.python+"-"+tc.arch, func(t *testing.T) {
			minor := tc.python[:strings.LastIndex(tc.python, ".")]
			b := &base.Base{Python: tc.python, Interpreter: "/usr/local/bin/python" + minor, Arch: tc.arch, Libc: "glibc", LibcVersion: "2.36"}
			fsys := os.DirFS(filepath.Join("..", tc.dir))
			p, err := detect.Detect(fsys, filepath.Base(tc.dir))
			if err != nil {
				t.Fatal(err)
			}
			// As plan.Make fills plan.Dependencies.
			d := plan.Dependencies{Manager: p.PackageManager, Files: p.DependencyFiles, Dir: p.DependencyDir, Lockfile: p.Lockfile, RequirementsFile: p.RequirementsFile}
			for _, dep := range p.Dependencies {
				d.Declared = append(d.Declared, dep.Name)
			}
			lock, err := Lockfile(fsys, d)(context.Background(), b)
			if err != nil {
				t.Fatal(err)
			}
			k, err := newDepsKey(venvFor(b), b.Target(), lock.Pins, DefaultEpoch, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := k.hash(); got != tc.key {
				t.Errorf("key %s, want %s", got, tc.key)
			}
		})
	}
}
