package resolve

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// An excerpt of a debian:bookworm-slim /var/lib/dpkg/status, with one
// package removed but not purged (config-files) and one half-installed.
const bookwormStatus = `Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 340
Maintainer: Santiago Vila <sanvila@debian.org>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u5
Replaces: base, dpkg (<= 1.15.0), miscutils
Provides: base
Conffiles:
 /etc/debian_version a2b8a8ea2b6f3e9e5e9f1a4e3b2c1d0e
 /etc/dpkg/origins/debian c47b6815f67ad1aeccb0d4529bd0b990
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy of a Debian system, and
 several important miscellaneous files, such as /etc/debian_version,
 .
 /etc/host.conf, /etc/issue, /etc/motd, /etc/profile, and others,
Homepage: https://tracker.debian.org/pkg/base-files

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12985
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u7
Depends: libgcc-s1
Recommends: libidn2-0 (>= 2.0.5~)
Suggests: glibc-doc, debconf | debconf-2.0, libc-l10n, locales, libnss-nis, libnss-nisplus
Breaks: aide (<< 0.17.3-4+b3), busybox (<< 1.30.1-6)
Conffiles:
 /etc/ld.so.conf.d/x86_64-linux-gnu.conf d4e7a7b88a71b5ffd9e2644e71a0cfab
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system. This package includes shared versions of the standard C library
 and the standard math library, as well as many others.
Homepage: https://www.gnu.org/software/libc/libc.html

Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6140
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.13-1~deb12u1
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL and
 TLS cryptographic protocols for secure communication over the Internet.
Homepage: https://www.openssl.org/

Package: libold1
Status: deinstall ok config-files
Priority: optional
Architecture: amd64
Version: 1.0-1
Description: removed, config files left

Package: libhalf2
Status: install reinstreq half-installed
Priority: optional
Architecture: amd64
Version: 2.0-1
Description: broken install
`

func TestParseStatus(t *testing.T) {
	fsys := fstest.MapFS{
		"var/lib/dpkg/status": {Data: []byte(bookwormStatus)},
	}
	got, err := ParseStatus(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []Installed{
		{Package: "base-files", Version: "12.4+deb12u5", Architecture: "amd64", Provides: "base", MultiArch: "foreign", Essential: "yes", Priority: "required"},
		{Package: "libc6", Version: "2.36-9+deb12u7", Architecture: "amd64", MultiArch: "same", Priority: "optional", Source: "glibc"},
		{Package: "libssl3", Version: "3.0.13-1~deb12u1", Architecture: "amd64", MultiArch: "same", Priority: "optional", Source: "openssl"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseStatus (-want +got):\n%s", d)
	}

	// What the base has feeds Resolve: libssl3 and libc6 are not added.
	idx := []Package{
		{Name: "libpq5", Version: "15.5-0+deb12u1", Architecture: "amd64", Depends: "libc6 (>= 2.34), libssl3 (>= 3.0.0)"},
		{Name: "libssl3", Version: "3.0.15-1~deb12u1", Architecture: "amd64"},
	}
	plan, err := Resolve([]string{"libpq5"}, idx, got, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"libpq5=15.5-0+deb12u1"}, names(plan)); d != "" {
		t.Errorf("plan (-want +got):\n%s", d)
	}
}

func TestParseStatusDistroless(t *testing.T) {
	// distroless: one stanza per file in status.d, no Status field, and
	// md5sums files beside them.
	fsys := fstest.MapFS{
		"var/lib/dpkg/status.d/libc6":         {Data: []byte("Package: libc6\nVersion: 2.36-9+deb12u7\nArchitecture: arm64\nMulti-Arch: same\n")},
		"var/lib/dpkg/status.d/libc6.md5sums": {Data: []byte("d41d8cd98f00b204e9800998ecf8427e  lib/ld-linux-aarch64.so.1\n")},
		"var/lib/dpkg/status.d/base-files":    {Data: []byte("Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: arm64\nStatus: install ok installed\n")},
		"var/lib/dpkg/status.d/gone":          {Data: []byte("Package: gone\nVersion: 1\nArchitecture: arm64\nStatus: deinstall ok config-files\n")},
	}
	got, err := ParseStatus(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, i := range got {
		n = append(n, i.Package+"="+i.Version)
	}
	if d := cmp.Diff([]string{"base-files=12.4+deb12u5", "libc6=2.36-9+deb12u7"}, n); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseStatusEmptyAndDamaged(t *testing.T) {
	got, err := ParseStatus(fstest.MapFS{})
	if err != nil || len(got) != 0 {
		t.Errorf("empty base: %v, %v", got, err)
	}
	_, err = ParseStatus(fstest.MapFS{"var/lib/dpkg/status": {Data: []byte("Status: install ok installed\nArchitecture: amd64\n")}})
	if err == nil || !strings.Contains(err.Error(), "/var/lib/dpkg/status") {
		t.Errorf("damaged status: error %v should name the file", err)
	}
}
