package wheel

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

// zf is one archive member of a test wheel.
type zf struct {
	name     string
	data     string
	mode     fs.FileMode // 0 means 0644; fs.ModeSymlink etc. for special members
	fat      bool        // written as by a Windows zip tool (no Unix mode)
	noRecord bool        // leave it out of RECORD
}

// testWheel describes a wheel to build in memory with archive/zip: the tests carry no binary fixtures.
type testWheel struct {
	name, version string // used for the .dist-info directory and METADATA; default "demo", "1.0"
	wheelVersion  string // default "1.0"
	platlib       bool   // Root-Is-Purelib: false
	metadata      string // METADATA content; default Name/Version from name and version
	entryPoints   string // entry_points.txt content, if any
	files         []zf
	omit          string                  // a dist-info file to leave out: "WHEEL", "METADATA" or "RECORD"
	editRecord    func(rec string) string // applied to the generated RECORD
}

func recordHash(data string) string {
	sum := sha256.Sum256([]byte(data))
	return "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:])
}

func (w testWheel) distInfo() string {
	if w.name == "" {
		w.name = "demo"
	}
	if w.version == "" {
		w.version = "1.0"
	}
	return w.name + "-" + w.version + ".dist-info"
}

// build returns the archive bytes.
func (w testWheel) build(t testing.TB) []byte {
	t.Helper()
	name, version := w.name, w.version
	if name == "" {
		name = "demo"
	}
	if version == "" {
		version = "1.0"
	}
	di := w.distInfo()
	wv := w.wheelVersion
	if wv == "" {
		wv = "1.0"
	}
	purelib := "true"
	if w.platlib {
		purelib = "false"
	}
	meta := w.metadata
	if meta == "" {
		meta = fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: a demo\n\nLong: description\nName: not-this\n", name, version)
	}
	files := append([]zf{}, w.files...)
	if w.omit != "WHEEL" {
		files = append(files, zf{name: di + "/WHEEL", data: "Wheel-Version: " + wv + "\nGenerator: test\nRoot-Is-Purelib: " + purelib + "\nTag: py3-none-any\n"})
	}
	if w.omit != "METADATA" {
		files = append(files, zf{name: di + "/METADATA", data: meta})
	}
	if w.entryPoints != "" {
		files = append(files, zf{name: di + "/entry_points.txt", data: w.entryPoints})
	}
	var rec strings.Builder
	for _, f := range files {
		if !f.noRecord && !strings.HasSuffix(f.name, "/") {
			fmt.Fprintf(&rec, "%s,%s,%d\n", f.name, recordHash(f.data), len(f.data))
		}
	}
	fmt.Fprintf(&rec, "%s/RECORD,,\n", di)
	record := rec.String()
	if w.editRecord != nil {
		record = w.editRecord(record)
	}
	if w.omit != "RECORD" {
		files = append(files, zf{name: di + "/RECORD", data: record})
	}
	return zipOf(t, files)
}

func zipOf(t testing.TB, files []zf) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		switch {
		case f.fat:
			h.CreatorVersion = 0 // FAT: no Unix permission bits
		case f.mode == 0:
			h.SetMode(0o644)
		default:
			h.SetMode(f.mode)
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
