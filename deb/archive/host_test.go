package archive

import (
	"bytes"
	"os"
	"strings"
	"testing"
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
