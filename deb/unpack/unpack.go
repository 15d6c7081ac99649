// Package unpack turns downloaded .deb files into image layer entries without running dpkg: it reads a
// package's data member into layer.Entry values (file contents staged on disk, never held in memory) and
// writes the dpkg database files that register the packages for dpkg, Trivy and Syft.
//
// Maintainer scripts are not run; Deb returns the names of each package's control members (postinst,
// triggers, …) and their scripts so a caller can report what was skipped and redo what matters
// (Alternatives), and the library directories that only /etc/ld.so.cache makes searched (package
// deb/ldcache writes it).
package unpack

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"pault.ag/go/debian/deb"

	"github.com/containerize/containerize/image/layer"
)

// Unpacked is one .deb read into layer entries.
type Unpacked struct {
	Package      string
	Version      string
	Architecture string
	MultiArch    string
	// Control is the package's control stanza as shipped in control.tar (ends in one newline).
	Control []byte
	// Entries are the data member's files, directories and symlinks, paths absolute ("/usr/lib/…"). The
	// contents of regular files are staged under the stage directory given to Deb; their Open reads there.
	Entries []layer.Entry
	// Files lists every data member path in archive order ("/usr", "/usr/lib/…"), as dpkg's .list has it.
	Files []string
	// MD5Sums is control.tar's md5sums, or, when the package ships none, one computed from the contents.
	MD5Sums []byte
	// Conffiles is control.tar's conffiles, if any.
	Conffiles []byte
	// ControlMembers are the names in control.tar other than control, md5sums and conffiles (postinst,
	// preinst, triggers, shlibs, …), sorted: maintainer work that was not done.
	ControlMembers []string
	// Scripts are the contents of the preinst, postinst and triggers members, by name: what a caller
	// reads to report (resolve.ReportScripts) or redo (update-alternatives) the work not done.
	Scripts map[string]string
	// LibraryDirs are directories outside ld.so's default search path that hold shared libraries (lib*.so*).
	LibraryDirs []string
	// LdSoConf are the /etc/ld.so.conf.d/*.conf files the package adds: the directories in them are only
	// searched through /etc/ld.so.cache, which must then be regenerated.
	LdSoConf []string
	// Notes say what could not be laid down exactly (device files, set-id bits, hard links made copies).
	Notes []string
}

// Deb reads the .deb at debPath. Regular files are copied once, while the data member is read, into a new
// directory under stageDir, which the caller removes when the layer is written; nothing larger than a copy
// buffer is held in memory.
func Deb(debPath, stageDir string) (Unpacked, error) {
	f, err := os.Open(debPath)
	if err != nil {
		return Unpacked{}, fmt.Errorf("opening Debian package: %w", err)
	}
	defer f.Close()
	d, err := deb.Load(f, debPath)
	if err != nil {
		return Unpacked{}, fmt.Errorf("reading Debian package %s (is the download complete?): %w", debPath, err)
	}
	defer d.Close()
	if err := checkFormat(d); err != nil {
		return Unpacked{}, fmt.Errorf("reading Debian package %s: %w", debPath, err)
	}
	u := Unpacked{
		Package:      d.Control.Package,
		Version:      d.Control.Version.String(),
		Architecture: d.Control.Architecture.String(),
		MultiArch:    d.Control.MultiArch,
	}
	if err := readControl(d, &u); err != nil {
		return Unpacked{}, fmt.Errorf("reading the control member of %s (package %s): %w", debPath, u.Package, err)
	}
	if err := os.MkdirAll(stageDir, 0o755); err != nil {
		return Unpacked{}, fmt.Errorf("staging package %s: %w", u.Package, err)
	}
	dir, err := os.MkdirTemp(stageDir, safeName(u.Package)+"-")
	if err != nil {
		return Unpacked{}, fmt.Errorf("staging package %s: %w", u.Package, err)
	}
	if err := readData(d.Data, dir, &u); err != nil {
		return Unpacked{}, fmt.Errorf("reading the data member of %s (package %s): %w", debPath, u.Package, err)
	}
	return u, nil
}

