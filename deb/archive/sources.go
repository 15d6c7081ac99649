package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"pault.ag/go/debian/control"
)

// Source is one apt source as the base image declares it: one (URI, Suite) pair with its
// components and the keys it trusts. A deb822 stanza with several URIs or Suites becomes
// several Sources.
type Source struct {
	URI        string   // base URL of the archive, without a trailing slash
	Suite      string   // e.g. "bookworm", "bookworm-updates", "bookworm-security"
	Components []string // e.g. ["main"]
	// SignedBy is the keyring path from Signed-By (e.g. /usr/share/keyrings/debian-archive-keyring.gpg),
	// empty when the source names none or carries its key inline (SignedByKey).
	SignedBy    string
	SignedByKey string   // an inline ASCII-armored key block from a deb822 Signed-By
	Archs       []string // the arch= / Architectures: restriction, empty for none
	From        string   // the file that declared it, for error messages
}

// ParseSources reads the base's apt sources from root (the base image's root directory):
// /etc/apt/sources.list (one-line format) and /etc/apt/sources.list.d/*.list and *.sources
// (deb822), in apt's order. Only "deb" entries are returned; "deb-src" ones and stanzas with
// "Enabled: no" are skipped.
func ParseSources(root fs.FS) ([]Source, error) {
	var out []Source
	if data, err := fs.ReadFile(root, "etc/apt/sources.list"); err == nil {
		srcs, err := ParseSourcesList(data, "/etc/apt/sources.list")
		if err != nil {
			return nil, err
		}
		out = append(out, srcs...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading /etc/apt/sources.list in the base image: %w", err)
	}
	entries, err := fs.ReadDir(root, "etc/apt/sources.list.d")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading /etc/apt/sources.list.d in the base image: %w", err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		p := "etc/apt/sources.list.d/" + name
		var parse func([]byte, string) ([]Source, error)
		switch {
		case strings.HasSuffix(name, ".list"):
			parse = ParseSourcesList
		case strings.HasSuffix(name, ".sources"):
			parse = ParseDeb822Sources
		default:
			continue
		}
		data, err := fs.ReadFile(root, p)
		if err != nil {
			return nil, fmt.Errorf("reading /%s in the base image: %w", p, err)
		}
		srcs, err := parse(data, "/"+p)
		if err != nil {
			return nil, err
		}
		out = append(out, srcs...)
	}
	return out, nil
}

