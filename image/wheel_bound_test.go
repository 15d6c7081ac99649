package image

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/internal/rsstest"
	"github.com/containerize/containerize/wheel"
)

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// writeBigWheel writes a wheel holding one stored (uncompressed) member of size zero bytes, streamed.
func writeBigWheel(t *testing.T, file string, size int64) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	h := sha256.New()
	io.CopyN(h, zeros{}, size)
	bigSum := base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	small := map[string]string{
		"big-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: big\nVersion: 1.0\n",
		"big-1.0.dist-info/WHEEL":    "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
	}
	var record strings.Builder
	for _, name := range []string{"big-1.0.dist-info/METADATA", "big-1.0.dist-info/WHEEL"} {
		sum := sha256.Sum256([]byte(small[name]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", name, base64.RawURLEncoding.EncodeToString(sum[:]), len(small[name]))
		w, _ := zw.Create(name)
		w.Write([]byte(small[name]))
	}
	fmt.Fprintf(&record, "big/data.bin,sha256=%s,%d\nbig-1.0.dist-info/RECORD,,\n", bigSum, size)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "big/data.bin", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(w, zeros{}, size); err != nil {
		t.Fatal(err)
	}
	w, _ = zw.Create("big-1.0.dist-info/RECORD")
	w.Write([]byte(record.String()))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// A wheel's large members stream from the file into the layer: installing and writing a wheel with a
// 128 MiB member takes memory that does not grow with it (measured in a child process).
func TestWheelMemoryBounded(t *testing.T) {
	const size = 128 << 20
	switch rsstest.Child() {
	case "":
	case "wheel-128m":
		dir := t.TempDir()
		file := filepath.Join(dir, "big-1.0-py3-none-any.whl")
		writeBigWheel(t, file, size)
		entries, err := wheel.InstallFile(file, filepath.Base(file), wheel.VenvLayout(VenvPrefix, "3.12"), wheel.InstallOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var les []layer.Entry
		found := false
		for _, e := range entries {
			if strings.HasSuffix(e.Path, "/big/data.bin") {
				found = e.Open != nil && e.Data == nil && e.Size == size
			}
			if strings.HasSuffix(e.Path, ".dist-info/RECORD") && !strings.Contains(string(e.Data), fmt.Sprintf("big/data.bin,sha256=%s,%d\n", "JUvMP8TycXJjbfS_Mt6fEH9iDVWbINdgGX5FK5dFORc", size)) {
				t.Errorf("RECORD:\n%s", e.Data)
			}
			les = append(les, layer.Entry{Path: e.Path, Mode: e.Mode, Data: e.Data, Open: e.Open, Size: e.Size})
		}
		if !found {
			t.Fatal("the large member is not streamed")
		}
		if _, err := layer.Write(io.Discard, les, layer.Options{ModTime: DefaultEpoch}); err != nil {
			t.Fatal(err)
		}
		return
	default:
		t.Skip("another child's case")
	}
	rsstest.Bound(t, "TestWheelMemoryBounded", "wheel-128m", "a wheel with a 128 MiB member", 64<<20)
}