func checkFormat(d *deb.Deb) error {
	bin, ok := d.ArContent["debian-binary"]
	if !ok {
		return errors.New("no debian-binary member: not a Debian binary package")
	}
	b := make([]byte, 16)
	n, _ := bin.Data.ReadAt(b, 0)
	if !strings.HasPrefix(string(b[:n]), "2.") {
		return fmt.Errorf("package format %q is not supported (want 2.x)", strings.TrimSpace(string(b[:n])))
	}
	return nil
}

// maxControlFile bounds what is read of one control.tar member into memory.
const maxControlFile = 64 << 20

func readControl(d *deb.Deb, u *Unpacked) error {
	var member *deb.ArEntry
	for name, m := range d.ArContent {
		if strings.HasPrefix(name, "control.tar") {
			member = m
		}
	}
	if member == nil {
		return errors.New("no control.tar member")
	}
	// deb.Load has read the member once already to parse control.
	if _, err := member.Data.Seek(0, io.SeekStart); err != nil {
		return err
	}
	tr, closer, err := member.Tarfile()
	if err != nil {
		return err
	}
	defer closer.Close()
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(path.Clean(hdr.Name), "./")
		if name == "." || hdr.Typeflag == tar.TypeDir {
			continue
		}
		switch name {
		case "control", "md5sums", "conffiles":
			b, err := io.ReadAll(io.LimitReader(tr, maxControlFile+1))
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if len(b) > maxControlFile {
				return fmt.Errorf("%s is larger than %d bytes", name, maxControlFile)
			}
			switch name {
			case "control":
				u.Control = append(bytes.TrimRight(b, "\n"), '\n')
			case "md5sums":
				u.MD5Sums = b
			case "conffiles":
				u.Conffiles = b
			}
		default:
			u.ControlMembers = append(u.ControlMembers, name)
			if name == "preinst" || name == "postinst" || name == "triggers" {
				b, err := io.ReadAll(io.LimitReader(tr, maxControlFile+1))
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				if len(b) > maxControlFile {
					return fmt.Errorf("%s is larger than %d bytes", name, maxControlFile)
				}
				if u.Scripts == nil {
					u.Scripts = map[string]string{}
				}
				u.Scripts[name] = string(b)
			}
		}
	}
	if u.Control == nil {
		return errors.New("no control file")
	}
	sort.Strings(u.ControlMembers)
	return nil
}

