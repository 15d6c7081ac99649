package fsoverlay

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestOverlay(t *testing.T) {
	base := fstest.MapFS{
		"a.txt":     {Data: []byte("old")},
		"dir/b.txt": {Data: []byte("b")},
	}
	o := New(base, map[string][]byte{"a.txt": []byte("new"), "dir/c.txt": []byte("c"), "new/d.txt": []byte("d")})
	if b, _ := fs.ReadFile(o, "a.txt"); string(b) != "new" {
		t.Errorf("a.txt = %q, want the planned content", b)
	}
	var files []string
	if err := fs.WalkDir(o, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"a.txt", "dir/b.txt", "dir/c.txt", "new/d.txt"}
	if len(files) != len(want) {
		t.Fatalf("walk = %v, want %v", files, want)
	}
	for i := range want {
		if files[i] != want[i] {
			t.Fatalf("walk = %v, want %v", files, want)
		}
	}
	if st, err := fs.Stat(o, "dir/c.txt"); err != nil || st.Size() != 1 {
		t.Errorf("stat dir/c.txt = %v, %v", st, err)
	}
	if err := fstest.TestFS(o, "a.txt", "dir/b.txt", "dir/c.txt", "new/d.txt"); err != nil {
		t.Error(err)
	}
}
