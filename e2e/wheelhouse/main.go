// Command wheelhouse repackages the Python distributions Debian installed under
// /usr/lib/python3/dist-packages as wheels (PEP 427), so the e2e harness can serve them from
// a local package index when PyPI is out of reach.
//
//	go run ./e2e/wheelhouse -out DIR [-alias psycopg2=psycopg2-binary]
//
// Each *.egg-info / *.dist-info becomes NAME-VERSION-py3-none-any.whl, or
// NAME-VERSION-cp311-cp311-linux_x86_64.whl when it carries extension modules (their
// non-system shared libraries are bundled, as in manylinux wheels, unless -system-libs names
// the project: then they link Debian's, as a wheel built from source does). METADATA comes from
// PKG-INFO with Requires-Dist from requires.txt, or from the Debian package's Depends where
// Debian stripped them; entry_points.txt is kept so pip makes the console scripts; RECORD
// lists every file with its sha256. Wheels whose source did not change are reused.
package main

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/containerize/containerize/e2e/internal/pywheel"
	"github.com/containerize/containerize/pep"
)

// generation changes when the wheels this program writes change, so old ones are rebuilt.
const generation = "wheelhouse-5"

const stateFile = ".wheelhouse-state.json"

// aliases maps a distribution to more project names to publish it under ("-alias a=b").
type aliases map[string][]string

func (a aliases) String() string { return fmt.Sprint(map[string][]string(a)) }
func (a aliases) Set(s string) error {
	from, to, ok := strings.Cut(s, "=")
	if !ok || from == "" || to == "" {
		return fmt.Errorf("want NAME=ALIAS, got %q", s)
	}
	k := pep.NormalizeName(strings.TrimSpace(from))
	a[k] = append(a[k], to)
	return nil
}

// projectSet is a set of normalised project names ("-system-libs a -system-libs b").
type projectSet map[string]bool

func (s projectSet) String() string { return fmt.Sprint(map[string]bool(s)) }
func (s projectSet) Set(v string) error {
	for _, n := range strings.Split(v, ",") {
		if n = strings.TrimSpace(n); n != "" {
			s[pep.NormalizeName(n)] = true
		}
	}
	return nil
}

type options struct {
	root, site, out string
	aliases         aliases
	// systemLibs are the projects whose wheels link the system's libraries instead of
	// carrying them, as a wheel built from source against Debian's -dev packages does.
	systemLibs projectSet
	stdout     io.Writer
}

