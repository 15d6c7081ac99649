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
	for n := 1; ; n++ {
		p, err := pr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("stanza %d: %w", n, err)
		}
		pkg, err := packageFrom(p.Values)
		if err != nil {
			return fmt.Errorf("stanza %d: %w", n, err)
		}
		if err := fn(pkg); err != nil {
			return err
		}
	}
}

func packageFrom(v map[string]string) (Package, error) {
	desc, _, _ := strings.Cut(v["Description"], "\n")
	p := Package{
		Name: v["Package"], Version: v["Version"], Architecture: v["Architecture"],
		Depends: v["Depends"], PreDepends: v["Pre-Depends"], Provides: v["Provides"],
		MultiArch: v["Multi-Arch"], Source: v["Source"], Section: v["Section"], Priority: v["Priority"],
		Filename: v["Filename"], SHA256: strings.ToLower(v["SHA256"]),
		Description: strings.Clone(strings.TrimSpace(desc)), // a copy: not a slice keeping the whole description
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
