package base

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/containerize/containerize/image/internal/testkit"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/wheel"
)

func mustBase(t *testing.T, spec testkit.BaseSpec) v1.Image {
	t.Helper()
	img, err := testkit.Base(spec)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestInspectStandIns(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec testkit.BaseSpec
		want Base
	}{
		{
			name: "debian glibc amd64",
			spec: testkit.BaseSpec{},
			want: Base{Python: "3.12.7", Interpreter: "/usr/local/bin/python3.12", Prefix: "/usr/local", Libc: wheel.Glibc, LibcVersion: "2.36", Arch: "x86_64", Shell: true},
		},
		{
			name: "alpine musl arm64",
			spec: testkit.BaseSpec{Musl: true, Arch: "arm64", Python: "3.11", PythonEnv: "3.11.10"},
			want: Base{Python: "3.11.10", Interpreter: "/usr/local/bin/python3.11", Prefix: "/usr/local", Libc: wheel.Musl, LibcVersion: "1.2", Arch: "aarch64", Shell: true},
		},
		{
			name: "no PYTHON_VERSION",
			spec: testkit.BaseSpec{Python: "3.13"},
			want: Base{Python: "3.13", Interpreter: "/usr/local/bin/python3.13", Prefix: "/usr/local", Libc: wheel.Glibc, LibcVersion: "2.36", Arch: "x86_64", Shell: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Inspect(mustBase(t, tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			got := Base{Python: b.Python, Interpreter: b.Interpreter, Prefix: b.Prefix, Libc: b.Libc, LibcVersion: b.LibcVersion, Arch: b.Arch, Shell: b.Shell}
			if got.Python != tc.want.Python || got.Interpreter != tc.want.Interpreter || got.Prefix != tc.want.Prefix ||
				got.Libc != tc.want.Libc || got.LibcVersion != tc.want.LibcVersion || got.Arch != tc.want.Arch || got.Shell != tc.want.Shell {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if !strings.HasPrefix(string(b.Passwd), "root:x:0:0:") || !strings.HasPrefix(string(b.Group), "root:x:0:") {
				t.Errorf("passwd %q, group %q", b.Passwd, b.Group)
			}
			if err := b.Target().Validate(); err != nil {
				t.Errorf("target %+v: %v", b.Target(), err)
			}
			if len(b.Evidence) != 2 {
				t.Errorf("evidence %q", b.Evidence)
			}
		})
	}
}

func TestInspectDebianSymlinks(t *testing.T) {
	b, err := Inspect(mustBase(t, testkit.BaseSpec{}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(b.Symlinks, " ") != "/bin /lib" {
		t.Errorf("symlinks %q, want /bin /lib", b.Symlinks)
	}
	tags := b.Target().Tags()
	if tags[0].String() != "cp312-cp312-manylinux_2_36_x86_64" {
		t.Errorf("best tag %s", tags[0])
	}
}

// image builds an image from layers of entries, bottom first, with env.
func image(t *testing.T, env []string, layers ...[]layer.Entry) v1.Image {
	t.Helper()
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	for _, entries := range layers {
		l, _, err := layer.Build(entries, layer.Options{ModTime: time.Unix(0, 0)}, types.OCILayer)
		if err != nil {
			t.Fatal(err)
		}
		if img, err = mutate.AppendLayers(img, l); err != nil {
			t.Fatal(err)
		}
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Config.Env = "linux", "amd64", env
	img, err := mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func f(p, data string) layer.Entry { return layer.Entry{Path: p, Mode: 0o755, Data: []byte(data)} }
func sym(p, target string) layer.Entry {
	return layer.Entry{Path: p, Mode: fs.ModeSymlink, Link: target}
}

var osFiles = []layer.Entry{f("/etc/passwd", "root:x:0:0::/root:/bin/sh\n"), f("/etc/group", "root:x:0:\n"), f("/bin/sh", "sh")}

func TestInspectLayers(t *testing.T) {
	glibc := f("/lib/x86_64-linux-gnu/libc.so.6", testkit.GlibcBanner)
	for _, tc := range []struct {
		name   string
		env    []string
		layers [][]layer.Entry
		check  func(b *Base) string
		err    string
	}{
		{
			name: "whiteout hides a lower interpreter",
			layers: [][]layer.Entry{
				append(osFiles, glibc, f("/usr/local/bin/python3.13", ""), f("/usr/local/bin/python3.12", "")),
				{f("/usr/local/bin/.wh.python3.13", "")},
			},
			check: func(b *Base) string { return b.Interpreter + " " + b.Python },
			err:   "/usr/local/bin/python3.12 3.12",
		},
		{
			name: "opaque directory hides lower contents",
			layers: [][]layer.Entry{
				append(osFiles, glibc, f("/usr/local/bin/python3.13", "")),
				{f("/usr/local/bin/.wh..wh..opq", ""), f("/usr/local/bin/python3.11", "")},
			},
			check: func(b *Base) string { return b.Interpreter },
			err:   "/usr/local/bin/python3.11",
		},
		{
			name: "upper layer file wins",
			layers: [][]layer.Entry{
				append(osFiles, glibc, f("/usr/local/bin/python3.12", "")),
				{f("/etc/passwd", "root:x:0:0::/root:/bin/sh\nweb:x:33:33::/:/bin/sh\n")},
			},
			check: func(b *Base) string { return string(b.Passwd) },
			err:   "root:x:0:0::/root:/bin/sh\nweb:x:33:33::/:/bin/sh\n",
		},
		{
			name:   "PYTHON_VERSION picks among several",
			env:    []string{"PYTHON_VERSION=3.11.9"},
			layers: [][]layer.Entry{append(osFiles, glibc, f("/usr/local/bin/python3.12", ""), f("/usr/local/bin/python3.11", ""))},
			check:  func(b *Base) string { return b.Interpreter + " " + b.Python },
			err:    "/usr/local/bin/python3.11 3.11.9",
		},
		{
			name:   "distribution python in /usr",
			layers: [][]layer.Entry{append(osFiles, glibc, f("/usr/bin/python3.11", ""), sym("/usr/bin/python3", "python3.11"))},
			check:  func(b *Base) string { return b.Interpreter + " " + b.Prefix },
			err:    "/usr/bin/python3.11 /usr",
		},
		{
			name:   "free-threaded only",
			layers: [][]layer.Entry{append(osFiles, glibc, f("/usr/local/bin/python3.13t", ""))},
			check:  func(b *Base) string { return b.Target().PythonVersion + b.ABIFlags },
			err:    "3.13t",
		},
		{
			name: "old glibc: libc.so.6 links to libc-2.31.so",
			layers: [][]layer.Entry{append(osFiles, f("/usr/bin/python3.9", ""),
				sym("/lib/x86_64-linux-gnu/libc.so.6", "libc-2.31.so"), f("/lib/x86_64-linux-gnu/libc-2.31.so", "no banner"))},
			check: func(b *Base) string { return b.Libc + " " + b.LibcVersion },
			err:   "glibc 2.31",
		},
		{
			name: "libc symlink to a file in another layer",
			layers: [][]layer.Entry{
				append(osFiles, f("/usr/lib/x86_64-linux-gnu/libc.so.6.real", "x\x00GNU C Library (GNU libc) stable release version 2.39.\x00")),
				{f("/usr/local/bin/python3.12", ""), sym("/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6.real")},
			},
			check: func(b *Base) string { return b.LibcVersion },
			err:   "cannot tell the base image's C library", // the .real name is not a libc name this reads
		},
		{
			name:   "musl version from the loader",
			layers: [][]layer.Entry{append(osFiles, f("/lib/ld-musl-x86_64.so.1", "\x00musl\x001.1.24\x00"), f("/usr/local/bin/python3.12", ""))},
			check:  func(b *Base) string { return b.Libc + " " + b.LibcVersion },
			err:    "musl 1.1",
		},
		{
			name:   "musl without a version",
			layers: [][]layer.Entry{append(osFiles, f("/lib/ld-musl-x86_64.so.1", "stripped"), f("/usr/local/bin/python3.12", ""))},
			err:    "version cannot be read",
		},
		{
			name:   "no python",
			layers: [][]layer.Entry{append(osFiles, glibc)},
			err:    "no Python interpreter in the base image",
		},
		{
			name:   "no libc",
			layers: [][]layer.Entry{append(osFiles, f("/usr/local/bin/python3.12", ""))},
			err:    "cannot tell the base image's C library",
		},
		{
			name: "deleted passwd",
			layers: [][]layer.Entry{
				append(osFiles, glibc, f("/usr/local/bin/python3.12", "")),
				{f("/etc/.wh.passwd", "")},
			},
			check: func(b *Base) string { return "passwd=" + string(b.Passwd) },
			err:   "passwd=",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Inspect(image(t, tc.env, tc.layers...))
			if tc.check == nil || err != nil {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if got := tc.check(b); got != tc.err {
				t.Errorf("got %q, want %q", got, tc.err)
			}
		})
	}
}

// unreadable is an image whose layers cannot be read: only a cache can answer for it.
type unreadable struct{ v1.Image }

func (unreadable) Layers() ([]v1.Layer, error) { return nil, errors.New("layers read") }

func TestInspectCached(t *testing.T) {
	img := mustBase(t, testkit.BaseSpec{})
	dir := t.TempDir()
	first, hit, err := InspectCached(img, dir)
	if err != nil || hit {
		t.Fatalf("first: hit=%v err=%v", hit, err)
	}
	second, hit, err := InspectCached(unreadable{img}, dir)
	if err != nil || !hit {
		t.Fatalf("second: hit=%v err=%v", hit, err)
	}
	if second.Interpreter != first.Interpreter || string(second.Passwd) != string(first.Passwd) || second.LibcVersion != first.LibcVersion {
		t.Errorf("cached %+v\nfresh %+v", second, first)
	}
	if _, ok := second.Image.(unreadable); !ok {
		t.Errorf("cached facts do not carry the image passed in")
	}
	if _, _, err := InspectCached(unreadable{img}, t.TempDir()); err == nil || !strings.Contains(err.Error(), "layers read") {
		t.Errorf("cold cache did not read layers: %v", err)
	}
}
