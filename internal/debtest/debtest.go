// Package debtest makes Debian archives for tests: .deb files built from a control stanza and a few
// files, a Packages index, a Release signed with a key made in the test, all served over HTTP on
// 127.0.0.1, and the base image files (apt source, keyring, os-release, dpkg status) that point at it.
package debtest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Now is the clock the archives are made at; pass Clock to what verifies them.
var Now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// Clock returns Now.
func Clock() time.Time { return Now }

// Deb is a binary package to build.
type Deb struct {
	// Control is the control stanza without Installed-Size/Maintainer/Description; Package, Version (no
	// epoch) and Architecture are required ("Package: libfoo1\nVersion: 1.0-1\nArchitecture: amd64\nDepends: libc6\n").
	Control string
	// Files are regular files by absolute path; Links symlinks by absolute path. Directories are added.
	Files map[string]string
	Links map[string]string
	// Postinst is the maintainer script, if any.
	Postinst string
}

func (d Deb) field(name string) string {
	for _, line := range strings.Split(d.Control, "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Build returns the .deb's bytes (gzip members).
func (d Deb) Build(t testing.TB) []byte {
	t.Helper()
	control := strings.TrimRight(d.Control, "\n") + "\nMaintainer: Tests <tests@example.org>\nInstalled-Size: 1\nDescription: a package made in a test\n"
	ctl := []tarMember{{name: "./", dir: true}, {name: "./control", data: control}}
	if d.Postinst != "" {
		ctl = append(ctl, tarMember{name: "./postinst", data: d.Postinst, mode: 0o755})
	}
	dirs := map[string]bool{}
	var paths []string
	for p := range d.Files {
		paths = append(paths, p)
	}
	for p := range d.Links {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	data := []tarMember{{name: "./", dir: true}}
	for _, p := range paths {
		parts := strings.Split(strings.Trim(p, "/"), "/")
		for i := 1; i < len(parts); i++ {
			dir := "./" + strings.Join(parts[:i], "/") + "/"
			if !dirs[dir] {
				dirs[dir] = true
				data = append(data, tarMember{name: dir, dir: true})
			}
		}
		if target, ok := d.Links[p]; ok {
			data = append(data, tarMember{name: "." + p, link: target})
		} else {
			data = append(data, tarMember{name: "." + p, data: d.Files[p]})
		}
	}
	var out bytes.Buffer
	out.WriteString("!<arch>\n")
	member := func(name string, body []byte) {
		fmt.Fprintf(&out, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", name, 0, 0, 0, "100644", len(body))
		out.Write(body)
		if len(body)%2 == 1 {
			out.WriteByte('\n')
		}
	}
	member("debian-binary", []byte("2.0\n"))
	member("control.tar.gz", tarGz(t, ctl))
	member("data.tar.gz", tarGz(t, data))
	return out.Bytes()
}

type tarMember struct {
	name, data, link string
	dir              bool
	mode             int64
}

func tarGz(t testing.TB, members []tarMember) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	for _, m := range members {
		h := &tar.Header{Name: m.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(m.data))}
		switch {
		case m.dir:
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		case m.link != "":
			h.Typeflag, h.Linkname, h.Mode, h.Size = tar.TypeSymlink, m.link, 0o777, 0
		case m.mode != 0:
			h.Mode = m.mode
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			io.WriteString(tw, m.data)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Archive is a Debian archive with one suite ("bookworm"), component main, architecture amd64.
type Archive struct {
	Debs []Deb
	// Key signs the InRelease; nil makes one. Trusted is the key the base trusts; nil means Key.
	Key, Trusted *openpgp.Entity
	// TamperDeb serves a .deb whose bytes differ from what the Packages index lists.
	TamperDeb string
	// Installed is the base's /var/lib/dpkg/status (stanzas with "Status: install ok installed").
	Installed string

	// Server serves the archive once Serve has run; Requests counts what it was asked.
	Server   *httptest.Server
	mu       sync.Mutex
	requests int
}

// Requests is the number of HTTP requests the archive has answered.
func (a *Archive) Requests() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requests
}

// NewKey makes a signing key valid at Now.
func NewKey(t testing.TB, name string) *openpgp.Entity {
	t.Helper()
	cfg := &packet.Config{Time: func() time.Time { return Now.Add(-24 * time.Hour) }, Algorithm: packet.PubKeyAlgoEdDSA}
	e, err := openpgp.NewEntity(name, "", name+"@example.org", cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// Serve builds the packages and the index, serves them on 127.0.0.1 (closed when the test ends) and
// returns the base image files that point at the archive: os-release, a deb822 source with Signed-By, the
// keyring, dpkg's status and arch. Paths have no leading slash.
func (a *Archive) Serve(t testing.TB) map[string][]byte {
	t.Helper()
	if a.Key == nil {
		a.Key = NewKey(t, "archive")
	}
	if a.Trusted == nil {
		a.Trusted = a.Key
	}
	files := map[string][]byte{}
	var index strings.Builder
	for _, d := range a.Debs {
		data := d.Build(t)
		name, version, arch := d.field("Package"), d.field("Version"), d.field("Architecture")
		fn := fmt.Sprintf("pool/main/%s/%s_%s_%s.deb", name[:1], name, version, arch)
		fmt.Fprintf(&index, "%s\nFilename: %s\nSize: %d\nSHA256: %s\n\n", strings.TrimRight(d.Control, "\n"), fn, len(data), sum(data))
		if name == a.TamperDeb {
			data = append([]byte(nil), data...)
			data[len(data)-3] ^= 1
		}
		files["/"+fn] = data
	}
	packages := []byte(index.String())
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(packages)
	zw.Close()
	files["/dists/bookworm/main/binary-amd64/Packages.gz"] = gz.Bytes()
	release := fmt.Sprintf(`Origin: Debian
Suite: stable
Codename: bookworm
Date: %s
Valid-Until: %s
Architectures: all amd64
Components: main
SHA256:
 %s %d main/binary-amd64/Packages.gz
 %s %d main/binary-amd64/Packages
`, Now.Add(-time.Hour).Format(time.RFC1123), Now.Add(7*24*time.Hour).Format(time.RFC1123), sum(gz.Bytes()), gz.Len(), sum(packages), len(packages))
	var signed bytes.Buffer
	w, err := clearsign.Encode(&signed, a.Key.PrivateKey, &packet.Config{Time: func() time.Time { return Now.Add(-time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, release)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	files["/dists/bookworm/InRelease"] = signed.Bytes()

	a.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.requests++
		a.mu.Unlock()
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(a.Server.Close)

	var key bytes.Buffer
	if err := a.Trusted.Serialize(&key); err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"etc/os-release":                                []byte("NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n"),
		"etc/apt/sources.list.d/debian.sources":         []byte("Types: deb\nURIs: " + a.Server.URL + "/\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"),
		"usr/share/keyrings/debian-archive-keyring.gpg": key.Bytes(),
		"var/lib/dpkg/status":                           []byte(a.Installed),
		"var/lib/dpkg/arch":                             []byte("amd64\n"),
	}
}
