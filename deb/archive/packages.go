package archive

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pault.ag/go/debian/control"
)

// Package is one stanza of a Packages index, reduced to what laying packages down needs.
// Relation fields are kept as the archive writes them (e.g. "libc6 (>= 2.34), libssl3 | libssl1.1");
// parse them with pault.ag/go/debian/dependency.Parse, and versions with pault.ag/go/debian/version.
type Package struct {
	Name          string // Package:
	Version       string // Version: e.g. "15.10-0+deb12u1"
	Architecture  string // Architecture: the index's arch or "all"
	Depends       string // Depends: raw relation list, "" for none
	PreDepends    string // Pre-Depends: raw relation list
	Provides      string // Provides: raw, e.g. "libpq5-dev (= 15.10), mail-transport-agent"
	MultiArch     string // Multi-Arch: "", "same", "foreign" or "allowed"
	Source        string // Source: the source package, possibly "name (version)"; "" means Name
	Section       string // Section: e.g. "libs"
	Priority      string // Priority: e.g. "optional"
	Description   string // the first line of Description: (the synopsis)
	Filename      string // Filename: path below the archive root, e.g. "pool/main/p/postgresql-15/libpq5_15.10-0+deb12u1_amd64.deb"
	Size          int64  // Size: of the .deb in bytes
	SHA256        string // SHA256: of the .deb, lower-case hex
	InstalledSize int64  // Installed-Size: in KiB, as dpkg counts it

	// Where the stanza came from: the archive base URL, suite and component.
	URI, Suite, Component string
}

// ParsePackages reads a (decompressed) Packages index from r one stanza at a time and calls
// fn for each; memory stays bounded by the largest stanza. fn's error stops the parse and is
// returned as is.
func ParsePackages(r io.Reader, fn func(Package) error) error {
	pr, err := control.NewParagraphReader(r, nil)
	if err != nil {
		return err
	}
	// Values are copied out of the parser's lines (which hold the key too), and the few
	// values most stanzas share are kept once: bookworm's 63 000 packages then take
	// well under the 50 MB of the text they come from.
	shared := map[string]string{}
	intern := func(s string) string {
		if v, ok := shared[s]; ok {
			return v
		}
		s = strings.Clone(s)
		shared[s] = s
		return s
	}
	for n := 1; ; n++ {
		p, err := pr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("stanza %d: %w", n, err)
		}
		pkg, err := packageFrom(p.Values, intern)
		if err != nil {
			return fmt.Errorf("stanza %d: %w", n, err)
		}
		if err := fn(pkg); err != nil {
			return err
		}
	}
}

func packageFrom(v map[string]string, intern func(string) string) (Package, error) {
	desc, _, _ := strings.Cut(v["Description"], "\n")
	c := strings.Clone
	p := Package{
		Name: c(v["Package"]), Version: c(v["Version"]), Architecture: intern(v["Architecture"]),
		Depends: c(v["Depends"]), PreDepends: c(v["Pre-Depends"]), Provides: c(v["Provides"]),
		MultiArch: intern(v["Multi-Arch"]), Source: intern(v["Source"]), Section: intern(v["Section"]), Priority: intern(v["Priority"]),
		Filename: c(v["Filename"]), SHA256: c(strings.ToLower(v["SHA256"])),
		Description: c(strings.TrimSpace(desc)),
	}
	if p.Name == "" || p.Version == "" {
		return p, errors.New("a stanza has no Package or Version field")
	}
	var err error
	if s := v["Size"]; s != "" {
		if p.Size, err = strconv.ParseInt(s, 10, 64); err != nil {
			return p, fmt.Errorf("package %s: bad Size %q", p.Name, s)
		}
	}
	if s := v["Installed-Size"]; s != "" {
		if p.InstalledSize, err = strconv.ParseInt(s, 10, 64); err != nil {
			return p, fmt.Errorf("package %s: bad Installed-Size %q", p.Name, s)
		}
	}
	return p, nil
}
