package union

import (
	"archive/tar"
	"testing"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		in   string
		name string
		kind Kind
	}{
		{"./usr/lib/x", "usr/lib/x", Present},
		{"/etc/passwd", "etc/passwd", Present},
		{"usr/lib/.wh.x", "usr/lib/x", Whiteout},
		{"usr/lib/.wh..wh..opq", "usr/lib", Opaque},
		{"./", "", Skip},
		{"../etc/passwd", "", Skip},
	} {
		name, kind := Classify(&tar.Header{Name: c.in})
		if name != c.name || kind != c.kind {
			t.Errorf("Classify(%q) = %q, %v; want %q, %v", c.in, name, kind, c.name, c.kind)
		}
	}
}

func TestHidden(t *testing.T) {
	var h Hidden
	h.Delete("usr/lib/gone")
	h.Empty("opt/venv")
	for name, want := range map[string]bool{
		"usr/lib/gone":     true,
		"usr/lib/gone/a/b": true,
		"usr/lib/gone2":    false,
		"opt/venv":         false, // the folder stays; only what lower layers put in it goes
		"opt/venv/bin/x":   true,
		"opt/other":        false,
	} {
		if got := h.Has(name); got != want {
			t.Errorf("Has(%q) = %v, want %v", name, got, want)
		}
	}
}
