package archive

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// stanzas writes n realistic stanzas (about 1 KiB each, like Debian's main Packages).
func stanzas(w io.Writer, n int) {
	long := strings.Repeat(" A long description line about what this library does and why.\n", 10)
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "Package: lib%d\nSource: src%d\nVersion: 1.%d-1\nInstalled-Size: 123\nMaintainer: Someone <a@b.c>\nArchitecture: amd64\nMulti-Arch: same\nDepends: libc6 (>= 2.34), libfoo%d | libbar\nDescription: library number %d\n%sHomepage: https://example.org\nDescription-md5: 0123456789abcdef0123456789abcdef\nTag: role::shared-lib\nSection: libs\nPriority: optional\nFilename: pool/main/l/lib%d/lib%d_1.%d-1_amd64.deb\nSize: 4567\nMD5sum: 0123456789abcdef0123456789abcdef\nSHA256: %s\n\n",
			i, i, i, i, i, long, i, i, i, strings.Repeat("ab", 32))
	}
}

func TestParsePackagesStream(t *testing.T) {
	pr, pw := io.Pipe()
	go func() { stanzas(pw, 2000); pw.Close() }()
	n := 0
	err := ParsePackages(pr, func(p Package) error {
		if p.Name != fmt.Sprintf("lib%d", n) || p.Description != fmt.Sprintf("library number %d", n) || p.Size != 4567 || p.InstalledSize != 123 {
			return fmt.Errorf("stanza %d parsed as %+v", n, p)
		}
		n++
		return nil
	})
	if err != nil || n != 2000 {
		t.Fatalf("%d stanzas, %v", n, err)
	}
	if err := ParsePackages(strings.NewReader("Package: a\nVersion: 1\nthis line has no colon\n"), func(Package) error { return nil }); err == nil {
		t.Error("a malformed stanza was accepted")
	}
	if err := ParsePackages(strings.NewReader("Package: a\n\n"), func(Package) error { return nil }); err == nil {
		t.Error("a stanza without Version was accepted")
	}
}

// BenchmarkParsePackages parses 60 000 stanzas (about 60 MB, the size of Debian's main index).
func BenchmarkParsePackages(b *testing.B) {
	var sb strings.Builder
	stanzas(&sb, 60000)
	text := sb.String()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		var kept []Package
		if err := ParsePackages(strings.NewReader(text), func(p Package) error { kept = append(kept, p); return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