func main() {
	o := options{aliases: aliases{}, systemLibs: projectSet{}, stdout: os.Stdout}
	flag.StringVar(&o.root, "root", "/", "file system root holding the site directory and dpkg's database")
	flag.StringVar(&o.site, "site", "usr/lib/python3/dist-packages", "site directory, relative to -root")
	flag.StringVar(&o.out, "out", "", "output directory for the wheels (required)")
	flag.Var(o.aliases, "alias", "also publish distribution NAME as project ALIAS (NAME=ALIAS, repeatable)")
	flag.Var(o.systemLibs, "system-libs", "publish project NAME (not its aliases) linking the system's shared libraries, not carrying them (NAME[,NAME], repeatable)")
	flag.Parse()
	if o.out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: wheelhouse -out DIR [-root /] [-site usr/lib/python3/dist-packages] [-alias NAME=ALIAS]... [-system-libs NAME]...")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "wheelhouse:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	root := os.DirFS(o.root)
	db, err := readDpkg(root, o.site)
	if err != nil {
		return err
	}
	dists, err := findDists(root, o.site, db)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	state := map[string]string{}
	if data, err := os.ReadFile(filepath.Join(o.out, stateFile)); err == nil {
		_ = json.Unmarshal(data, &state) // a damaged state file only costs a rebuild
	}
	// Which distributions each Debian package carries, for rebuilding requirements.
	byPkg := map[string][]string{}
	for _, d := range dists {
		pkgs := map[string]bool{d.pkg: true}
		for _, f := range d.files {
			pkgs[db.owner[f]] = true
		}
		for p := range pkgs {
			if p != "" {
				byPkg[p] = append(byPkg[p], d.name)
			}
		}
	}
	// The version Debian ships of each project (aliases included), for relaxing requirements.
	shipped := map[string]string{}
	for _, d := range dists {
		shipped[pep.NormalizeName(d.name)] = d.version
		for _, a := range o.aliases[pep.NormalizeName(d.name)] {
			shipped[pep.NormalizeName(a)] = d.version
		}
	}
	b := &builder{fsys: root, o: o, db: db, byPkg: byPkg, shipped: shipped}
	newState := map[string]string{}
	built, reused, failed := 0, 0, 0
	for _, d := range dists {
		names := append([]string{d.name}, o.aliases[pep.NormalizeName(d.name)]...)
		for _, name := range names {
			key := fmt.Sprintf("%s %s=%s %s", generation, d.pkg, db.version[d.pkg], d.meta)
			if o.systemLibs[pep.NormalizeName(name)] {
				key += " system-libs"
			}
			file, err := b.wheelName(d, name)
			if err == nil {
				if _, statErr := os.Stat(filepath.Join(o.out, file)); statErr == nil && state[file] == key {
					newState[file] = key
					reused++
					continue
				}
				err = b.write(d, name, file)
			}
			if err != nil {
				// One odd distribution must not stop the rest; the lock step fails loudly if
				// a wheel a scenario needs is missing.
				fmt.Fprintf(o.stdout, "skip %s (%s): %v\n", d.meta, d.pkg, err)
				failed++
				continue
			}
			newState[file] = key
			fmt.Fprintf(o.stdout, "built %s\n", file)
			built++
		}
	}
	// Wheels of distributions that are gone (a Debian upgrade changed the version) would
	// stay on the index and confuse resolution; the folder is the wheelhouse's own.
	old, err := filepath.Glob(filepath.Join(o.out, "*.whl"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if _, ok := newState[filepath.Base(p)]; !ok {
			if err := os.Remove(p); err != nil {
				return err
			}
			fmt.Fprintf(o.stdout, "removed %s\n", filepath.Base(p))
		}
	}
	data, err := json.MarshalIndent(newState, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(o.out, stateFile), data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(o.stdout, "built %d, reused %d, skipped %d\n", built, reused, failed)
	return nil
}

type builder struct {
	fsys  fs.FS
	o     options
	db    *dpkgDB
	byPkg map[string][]string
	// shipped maps a normalised project name to the version Debian installs.
	shipped map[string]string
}

var extTag = regexp.MustCompile(`\.cpython-(\d+)-([a-z0-9_]+)-linux-gnu\.so$`)

// tag is the wheel's compatibility tag: pure Python, or the interpreter and platform its
// extension modules were built for.
func tag(files []string) string {
	platform := false
	for _, f := range files {
		if m := extTag.FindStringSubmatch(f); m != nil {
			return fmt.Sprintf("cp%s-cp%s-linux_%s", m[1], m[1], m[2])
		}
		if strings.HasSuffix(f, ".so") {
			platform = true
		}
	}
	if platform {
		arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
		return "cp311-cp311-linux_" + arch
	}
	return "py3-none-any"
}

func (b *builder) wheelName(d *dist, name string) (string, error) {
	if len(d.files) == 0 {
		return "", errors.New("no files")
	}
	return pywheel.WheelFileName(name, d.version, tag(d.files)), nil
}

// write builds the wheel for d, published as project name, into the output directory.
func (b *builder) write(d *dist, name, file string) error {
	contents := map[string][]byte{}
	for _, f := range d.files {
		data, err := fs.ReadFile(b.fsys, path.Join(b.o.site, f))
		if err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		contents[f] = data
	}
	wheelTag := tag(d.files)
	if wheelTag != "py3-none-any" && !b.o.systemLibs[pep.NormalizeName(name)] {
		if err := bundleLibs(contents, pywheel.FileName(name)+".libs", b.o.root); err != nil {
			return err
		}
	}
	distInfo := pywheel.DistInfoDir(name, d.version)
	md, err := b.metadata(d, name)
	if err != nil {
		return err
	}
	contents[distInfo+"/METADATA"] = md
	if err := b.copyMetaFiles(d, distInfo, contents); err != nil {
		return err
	}
	contents[distInfo+"/WHEEL"] = fmt.Appendf(nil,
		"Wheel-Version: 1.0\nGenerator: containerize-e2e-wheelhouse\nRoot-Is-Purelib: %t\nTag: %s\n",
		wheelTag == "py3-none-any", wheelTag)
	return writeWheel(filepath.Join(b.o.out, file), distInfo, contents)
}

// metadata is METADATA for the wheel: the distribution's own core metadata, renamed for an
// alias, with Requires-Dist restored where Debian dropped it.
func (b *builder) metadata(d *dist, name string) ([]byte, error) {
	md := pep.Metadata{Headers: slices.Clone(d.metadata.Headers), Body: d.metadata.Body}
	pywheel.SetHeader(&md, "Name", name)
	if v := md.Get("Metadata-Version"); v < "2.1" {
		pywheel.SetHeader(&md, "Metadata-Version", "2.1")
	}
	reqs := pywheel.Values(md.RequiresDist())
	if !d.distInfo && len(reqs) == 0 {
		if txt, err := d.metaFile(b.fsys, b.o.site, "requires.txt"); err == nil {
			var extras []string
			reqs, extras = requiresDist(string(txt))
			have := map[string]bool{}
			for _, e := range md.ProvidesExtra() {
				have[e] = true
			}
			for _, r := range reqs {
				md.Headers = append(md.Headers, pep.Header{Key: "Requires-Dist", Value: r})
			}
			for _, e := range extras {
				if !have[e] {
					md.Headers = append(md.Headers, pep.Header{Key: "Provides-Extra", Value: e})
				}
			}
		}
	}
	if !unconditional(reqs) && d.pkg != "" {
		deb, missing := debianRequirements(d, b.db, b.byPkg)
		if len(missing) > 0 {
			fmt.Fprintf(b.o.stdout, "note %s: Debian dependencies not installed: %s\n", d.meta, strings.Join(missing, ", "))
		}
		for _, r := range deb {
			md.Headers = append(md.Headers, pep.Header{Key: "Requires-Dist", Value: r})
		}
	}
	b.relaxHeaders(&md, d.meta)
	return pywheel.MetadataBytes(md), nil
}

// relaxHeaders rewrites md's Requires-Dist values with relax, noting each change.
func (b *builder) relaxHeaders(md *pep.Metadata, meta string) {
	for i, h := range md.Headers {
		if !strings.EqualFold(h.Key, "Requires-Dist") {
			continue
		}
		if r, ok := relax(h.Value, b.shipped); ok {
			fmt.Fprintf(b.o.stdout, "note %s: %q relaxed to %q (Debian ships %s)\n", meta, h.Value, r, b.shipped[firstName(r)])
			md.Headers[i].Value = r
		}
	}
}

// relax drops the version specifier of a requirement that the version Debian ships of the
// named project does not meet. Debian patches a program to work with the libraries it ships
// (pdm 2.2.1 runs on installer 0.6.0 and resolvelib 0.9.0) but keeps the upstream metadata
// (installer<0.6, resolvelib<0.9), so pip would refuse the very combination Debian installs
// and tests. Requirements on projects Debian does not ship are left alone.
func relax(req string, shipped map[string]string) (string, bool) {
	r, err := pep.ParseRequirement(req)
	if err != nil || r.Specifier == "" {
		return req, false
	}
	v, ok := shipped[r.Name]
	if !ok {
		return req, false
	}
	if fits, err := pywheel.Satisfies(v, r.Specifier); err != nil || fits {
		return req, false
	}
	out := r.Name
	if len(r.Extras) > 0 {
		extras := make([]string, len(r.Extras))
		for i, x := range r.Extras {
			extras[i] = pep.NormalizeName(x)
		}
		out += "[" + strings.Join(extras, ",") + "]"
	}
	if r.Marker != nil {
		out += "; " + r.Marker.String()
	}
	return out, true
}

// firstName is the normalised project name a requirement starts with.
func firstName(req string) string {
	r, _ := pep.ParseRequirement(req)
	return r.Name
}

// copyMetaFiles carries the metadata files pip and tools read: entry points (console
// scripts), top_level.txt, licences of a dist-info. Installer bookkeeping is not copied.
func (b *builder) copyMetaFiles(d *dist, distInfo string, contents map[string][]byte) error {
	if !d.distInfo {
		for _, n := range []string{"entry_points.txt", "top_level.txt"} {
			if data, err := d.metaFile(b.fsys, b.o.site, n); err == nil {
				contents[distInfo+"/"+n] = data
			}
		}
		return nil
	}
	skip := map[string]bool{"RECORD": true, "INSTALLER": true, "REQUESTED": true, "direct_url.json": true, "WHEEL": true, "METADATA": true}
	dir := path.Join(b.o.site, d.meta)
	return walkFollow(b.fsys, dir, func(p string) {
		rel := strings.TrimPrefix(p, dir+"/")
		if skip[rel] {
			return
		}
		if data, err := fs.ReadFile(b.fsys, p); err == nil {
			contents[distInfo+"/"+rel] = data
		}
	})
}

// zipTime is every entry's modification time, so the same input gives the same wheel (and
// lockfile hashes stay valid across rebuilds).
var zipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// writeWheel writes the archive with a RECORD of every file, atomically.
func writeWheel(dest, distInfo string, contents map[string][]byte) error {
	names := make([]string, 0, len(contents)+1)
	for n := range contents {
		names = append(names, n)
	}
	sort.Strings(names)
	var record strings.Builder
	for _, n := range names {
		fmt.Fprintf(&record, "%s,%s,%d\n", csvField(n), pywheel.RecordHash(contents[n]), len(contents[n]))
	}
	recordName := distInfo + "/RECORD"
	fmt.Fprintf(&record, "%s,,\n", recordName)
	contents[recordName] = []byte(record.String())
	names = append(names, recordName)

	tmp, err := os.CreateTemp(filepath.Dir(dest), ".tmp-*.whl")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	zw := zip.NewWriter(tmp)
	for _, n := range names {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(n, ".so") || strings.Contains(n, ".so.") {
			mode = 0o755
		}
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: zipTime}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(contents[n]); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dest)
}

// csvField quotes a RECORD path that holds a comma or quote.
func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
