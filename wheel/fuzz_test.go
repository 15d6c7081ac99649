package wheel

import (
	"bytes"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/containerize/containerize/pep"
)

// FuzzBest: whatever file name it is offered, Best chooses only a wheel whose tags fit the target.
func FuzzBest(f *testing.F) {
	for _, s := range []string{
		"requests-2.31.0-py3-none-any.whl",
		"numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"foo-1.0-1-py2.py3-none-any.whl",
		"torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl",
		"a-1-b.c-d.e-f.g.whl",
		"../x-1-py3-none-any.whl",
		"x-1--py3-none-any.whl",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		chosen, ok := Best(glibcX86, []string{name})
		if !ok {
			return
		}
		fn, err := pep.ParseWheelFilename(name)
		if chosen != name || err != nil {
			t.Fatalf("Best chose %q of %q (%v)", chosen, name, err)
		}
		compatible := false
		for _, tag := range fn.Tags {
			compatible = compatible || tag.Platform == "any" || strings.HasSuffix(tag.Platform, "_x86_64")
		}
		if !compatible {
			t.Fatalf("Best chose %q for x86_64", name)
		}
	})
}

func FuzzInstall(f *testing.F) {
	seeds := []testWheel{
		{files: []zf{{name: "demo/__init__.py", data: "x"}}},
		{platlib: true, entryPoints: "[console_scripts]\ndemo = demo:main\n[gui_scripts]\ng = demo.gui:run\n", files: []zf{
			{name: "demo/_x.so", data: "elf", mode: 0o755},
			{name: "demo-1.0.data/scripts/s", data: "#!python\nprint(1)\n"},
			{name: "demo-1.0.data/headers/h.h", data: "h"},
			{name: "demo-1.0.data/data/share/d", data: "d"},
			{name: "demo-1.0.data/purelib/p.py", data: "p"},
		}},
		{files: []zf{{name: "../evil", data: "x"}}},
		{files: []zf{{name: "demo-1.0.data/data/../../../x", data: "x"}}},
		{files: []zf{{name: "demo/l", data: "/etc", mode: fs.ModeSymlink | 0o777}}},
	}
	for _, w := range seeds {
		f.Add(w.build(f), "demo-1.0-py3-none-any.whl")
	}
	f.Add([]byte("PK\x05\x06"+strings.Repeat("\x00", 18)), "demo-1.0-py3-none-any.whl")
	f.Fuzz(func(t *testing.T, data []byte, filename string) {
		entries, err := Install(bytes.NewReader(data), int64(len(data)), filename, venv, InstallOptions{Requested: true})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "install ") {
				t.Fatalf("error does not name the wheel: %v", err)
			}
			return
		}
		prefix := venv.Prefix
		for i, e := range entries {
			if i > 0 && entries[i-1].Path >= e.Path {
				t.Fatalf("unsorted or duplicate: %s, %s", entries[i-1].Path, e.Path)
			}
			if path.Clean(e.Path) != e.Path || !path.IsAbs(e.Path) {
				t.Fatalf("unclean path %q", e.Path)
			}
			inside := strings.HasPrefix(e.Path, prefix+"/")
			ancestor := e.Path == prefix || strings.HasPrefix(prefix, e.Path+"/")
			if !inside && !(ancestor && e.Mode == fs.ModeDir|0o755) {
				t.Fatalf("entry %q (%v) is outside %s", e.Path, e.Mode, prefix)
			}
			if e.Link != "" {
				t.Fatalf("symlink %q -> %q", e.Path, e.Link)
			}
			if e.Mode != 0o644 && e.Mode != 0o755 && e.Mode != fs.ModeDir|0o755 {
				t.Fatalf("%s: mode %v", e.Path, e.Mode)
			}
		}
	})
}
