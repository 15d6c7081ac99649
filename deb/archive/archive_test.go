package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ulikunitz/xz"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func newKey(t *testing.T, name string, lifetime uint32) *openpgp.Entity {
	t.Helper()
	cfg := &packet.Config{Time: func() time.Time { return now.Add(-24 * time.Hour) }, KeyLifetimeSecs: lifetime, Algorithm: packet.PubKeyAlgoEdDSA}
	e, err := openpgp.NewEntity(name, "", name+"@example.org", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func publicKey(t *testing.T, e *openpgp.Entity) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := e.Serialize(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func clearsignWith(t *testing.T, e *openpgp.Entity, body []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := clearsign.Encode(&b, e.PrivateKey, &packet.Config{Time: func() time.Time { return now.Add(-time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(body)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const debBody = "!<arch>\nnot really a deb, the archive package does not read it\n"

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// archive describes a test archive; fields are the knobs the cases turn.
type archive struct {
	signer       *openpgp.Entity // nil: unsigned InRelease
	validUntil   time.Time
	tamperBody   bool // change the Release body after signing
	badPackages  bool // Packages.xz served differs from the one the Release lists
	badDeb       bool // the .deb served differs from the Packages index
	packagesText string
	noByHash     bool      // serve Packages.xz only at its plain path
	gzip         bool      // list and serve Packages.gz instead of Packages.xz
	requested    *[]string // when set, gets every requested path
	detached     bool      // serve Release and Release.gpg instead of InRelease
}

func packagesText(deb []byte) string {
	return fmt.Sprintf(`Package: libpq5
Source: postgresql-15
Version: 15.10-0+deb12u1
Installed-Size: 1000
Maintainer: Debian PostgreSQL Maintainers <team+postgresql@tracker.debian.org>
Architecture: amd64
Multi-Arch: same
Depends: libc6 (>= 2.34), libgssapi-krb5-2 (>= 1.17), libldap-2.5-0 (>= 2.5.4), libssl3 (>= 3.0.0)
Description: PostgreSQL C client library
 libpq is a C library that enables user programs to communicate with
 the PostgreSQL database server.
 .
 This package contains the run-time library.
Section: libs
Priority: optional
Filename: pool/main/p/postgresql-15/libpq5_15.10-0+deb12u1_amd64.deb
Size: %d
SHA256: %s

Package: mailx
Version: 1:20081114-1
Architecture: all
Provides: mail-reader
Pre-Depends: dpkg (>= 1.17.5)
Description: transitional package
Section: mail
Priority: optional
Filename: pool/main/m/mailx/mailx_20081114-1_all.deb
Size: 10
SHA256: %s
`, len(deb), sum(deb), strings.Repeat("ab", 32))
}

// serve writes the archive under a temp dir and serves it; it returns the base image root
// pointing at it with a deb822 source signed by trusted.
func serve(t *testing.T, a archive, trusted *openpgp.Entity) (fstest.MapFS, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	deb := []byte(debBody)
	write := func(rel string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := a.packagesText
	if text == "" {
		text = packagesText(deb)
	}
	var zb bytes.Buffer
	name := "Packages.xz"
	if a.gzip {
		name = "Packages.gz"
		zw := gzip.NewWriter(&zb)
		zw.Write([]byte(text))
		zw.Close()
	} else {
		zw, err := xz.NewWriter(&zb)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write([]byte(text))
		zw.Close()
	}
	listed := zb.Bytes()
	served := listed
	if a.badPackages {
		served = append(append([]byte{}, listed[:len(listed)-1]...), listed[len(listed)-1]^1)
	}
	write("dists/bookworm/main/binary-amd64/"+name, served)
	if !a.noByHash {
		write("dists/bookworm/main/binary-amd64/by-hash/SHA256/"+sum(listed), served)
	}
	if a.badDeb {
		write("pool/main/p/postgresql-15/libpq5_15.10-0+deb12u1_amd64.deb", []byte(strings.ToUpper(debBody)))
	} else {
		write("pool/main/p/postgresql-15/libpq5_15.10-0+deb12u1_amd64.deb", deb)
	}
	vu := a.validUntil
	if vu.IsZero() {
		vu = now.Add(7 * 24 * time.Hour)
	}
	release := fmt.Sprintf(`Origin: Debian
Label: Debian
Suite: stable
Version: 12.8
Codename: bookworm
Date: %s
Valid-Until: %s
Acquire-By-Hash: yes
Architectures: all amd64 arm64
Components: main contrib non-free-firmware
Description: Debian 12.8 Released 16 November 2024
SHA256:
 %s %d main/binary-amd64/%s
 %s %d main/binary-amd64/Packages
`, now.Add(-time.Hour).Format(time.RFC1123), vu.Format(time.RFC1123), sum(listed), len(listed), name, sum([]byte(text)), len(text))
	if a.detached {
		if a.signer != nil {
			var sig bytes.Buffer
			if err := openpgp.ArmoredDetachSign(&sig, a.signer, strings.NewReader(release), &packet.Config{Time: func() time.Time { return now.Add(-time.Hour) }}); err != nil {
				t.Fatal(err)
			}
			write("dists/bookworm/Release.gpg", sig.Bytes())
		}
		if a.tamperBody {
			release = strings.Replace(release, "Version: 12.8", "Version: 12.9", 1)
		}
		write("dists/bookworm/Release", []byte(release))
	} else {
		inrel := []byte(release)
		if a.signer != nil {
			inrel = clearsignWith(t, a.signer, []byte(release))
		}
		if a.tamperBody {
			inrel = bytes.Replace(inrel, []byte("Version: 12.8"), []byte("Version: 12.9"), 1)
		}
		write("dists/bookworm/InRelease", inrel)
	}
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.requested != nil {
			*a.requested = append(*a.requested, r.URL.Path) // the test client asks one at a time
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	root := fstest.MapFS{
		"etc/os-release":                                {Data: []byte("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n")},
		"etc/apt/sources.list.d/debian.sources":         {Data: []byte("Types: deb\nURIs: " + srv.URL + "/\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")},
		"usr/share/keyrings/debian-archive-keyring.gpg": {Data: publicKey(t, trusted)},
	}
	return root, srv
}

func open(t *testing.T, root fstest.MapFS, srv *httptest.Server) (*Index, error) {
	return Open(context.Background(), Options{Root: root, Client: srv.Client(), Clock: clock, Arch: "amd64", Cache: t.TempDir()})
}

func TestGoodPath(t *testing.T) {
	key := newKey(t, "archive", 0)
	var requested []string
	root, srv := serve(t, archive{signer: key, requested: &requested}, key)
	ix, err := open(t, root, srv)
	if err != nil {
		t.Fatal(err)
	}
	if len(requested) != 2 || !strings.Contains(requested[1], "/by-hash/SHA256/") {
		t.Errorf("requested %q, want InRelease then Packages.xz by hash", requested)
	}
	if ix.System.Codename != "bookworm" || ix.System.Arch != "amd64" {
		t.Errorf("system = %+v", ix.System)
	}
	rel := ix.Releases[0]
	if rel.Codename != "bookworm" || rel.Suite != "stable" || !rel.ValidUntil.After(now) || len(rel.SHA256) != 2 {
		t.Errorf("release = %+v", rel)
	}
	if got := len(ix.Packages()); got != 2 {
		t.Fatalf("%d packages, want 2", got)
	}
	ps := ix.Lookup("libpq5")
	if len(ps) != 1 {
		t.Fatalf("Lookup(libpq5) = %v", ps)
	}
	p := ps[0]
	want := Package{Name: "libpq5", Version: "15.10-0+deb12u1", Architecture: "amd64", MultiArch: "same", Source: "postgresql-15",
		Depends: "libc6 (>= 2.34), libgssapi-krb5-2 (>= 1.17), libldap-2.5-0 (>= 2.5.4), libssl3 (>= 3.0.0)",
		Section: "libs", Priority: "optional", Description: "PostgreSQL C client library", InstalledSize: 1000,
		Filename: "pool/main/p/postgresql-15/libpq5_15.10-0+deb12u1_amd64.deb", Size: int64(len(debBody)), SHA256: sum([]byte(debBody)),
		URI: srv.URL, Suite: "bookworm", Component: "main"}
	if p != want {
		t.Errorf("libpq5 =\n%+v\nwant\n%+v", p, want)
	}
	m := ix.Lookup("mailx")[0]
	if m.Provides != "mail-reader" || m.PreDepends != "dpkg (>= 1.17.5)" || m.Version != "1:20081114-1" {
		t.Errorf("mailx = %+v", m)
	}
	path, err := ix.FetchPackage(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(path); string(data) != debBody {
		t.Errorf("fetched %q", data)
	}
	// From the cache, without the server; and a corrupted cache entry is fetched again.
	srv.Close()
	if again, err := ix.Fetch(context.Background(), p.Filename, p.SHA256, p.Size); err != nil || again != path {
		t.Fatalf("cached Fetch = %q, %v", again, err)
	}
	os.WriteFile(path, []byte("corrupt"), 0o644)
	if _, err := ix.Fetch(context.Background(), p.Filename, p.SHA256, p.Size); err == nil {
		t.Fatal("a corrupt cache entry was served")
	}
}

func TestPlainPathGzipAndDetached(t *testing.T) {
	key := newKey(t, "archive", 0)
	for _, a := range []archive{{signer: key, noByHash: true}, {signer: key, gzip: true}, {signer: key, detached: true}} {
		root, srv := serve(t, a, key)
		ix, err := open(t, root, srv)
		if err != nil {
			t.Fatalf("%+v: %v", a, err)
		}
		if len(ix.Lookup("libpq5")) != 1 {
			t.Errorf("%+v: libpq5 missing", a)
		}
	}
}

func TestMirrorOverride(t *testing.T) {
	key := newKey(t, "archive", 0)
	root, srv := serve(t, archive{signer: key}, key)
	root["etc/apt/sources.list.d/debian.sources"] = &fstest.MapFile{Data: []byte("Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")}
	root["etc/apt/sources.list"] = &fstest.MapFile{Data: []byte("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] cdrom://debian bookworm main\n")}
	if _, err := open(t, root, srv); err == nil || !strings.Contains(err.Error(), "cdrom://debian is not http") {
		t.Errorf("a cdrom source: %v", err)
	}
	// With the mirror, both sources are the same and read once.
	ix, err := Open(context.Background(), Options{Root: root, Client: srv.Client(), Clock: clock, Arch: "amd64", Mirror: srv.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ix.Sources) != 1 || len(ix.Lookup("libpq5")) != 1 || ix.Sources[0].URI != srv.URL || ix.Lookup("libpq5")[0].URI != srv.URL {
		t.Errorf("mirror not applied: %+v", ix.Sources[0])
	}
}

func TestDefaultTrustedKeys(t *testing.T) {
	key := newKey(t, "archive", 0)
	root, srv := serve(t, archive{signer: key}, key)
	delete(root, "usr/share/keyrings/debian-archive-keyring.gpg")
	root["etc/apt/sources.list.d/debian.sources"] = &fstest.MapFile{Data: []byte("Types: deb\nURIs: " + srv.URL + "\nSuites: bookworm\nComponents: main\n")}
	var arm bytes.Buffer
	w, _ := armorPublic(&arm)
	key.Serialize(w)
	w.Close()
	root["etc/apt/trusted.gpg.d/debian-archive-bookworm-stable.asc"] = &fstest.MapFile{Data: arm.Bytes()}
	root["etc/apt/trusted.gpg.d/other.gpg"] = &fstest.MapFile{Data: publicKey(t, newKey(t, "other", 0))}
	if _, err := open(t, root, srv); err != nil {
		t.Fatal(err)
	}
}

func TestRejects(t *testing.T) {
	key := newKey(t, "archive", 0)
	other := newKey(t, "other", 0)
	cases := []struct {
		name    string
		a       archive
		trusted *openpgp.Entity
		clock   func() time.Time
		want    []string
	}{
		{"unsigned", archive{}, key, nil, []string{"/dists/bookworm/InRelease", "not signed"}},
		{"other key", archive{signer: other}, key, nil, []string{"/dists/bookworm/InRelease", "signature does not verify"}},
		{"tampered body", archive{signer: key, tamperBody: true}, key, nil, []string{"/dists/bookworm/InRelease", "signature does not verify"}},
		{"packages hash", archive{signer: key, badPackages: true}, key, nil, []string{"main/binary-amd64/Packages.xz does not match its InRelease", "want "}},
		{"valid-until", archive{signer: key, validUntil: now.Add(-time.Minute)}, key, nil, []string{"Valid-Until"}},
		{"detached unsigned", archive{detached: true}, key, nil, []string{"/dists/bookworm/Release.gpg", "not signed", "404"}},
		{"detached other key", archive{detached: true, signer: other}, key, nil, []string{"/dists/bookworm/Release ", "signature does not verify"}},
		{"detached tampered", archive{detached: true, signer: key, tamperBody: true}, key, nil, []string{"/dists/bookworm/Release ", "signature does not verify"}},
		{"expired key", archive{signer: newKey(t, "short", 3600)}, nil, nil, []string{"signature does not verify", "expired"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			trusted := c.trusted
			if trusted == nil {
				trusted = c.a.signer
			}
			root, srv := serve(t, c.a, trusted)
			_, err := open(t, root, srv)
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestDebHashMismatch(t *testing.T) {
	key := newKey(t, "archive", 0)
	root, srv := serve(t, archive{signer: key, badDeb: true}, key)
	ix, err := open(t, root, srv)
	if err != nil {
		t.Fatal(err)
	}
	p := ix.Lookup("libpq5")[0]
	_, err = ix.FetchPackage(context.Background(), p)
	if err == nil {
		t.Fatal("a .deb with the wrong hash was accepted")
	}
	for _, w := range []string{srv.URL + "/" + p.Filename, "expected", p.SHA256, "got", sum([]byte(strings.ToUpper(debBody)))} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
	if _, err := os.Stat(filepath.Join(ix.cache, "sha256", p.SHA256)); err == nil {
		t.Error("the bad .deb was stored in the cache")
	}
}

func armorPublic(w *bytes.Buffer) (interface {
	Write([]byte) (int, error)
	Close() error
}, error) {
	return armor.Encode(w, openpgp.PublicKeyType, nil)
}

func TestInlineSignedBy(t *testing.T) {
	key := newKey(t, "archive", 0)
	root, srv := serve(t, archive{signer: key}, key)
	delete(root, "usr/share/keyrings/debian-archive-keyring.gpg")
	var arm bytes.Buffer
	w, _ := armorPublic(&arm)
	key.Serialize(w)
	w.Close()
	var inline strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(arm.String()), "\n") {
		if line == "" {
			line = "."
		}
		inline.WriteString(" " + line + "\n")
	}
	root["etc/apt/sources.list.d/debian.sources"] = &fstest.MapFile{Data: []byte("Types: deb\nURIs: " + srv.URL + "\nSuites: bookworm\nComponents: main\nSigned-By:\n" + inline.String())}
	if _, err := open(t, root, srv); err != nil {
		t.Fatal(err)
	}
	other := newKey(t, "other", 0)
	root2, srv2 := serve(t, archive{signer: other}, key)
	root2["etc/apt/sources.list.d/debian.sources"] = &fstest.MapFile{Data: []byte("Types: deb\nURIs: " + srv2.URL + "\nSuites: bookworm\nComponents: main\nSigned-By:\n" + inline.String())}
	if _, err := open(t, root2, srv2); err == nil {
		t.Fatal("an InRelease signed by another key verified against the inline key")
	}
}
