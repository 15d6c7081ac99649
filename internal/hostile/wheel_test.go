package hostile

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/containerize/containerize/wheel"
)

const wheelName = "demo-1.0-py3-none-any.whl"

type zipMember struct {
	name   string
	data   string
	method uint16
	// raw, when set, is written as the compressed bytes with the declared sizes below.
	raw                   []byte
	declared, declaredRaw uint64
	mode                  uint32 // unix mode in the external attributes, when set
	flags                 uint16
	zeros                 int64 // content of this many zero bytes (streamed, never held)
}

// buildWheel writes a wheel with members, adding METADATA, WHEEL and (unless record is given) a correct
// RECORD for them.
func buildWheel(t *testing.T, members []zipMember, record *string) []byte {
	t.Helper()
	all := append([]zipMember{
		{name: "demo-1.0.dist-info/METADATA", data: "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n"},
		{name: "demo-1.0.dist-info/WHEEL", data: "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"},
	}, members...)
	var rec strings.Builder
	for _, m := range all {
		if m.raw != nil || m.zeros > 0 {
			continue
		}
		sum := sha256.Sum256([]byte(m.data))
		fmt.Fprintf(&rec, "%s,sha256=%s,%d\n", m.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(m.data))
	}
	rec.WriteString("demo-1.0.dist-info/RECORD,,\n")
	r := rec.String()
	if record != nil {
		r = *record
	}
	all = append(all, zipMember{name: "demo-1.0.dist-info/RECORD", data: r})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range all {
		h := &zip.FileHeader{Name: m.name, Method: m.method, Flags: m.flags}
		if m.mode != 0 {
			h.SetMode(0)
			h.ExternalAttrs = m.mode << 16
			h.CreatorVersion = 3 << 8
		}
		var w io.Writer
		var err error
		if m.raw != nil {
			h.CompressedSize64, h.UncompressedSize64 = m.declaredRaw, m.declared
			w, err = zw.CreateRaw(h)
		} else {
			w, err = zw.CreateHeader(h)
		}
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case m.raw != nil:
			_, err = w.Write(m.raw)
		case m.zeros > 0:
			_, err = io.CopyN(w, zeroReader{}, m.zeros)
		default:
			_, err = w.Write([]byte(m.data))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func wheelCases() []hostileCase {
	ok := []zipMember{{name: "demo/__init__.py", data: "x = 1\n"}}
	badRecord := "demo/__init__.py,sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,6\n"
	noRecordRow := "demo-1.0.dist-info/RECORD,,\n"
	garbageRecord := "\x00\xff\"unterminated,\n" + strings.Repeat(",", 10000) + "\n"
	type wc struct {
		name    string
		members []zipMember
		record  *string
		data    func(t *testing.T) []byte // instead of members
	}
	table := []wc{
		{name: "zip-bomb-deflated-zeros", members: []zipMember{{name: "demo/bomb.bin", method: zip.Deflate, zeros: 64 << 20}}},
		{name: "declared-4GiB-member", members: []zipMember{{name: "demo/big", method: zip.Deflate, raw: []byte{3, 0}, declaredRaw: 2, declared: 4 << 30}}},
		{name: "declared-total-over-cap", members: func() []zipMember {
			var ms []zipMember
			for i := range 15 { // 9 GiB declared
				ms = append(ms, zipMember{name: fmt.Sprintf("demo/part%d", i), method: zip.Store, raw: []byte{}, declaredRaw: 600 << 20, declared: 600 << 20})
			}
			return ms
		}()},
		{name: "size-lies-small", members: []zipMember{{name: "demo/liar", method: zip.Store, raw: bytes.Repeat([]byte("a"), 4096), declaredRaw: 10, declared: 10}}},
		{name: "path-traversal", members: []zipMember{{name: "../../etc/cron.d/x", data: "* * * * * root sh\n"}}},
		{name: "absolute-name", members: []zipMember{{name: "/etc/passwd", data: "root::0:0::/:/bin/sh\n"}}},
		{name: "backslash-name", members: []zipMember{{name: "demo\\..\\..\\x.py", data: "x\n"}}},
		{name: "duplicate-members", members: []zipMember{{name: "demo/__init__.py", data: "a\n"}, {name: "demo/__init__.py", data: "b\n"}}},
		{name: "symlink-member", members: []zipMember{{name: "demo/link", data: "/etc/shadow", mode: 0o120777}}},
		{name: "encrypted-member", members: []zipMember{{name: "demo/secret.py", data: "x\n", flags: 1}}},
		{name: "record-hash-mismatch", members: ok, record: &badRecord},
		{name: "record-missing-row", members: ok, record: &noRecordRow},
		{name: "record-garbage", members: ok, record: &garbageRecord},
		{name: "not-a-zip", data: func(*testing.T) []byte { return []byte("<html>404 not found</html>") }},
		{name: "truncated-zip", data: func(t *testing.T) []byte { w := buildWheel(t, ok, nil); return w[:len(w)/2] }},
		{name: "empty-file", data: func(*testing.T) []byte { return nil }},
		{name: "control-char-name", members: []zipMember{{name: "demo/\x1b[2Jx.py", data: "x\n"}}},
		{name: "many-members", members: func() []zipMember {
			var ms []zipMember
			for i := range 20000 {
				ms = append(ms, zipMember{name: fmt.Sprintf("demo/m%d.py", i)})
			}
			return ms
		}(), record: &noRecordRow},
	}
	var cases []hostileCase
	for _, c := range table {
		cases = append(cases, hostileCase{"wheel/" + c.name, func(t *testing.T) {
			var data []byte
			if c.data != nil {
				data = c.data(t)
			} else {
				data = buildWheel(t, c.members, c.record)
			}
			l := wheel.VenvLayout("/opt/venv", "3.12")
			_, err := wheel.Install(bytes.NewReader(data), int64(len(data)), wheelName, l, wheel.InstallOptions{})
			if err == nil {
				t.Fatalf("a hostile wheel was installed")
			}
			if !strings.Contains(err.Error(), wheelName) {
				t.Errorf("error does not name the wheel: %v", err)
			}
			if !errors.Is(err, wheel.ErrInvalidWheel) && !errors.Is(err, wheel.ErrUnsafePath) && !errors.Is(err, wheel.ErrHashMismatch) {
				t.Errorf("error is none of the wheel errors: %v", err)
			}
			if len(err.Error()) > 2000 {
				t.Errorf("a %d-byte error", len(err.Error()))
			}
		}})
	}
	return cases
}
