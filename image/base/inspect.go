package base

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/containerize/containerize/image/internal/union"
	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/wheel"
)

// Base is what a build needs to know about a base image, read from its config and files.
type Base struct {
	Image v1.Image `json:"-"`
	// Python is the interpreter's version: "3.12.7" from the PYTHON_VERSION variable the official images
	// set, else "3.12" from the executable's name.
	Python string `json:"python"`
	// Interpreter is the python3.X executable, e.g. "/usr/local/bin/python3.12".
	Interpreter string `json:"interpreter"`
	// Prefix is where Python is installed: "/usr/local" or "/usr".
	Prefix string `json:"prefix"`
	// ABIFlags is "t" for a free-threaded build (python3.13t), else "".
	ABIFlags string `json:"abi_flags,omitempty"`
	// Libc is wheel.Glibc or wheel.Musl; LibcVersion its major.minor ("2.36", "1.2").
	Libc        string `json:"libc"`
	LibcVersion string `json:"libc_version"`
	// Arch is the architecture in wheel tag spelling (x86_64, aarch64).
	Arch     string      `json:"arch"`
	Platform v1.Platform `json:"platform"`
	// Passwd and Group are /etc/passwd and /etc/group; nil when the image has none.
	Passwd []byte `json:"passwd"`
	Group  []byte `json:"group"`
	// Shell reports whether /bin/sh exists.
	Shell bool `json:"shell"`
	// Symlinks are the top-level directories that are symlinks (/bin, /lib, /sbin on usr-merged Debian):
	// a layer must not put a directory entry there.
	Symlinks []string `json:"symlinks,omitempty"`
	// Evidence says where each fact was read, for people ("glibc 2.36: /usr/lib/x86_64-linux-gnu/libc.so.6").
	Evidence []string `json:"evidence"`
}

// MinorVersion is Python's major.minor ("3.12").
func (b *Base) MinorVersion() string { return majorMinor(b.Python) }

// Target is the wheel target of the image.
func (b *Base) Target() wheel.Target {
	return wheel.Target{
		PythonVersion:  b.MinorVersion(),
		Implementation: "cp",
		Arch:           b.Arch,
		Libc:           b.Libc,
		LibcVersion:    b.LibcVersion,
		ABIFlags:       b.ABIFlags,
	}
}

// Files of interest. Paths are as in layer tars: relative, without "./".
var (
	pythonRe = lazy.Regexp(`^(usr/local|usr)/bin/python(3\.[0-9]+)(t?)$`)
	libcRe   = lazy.Regexp(`^(?:usr/)?lib(?:64|32)?/(?:[^/]+/)?(libc\.so\.6|libc-[0-9]+\.[0-9]+\.so)$`)
	muslRe   = lazy.Regexp(`^(?:usr/)?lib/ld-musl-[^/]+\.so\.1$`)
	// glibc prints this banner when libc.so.6 is run; it is a string in the library since glibc 2.0.
	glibcBanner = lazy.Regexp(`GNU C Library [^\x00\n]*?version ([0-9]+\.[0-9]+)`)
	libcSoname  = lazy.Regexp(`^libc-([0-9]+\.[0-9]+)\.so$`)
	// musl keeps its version as a bare string (__libc_version) that `ldd --version` prints.
	muslVersion = lazy.Regexp(`\x00(1\.[0-9]+\.[0-9]+)\x00`)
)

const (
	apkDB        = "lib/apk/db/installed"
	maxSmallFile = 16 << 20 // passwd, group, the apk database
	maxLibFile   = 64 << 20 // libc.so.6 is about 2 MiB
)

// file is an interesting file found in the image.
type file struct {
	path string
	link string // symlink target
	data []byte
	dir  bool
}

// scan walks an image's layers from the top, as the union filesystem would show them, keeping the files
// Inspect needs.
type scan struct {
	decided  map[string]bool // paths an upper layer already showed or deleted
	hidden   union.Hidden    // what upper layers deleted
	found    map[string]file
	symlinks map[string]bool
	// keep says which files to keep and how much of each to read (0: none of it).
	keep func(name string) (keep bool, limit int64)
}

func newScan(keep func(string) (bool, int64)) *scan {
	return &scan{decided: map[string]bool{}, found: map[string]file{}, symlinks: map[string]bool{}, keep: keep}
}

func interesting(name string) (keep bool, limit int64) {
	switch {
	case name == "etc/passwd" || name == "etc/group" || name == apkDB:
		return true, maxSmallFile
	case libcRe().MatchString(name) || muslRe().MatchString(name):
		return true, maxLibFile
	case pythonRe().MatchString(name) || name == "bin/sh" || name == "usr/bin/sh":
		return true, 0
	}
	return false, 0
}