func readData(tr *tar.Reader, dir string, u *Unpacked) error {
	byPath := map[string]layer.Entry{}
	var sums bytes.Buffer
	libDirs := map[string]bool{}
	n := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		p, err := memberPath(hdr.Name)
		if err != nil {
			return err
		}
		if p == "/" {
			continue
		}
		mode := fs.FileMode(hdr.Mode).Perm()
		if hdr.Mode&0o7000 != 0 && hdr.Typeflag != tar.TypeDir {
			u.Notes = append(u.Notes, fmt.Sprintf("%s: set-id/sticky bits (mode %o) are dropped: the layer keeps only 0644/0755", p, hdr.Mode&0o7777))
		}
		e := layer.Entry{Path: p, UID: hdr.Uid, GID: hdr.Gid}
		switch hdr.Typeflag {
		case tar.TypeDir:
			e.Mode = fs.ModeDir | mode
		case tar.TypeSymlink:
			e.Mode, e.Link = fs.ModeSymlink|0o777, hdr.Linkname
		case tar.TypeReg, tar.TypeRegA:
			n++
			staged := filepath.Join(dir, strconv.Itoa(n))
			sum, size, err := stage(tr, staged)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			if u.MD5Sums == nil {
				fmt.Fprintf(&sums, "%s  %s\n", sum, p[1:])
			}
			e.Mode, e.Size, e.Open = mode, size, openFile(staged)
		case tar.TypeLink:
			target, err := memberPath(hdr.Linkname)
			if err != nil {
				return fmt.Errorf("hard link %s: %w", p, err)
			}
			t, ok := byPath[target]
			if !ok || !t.Mode.IsRegular() {
				return fmt.Errorf("hard link %s points to %s, which is not a file earlier in the package", p, hdr.Linkname)
			}
			e.Mode, e.Size, e.Open, e.UID, e.GID = t.Mode, t.Size, t.Open, t.UID, t.GID
			u.Notes = append(u.Notes, fmt.Sprintf("%s: hard link to %s is written as a copy (layers hold no hard links)", p, target))
		case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
			u.Notes = append(u.Notes, fmt.Sprintf("%s: device or fifo skipped (containers get theirs from the runtime)", p))
			continue
		default:
			u.Notes = append(u.Notes, fmt.Sprintf("%s: tar entry type %q skipped", p, hdr.Typeflag))
			continue
		}
		if _, dup := byPath[p]; dup {
			return fmt.Errorf("%s is in the package twice", p)
		}
		byPath[p] = e
		u.Entries = append(u.Entries, e)
		u.Files = append(u.Files, p)
		if !e.Mode.IsDir() && IsSharedLibrary(p) && !DefaultLibDir(path.Dir(p)) {
			libDirs[path.Dir(p)] = true
		}
		if path.Dir(p) == "/etc/ld.so.conf.d" && strings.HasSuffix(p, ".conf") {
			u.LdSoConf = append(u.LdSoConf, p)
		}
	}
	if u.MD5Sums == nil && sums.Len() > 0 {
		u.MD5Sums = sums.Bytes()
	}
	for d := range libDirs {
		u.LibraryDirs = append(u.LibraryDirs, d)
	}
	sort.Strings(u.LibraryDirs)
	return nil
}

// memberPath makes a data.tar member name ("./usr/lib/x", "usr/lib/x/") an absolute clean path, refusing
// names that climb out of the root with "..".
func memberPath(name string) (string, error) {
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return "", fmt.Errorf("member %q climbs out of the root with \"..\": the package is broken or hostile", name)
		}
	}
	return path.Clean("/" + name), nil
}

// stage copies r into a new file at dst and returns its MD5 (for md5sums) and size.
func stage(r io.Reader, dst string) (string, int64, error) {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", 0, err
	}
	h := md5.New()
	size, err := io.Copy(io.MultiWriter(out, h), r)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

func openFile(p string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(p) }
}

// IsSharedLibrary reports whether p is named like a shared library ldconfig lists (lib*.so*).
func IsSharedLibrary(p string) bool {
	b := path.Base(p)
	return strings.HasPrefix(b, "lib") && (strings.HasSuffix(b, ".so") || strings.Contains(b, ".so."))
}

// DefaultLibDir reports whether ld.so searches dir without /etc/ld.so.cache: /lib, /usr/lib, their lib64
// forms and the multiarch triplet directories (/usr/lib/x86_64-linux-gnu).
func DefaultLibDir(dir string) bool {
	for _, base := range []string{"/lib", "/usr/lib", "/lib64", "/usr/lib64"} {
		if dir == base {
			return true
		}
		if rest, ok := strings.CutPrefix(dir, base+"/"); ok && !strings.Contains(rest, "/") && strings.Count(rest, "-") >= 2 && strings.Contains(rest, "linux") {
			return true
		}
	}
	return false
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator {
			return '_'
		}
		return r
	}, s)
}

