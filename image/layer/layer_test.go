package layer

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

func sample() []Entry {
	long := "/opt/venv/lib/python3.12/site-packages/" + strings.Repeat("very_long_package_name/", 8) + "module.py"
	return []Entry{
		{Path: "/opt/venv/bin/tool", Mode: 0o700, Data: []byte("#!/opt/venv/bin/python\n")},
		{Path: "/opt/venv/lib64", Mode: fs.ModeSymlink, Link: "lib"},
		{Path: "/app", Mode: fs.ModeDir | 0o700, UID: 10001, GID: 10001},
		{Path: "/app/manage.py", Mode: 0o600, Data: []byte("print()\n"), UID: 10001, GID: 10001},
		{Path: long, Mode: 0o644, Data: []byte("x = 1\n")},
		{Path: "/opt/venv", Mode: fs.ModeDir | 0o755},
		{Path: "/opt/venv", Mode: fs.ModeDir | 0o755}, // listed twice, identically
	}
}

type header struct {
	name, link string
	typ        byte
	mode       int64
	uid, gid   int
	uname      string
	mtime      time.Time
	data       string
}

func readTar(t *testing.T, gz []byte) []header {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q, time %v", zr.Name, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var out []header
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if !h.AccessTime.IsZero() || !h.ChangeTime.IsZero() {
			t.Errorf("%s has access or change time", h.Name)
		}
		out = append(out, header{h.Name, h.Linkname, h.Typeflag, h.Mode, h.Uid, h.Gid, h.Uname + h.Gname, h.ModTime, string(data)})
	}
}

func TestWriteNormalises(t *testing.T) {
	var buf bytes.Buffer
	b, err := Write(&buf, sample(), Options{ModTime: epoch.Add(1500 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	if b.Size != int64(buf.Len()) {
		t.Errorf("size %d, wrote %d bytes", b.Size, buf.Len())
	}
	hs := readTar(t, buf.Bytes())
	want := map[string]header{
		"app/":              {typ: tar.TypeDir, mode: 0o755, uid: 10001, gid: 10001},
		"app/manage.py":     {typ: tar.TypeReg, mode: 0o644, uid: 10001, gid: 10001, data: "print()\n"},
		"opt/":              {typ: tar.TypeDir, mode: 0o755},
		"opt/venv/":         {typ: tar.TypeDir, mode: 0o755},
		"opt/venv/bin/":     {typ: tar.TypeDir, mode: 0o755},
		"opt/venv/bin/tool": {typ: tar.TypeReg, mode: 0o755, data: "#!/opt/venv/bin/python\n"},
		"opt/venv/lib64":    {typ: tar.TypeSymlink, mode: 0o777, link: "lib"},
		"opt/venv/lib/":     {typ: tar.TypeDir, mode: 0o755},
		"opt/venv/lib/python3.12/site-packages/" + strings.Repeat("very_long_package_name/", 8) + "module.py": {typ: tar.TypeReg, mode: 0o644, data: "x = 1\n"},
	}
	var names []string
	for _, h := range hs {
		names = append(names, h.name)
		if !h.mtime.Equal(epoch.Add(time.Second)) {
			t.Errorf("%s: mtime %v, want %v", h.name, h.mtime, epoch.Add(time.Second))
		}
		if h.uname != "" {
			t.Errorf("%s: user/group names %q", h.name, h.uname)
		}
		w, ok := want[h.name]
		if !ok {
			continue
		}
		w.name, w.mtime = h.name, h.mtime
		if h != w {
			t.Errorf("entry %+v\nwant  %+v", h, w)
		}
		delete(want, h.name)
	}
	for n := range want {
		t.Errorf("missing entry %s", n)
	}
	sorted := append([]string(nil), names...)
	for i := 1; i < len(sorted); i++ {
		if strings.TrimSuffix(sorted[i-1], "/") >= strings.TrimSuffix(sorted[i], "/") {
			t.Errorf("entries not sorted: %q before %q", sorted[i-1], sorted[i])
		}
	}
}

func TestWriteIsReproducible(t *testing.T) {
	write := func(entries []Entry, mtime time.Time) Blob {
		var buf bytes.Buffer
		b, err := Write(&buf, entries, Options{ModTime: mtime})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := write(sample(), epoch)
	reversed := sample()
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	if b := write(reversed, epoch); b != a {
		t.Errorf("entry order changed the blob: %v vs %v", a, b)
	}
	if b := write(sample(), epoch.Add(time.Hour)); b.Digest == a.Digest || b.DiffID == a.DiffID {
		t.Errorf("another mtime gave the same blob %v", b)
	}
}

func TestWriteRejects(t *testing.T) {
	for _, tc := range []struct {
		name    string
		entries []Entry
		want    string
	}{
		{"relative", []Entry{{Path: "app/x", Data: []byte("x")}}, "absolute, clean"},
		{"dotdot", []Entry{{Path: "/app/../etc/passwd"}}, "absolute, clean"},
		{"root", []Entry{{Path: "/", Mode: fs.ModeDir}}, "absolute, clean"},
		{"conflict", []Entry{{Path: "/a", Data: []byte("1")}, {Path: "/a", Data: []byte("2")}}, "given twice"},
		{"file as dir", []Entry{{Path: "/a", Data: []byte("1")}, {Path: "/a/b", Data: []byte("2")}}, "to be a directory"},
		{"device", []Entry{{Path: "/dev/x", Mode: fs.ModeDevice}}, "only files, directories and symlinks"},
		{"dangling symlink", []Entry{{Path: "/a", Mode: fs.ModeSymlink}}, "without a target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Write(io.Discard, tc.entries, Options{ModTime: epoch})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestBuildIsAValidLayer(t *testing.T) {
	l, b, err := Build(sample(), Options{ModTime: epoch, ParentUID: 7, ParentGID: 8}, types.OCILayer)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Layer(l); err != nil {
		t.Fatal(err)
	}
	if d, _ := l.Digest(); d != b.Digest {
		t.Errorf("digest %v, blob says %v", d, b.Digest)
	}
	if mt, _ := l.MediaType(); mt != types.OCILayer {
		t.Errorf("media type %s", mt)
	}
	rc, err := l.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	for _, h := range readTar(t, data) {
		if h.name == "opt/" && (h.uid != 7 || h.gid != 8) {
			t.Errorf("implied parent opt/ owned by %d:%d, want 7:8", h.uid, h.gid)
		}
	}
}
