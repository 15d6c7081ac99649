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
// must not make every cached layer a miss. The keys were computed before the lock readers were merged, and
// recomputed when the layers moved to klauspost/compress (depsFormat 2, level 6).
func TestDepsKeyOfLockfiles(t *testing.T) {
	tests := []struct {
		dir, python, arch, key string
	}{
		{"testdata/projects/library", "3.11.9", "x86_64", "94412fc5f15f7599b672916d5d3cc905e20a2a90ed0c23e19a6f1936a9b8c79b"},
		{"testdata/projects/poetry", "3.12.7", "x86_64", "ac05d964666f7ad9ede3c8d6348eec33325ff56aeb6683fa0073831d20563e0d"},
		{"testdata/projects/uv", "3.12.7", "x86_64", "aedf8c2a1379d8b5d15358a4a85223743b5c28dd9e99accdc23aaeb44207cafb"},
		{"testdata/projects/uv", "3.13.1", "aarch64", "d204cb3acefb23a574477634de6ba2ad26c8911773e53448ffbb5ea55abc3eb5"},
		{"testdata/projects/pdm", "3.12.7", "x86_64", "bceabaff126b855eaa629e43533ade7d3953b7878ab6286a4dac59d423a794e9"},
		{"testdata/projects/requirements-celery", "3.12.7", "x86_64", "ab7f0348ffca74387e31ba5631b99bc8643de4e6e353a6697d9f23674cbe877f"},
		{"lockset/testdata/pylock", "3.12.7", "aarch64", "03f4b9913233e5965db54a821b49b759bc1d0ee572a4091c9320f8531ac588d2"},
		{"lockset/testdata/poetry", "3.10.16", "x86_64", "c5b65961ca8dfd266b5427d52dc3d3c61fab1b6c6e86eac748aed7624832543e"},
		{"lockset/testdata/uv", "3.10.16", "x86_64", "af6e5dba352980053653ae1d5da481dd5d7425f4614c43f9b622516ed42588f1"},
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