func (s *scan) layer(r io.Reader) error {
	tr := tar.NewReader(r)
	var deleted, opaque []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		name, kind := union.Classify(h)
		switch kind {
		case union.Skip:
			continue
		case union.Opaque:
			opaque = append(opaque, name)
			continue
		case union.Whiteout:
			deleted = append(deleted, name)
			continue
		}
		dir := path.Dir(name)
		if s.decided[name] || s.hidden.Has(name) {
			continue
		}
		s.decided[name] = true
		if dir == "." && h.Typeflag == tar.TypeSymlink {
			s.symlinks[name] = true
		}
		keep, limit := s.keep(name)
		if !keep {
			continue
		}
		f := file{path: name, dir: h.Typeflag == tar.TypeDir}
		switch h.Typeflag {
		case tar.TypeSymlink:
			f.link = h.Linkname
		case tar.TypeReg:
			if limit > 0 {
				if h.Size > limit {
					return fmt.Errorf("/%s is %d bytes, more than the %d this reads", name, h.Size, limit)
				}
				if f.data, err = io.ReadAll(tr); err != nil {
					return fmt.Errorf("read /%s: %w", name, err)
				}
			}
		case tar.TypeLink:
			f.link = "/" + strings.TrimPrefix(h.Linkname, "/") // a hard link: same content as its target
		}
		s.found[name] = f
	}
	// Whiteouts hide lower layers only, never files of their own layer.
	for _, p := range deleted {
		s.hidden.Delete(p)
	}
	for _, p := range opaque {
		s.hidden.Empty(p)
	}
	return nil
}

// Inspect reads img's config and, from the top layer down, its files, stopping once every fact is known.
func Inspect(img v1.Image) (*Base, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read image config: %w", err)
	}
	b := &Base{Image: img, Platform: v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}}
	if b.Arch, err = wheelArch(b.Platform); err != nil {
		return nil, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("list layers: %w", err)
	}
	s := newScan(interesting)
	for i := len(layers) - 1; i >= 0; i-- {
		if err := readLayer(layers[i], s); err != nil {
			return nil, fmt.Errorf("read layer %d of %d: %w", i+1, len(layers), err)
		}
		if s.complete() {
			break
		}
	}
	for name := range s.symlinks {
		b.Symlinks = append(b.Symlinks, "/"+name)
	}
	sort.Strings(b.Symlinks)
	if f, ok := s.found["etc/passwd"]; ok {
		b.Passwd = f.data
	}
	if f, ok := s.found["etc/group"]; ok {
		b.Group = f.data
	}
	_, sh1 := s.found["bin/sh"]
	_, sh2 := s.found["usr/bin/sh"]
	b.Shell = sh1 || sh2
	if err := b.python(s, envValue(cf.Config.Env, "PYTHON_VERSION")); err != nil {
		return nil, err
	}
	if err := b.libc(s); err != nil {
		return nil, err
	}
	return b, nil
}

func readLayer(l v1.Layer, s *scan) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	return s.layer(rc)
}

