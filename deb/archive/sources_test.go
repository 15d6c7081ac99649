package archive

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

const trixieSources = `# Debian's own image layout (docker.io/library/debian:trixie)
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main

Enabled: no
Types: deb
URIs: http://example.org/debian
Suites: trixie
Components: main
`

func TestParseDeb822Sources(t *testing.T) {
	got, err := ParseDeb822Sources([]byte(trixieSources), "/etc/apt/sources.list.d/debian.sources")
	if err != nil {
		t.Fatal(err)
	}
	kr := "/usr/share/keyrings/debian-archive-keyring.gpg"
	from := "/etc/apt/sources.list.d/debian.sources"
	want := []Source{
		{URI: "http://deb.debian.org/debian", Suite: "trixie", Components: []string{"main"}, SignedBy: kr, From: from},
		{URI: "http://deb.debian.org/debian", Suite: "trixie-updates", Components: []string{"main"}, SignedBy: kr, From: from},
		{URI: "http://deb.debian.org/debian-security", Suite: "trixie-security", Components: []string{"main", "contrib"}, SignedBy: kr, From: from},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseDeb822InlineKey(t *testing.T) {
	src := "Types: deb\nURIs: https://apt.postgresql.org/pub/repos/apt\nSuites: bookworm-pgdg\nComponents: main\nArchitectures: amd64 arm64\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mQINBE6XR8IBEACVdDKT2HEH1IyHzXkb4nIWAY7echjRxo7MTcj4vbXAyBKOfjja\n -----END PGP PUBLIC KEY BLOCK-----\n"
	got, err := ParseDeb822Sources([]byte(src), "pgdg.sources")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].SignedBy != "" || !strings.HasPrefix(got[0].SignedByKey, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBE6") ||
		!reflect.DeepEqual(got[0].Archs, []string{"amd64", "arm64"}) {
		t.Errorf("got %+v", got)
	}
}

func TestParseSourcesList(t *testing.T) {
	src := `# bookworm, one-line format
deb http://deb.debian.org/debian bookworm main contrib
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg arch=amd64,arm64] http://deb.debian.org/debian bookworm-updates main
deb [ signed-by=/usr/share/keyrings/debian-archive-keyring.gpg ] http://deb.debian.org/debian-security/ bookworm-security main # security
deb-src http://deb.debian.org/debian bookworm main
`
	got, err := ParseSourcesList([]byte(src), "/etc/apt/sources.list")
	if err != nil {
		t.Fatal(err)
	}
	kr := "/usr/share/keyrings/debian-archive-keyring.gpg"
	want := []Source{
		{URI: "http://deb.debian.org/debian", Suite: "bookworm", Components: []string{"main", "contrib"}, From: "/etc/apt/sources.list"},
		{URI: "http://deb.debian.org/debian", Suite: "bookworm-updates", Components: []string{"main"}, SignedBy: kr, Archs: []string{"amd64", "arm64"}, From: "/etc/apt/sources.list"},
		{URI: "http://deb.debian.org/debian-security", Suite: "bookworm-security", Components: []string{"main"}, SignedBy: kr, From: "/etc/apt/sources.list"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	for _, bad := range []string{"deb [signed-by=/k.gpg http://x bookworm main", "deb http://x", "deb http://x ./", "deb [signed-by=ABCDEF] http://x bookworm main"} {
		if _, err := ParseSourcesList([]byte(bad), "f"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseSourcesAndSystem(t *testing.T) {
	root := fstest.MapFS{
		"etc/apt/sources.list":                  {Data: []byte("deb http://deb.debian.org/debian bookworm main\n")},
		"etc/apt/sources.list.d/debian.sources": {Data: []byte(trixieSources)},
		"etc/apt/sources.list.d/README":         {Data: []byte("not a source")},
		"etc/os-release":                        {Data: []byte("PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\nVERSION_CODENAME=trixie\nID=debian\n")},
		"var/lib/dpkg/arch":                     {Data: []byte("arm64\ni386\n")},
	}
	srcs, err := ParseSources(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 4 || srcs[0].From != "/etc/apt/sources.list" || srcs[3].Suite != "trixie-security" {
		t.Errorf("sources = %+v", srcs)
	}
	sys, err := ReadSystem(root, "")
	if err != nil || sys != (System{Codename: "trixie", ID: "debian", Arch: "arm64"}) {
		t.Errorf("ReadSystem = %+v, %v", sys, err)
	}
	if sys, _ := ReadSystem(root, "arm/v7"); sys.Arch != "armhf" {
		t.Errorf("arm/v7 -> %q", sys.Arch)
	}
	delete(root, "var/lib/dpkg/arch")
	if _, err := ReadSystem(root, ""); err == nil || !strings.Contains(err.Error(), "architecture") {
		t.Errorf("no arch: %v", err)
	}
}
