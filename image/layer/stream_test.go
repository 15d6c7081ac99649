package layer

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

// A streamed entry gives the same bytes as the same content held in memory, and a file whose size changed
// between listing and writing is an error naming it.
func TestStreamedEntry(t *testing.T) {
	content := []byte(strings.Repeat("streamed ", 1000))
	opts := Options{ModTime: time.Unix(0, 0)}
	var mem, streamed bytes.Buffer
	b1, err := Write(&mem, []Entry{{Path: "/app/f", Data: content}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	open := func(b []byte) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	b2, err := Write(&streamed, []Entry{{Path: "/app/f", Open: open(content), Size: int64(len(content))}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if b1 != b2 || !bytes.Equal(mem.Bytes(), streamed.Bytes()) {
		t.Errorf("streamed layer differs: %v vs %v", b1, b2)
	}
	for _, size := range []int64{int64(len(content)) + 1, int64(len(content)) - 1} {
		_, err := Write(io.Discard, []Entry{{Path: "/app/f", Open: open(content), Size: size}}, opts)
		if err == nil || !strings.Contains(err.Error(), "/app/f") || !strings.Contains(err.Error(), "while the layer was written") {
			t.Errorf("size %d: err = %v", size, err)
		}
	}
}
