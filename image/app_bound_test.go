package image

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/internal/rsstest"
	"github.com/containerize/containerize/plan"
)

// The app layer streams each file from the context through gzip: a 256 MiB file (sparse, so the test costs
// no disk) is written with memory that does not grow with it. The layer is built in a child process, whose
// peak RSS is measured.
func TestAppLayerMemoryBounded(t *testing.T) {
	const size = 256 << 20
	switch rsstest.Child() {
	case "":
	case "app-layer-256m":
		dir := t.TempDir()
		f, err := os.Create(filepath.Join(dir, "big.bin"))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		f.Close()
		rt := &plan.Runtime{SourceDir: ".", UID: 1000, GID: 1000}
		entries, err := appEntries(os.DirFS(dir), rt, nil)
		if err != nil {
			t.Fatal(err)
		}
		out, err := tempLayerFile(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		b, err := layer.Write(out, entries, layer.Options{ModTime: DefaultEpoch})
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := out.Stat(); st.Size() != b.Size || b.Size == 0 || b.Size > size/100 {
			t.Fatalf("blob %d bytes, file %d", b.Size, st.Size())
		}
		return
	default:
		t.Skip("another child's case")
	}
	rsstest.Bound(t, "TestAppLayerMemoryBounded", "app-layer-256m", "a 256 MiB file in the app layer", 64<<20)
}