// complete reports whether lower layers can no longer change any answer.
func (s *scan) complete() bool {
	_, passwd := s.found["etc/passwd"]
	_, group := s.found["etc/group"]
	_, sh1 := s.found["bin/sh"]
	_, sh2 := s.found["usr/bin/sh"]
	python, libc := false, false
	for name, f := range s.found {
		switch {
		case pythonRe().MatchString(name):
			python = true
		case muslRe().MatchString(name):
			_, apk := s.found[apkDB]
			libc = libc || apk
		case libcRe().MatchString(name):
			// A symlink's target may still be below; a file is the answer.
			libc = libc || f.link == "" || libcSoname().MatchString(path.Base(f.link))
		}
	}
	return passwd && group && (sh1 || sh2) && python && libc
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// python finds the interpreter: the executable whose minor version PYTHON_VERSION names, else the newest
// one, /usr/local before /usr (the official images build Python into /usr/local).
func (b *Base) python(s *scan, envVersion string) error {
	type cand struct {
		prefix, minor, flags, path string
	}
	var cands []cand
	for name := range s.found {
		if m := pythonRe().FindStringSubmatch(name); m != nil && !s.found[name].dir {
			cands = append(cands, cand{"/" + m[1], m[2], m[3], "/" + name})
		}
	}
	if len(cands) == 0 {
		return errors.New("no Python interpreter in the base image (looked for /usr/local/bin/python3.X and /usr/bin/python3.X): use a Python base such as python:3.12-slim")
	}
	minorNum := func(v string) int {
		n, _ := strconv.Atoi(strings.TrimPrefix(v, "3."))
		return n
	}
	sort.Slice(cands, func(i, j int) bool {
		a, c := cands[i], cands[j]
		if a.prefix != c.prefix {
			return a.prefix == "/usr/local"
		}
		if a.minor != c.minor {
			return minorNum(a.minor) > minorNum(c.minor)
		}
		return a.flags < c.flags // the default build before the free-threaded one
	})
	chosen := cands[0]
	envMinor := majorMinor(envVersion)
	if envVersion != "" {
		for _, c := range cands {
			if c.minor == envMinor && c.flags == "" {
				chosen = c
				break
			}
		}
	}
	b.Interpreter, b.Prefix, b.ABIFlags = chosen.path, chosen.prefix, chosen.flags
	b.Python = chosen.minor
	how := "its file name"
	if envVersion != "" && envMinor == chosen.minor {
		b.Python, how = envVersion, "PYTHON_VERSION"
	}
	b.Evidence = append(b.Evidence, fmt.Sprintf("python %s: %s (version from %s)", b.Python, b.Interpreter, how))
	return nil
}

// libc tells glibc from musl and reads the version: for glibc from a libc-X.Y.so file name (before glibc
// 2.34 libc.so.6 links to one) or from the "GNU C Library ... version X.Y" banner inside libc.so.6; for musl
// from Alpine's package database, else from the version string inside the dynamic loader.
func (b *Base) libc(s *scan) error {
	var names []string
	for name := range s.found {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !muslRe().MatchString(name) {
			continue
		}
		b.Libc = wheel.Musl
		if v := apkVersion(s.found[apkDB].data, "musl"); v != "" {
			b.LibcVersion = majorMinor(v)
			b.Evidence = append(b.Evidence, fmt.Sprintf("musl %s: /%s (version from /%s)", b.LibcVersion, name, apkDB))
			return nil
		}
		if m := muslVersion().FindSubmatch(s.found[name].data); m != nil {
			b.LibcVersion = majorMinor(string(m[1]))
			b.Evidence = append(b.Evidence, fmt.Sprintf("musl %s: /%s", b.LibcVersion, name))
			return nil
		}
		return fmt.Errorf("the base image uses musl (/%s) but its version cannot be read (no musl entry in /%s, no version string in the loader)", name, apkDB)
	}
	for _, name := range names {
		if !libcRe().MatchString(name) {
			continue
		}
		if v, ok := s.glibcVersion(name, 0); ok {
			b.Libc, b.LibcVersion = wheel.Glibc, v
			b.Evidence = append(b.Evidence, fmt.Sprintf("glibc %s: /%s", v, name))
			return nil
		}
	}
	return errors.New("cannot tell the base image's C library: found neither glibc's libc.so.6 (with a readable version) nor musl's /lib/ld-musl-*.so.1")
}

func (s *scan) glibcVersion(name string, depth int) (string, bool) {
	if m := libcSoname().FindStringSubmatch(path.Base(name)); m != nil {
		return m[1], true
	}
	f, ok := s.found[name]
	if !ok || depth > 8 {
		return "", false
	}
	if f.link != "" {
		target := f.link
		if !strings.HasPrefix(target, "/") {
			target = path.Join(path.Dir(name), target)
		}
		target = strings.TrimPrefix(path.Clean("/"+target), "/")
		if m := libcSoname().FindStringSubmatch(path.Base(target)); m != nil {
			return m[1], true
		}
		return s.glibcVersion(target, depth+1)
	}
	if m := glibcBanner().FindSubmatch(f.data); m != nil {
		return string(m[1]), true
	}
	return "", false
}

// apkVersion reads package pkg's version from Alpine's installed database (blocks of "K:value" lines).
func apkVersion(db []byte, pkg string) string {
	for _, block := range strings.Split(string(db), "\n\n") {
		var name, version string
		for _, line := range strings.Split(block, "\n") {
			if v, ok := strings.CutPrefix(line, "P:"); ok {
				name = v
			}
			if v, ok := strings.CutPrefix(line, "V:"); ok {
				version = v
			}
		}
		if name == pkg {
			return version
		}
	}
	return ""
}

func majorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
}

// wheelArch spells an OCI platform's architecture the way wheel tags do.
func wheelArch(p v1.Platform) (string, error) {
	switch p.Architecture {
	case "amd64":
		return "x86_64", nil
	case "arm64":
		return "aarch64", nil
	case "386":
		return "i686", nil
	case "arm":
		switch p.Variant {
		case "v7", "":
			return "armv7l", nil
		case "v6":
			return "armv6l", nil
		}
	case "ppc64le", "s390x", "riscv64", "ppc64":
		return p.Architecture, nil
	case "loong64":
		return "loongarch64", nil
	}
	if p.Architecture == "" {
		return "", errors.New("the base image's config names no architecture")
	}
	return "", fmt.Errorf("the base image's architecture %s is not one Python wheels are built for", p.String())
}