// Register returns the dpkg database files for pkgs, in the distroless layout that Syft and Trivy read:
//
//   - /var/lib/dpkg/status.d/NAME: the control stanza with "Status: install ok installed";
//   - /var/lib/dpkg/status.d/NAME.md5sums: Syft looks for a status.d package's file list beside it;
//   - /var/lib/dpkg/info/NAME.list, .md5sums and .conffiles: the installed files, which Trivy and dpkg -L read.
//
// NAME is "package:arch" for Multi-Arch: same packages, as dpkg names them, else the package name.
// dpkg itself reads only /var/lib/dpkg/status: on a base that has one, MergeStatus appends the stanzas to
// the base's copy of it and statusD is false, so that scanners reading both do not count a package twice.
func Register(pkgs []Unpacked, statusD bool) []layer.Entry {
	var out []layer.Entry
	file := func(p string, data []byte) {
		out = append(out, layer.Entry{Path: p, Mode: 0o644, Data: data})
	}
	for _, u := range pkgs {
		name := u.Package
		if u.MultiArch == "same" && u.Architecture != "" && u.Architecture != "all" {
			name += ":" + u.Architecture
		}
		if statusD {
			file("/var/lib/dpkg/status.d/"+u.Package, StatusStanza(u))
		}
		var list bytes.Buffer
		list.WriteString("/.\n")
		for _, f := range u.Files {
			list.WriteString(f + "\n")
		}
		file("/var/lib/dpkg/info/"+name+".list", list.Bytes())
		if len(u.MD5Sums) > 0 {
			if statusD {
				file("/var/lib/dpkg/status.d/"+u.Package+".md5sums", u.MD5Sums)
			}
			file("/var/lib/dpkg/info/"+name+".md5sums", u.MD5Sums)
		}
		if len(u.Conffiles) > 0 {
			file("/var/lib/dpkg/info/"+name+".conffiles", u.Conffiles)
		}
	}
	return out
}

// StatusStanza is u's control stanza as dpkg's status database holds it: "Status: install ok installed"
// right after the Package field, ending in a newline (stanzas in one file are separated by a blank line).
func StatusStanza(u Unpacked) []byte {
	var b bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(u.Control))
	sc.Buffer(make([]byte, 0, 64<<10), maxControlFile)
	inserted := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Status:") {
			continue
		}
		b.WriteString(line + "\n")
		if !inserted && strings.HasPrefix(line, "Package:") {
			b.WriteString("Status: install ok installed\n")
			inserted = true
		}
	}
	if !inserted {
		return append([]byte("Status: install ok installed\n"), b.Bytes()...)
	}
	return b.Bytes()
}

// MergeStatus returns the base image's /var/lib/dpkg/status (base, as read from the base) with a stanza for
// each of pkgs appended, so that dpkg itself (dpkg -l, dpkg -s), which reads only that file, sees the
// added packages too. The base's stanzas are kept byte for byte; the new ones follow in the order given.
// A package the base already lists for the same architecture is an error: the resolver never adds one,
// and two stanzas for one package would leave dpkg's answer to chance.
func MergeStatus(base []byte, pkgs []Unpacked) ([]byte, error) {
	have := map[string]bool{}
	for _, stanza := range bytes.Split(base, []byte("\n\n")) {
		var name, arch string
		for _, line := range strings.Split(string(stanza), "\n") {
			if v, ok := strings.CutPrefix(line, "Package:"); ok {
				name = strings.TrimSpace(v)
			} else if v, ok := strings.CutPrefix(line, "Architecture:"); ok {
				arch = strings.TrimSpace(v)
			}
		}
		if name != "" {
			have[name+":"+arch] = true
		}
	}
	out := bytes.TrimRight(base, "\n")
	for _, u := range pkgs {
		if have[u.Package+":"+u.Architecture] {
			return nil, fmt.Errorf("%s (%s) is already in the base image's /var/lib/dpkg/status: it cannot be added again", u.Package, u.Architecture)
		}
		have[u.Package+":"+u.Architecture] = true
		if len(out) > 0 {
			out = append(out, "\n\n"...)
		}
		out = append(out, bytes.TrimRight(StatusStanza(u), "\n")...)
	}
	if len(out) > 0 {
		out = append(out, '\n')
	}
	return out, nil
}
