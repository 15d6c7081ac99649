package wheel

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
)

const site = "/opt/venv/lib/python3.12/site-packages"

var venv = VenvLayout("/opt/venv", "3.12")

func installWheel(t *testing.T, w testWheel, filename string, l Layout, opts InstallOptions) ([]Entry, error) {
	t.Helper()
	data := w.build(t)
	if filename == "" {
		filename = "demo-1.0-py3-none-any.whl"
	}
	return Install(bytes.NewReader(data), int64(len(data)), filename, l, opts)
}

func mustInstall(t *testing.T, w testWheel, filename string, l Layout, opts InstallOptions) map[string]Entry {
	t.Helper()
	entries, err := installWheel(t, w, filename, l, opts)
	if err != nil {
		t.Fatal(err)
	}
	return byPath(t, entries)
}

// byPath indexes entries and checks the invariants every result must have: sorted, unique, clean absolute
// paths, every parent present as a 0755 directory, modes normalised.
func byPath(t *testing.T, entries []Entry) map[string]Entry {
	t.Helper()
	m := map[string]Entry{}
	for i, e := range entries {
		if i > 0 && entries[i-1].Path >= e.Path {
			t.Errorf("entries not sorted: %s before %s", entries[i-1].Path, e.Path)
		}
		if path.Clean(e.Path) != e.Path || !path.IsAbs(e.Path) {
			t.Errorf("entry path %q is not clean and absolute", e.Path)
		}
		switch e.Mode {
		case fs.ModeDir | 0o755:
			if e.Data != nil {
				t.Errorf("directory %s has data", e.Path)
			}
		case 0o644, 0o755:
		default:
			t.Errorf("%s: mode %v is not normalised", e.Path, e.Mode)
		}
		if e.Link != "" {
			t.Errorf("%s: unexpected symlink", e.Path)
		}
		m[e.Path] = e
	}
	for p := range m {
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			if m[d].Mode != fs.ModeDir|0o755 {
				t.Errorf("parent %s of %s is missing or not a 0755 directory", d, p)
			}
		}
	}
	return m
}