// ParseSourcesList parses the one-line format:
//
//	deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg arch=amd64] http://deb.debian.org/debian bookworm main
func ParseSourcesList(data []byte, file string) ([]Source, error) {
	var out []Source
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		typ := fields[0]
		fields = fields[1:]
		var opts []string
		if len(fields) > 0 && strings.HasPrefix(fields[0], "[") {
			// Options run up to the field ending in "]"; "[ a=b ]" and "[a=b]" both occur.
			joined := []string{}
			closed := false
			for len(fields) > 0 && !closed {
				f := fields[0]
				fields = fields[1:]
				if strings.HasSuffix(f, "]") {
					closed = true
					f = strings.TrimSuffix(f, "]")
				}
				joined = append(joined, strings.TrimPrefix(f, "["))
			}
			if !closed {
				return nil, fmt.Errorf("%s line %d: options opened with [ are not closed with ]", file, n)
			}
			for _, o := range joined {
				if o != "" {
					opts = append(opts, o)
				}
			}
		}
		if typ != "deb" {
			continue // deb-src and anything else
		}
		if len(fields) < 2 {
			return nil, fmt.Errorf("%s line %d: want \"deb URI SUITE COMPONENT...\", got %q", file, n, sc.Text())
		}
		s := Source{URI: strings.TrimRight(fields[0], "/"), Suite: fields[1], Components: fields[2:], From: file}
		for _, o := range opts {
			k, v, ok := strings.Cut(o, "=")
			if !ok {
				return nil, fmt.Errorf("%s line %d: option %q is not key=value", file, n, o)
			}
			switch strings.ToLower(strings.TrimSuffix(k, "+")) {
			case "signed-by":
				s.SignedBy = v
			case "arch":
				s.Archs = strings.Split(v, ",")
			}
		}
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", file, n, err)
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// ParseDeb822Sources parses the deb822 format of /etc/apt/sources.list.d/*.sources:
//
//	Types: deb
//	URIs: http://deb.debian.org/debian
//	Suites: bookworm bookworm-updates
//	Components: main
//	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
//
// Signed-By may instead hold an armored key block on continuation lines.
func ParseDeb822Sources(data []byte, file string) ([]Source, error) {
	pr, err := control.NewParagraphReader(bytes.NewReader(data), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var out []Source
	for {
		p, err := pr.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		get := func(key string) string {
			for k, v := range p.Values {
				if strings.EqualFold(k, key) {
					return v
				}
			}
			return ""
		}
		if strings.EqualFold(strings.TrimSpace(get("Enabled")), "no") {
			continue
		}
		if !containsWord(get("Types"), "deb") {
			continue
		}
		uris, suites := strings.Fields(get("URIs")), strings.Fields(get("Suites"))
		if len(uris) == 0 || len(suites) == 0 {
			return nil, fmt.Errorf("%s: a stanza of Types: deb needs URIs and Suites", file)
		}
		base := Source{Components: strings.Fields(get("Components")), From: file}
		if a := strings.Fields(get("Architectures")); len(a) > 0 {
			base.Archs = a
		}
		signed := strings.TrimSpace(get("Signed-By"))
		if strings.Contains(signed, "-----BEGIN PGP PUBLIC KEY BLOCK-----") {
			base.SignedByKey = signed + "\n"
		} else if f := strings.Fields(signed); len(f) > 0 {
			base.SignedBy = f[0]
			if len(f) > 1 {
				return nil, fmt.Errorf("%s: Signed-By with several keyrings or fingerprints (%q) is not supported; name one keyring file", file, signed)
			}
		}
		for _, u := range uris {
			for _, su := range suites {
				s := base
				s.URI, s.Suite = strings.TrimRight(u, "/"), su
				if err := s.check(); err != nil {
					return nil, fmt.Errorf("%s: %w", file, err)
				}
				out = append(out, s)
			}
		}
	}
	return out, nil
}

func (s Source) check() error {
	if strings.HasSuffix(s.Suite, "/") {
		return fmt.Errorf("flat repository %s %s is not supported: use a suite with components", s.URI, s.Suite)
	}
	if len(s.Components) == 0 {
		return fmt.Errorf("source %s %s names no components", s.URI, s.Suite)
	}
	if s.SignedBy != "" && !strings.HasPrefix(s.SignedBy, "/") {
		return fmt.Errorf("Signed-By %q of %s %s is not an absolute keyring path (fingerprints are not supported)", s.SignedBy, s.URI, s.Suite)
	}
	return nil
}

func containsWord(list, w string) bool {
	for _, f := range strings.Fields(list) {
		if f == w {
			return true
		}
	}
	return false
}

// System is what the base image says about itself.
type System struct {
	Codename string // VERSION_CODENAME from /etc/os-release, e.g. "bookworm"
	ID       string // ID from /etc/os-release, e.g. "debian"
	// VersionID is VERSION_ID from /etc/os-release, e.g. "12"; empty on testing and unstable.
	VersionID string
	Arch      string // dpkg architecture, e.g. "amd64"
}

// ReadSystem reads /etc/os-release (or /usr/lib/os-release) and dpkg's architecture from
// root. arch, when not empty (the image config's architecture), is used as dpkg's
// architecture; otherwise the first line of /var/lib/dpkg/arch is.
func ReadSystem(root fs.FS, arch string) (System, error) {
	var sys System
	data, err := fs.ReadFile(root, "etc/os-release")
	if errors.Is(err, fs.ErrNotExist) {
		data, err = fs.ReadFile(root, "usr/lib/os-release")
	}
	if err != nil {
		return sys, fmt.Errorf("reading /etc/os-release in the base image: %w", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "VERSION_CODENAME":
			sys.Codename = v
		case "ID":
			sys.ID = v
		case "VERSION_ID":
			sys.VersionID = v
		}
	}
	sys.Arch = DebianArch(arch)
	if sys.Arch == "" {
		data, err := fs.ReadFile(root, "var/lib/dpkg/arch")
		if err != nil {
			return sys, fmt.Errorf("the base image's architecture is unknown: pass the image config's architecture (reading /var/lib/dpkg/arch: %w)", err)
		}
		sys.Arch, _, _ = strings.Cut(strings.TrimSpace(string(data)), "\n")
		sys.Arch = strings.TrimSpace(sys.Arch)
	}
	return sys, nil
}

// DebianArch maps an OCI/Go architecture name (with an optional variant, "arm/v7") to
// dpkg's; Debian names pass through.
func DebianArch(oci string) string {
	switch path.Clean("/" + oci)[1:] {
	case "386":
		return "i386"
	case "arm/v7", "arm":
		return "armhf"
	case "arm/v6", "arm/v5":
		return "armel"
	case "arm64", "arm64/v8":
		return "arm64"
	case "ppc64le":
		return "ppc64el"
	case "mips64le":
		return "mips64el"
	}
	return oci
}
