package archive

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
)

// TestHostDebianArchive checks the parsing and verification against the real thing when the
// machine running the tests is Debian with apt lists: its sources, Debian's own archive
// keyring and the InRelease files apt last fetched. It makes no network request and skips
// elsewhere.
func TestHostDebianArchive(t *testing.T) {
	const lists = "/var/lib/apt/lists/"
	root := os.DirFS("/")
	srcs, err := ParseSources(root)
	if err != nil || len(srcs) == 0 {
		t.Skipf("no apt sources on this machine (%v)", err)
	}
	checked := 0
	for _, s := range srcs {
		name := strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(s.URI, "http://"), "https://"), "/", "_") + "_dists_" + s.Suite + "_InRelease"
		data, err := os.ReadFile(lists + name)
		if err != nil {
			continue
		}
		keys, err := Keyring(root, s)
		if err != nil {
			t.Fatalf("keyring of %+v: %v", s, err)
		}
		// Verify a few hours after the Release was made (it is signed after its Date), so a stale list does not fail on Valid-Until.
		block, _ := clearsign.Decode(data)
		if block == nil {
			t.Fatalf("%s is not clearsigned", name)
		}
		unverified, err := ParseRelease(bytes.NewReader(block.Bytes))
		if err != nil {
			t.Fatal(err)
		}
		rel, err := VerifyInRelease(data, keys, unverified.Date.Add(6*time.Hour))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if rel.Codename != s.Suite && rel.Suite != s.Suite || len(rel.SHA256) == 0 {
			t.Errorf("%s: %+v", name, rel)
		}
		for _, c := range s.Components {
			if _, ok := rel.SHA256[c+"/binary-amd64/Packages.xz"]; !ok && strings.Contains(s.URI, "debian.org") {
				t.Errorf("%s lists no %s/binary-amd64/Packages.xz", name, c)
			}
		}
		bad := bytes.Replace(data, []byte("Packages.xz"), []byte("Packages.xy"), 1)
		if _, err := VerifyInRelease(bad, keys, unverified.Date.Add(6*time.Hour)); err == nil {
			t.Errorf("%s: a one-byte change still verifies", name)
		}
		checked++
	}
	if checked == 0 {
		t.Skip("no InRelease in " + lists)
	}
	t.Logf("verified %d real InRelease files", checked)
}

// TestHostRealIndex opens Debian's real bookworm main index end to end when
// DEBARCHIVE_PACKAGES names the decompressed Packages file apt last fetched (e.g.
// lz4 -dc /var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4):
// the real InRelease verified with the real keyring, the 50 MB index checked against it
// (served plain: the .xz and .gz the Release lists are absent, so the fallback is used too).
func TestHostRealIndex(t *testing.T) {
	pkgs := os.Getenv("DEBARCHIVE_PACKAGES")
	const inrel = "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease"
	if pkgs == "" {
		t.Skip("DEBARCHIVE_PACKAGES not set")
	}
	data, err := os.ReadFile(inrel)
	if err != nil {
		t.Skip(err)
	}
	keyring, err := os.ReadFile("/usr/share/keyrings/debian-archive-keyring.gpg")
	if err != nil {
		t.Skip(err)
	}
	block, _ := clearsign.Decode(data)
	unverified, err := ParseRelease(bytes.NewReader(block.Bytes))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debian/dists/bookworm/InRelease", func(w http.ResponseWriter, r *http.Request) { w.Write(data) })
	mux.HandleFunc("/debian/dists/bookworm/main/binary-amd64/Packages", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, pkgs) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	root := fstest.MapFS{
		"etc/os-release":                                {Data: []byte("VERSION_CODENAME=bookworm\nID=debian\n")},
		"etc/apt/sources.list.d/debian.sources":         {Data: []byte("Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n")},
		"usr/share/keyrings/debian-archive-keyring.gpg": {Data: keyring},
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	ix, err := Open(context.Background(), Options{Root: root, Client: srv.Client(), Mirror: srv.URL + "/debian", Arch: "amd64",
		Clock: func() time.Time { return unverified.Date.Add(6 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	libpq := ix.Lookup("libpq5")
	if len(libpq) == 0 || libpq[0].SHA256 == "" || !strings.HasPrefix(libpq[0].Filename, "pool/main/p/postgresql-15/") {
		t.Errorf("libpq5 = %+v", libpq)
	}
	t.Logf("%d packages in %v, %d MB kept on the heap; libpq5 = %+v", len(ix.Packages()), took, (after.HeapAlloc-before.HeapAlloc)>>20, libpq)
}