func paths(m map[string]Entry) []string {
	var out []string
	for p := range m {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func TestInstallPurelib(t *testing.T) {
	w := testWheel{files: []zf{
		{name: "demo/__init__.py", data: "print('hi')\n"},
		{name: "demo/_speedups.so", data: "\x7fELF", mode: 0o775},
		{name: "demo/data/", data: ""}, // a directory member
		{name: "demo/data/table.csv", data: "a,b\n", mode: 0o600},
		{name: "demo/__pycache__/__init__.cpython-312.pyc", data: "stale"},
		{name: "demo.pth", data: "import demo\n"},
	}}
	m := mustInstall(t, w, "", venv, InstallOptions{Requested: true})

	want := []string{
		"/opt", "/opt/venv", "/opt/venv/lib", "/opt/venv/lib/python3.12", site,
		site + "/demo", site + "/demo-1.0.dist-info",
		site + "/demo-1.0.dist-info/INSTALLER", site + "/demo-1.0.dist-info/METADATA",
		site + "/demo-1.0.dist-info/RECORD", site + "/demo-1.0.dist-info/REQUESTED",
		site + "/demo-1.0.dist-info/WHEEL", site + "/demo.pth",
		site + "/demo/__init__.py", site + "/demo/_speedups.so", site + "/demo/data", site + "/demo/data/table.csv",
	}
	if got := paths(m); !slices.Equal(got, want) {
		t.Fatalf("paths:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for p, mode := range map[string]fs.FileMode{
		site + "/demo/__init__.py": 0o644, site + "/demo/_speedups.so": 0o755, site + "/demo/data/table.csv": 0o644,
	} {
		if m[p].Mode != mode {
			t.Errorf("%s: mode %v, want %v", p, m[p].Mode, mode)
		}
	}
	if got := string(m[site+"/demo-1.0.dist-info/INSTALLER"].Data); got != "containerize\n" {
		t.Errorf("INSTALLER = %q", got)
	}
	if d := m[site+"/demo-1.0.dist-info/REQUESTED"].Data; d == nil || len(d) != 0 {
		t.Errorf("REQUESTED = %q, want empty file", d)
	}

	meta := m[site+"/demo-1.0.dist-info/METADATA"].Data
	wheelMeta := m[site+"/demo-1.0.dist-info/WHEEL"].Data
	wantRecord := strings.Join([]string{
		"demo-1.0.dist-info/INSTALLER," + recordHash("containerize\n") + ",13",
		fmt.Sprintf("demo-1.0.dist-info/METADATA,%s,%d", recordHash(string(meta)), len(meta)),
		"demo-1.0.dist-info/RECORD,,",
		"demo-1.0.dist-info/REQUESTED,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0",
		fmt.Sprintf("demo-1.0.dist-info/WHEEL,%s,%d", recordHash(string(wheelMeta)), len(wheelMeta)),
		"demo.pth," + recordHash("import demo\n") + ",12",
		"demo/__init__.py," + recordHash("print('hi')\n") + ",12",
		"demo/_speedups.so," + recordHash("\x7fELF") + ",4",
		"demo/data/table.csv," + recordHash("a,b\n") + ",4",
		"",
	}, "\n")
	if got := string(m[site+"/demo-1.0.dist-info/RECORD"].Data); got != wantRecord {
		t.Errorf("RECORD:\n%s\nwant:\n%s", got, wantRecord)
	}
}

func TestInstallNotRequestedCustomInstaller(t *testing.T) {
	m := mustInstall(t, testWheel{files: []zf{
		{name: "demo/__init__.py"},
		{name: "demo-1.0.dist-info/INSTALLER", data: "pip\n"}, // the wheel's own copy is replaced
	}}, "", venv, InstallOptions{Installer: "tool"})
	if _, ok := m[site+"/demo-1.0.dist-info/REQUESTED"]; ok {
		t.Error("REQUESTED written although not requested")
	}
	if got := string(m[site+"/demo-1.0.dist-info/INSTALLER"].Data); got != "tool\n" {
		t.Errorf("INSTALLER = %q", got)
	}
	if rec := string(m[site+"/demo-1.0.dist-info/RECORD"].Data); strings.Count(rec, "INSTALLER") != 1 || strings.Contains(rec, "REQUESTED") {
		t.Errorf("RECORD:\n%s", rec)
	}
}

func TestInstallPlatlibAndDataRouting(t *testing.T) {
	l := venv
	l.Platlib = "/opt/venv/lib64/python3.12/site-packages"
	plat := l.Platlib
	w := testWheel{platlib: true, files: []zf{
		{name: "demo/_ext.so", data: "bin", mode: 0o755},
		{name: "demo/win.py", data: "w", fat: true},
		{name: "demo-1.0.data/purelib/demo_pure/__init__.py", data: "pure\n"},
		{name: "demo-1.0.data/platlib/demo_plat.so", data: "plat"},
		{name: "demo-1.0.data/headers/demo.h", data: "#define DEMO 1\n"},
		{name: "demo-1.0.data/data/share/demo/readme.txt", data: "data\n"},
		{name: "demo-1.0.data/scripts/demo-run", data: "#!python\nimport demo\n", mode: 0o644},
		{name: "demo-1.0.data/scripts/demo-gui", data: "#!pythonw -x\r\nimport demo\n"},
		{name: "demo-1.0.data/scripts/demo-sh", data: "#!/bin/sh\necho hi\n"},
		{name: "demo-1.0.data/scripts/demo-bin", data: "\x7fELF\x00", fat: true},
	}}
	m := mustInstall(t, w, "", l, InstallOptions{})

	for p, want := range map[string]struct {
		data string
		mode fs.FileMode
	}{
		plat + "/demo/_ext.so":                          {"bin", 0o755},
		plat + "/demo/win.py":                           {"w", 0o644},
		site + "/demo_pure/__init__.py":                 {"pure\n", 0o644},
		plat + "/demo_plat.so":                          {"plat", 0o644},
		"/opt/venv/include/site/python3.12/demo/demo.h": {"#define DEMO 1\n", 0o644},
		"/opt/venv/share/demo/readme.txt":               {"data\n", 0o644},
		"/opt/venv/bin/demo-run":                        {"#!/opt/venv/bin/python\nimport demo\n", 0o755},
		"/opt/venv/bin/demo-gui":                        {"#!/opt/venv/bin/python\nimport demo\n", 0o755},
		"/opt/venv/bin/demo-sh":                         {"#!/bin/sh\necho hi\n", 0o755},
		"/opt/venv/bin/demo-bin":                        {"\x7fELF\x00", 0o755},
		plat + "/demo-1.0.dist-info/METADATA":           {"", 0o644},
		"/opt/venv/lib64/python3.12/site-packages/demo-1.0.dist-info/RECORD": {"", 0o644},
	} {
		e, ok := m[p]
		if !ok {
			t.Errorf("%s not installed; have:\n%s", p, strings.Join(paths(m), "\n"))
			continue
		}
		if want.data != "" && string(e.Data) != want.data {
			t.Errorf("%s = %q, want %q", p, e.Data, want.data)
		}
		if e.Mode != want.mode {
			t.Errorf("%s: mode %v, want %v", p, e.Mode, want.mode)
		}
	}
	for p := range m {
		if strings.Contains(p, ".data") {
			t.Errorf("the .data directory itself must not be installed: %s", p)
		}
	}
	rec := string(m[plat+"/demo-1.0.dist-info/RECORD"].Data)
	for _, line := range []string{
		"../../../bin/demo-run," + recordHash("#!/opt/venv/bin/python\nimport demo\n") + ",35",
		"../../../include/site/python3.12/demo/demo.h," + recordHash("#define DEMO 1\n") + ",15",
		"../../../share/demo/readme.txt," + recordHash("data\n") + ",5",
		"../../../lib/python3.12/site-packages/demo_pure/__init__.py," + recordHash("pure\n") + ",5",
		"demo_plat.so," + recordHash("plat") + ",4",
		"demo/_ext.so," + recordHash("bin") + ",3",
	} {
		if !strings.Contains(rec, line+"\n") {
			t.Errorf("RECORD lacks %q:\n%s", line, rec)
		}
	}
}

func TestInstallEntryPointScripts(t *testing.T) {
	w := testWheel{
		entryPoints: strings.Join([]string{
			"# comment",
			"[console_scripts]",
			"demo = demo.cli:main",
			"demo-extra = demo.cli:Main.run [fast, color]",
			"",
			"[gui_scripts]",
			"demo-gui=demo.gui:start",
			"",
			"[demo.plugins]",
			"anything goes here = not validated",
			"",
		}, "\n"),
		files: []zf{
			{name: "demo/cli.py", data: "def main(): pass\n"},
			{name: "demo-1.0.data/scripts/demo", data: "#!python\nold script\n"}, // replaced by the entry point
			{name: "demo-1.0.data/scripts/demo-gui.exe", data: "MZ"},             // Windows launcher, replaced too
			{name: "demo-1.0.data/scripts/demo-other", data: "#!python\nkept\n"}, // no entry point: kept
		},
	}
	m := mustInstall(t, w, "", venv, InstallOptions{})
	wantMain := `#!/opt/venv/bin/python
# -*- coding: utf-8 -*-
import re
import sys
from demo.cli import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\.pyw|\.exe)?$', '', sys.argv[0])
    sys.exit(main())
`
	if got := string(m["/opt/venv/bin/demo"].Data); got != wantMain {
		t.Errorf("console launcher:\n%s\nwant:\n%s", got, wantMain)
	}
	if got := string(m["/opt/venv/bin/demo-extra"].Data); !strings.Contains(got, "from demo.cli import Main\n") || !strings.Contains(got, "sys.exit(Main.run())") {
		t.Errorf("dotted attribute launcher:\n%s", got)
	}
	if got := string(m["/opt/venv/bin/demo-gui"].Data); !strings.Contains(got, "from demo.gui import start\n") {
		t.Errorf("gui launcher:\n%s", got)
	}
	for _, p := range []string{"/opt/venv/bin/demo", "/opt/venv/bin/demo-extra", "/opt/venv/bin/demo-gui", "/opt/venv/bin/demo-other"} {
		if m[p].Mode != 0o755 {
			t.Errorf("%s: mode %v, want 0755", p, m[p].Mode)
		}
	}
	if _, ok := m["/opt/venv/bin/demo-gui.exe"]; ok {
		t.Error("the .data script shadowed by an entry point must be skipped")
	}
	rec := string(m[site+"/demo-1.0.dist-info/RECORD"].Data)
	if !strings.Contains(rec, "../../../bin/demo,"+recordHash(wantMain)+fmt.Sprintf(",%d\n", len(wantMain))) {
		t.Errorf("RECORD lacks the generated launcher:\n%s", rec)
	}
}

func TestInstallLongInterpreterUsesTrampoline(t *testing.T) {
	l := VenvLayout("/opt/my venv", "3.12")
	w := testWheel{
		entryPoints: "[console_scripts]\ndemo = demo:main\n",
		files: []zf{
			{name: "demo/__init__.py"},
			{name: "demo-1.0.data/scripts/tool", data: "#!python\nprint(1)\n"},
		},
	}
	m := mustInstall(t, w, "", l, InstallOptions{})
	head := "#!/bin/sh\n'''exec' '/opt/my venv/bin/python' \"$0\" \"$@\"\n' '''\n"
	for _, p := range []string{"/opt/my venv/bin/demo", "/opt/my venv/bin/tool"} {
		if !strings.HasPrefix(string(m[p].Data), head) {
			t.Errorf("%s starts %q, want the /bin/sh trampoline %q", p, m[p].Data, head)
		}
	}
	long := "/" + strings.Repeat("x", 130) + "/python"
	if got := string(shebang(long)); !strings.HasPrefix(got, "#!/bin/sh\n'''exec' "+long+" ") {
		t.Errorf("a shebang over 127 bytes should use the trampoline, got %q", got)
	}
	if got := string(shebang("/usr/bin/python3")); got != "#!/usr/bin/python3\n" {
		t.Errorf("short shebang = %q", got)
	}
}

func TestInstallAcceptsNormalizedNames(t *testing.T) {
	w := testWheel{name: "Demo_Pkg", version: "1.0.0", files: []zf{{name: "demo_pkg/__init__.py"}},
		metadata: "Metadata-Version: 2.1\nName: demo.pkg\nVersion: 1.0\n"}
	m := mustInstall(t, w, "demo_pkg-1.0-py3-none-any.whl", venv, InstallOptions{})
	if _, ok := m[site+"/Demo_Pkg-1.0.0.dist-info/METADATA"]; !ok {
		t.Errorf("dist-info not installed under its own name: %v", paths(m))
	}
	w = testWheel{files: []zf{{name: "demo-1.0.data/headers/x.h"}}, metadata: "Metadata-Version: 2.1\nName: Demo\nVersion: 1.0\n"}
	m = mustInstall(t, w, "", venv, InstallOptions{})
	if _, ok := m["/opt/venv/include/site/python3.12/Demo/x.h"]; !ok {
		t.Errorf("headers go under the METADATA name: %v", paths(m))
	}
}

func TestInstallWheelVersion(t *testing.T) {
	if _, err := installWheel(t, testWheel{wheelVersion: "1.9", files: []zf{{name: "demo/__init__.py"}}}, "", venv, InstallOptions{}); err != nil {
		t.Errorf("a newer minor Wheel-Version must install: %v", err)
	}
	for _, v := range []string{"2.0", "0.9", "x"} {
		_, err := installWheel(t, testWheel{wheelVersion: v, files: []zf{{name: "demo/__init__.py"}}}, "", venv, InstallOptions{})
		if !errors.Is(err, ErrInvalidWheel) || !strings.Contains(err.Error(), "Wheel-Version") {
			t.Errorf("Wheel-Version %s: err = %v", v, err)
		}
	}
}

func TestInstallRejects(t *testing.T) {
	ok := []zf{{name: "demo/__init__.py", data: "x"}}
	for _, tc := range []struct {
		name     string
		w        testWheel
		raw      []zf   // when set, the archive is exactly these members (no generated metadata)
		garbage  bool   // the input is not a zip at all
		filename string // default demo-1.0-py3-none-any.whl
		want     error
		msg      string
	}{
		// zip-slip and friends
		{name: "dotdot", w: testWheel{files: []zf{{name: "../evil.py"}}}, want: ErrUnsafePath, msg: `".." path component`},
		{name: "nested dotdot", w: testWheel{files: []zf{{name: "demo/../../evil.py"}}}, want: ErrUnsafePath},
		{name: "data dotdot", w: testWheel{files: []zf{{name: "demo-1.0.data/data/../../../../etc/passwd"}}}, want: ErrUnsafePath},
		{name: "absolute", w: testWheel{files: []zf{{name: "/etc/passwd"}}}, want: ErrUnsafePath, msg: "absolute"},
		{name: "drive letter", w: testWheel{files: []zf{{name: "C:/Windows/evil"}}}, want: ErrUnsafePath, msg: "drive"},
		{name: "backslash", w: testWheel{files: []zf{{name: `demo\..\..\evil`}}}, want: ErrUnsafePath, msg: "backslash"},
		{name: "dot component", w: testWheel{files: []zf{{name: "./demo/x.py"}}}, want: ErrUnsafePath},
		{name: "empty component", w: testWheel{files: []zf{{name: "demo//x.py"}}}, want: ErrUnsafePath},
		{name: "NUL", w: testWheel{files: []zf{{name: "demo/x.py\x00.txt"}}}, want: ErrUnsafePath},
		{name: "newline", w: testWheel{files: []zf{{name: "demo/x\n.py"}}}, want: ErrUnsafePath},
		{name: "not UTF-8", w: testWheel{files: []zf{{name: "demo/\xff.py"}}}, want: ErrUnsafePath},
		{name: "symlink", w: testWheel{files: []zf{{name: "demo/link", data: "/etc", mode: fs.ModeSymlink | 0o777}}}, want: ErrUnsafePath, msg: "symlink"},
		{name: "symlink then file through it", w: testWheel{files: []zf{
			{name: "demo/link", data: "../../../../../etc", mode: fs.ModeSymlink | 0o777}, {name: "demo/link/passwd", data: "x"}}}, want: ErrUnsafePath},
		{name: "fifo", w: testWheel{files: []zf{{name: "demo/fifo", mode: fs.ModeNamedPipe | 0o644}}}, want: ErrUnsafePath},
		{name: "duplicate member", w: testWheel{files: []zf{{name: "demo/x.py", data: "a"}, {name: "demo/x.py", data: "b"}}}, want: ErrUnsafePath, msg: "more than once"},
		{name: "script in subdirectory", w: testWheel{files: []zf{{name: "demo-1.0.data/scripts/sub/x"}}}, want: ErrInvalidWheel, msg: "only files"},
		{name: "script named python", w: testWheel{files: []zf{{name: "demo-1.0.data/scripts/python3.12"}}}, want: ErrUnsafePath, msg: "interpreter"},
		{name: "entry point named python", w: testWheel{entryPoints: "[console_scripts]\npython = demo:main\n", files: ok}, want: ErrUnsafePath},
		{name: "entry point with slash", w: testWheel{entryPoints: "[console_scripts]\n../evil = demo:main\n", files: ok}, want: ErrUnsafePath},
		{name: "entry point code injection", w: testWheel{entryPoints: "[console_scripts]\nx = os; os.system('id'):main\n", files: ok}, want: ErrInvalidWheel, msg: "entry_points.txt:2"},
		{name: "entry point without function", w: testWheel{entryPoints: "[gui_scripts]\nx = demo\n", files: ok}, want: ErrInvalidWheel},
		{name: "entry point defined twice", w: testWheel{entryPoints: "[console_scripts]\nx = demo:a\n[gui_scripts]\nx = demo:b\n", files: ok}, want: ErrInvalidWheel, msg: "already defined"},
		{name: "unknown data key", w: testWheel{files: []zf{{name: "demo-1.0.data/etc/x.conf"}}}, want: ErrInvalidWheel, msg: "not inside"},
		{name: "file directly in data dir", w: testWheel{files: []zf{{name: "demo-1.0.data/scripts"}}}, want: ErrInvalidWheel},
		{name: "two files at one path", w: testWheel{files: []zf{{name: "demo/x.py"}, {name: "demo-1.0.data/purelib/demo/x.py"}}}, want: ErrInvalidWheel, msg: "both install"},
		{name: "file where a directory is needed", w: testWheel{files: []zf{{name: "demo-1.0.data/data/lib", data: "x"}}}, want: ErrInvalidWheel, msg: "as a directory"},

		// RECORD
		{name: "hash mismatch", w: testWheel{files: ok, editRecord: func(r string) string {
			return strings.Replace(r, recordHash("x"), recordHash("y"), 1)
		}}, want: ErrHashMismatch, msg: "demo/__init__.py"},
		{name: "size mismatch", w: testWheel{files: ok, editRecord: func(r string) string {
			return strings.Replace(r, recordHash("x")+",1", recordHash("x")+",2", 1)
		}}, want: ErrHashMismatch, msg: "2 bytes"},
		{name: "member missing from RECORD", w: testWheel{files: []zf{{name: "demo/__init__.py"}, {name: "demo/evil.py", noRecord: true}}}, want: ErrInvalidWheel, msg: "not listed"},
		{name: "md5 in RECORD", w: testWheel{files: ok, editRecord: func(r string) string {
			return strings.Replace(r, recordHash("x"), "md5=nWtgl0nXaj9T7Rj6d4I2aw", 1)
		}}, want: ErrInvalidWheel, msg: "sha256 or stronger"},
		{name: "no hash in RECORD", w: testWheel{files: ok, editRecord: func(r string) string {
			return strings.Replace(r, recordHash("x")+",1", ",", 1)
		}}, want: ErrInvalidWheel, msg: "has no hash"},
		{name: "malformed RECORD", w: testWheel{files: ok, editRecord: func(r string) string { return r + "just-a-path\n" }}, want: ErrInvalidWheel, msg: "3 fields"},
		{name: "missing WHEEL", w: testWheel{files: ok, omit: "WHEEL"}, want: ErrInvalidWheel, msg: "WHEEL is missing"},
		{name: "missing METADATA", w: testWheel{files: ok, omit: "METADATA"}, want: ErrInvalidWheel, msg: "METADATA is missing"},
		{name: "missing RECORD", w: testWheel{files: ok, omit: "RECORD"}, want: ErrInvalidWheel, msg: "RECORD is missing"},

		// names and versions
		{name: "dist-info name mismatch", w: testWheel{name: "other", files: ok}, want: ErrInvalidWheel, msg: "other-1.0.dist-info/ does not match"},
		{name: "dist-info version mismatch", w: testWheel{version: "2.0", files: ok}, want: ErrInvalidWheel, msg: "does not match"},
		{name: "METADATA name mismatch", w: testWheel{files: ok, metadata: "Name: other\nVersion: 1.0\n"}, want: ErrInvalidWheel, msg: "METADATA says other 1.0"},
		{name: "METADATA version mismatch", w: testWheel{files: ok, metadata: "Name: demo\nVersion: 1.0.post1\n"}, want: ErrInvalidWheel, msg: "METADATA says"},
		{name: "METADATA without name", w: testWheel{files: ok, metadata: "Version: 1.0\n"}, want: ErrInvalidWheel, msg: "lacks Name"},
		{name: "two dist-info dirs", w: testWheel{files: []zf{{name: "demo/__init__.py"}, {name: "demo-2.0.dist-info/METADATA"}}}, want: ErrInvalidWheel, msg: "more than one .dist-info"},
		{name: "no dist-info", raw: []zf{{name: "demo/__init__.py"}}, want: ErrInvalidWheel, msg: "no .dist-info"},
		{name: "bad file name", w: testWheel{files: ok}, filename: "demo-1.0.zip", want: ErrInvalidWheel, msg: ".whl"},
		{name: "not a zip", garbage: true, want: ErrInvalidWheel, msg: "zip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var data []byte
			switch {
			case tc.raw != nil:
				data = zipOf(t, tc.raw)
			case tc.garbage:
				data = []byte("PK\x03\x04 not really a zip")
			default:
				data = tc.w.build(t)
			}
			filename := tc.filename
			if filename == "" {
				filename = "demo-1.0-py3-none-any.whl"
			}
			entries, err := Install(bytes.NewReader(data), int64(len(data)), filename, venv, InstallOptions{})
			if err == nil {
				t.Fatalf("installed %d entries, want an error", len(entries))
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "install "+filename+": ") {
				t.Errorf("error %q does not name the wheel", err)
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
}

func TestLayoutValidate(t *testing.T) {
	if err := venv.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*Layout){
		"relative prefix":        func(l *Layout) { l.Prefix = "opt/venv" },
		"unclean purelib":        func(l *Layout) { l.Purelib = "/opt/venv/lib/../lib/python3.12/site-packages" },
		"scripts outside prefix": func(l *Layout) { l.Scripts = "/usr/local/bin" },
		"data outside prefix":    func(l *Layout) { l.Data = "/" },
		"prefix sibling":         func(l *Layout) { l.Headers = "/opt/venv2/include" },
		"no interpreter":         func(l *Layout) { l.Interpreter = "" },
		"newline in interpreter": func(l *Layout) { l.Interpreter = "/opt/venv/bin/python\nimport os" },
	} {
		l := venv
		edit(&l)
		if err := l.Validate(); err == nil {
			t.Errorf("%s: Validate() = nil", name)
		}
		data := testWheel{files: []zf{{name: "demo/__init__.py"}}}.build(t)
		if _, err := Install(bytes.NewReader(data), int64(len(data)), "demo-1.0-py3-none-any.whl", l, InstallOptions{}); err == nil {
			t.Errorf("%s: Install accepted the layout", name)
		}
	}
}

func TestInstallIsDeterministic(t *testing.T) {
	w := testWheel{entryPoints: "[console_scripts]\nb = demo:b\na = demo:a\n", files: []zf{
		{name: "demo/z.py", data: "z"}, {name: "demo/a.py", data: "a"}, {name: "demo-1.0.data/data/share/x", data: "x"},
	}}
	first, err := installWheel(t, w, "", venv, InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The same files in the opposite archive order give the same entries.
	slices.Reverse(w.files)
	second, err := installWheel(t, w, "", venv, InstallOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != len(second) {
		t.Fatalf("%d vs %d entries", len(first), len(second))
	}
	for i := range first {
		a, b := first[i], second[i]
		if a.Path != b.Path || a.Mode != b.Mode || !bytes.Equal(a.Data, b.Data) {
			t.Errorf("entry %d differs: %s vs %s", i, a.Path, b.Path)
		}
	}
}

func TestVerifyHash(t *testing.T) {
	data := []byte("hello\n")
	const sum = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
	for _, want := range []string{"sha256:" + sum, "sha256=" + sum, "SHA256:" + strings.ToUpper(sum),
		"sha512:e7c22b994c59d9cf2b48e549b1e24666636045930d3da7c1acb299d1c3b7f931f94aae41edda2c2b207a36e10f8bcb8d45223e54878f5b316e7ce3b6bc019629"} {
		if err := VerifyHash(data, want); err != nil {
			t.Errorf("VerifyHash(%q) = %v", want, err)
		}
	}
	err := VerifyHash([]byte("tampered\n"), "sha256:"+sum)
	if !errors.Is(err, ErrHashMismatch) || !strings.Contains(err.Error(), sum) {
		t.Errorf("mismatch error = %v", err)
	}
	for _, bad := range []string{"", sum, "md5:b1946ac92492d2347c6235b4d2611184", "sha256:xyz", "sha256:" + sum[:10]} {
		if err := VerifyHash(data, bad); err == nil || errors.Is(err, ErrHashMismatch) {
			t.Errorf("VerifyHash(%q) = %v, want a format error", bad, err)
		}
	}
}

func TestRelPath(t *testing.T) {
	for _, tc := range []struct{ base, target, want string }{
		{site, site + "/a/b.py", "a/b.py"},
		{site, "/opt/venv/bin/x", "../../../bin/x"},
		{site, "/opt/venv/lib64/python3.12/site-packages/x", "../../../lib64/python3.12/site-packages/x"},
		{"/", "/a/b", "a/b"},
		{"/a/b", "/c", "../../c"},
	} {
		if got := relPath(tc.base, tc.target); got != tc.want {
			t.Errorf("relPath(%s, %s) = %s, want %s", tc.base, tc.target, got, tc.want)
		}
	}
}

func TestInstallRejectsZipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// A member that claims to unpack to 1 TiB: refused from the directory alone, before any inflating.
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "demo/big", Method: zip.Deflate, CompressedSize64: 2, UncompressedSize64: 1 << 40})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{0x03, 0x00})
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Install(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "demo-1.0-py3-none-any.whl", venv, InstallOptions{})
	if !errors.Is(err, ErrInvalidWheel) || !strings.Contains(err.Error(), "unpacks to more than") {
		t.Errorf("err = %v", err)
	}
}

// A wheel installed for a requirement must be that project's (PEP 503 names compared), as
// pip checks: a file named for another project is refused before it is read.
func TestInstallRefusesAnotherProjectsWheel(t *testing.T) {
	w := testWheel{name: "evil", version: "1.0", files: []zf{{name: "evil/__init__.py"}},
		metadata: "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n"}
	if _, err := installWheel(t, w, "evil-1.0-py3-none-any.whl", venv, InstallOptions{Project: "Evil"}); err != nil {
		t.Errorf("evil's wheel for evil: %v", err)
	}
	_, err := installWheel(t, w, "evil-1.0-py3-none-any.whl", venv, InstallOptions{Project: "django"})
	if !errors.Is(err, ErrInvalidWheel) || !strings.Contains(err.Error(), "for project evil, not django") {
		t.Errorf("evil's wheel for django: err = %v", err)
	}
	// METADATA is held to the file name: a file named for the project with another's METADATA.
	w.metadata = "Metadata-Version: 2.1\nName: other\nVersion: 1.0\n"
	if _, err := installWheel(t, w, "evil-1.0-py3-none-any.whl", venv, InstallOptions{Project: "evil"}); !errors.Is(err, ErrInvalidWheel) {
		t.Errorf("METADATA naming another project: err = %v", err)
	}
}

// A RECORD that is not CSV is an error, not a panic (csv.Reader.FieldPos panics after a failed Read).
func TestParseRecordMalformedCSV(t *testing.T) {
	if _, err := parseRecord([]byte("\x00\xff\"unterminated,\n,,,\n")); err == nil || !strings.Contains(err.Error(), "RECORD") {
		t.Errorf("err = %v", err)
	}
}
