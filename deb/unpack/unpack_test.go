package unpack

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/containerize/containerize/image/layer"
)

type member struct {
	hdr  tar.Header
	data []byte
	zero int64 // when set, data is this many zero bytes, generated while writing
}

func reg(name string, mode int64, data string) member {
	return member{hdr: tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode}, data: []byte(data)}
}

func dir(name string) member {
	return member{hdr: tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755}}
}

// tarball writes members as a tar compressed by comp ("gz", "xz", "zst") to w.
func tarball(t *testing.T, w io.Writer, comp string, members []member) {
	t.Helper()
	var cw io.WriteCloser
	var err error
	switch comp {
	case "gz":
		cw = gzip.NewWriter(w)
	case "xz":
		cw, err = xz.NewWriter(w)
	case "zst":
		cw, err = zstd.NewWriter(w)
	default:
		t.Fatalf("compression %q", comp)
	}
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(cw)
	for _, m := range members {
		h := m.hdr
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(m.data)) + m.zero
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(m.data); err != nil {
				t.Fatal(err)
			}
			if _, err := io.CopyN(tw, zeros{}, m.zero); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// writeDeb builds a .deb in dir and returns its path. The data member is written to a temp file first so
// that a large member is never in memory in the test either.
func writeDeb(t *testing.T, dir, name, controlComp, dataComp string, control []member, data []member) string {
	t.Helper()
	var ctl bytes.Buffer
	tarball(t, &ctl, controlComp, control)
	dataFile, err := os.CreateTemp(dir, "data")
	if err != nil {
		t.Fatal(err)
	}
	defer dataFile.Close()
	tarball(t, dataFile, dataComp, data)
	dataSize, _ := dataFile.Seek(0, io.SeekCurrent)
	dataFile.Seek(0, io.SeekStart)

	p := filepath.Join(dir, name)
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	io.WriteString(out, "!<arch>\n")
	arMember := func(name string, size int64, r io.Reader) {
		fmt.Fprintf(out, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", name, 0, 0, 0, "100644", size)
		if _, err := io.Copy(out, r); err != nil {
			t.Fatal(err)
		}
		if size%2 == 1 {
			out.Write([]byte{'\n'})
		}
	}
	arMember("debian-binary", 4, strings.NewReader("2.0\n"))
	arMember("control.tar."+controlComp, int64(ctl.Len()), &ctl)
	arMember("data.tar."+dataComp, dataSize, dataFile)
	return p
}

const controlText = `Package: libdemo1
Version: 1.2-3
Architecture: amd64
Multi-Arch: same
Maintainer: Someone <someone@example.org>
Installed-Size: 10
Depends: libc6 (>= 2.34)
Description: demo library
 A library made in a test.
`

func controlMembers(md5sums string) []member {
	m := []member{
		dir("./"),
		reg("./control", 0o644, controlText),
		reg("./postinst", 0o755, "#!/bin/sh\nldconfig\n"),
		reg("./triggers", 0o644, "activate-noawait ldconfig\n"),
	}
	if md5sums != "" {
		m = append(m, reg("./md5sums", 0o644, md5sums))
	}
	return m
}

func dataMembers() []member {
	return []member{
		dir("./"),
		dir("./usr/"),
		dir("./usr/lib/"),
		dir("./usr/lib/x86_64-linux-gnu/"),
		reg("./usr/lib/x86_64-linux-gnu/libdemo.so.1.0", 0o644, "ELF library"),
		{hdr: tar.Header{Name: "./usr/lib/x86_64-linux-gnu/libdemo.so.1", Typeflag: tar.TypeSymlink, Linkname: "libdemo.so.1.0"}},
		{hdr: tar.Header{Name: "./usr/lib/x86_64-linux-gnu/libdemo-hard.so.1.0", Typeflag: tar.TypeLink, Linkname: "./usr/lib/x86_64-linux-gnu/libdemo.so.1.0"}},
		dir("./usr/bin/"),
		reg("./usr/bin/demo", 0o755, "#!/bin/sh\necho demo\n"),
		{hdr: tar.Header{Name: "./usr/bin/abs", Typeflag: tar.TypeSymlink, Linkname: "/usr/bin/demo"}},
		dir("./usr/lib/demo/"),
		reg("./usr/lib/demo/libplugin.so", 0o644, "plugin"),
		dir("./etc/ld.so.conf.d/"),
		reg("./etc/ld.so.conf.d/demo.conf", 0o644, "/usr/lib/demo\n"),
		{hdr: tar.Header{Name: "./dev/null", Typeflag: tar.TypeChar, Mode: 0o666, Devmajor: 1, Devminor: 3}},
	}
}

func readEntry(t *testing.T, e layer.Entry) string {
	t.Helper()
	if e.Open == nil {
		return string(e.Data)
	}
	rc, err := e.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != e.Size {
		t.Fatalf("%s: Size %d, content %d bytes", e.Path, e.Size, len(b))
	}
	return string(b)
}

func TestDebCompressions(t *testing.T) {
	for _, c := range []struct{ control, data string }{{"xz", "xz"}, {"gz", "zst"}, {"xz", "gz"}, {"zst", "zst"}} {
		t.Run(c.control+"-"+c.data, func(t *testing.T) {
			tmp := t.TempDir()
			p := writeDeb(t, tmp, "libdemo1.deb", c.control, c.data, controlMembers("abc  usr/lib/x86_64-linux-gnu/libdemo.so.1.0\n"), dataMembers())
			u, err := Deb(p, filepath.Join(tmp, "stage"))
			if err != nil {
				t.Fatal(err)
			}
			checkUnpacked(t, u)
		})
	}
}

func checkUnpacked(t *testing.T, u Unpacked) {
	t.Helper()
	if u.Package != "libdemo1" || u.Version != "1.2-3" || u.Architecture != "amd64" || u.MultiArch != "same" {
		t.Errorf("package %s %s %s %s", u.Package, u.Version, u.Architecture, u.MultiArch)
	}
	if got, want := strings.Join(u.ControlMembers, ","), "postinst,triggers"; got != want {
		t.Errorf("ControlMembers %s, want %s", got, want)
	}
	byPath := map[string]layer.Entry{}
	for _, e := range u.Entries {
		byPath[e.Path] = e
	}
	lib := byPath["/usr/lib/x86_64-linux-gnu/libdemo.so.1.0"]
	if !lib.Mode.IsRegular() || readEntry(t, lib) != "ELF library" {
		t.Errorf("library entry %+v", lib)
	}
	hard := byPath["/usr/lib/x86_64-linux-gnu/libdemo-hard.so.1.0"]
	if !hard.Mode.IsRegular() || readEntry(t, hard) != "ELF library" {
		t.Errorf("hard link entry %+v", hard)
	}
	if l := byPath["/usr/lib/x86_64-linux-gnu/libdemo.so.1"]; l.Mode&fs.ModeSymlink == 0 || l.Link != "libdemo.so.1.0" {
		t.Errorf("symlink entry %+v", l)
	}
	if l := byPath["/usr/bin/abs"]; l.Link != "/usr/bin/demo" {
		t.Errorf("absolute symlink entry %+v", l)
	}
	if d := byPath["/usr/lib"]; !d.Mode.IsDir() {
		t.Errorf("directory entry %+v", d)
	}
	if e := byPath["/usr/bin/demo"]; e.Mode&0o111 == 0 {
		t.Errorf("executable mode %v", e.Mode)
	}
	if _, ok := byPath["/dev/null"]; ok {
		t.Error("device file was laid down")
	}
	if _, ok := byPath["/"]; ok {
		t.Error("root directory is an entry")
	}
	notes := strings.Join(u.Notes, "\n")
	for _, want := range []string{"/dev/null: device", "libdemo-hard.so.1.0: hard link"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if strings.Join(u.LibraryDirs, ",") != "/usr/lib/demo" || strings.Join(u.LdSoConf, ",") != "/etc/ld.so.conf.d/demo.conf" {
		t.Errorf("LibraryDirs %v LdSoConf %v", u.LibraryDirs, u.LdSoConf)
	}
	// The entries must make a layer.
	if _, err := layer.Write(io.Discard, append(u.Entries, Register([]Unpacked{u}, true)...), layer.Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestRegister(t *testing.T) {
	tmp := t.TempDir()
	p := writeDeb(t, tmp, "libdemo1.deb", "xz", "xz", controlMembers(""), dataMembers()[:6])
	u, err := Deb(p, filepath.Join(tmp, "stage"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range Register([]Unpacked{u}, true) {
		if e.Mode != 0o644 || e.UID != 0 {
			t.Errorf("%s mode %v uid %d", e.Path, e.Mode, e.UID)
		}
		files[e.Path] = string(e.Data)
	}
	status := files["/var/lib/dpkg/status.d/libdemo1"]
	if !strings.HasPrefix(status, "Package: libdemo1\nStatus: install ok installed\nVersion: 1.2-3\n") || !strings.HasSuffix(status, " A library made in a test.\n") {
		t.Errorf("status.d stanza:\n%s", status)
	}
	wantList := "/.\n/usr\n/usr/lib\n/usr/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu/libdemo.so.1.0\n/usr/lib/x86_64-linux-gnu/libdemo.so.1\n"
	if got := files["/var/lib/dpkg/info/libdemo1:amd64.list"]; got != wantList {
		t.Errorf(".list:\n%s\nwant:\n%s", got, wantList)
	}
	// No md5sums in control.tar: computed from the contents (md5 of "ELF library").
	sums := files["/var/lib/dpkg/info/libdemo1:amd64.md5sums"]
	if !strings.HasSuffix(sums, "  usr/lib/x86_64-linux-gnu/libdemo.so.1.0\n") || len(sums) != 32+2+len("usr/lib/x86_64-linux-gnu/libdemo.so.1.0\n") {
		t.Errorf("info md5sums: %q", sums)
	}
	if files["/var/lib/dpkg/status.d/libdemo1.md5sums"] != sums {
		t.Errorf("status.d md5sums %q differs from info's", files["/var/lib/dpkg/status.d/libdemo1.md5sums"])
	}

	// Shipped md5sums are used as they are.
	p = writeDeb(t, tmp, "libdemo1b.deb", "gz", "gz", controlMembers("abc  usr/x\n"), dataMembers()[:6])
	u, err = Deb(p, filepath.Join(tmp, "stage"))
	if err != nil {
		t.Fatal(err)
	}
	if string(u.MD5Sums) != "abc  usr/x\n" {
		t.Errorf("MD5Sums %q", u.MD5Sums)
	}
}

func TestDebRefusesTraversal(t *testing.T) {
	for _, name := range []string{"../etc/passwd", "./usr/../../etc/passwd"} {
		tmp := t.TempDir()
		p := writeDeb(t, tmp, "evil.deb", "xz", "gz", controlMembers(""), []member{dir("./"), reg(name, 0o644, "x")})
		_, err := Deb(p, filepath.Join(tmp, "stage"))
		if err == nil || !strings.Contains(err.Error(), "climbs out of the root") || !strings.Contains(err.Error(), "libdemo1") {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

func TestDebNotADeb(t *testing.T) {
	tmp := t.TempDir()
	p := filepath.Join(tmp, "x.deb")
	os.WriteFile(p, []byte("<html>not found</html>"), 0o644)
	if _, err := Deb(p, tmp); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("error %v", err)
	}
}

// TestDebStreamsLargeFile unpacks a large member and reads it back through Open, at two sizes: what is
// allocated must not grow with the file's size (the xz and zstd decoders' windows are a fixed cost).
func TestDebStreamsLargeFile(t *testing.T) {
	small, large := unpackZeros(t, 8<<20), unpackZeros(t, 72<<20)
	t.Logf("allocated %d bytes for 8 MB, %d bytes for 72 MB", small, large)
	if large > small+(4<<20) {
		t.Errorf("allocations grew with the file: %d bytes for 8 MB, %d bytes for 72 MB", small, large)
	}
}

// unpackZeros unpacks a .deb holding size zero bytes in one file, reads the file through its entry and
// returns the bytes allocated meanwhile.
func unpackZeros(t *testing.T, size int64) uint64 {
	tmp := t.TempDir()
	big := member{hdr: tar.Header{Name: "./usr/share/big", Typeflag: tar.TypeReg, Mode: 0o644}, zero: size}
	p := writeDeb(t, tmp, "big.deb", "xz", "zst", controlMembers(""), []member{dir("./"), big})

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	u, err := Deb(p, filepath.Join(tmp, "stage"))
	if err != nil {
		t.Fatal(err)
	}
	var e layer.Entry
	for _, x := range u.Entries {
		if x.Path == "/usr/share/big" {
			e = x
		}
	}
	if e.Size != size || e.Data != nil {
		t.Fatalf("entry %s size %d, %d bytes in memory", e.Path, e.Size, len(e.Data))
	}
	rc, err := e.Open()
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	rc.Close()
	if err != nil || n != size {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestMemberPath(t *testing.T) {
	for in, want := range map[string]string{"./usr/lib/x": "/usr/lib/x", "usr/lib/": "/usr/lib", "./": "/", "/etc/x": "/etc/x"} {
		if got, err := memberPath(in); err != nil || got != want {
			t.Errorf("memberPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestDefaultLibDir(t *testing.T) {
	for dir, want := range map[string]bool{
		"/lib": true, "/usr/lib": true, "/usr/lib/x86_64-linux-gnu": true, "/lib/aarch64-linux-gnu": true,
		"/usr/lib/x86_64-linux-gnu/gdal": false, "/usr/lib/postgresql": false, "/opt/lib": false,
	} {
		if got := DefaultLibDir(dir); got != want {
			t.Errorf("DefaultLibDir(%s) = %v", dir, got)
		}
	}
}

func TestRegisterNames(t *testing.T) {
	u := Unpacked{Package: "tzdata", Architecture: "all", MultiArch: "foreign", Control: []byte("Package: tzdata\nVersion: 1\n"), Files: []string{"/usr"}}
	var paths []string
	for _, e := range Register([]Unpacked{u}, true) {
		paths = append(paths, e.Path)
	}
	if got, want := strings.Join(paths, " "), "/var/lib/dpkg/status.d/tzdata /var/lib/dpkg/info/tzdata.list"; got != want {
		t.Errorf("paths %s, want %s", got, want)
	}
}

func TestDebHardLinkWithoutTarget(t *testing.T) {
	tmp := t.TempDir()
	link := member{hdr: tar.Header{Name: "./usr/bin/b", Typeflag: tar.TypeLink, Linkname: "./usr/bin/a"}}
	p := writeDeb(t, tmp, "x.deb", "gz", "gz", controlMembers(""), []member{dir("./"), dir("./usr/"), dir("./usr/bin/"), link})
	if _, err := Deb(p, tmp); err == nil || !strings.Contains(err.Error(), "/usr/bin/b") {
		t.Errorf("error %v", err)
	}
}

// TestMergeStatus: dpkg reads only /var/lib/dpkg/status, so the added packages' stanzas are
// appended to the base's, which stays byte for byte; one the base has is refused.
func TestMergeStatus(t *testing.T) {
	base := "Package: base-files\nStatus: install ok installed\nArchitecture: amd64\nVersion: 12.4\n\nPackage: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n"
	libpq := Unpacked{Package: "libpq5", Architecture: "amd64", Control: []byte("Package: libpq5\nVersion: 15.8-0+deb12u1\nArchitecture: amd64\n")}
	got, err := MergeStatus([]byte(base), []Unpacked{libpq})
	if err != nil {
		t.Fatal(err)
	}
	want := base + "\nPackage: libpq5\nStatus: install ok installed\nVersion: 15.8-0+deb12u1\nArchitecture: amd64\n"
	if string(got) != want {
		t.Errorf("merged status:\n%s\nwant:\n%s", got, want)
	}
	libc := Unpacked{Package: "libc6", Architecture: "amd64", Control: []byte("Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\n")}
	if _, err := MergeStatus([]byte(base), []Unpacked{libc}); err == nil || !strings.Contains(err.Error(), "libc6 (amd64) is already in the base image's /var/lib/dpkg/status") {
		t.Errorf("a package the base has: err = %v", err)
	}
	if got, err := MergeStatus(nil, []Unpacked{libpq}); err != nil || string(got) != "Package: libpq5\nStatus: install ok installed\nVersion: 15.8-0+deb12u1\nArchitecture: amd64\n" {
		t.Errorf("no base status: %q, %v", got, err)
	}
}

func TestAlternatives(t *testing.T) {
	blas := Unpacked{Package: "libblas3", Scripts: map[string]string{"postinst": `#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
	update-alternatives --install /usr/lib/x86_64-linux-gnu/libblas.so.3 \
		libblas.so.3-x86_64-linux-gnu \
		/usr/lib/x86_64-linux-gnu/blas/libblas.so.3 10
fi
`}}
	openblas := Unpacked{Package: "libopenblas0", Scripts: map[string]string{"postinst": "update-alternatives --install /usr/lib/x86_64-linux-gnu/libblas.so.3 libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas/libblas.so.3 100 --slave /usr/lib/x86_64-linux-gnu/libblas.so libblas.so /usr/lib/x86_64-linux-gnu/openblas/libblas.so\n"}}
	vars := Unpacked{Package: "libvar", Scripts: map[string]string{"postinst": "update-alternatives --install /usr/bin/x x /usr/lib/$ARCH/x 5\n"}}
	kept := Unpacked{Package: "editor", Scripts: map[string]string{"postinst": "update-alternatives --install /usr/bin/editor editor /bin/nano 40\n"}}
	base := fstest.MapFS{"etc/alternatives/editor": {Mode: fs.ModeSymlink, Sys: "/usr/bin/vim"}}

	entries, notes := Alternatives([]Unpacked{blas, openblas, vars, kept}, base)
	got := map[string]string{}
	for _, e := range entries {
		if e.Link != "" {
			got[e.Path] = e.Link
		} else {
			got[e.Path] = string(e.Data)
		}
	}
	want := map[string]string{
		"/usr/lib/x86_64-linux-gnu/libblas.so.3":                   "/etc/alternatives/libblas.so.3-x86_64-linux-gnu",
		"/etc/alternatives/libblas.so.3-x86_64-linux-gnu":          "/usr/lib/x86_64-linux-gnu/openblas/libblas.so.3",
		"/usr/lib/x86_64-linux-gnu/libblas.so":                     "/etc/alternatives/libblas.so",
		"/etc/alternatives/libblas.so":                             "/usr/lib/x86_64-linux-gnu/openblas/libblas.so",
		"/var/lib/dpkg/alternatives/libblas.so.3-x86_64-linux-gnu": "auto\n/usr/lib/x86_64-linux-gnu/libblas.so.3\nlibblas.so\n/usr/lib/x86_64-linux-gnu/libblas.so\n\n/usr/lib/x86_64-linux-gnu/openblas/libblas.so.3\n100\n/usr/lib/x86_64-linux-gnu/openblas/libblas.so\n\n",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n%v\nwant:\n%v", got, want)
	}
	if len(notes) != 2 || !strings.Contains(notes[0], "libvar") || !strings.Contains(notes[1], "editor") {
		t.Errorf("notes: %q", notes)
	}

	// Alone, libblas3's own (lower) alternative is taken.
	entries, _ = Alternatives([]Unpacked{blas}, fstest.MapFS{})
	if len(entries) != 3 || entries[1].Link != "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3" {
		t.Errorf("libblas3 alone: %+v", entries)
	}
}
