package wheel

import (
	"archive/zip"
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"

	"github.com/containerize/containerize/pep"
)

// Layout says where an install goes inside the image. All paths are absolute, clean and slash-separated,
// and every directory lies inside Prefix, so nothing a wheel contains can land outside it.
type Layout struct {
	Prefix           string // the venv, e.g. "/opt/venv"
	Purelib, Platlib string // e.g. "/opt/venv/lib/python3.12/site-packages" (both, usually equal)
	Scripts          string // "/opt/venv/bin"
	Data             string // "/opt/venv"
	// Headers is the directory that holds each distribution's C headers; Install appends the distribution's
	// name, giving e.g. "/opt/venv/include/site/python3.12/greenlet" as pip does in a venv.
	Headers     string // "/opt/venv/include/site/python3.12"
	Interpreter string // shebang target, e.g. "/opt/venv/bin/python"
}

// VenvLayout is the layout of a virtual environment at prefix for Python "X.Y", as pip lays it out.
func VenvLayout(prefix, pythonVersion string) Layout {
	site := path.Join(prefix, "lib", "python"+pythonVersion, "site-packages")
	return Layout{
		Prefix:      prefix,
		Purelib:     site,
		Platlib:     site,
		Scripts:     path.Join(prefix, "bin"),
		Data:        prefix,
		Headers:     path.Join(prefix, "include", "site", "python"+pythonVersion),
		Interpreter: path.Join(prefix, "bin", "python"),
	}
}

// Validate reports the first Layout field that is not an absolute clean path inside Prefix.
func (l Layout) Validate() error {
	if err := checkAbs("prefix", l.Prefix); err != nil {
		return err
	}
	dirs := []struct{ name, dir string }{
		{"purelib", l.Purelib}, {"platlib", l.Platlib}, {"scripts", l.Scripts}, {"data", l.Data}, {"headers", l.Headers},
	}
	for _, d := range dirs {
		if err := checkAbs(d.name, d.dir); err != nil {
			return err
		}
		if !within(l.Prefix, d.dir) {
			return fmt.Errorf("layout: %s directory %s is not inside the prefix %s", d.name, d.dir, l.Prefix)
		}
	}
	if err := checkAbs("interpreter", l.Interpreter); err != nil {
		return err
	}
	return nil
}

func checkAbs(what, p string) error {
	if p == "" || p[0] != '/' || path.Clean(p) != p || strings.ContainsFunc(p, unicode.IsControl) {
		return fmt.Errorf("layout: %s %q must be an absolute, clean path", what, p)
	}
	return nil
}

// within reports whether p is dir or below it (both clean and absolute).
func within(dir, p string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// Entry is one file or directory to put in the layer.
type Entry struct {
	Path string      // absolute, slash-separated, clean
	Mode fs.FileMode // fs.ModeDir|0755 for directories; 0644 or 0755 for files
	Data []byte      // file content, when held in memory; nil for directories
	// Open, when set, streams the content instead of Data (members above holdLimit are never held):
	// Size bytes, whose sha256 is SHA256. See Install for how long it stays valid.
	Open   func() (io.ReadCloser, error)
	Size   int64
	SHA256 [32]byte // of the content, for files
	Link   string   // symlink target, if any (Install never produces symlinks; see Install)
}

// InstallOptions tunes the install metadata.
type InstallOptions struct {
	Requested bool   // write .dist-info/REQUESTED (the user asked for this distribution, not a dependency)
	Installer string // content of .dist-info/INSTALLER; "containerize" when empty
	// Project, when set, is the project the wheel is installed for (a requirement's name): a
	// file named for another project is refused, as pip refuses it (METADATA's Name is held
	// to the file name's).
	Project string
}

// DefaultInstaller is written to INSTALLER when InstallOptions.Installer is empty.
const DefaultInstaller = "containerize"

// Bounds on what a wheel may unpack to, checked against the sizes the archive declares before any member is
// read (archive/zip fails a read that outgrows the declared size, so the declarations bind):
//
//   - maxUncompressed bounds the total: the CUDA builds of torch, the largest wheels there are, unpack to
//     about 5 GiB. Members above holdLimit stream into the layer, so this bounds disk and time, not memory.
//   - maxHeld bounds the members held in memory (those up to holdLimit, .dist-info files and .data
//     scripts): botocore, a wheel of many small files, holds about 100 MiB.
//   - maxRatio bounds how much one member may expand: deflate reaches about 1000:1 on runs of zeros, real
//     files (even sparse data tables) stay below 30:1, so 200:1 is a zip bomb. Members under ratioFloor are
//     exempt, as tiny files compress oddly and cannot hurt.
const (
	maxUncompressed = 8 << 30
	maxHeld         = 512 << 20
	maxRatio        = 200
	ratioFloor      = 1 << 20
)

// Install reads a wheel (r, size) named filename and returns the entries to add to the image: every parent
// directory, the installed files, generated scripts and install metadata, sorted by path. It follows the
// binary distribution format spec and pypa/installer:
//
//   - the file name is parsed, and the single top-level .dist-info directory and METADATA must carry the
//     same (normalized) name and (PEP 440) version;
//   - WHEEL's Wheel-Version must have major version 1; Root-Is-Purelib chooses purelib or platlib for the
//     archive root, where .dist-info goes too;
//   - every member must be listed in RECORD with a sha256/sha384/sha512 hash (and size, when given) that
//     matches, except RECORD and its signatures RECORD.jws / RECORD.p7s, which are not installed because
//     RECORD is rewritten;
//   - members whose names are absolute, contain "..", ".", empty components, backslashes, drive letters,
//     control characters or invalid UTF-8, duplicates, symlinks and other non-regular files are rejected
//     before anything is produced; a wheel cannot carry symlinks, so the result has none;
//   - <name>-<ver>.data/{purelib,platlib,scripts,headers,data}/ go to the matching Layout directory (headers
//     under Headers/<name>); any other key is an error, and scripts/ may hold only plain files;
//   - scripts starting with "#!python" or "#!pythonw" get Layout.Interpreter as their shebang; all scripts
//     are 0755; a .data script whose name an entry point also defines is skipped in favour of the launcher;
//   - console_scripts and gui_scripts in entry_points.txt become launchers (mode 0755) in Scripts;
//   - other files keep the executable bit from the zip's external attributes; modes are normalised to
//     0644/0755 and directories to 0755;
//   - files inside __pycache__ directories are skipped, as pypa/installer does, since stale bytecode could
//     shadow the verified sources;
//   - INSTALLER (opts.Installer) and, when opts.Requested, an empty REQUESTED are written, and RECORD is
//     rewritten with the installed paths relative to the root directory (scripts as ../../../bin/x), sha256
//     hashes and sizes, and its own row with empty hash and size, sorted by path.
//
// No .pyc files are compiled: that needs the target interpreter. Python compiles on first import when the
// directory is writable, or reads the sources otherwise. direct_url.json is not written, since the
// callers install by name and version from an index.
//
// Errors name the wheel and the member, and wrap ErrInvalidWheel, ErrUnsafePath or ErrHashMismatch.
//
// Members larger than 1 MiB are not held: their entries' Open reads them from r again, so r must stay
// readable until the entries have been written (InstallFile reopens the file instead).
func Install(r io.ReaderAt, size int64, filename string, l Layout, opts InstallOptions) ([]Entry, error) {
	entries, err := install(r, size, filename, l, opts, nil)
	if err != nil {
		return nil, fmt.Errorf("install %s: %w", path.Base(filename), err)
	}
	return entries, nil
}

// member is a regular file of the archive. Its content is read and checked against RECORD once; it is held
// (data) when small or needed as text, else streamed again from the archive (open) when the layer is written.
type member struct {
	name  string
	data  []byte
	exec  bool
	f     *zip.File
	index int // in the archive's directory, for reopen
	size  int64
	sum   [32]byte // sha256, once verified
	open  func() (io.ReadCloser, error)
}

// holdLimit is the largest member held in memory; larger ones (shared libraries, data files) stream from the
// archive into the layer, so memory does not grow with a wheel's size.
const holdLimit = 1 << 20

// installed is a file on its way into the layer: data, or open streaming size bytes with sha256 sum.
type installed struct {
	dest string
	data []byte
	open func() (io.ReadCloser, error)
	size int64
	sum  [32]byte
	exec bool
	from string // the archive member or generator, for error messages
}

var schemeKeys = map[string]bool{"purelib": true, "platlib": true, "headers": true, "scripts": true, "data": true}

// InstallFile is Install on the wheel file at path. Entries that stream a large member open the file again
// when read, so nothing stays open and the file must stay in place until the entries have been written.
func InstallFile(file, filename string, l Layout, opts InstallOptions) ([]Entry, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("install %s: %w", path.Base(filename), err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("install %s: %w", path.Base(filename), err)
	}
	size := st.Size()
	reopen := func(i int) (io.ReadCloser, error) {
		g, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		zr, err := openZip(g, size)
		if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
			g.Close()
			return nil, fmt.Errorf("%s changed since it was checked: %w", filename, err)
		}
		if i >= len(zr.File) {
			g.Close()
			return nil, fmt.Errorf("%s changed since it was checked", filename)
		}
		rc, err := zr.File[i].Open()
		if err != nil {
			g.Close()
			return nil, err
		}
		return readCloser{rc, closers{rc, g}}, nil
	}
	entries, err := install(f, size, filename, l, opts, reopen)
	if err != nil {
		return nil, fmt.Errorf("install %s: %w", path.Base(filename), err)
	}
	return entries, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func install(r io.ReaderAt, size int64, filename string, l Layout, opts InstallOptions, reopen func(int) (io.ReadCloser, error)) ([]Entry, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if fn, err := pep.ParseWheelFilename(path.Base(filename)); err == nil && opts.Project != "" &&
		pep.NormalizeName(fn.Name) != pep.NormalizeName(opts.Project) {
		return nil, fmt.Errorf("%w: the file is for project %s, not %s", ErrInvalidWheel, fn.Name, opts.Project)
	}
	w, err := openWheel(r, size, filename, reopen)
	if err != nil {
		return nil, err
	}
	root := l.Platlib
	if w.rootIsPurelib {
		root = l.Purelib
	}
	files, err := w.place(l, root)
	if err != nil {
		return nil, err
	}
	installer := cmp.Or(opts.Installer, DefaultInstaller)
	files = append(files, installed{dest: path.Join(root, w.distInfo, "INSTALLER"), data: []byte(installer + "\n"), from: "INSTALLER"})
	if opts.Requested {
		files = append(files, installed{dest: path.Join(root, w.distInfo, "REQUESTED"), data: []byte{}, from: "REQUESTED"})
	}

	recordDest := path.Join(root, w.distInfo, "RECORD")
	rows := []recordRow{{path: relPath(root, recordDest)}}
	for _, f := range files {
		if f.open != nil {
			rows = append(rows, rowForSum(relPath(root, f.dest), f.sum, f.size))
		} else {
			rows = append(rows, rowFor(relPath(root, f.dest), f.data))
		}
	}
	files = append(files, installed{dest: recordDest, data: writeRecord(rows), from: "RECORD"})
	return toEntries(files)
}

// wheelArchive is a wheel whose members were read and checked against its RECORD.
type wheelArchive struct {
	members           []member
	distInfo, dataDir string
	distName          string
	rootIsPurelib     bool
	// scripts are the console and GUI entry points, whose launchers the installer writes.
	scripts []entryScript
}

// openWheel reads the archive, its WHEEL, METADATA and RECORD files and entry points, and
// checks every member against RECORD's hash and size.
func openWheel(r io.ReaderAt, size int64, filename string, reopen func(int) (io.ReadCloser, error)) (*wheelArchive, error) {
	fn, err := pep.ParseWheelFilename(filename)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidWheel, err)
	}
	members, err := readMembers(r, size)
	if err != nil {
		return nil, err
	}
	w := &wheelArchive{members: members}
	if w.distInfo, w.dataDir, err = topLevelDirs(members, fn); err != nil {
		return nil, err
	}
	byName := map[string]*member{}
	for i := range members {
		byName[members[i].name] = &members[i]
	}
	// Text the installer reads (.dist-info files, .data scripts whose shebang it rewrites) and small
	// members are held; the rest is streamed when checked and again when the layer is written.
	var held int64
	for i := range members {
		m := &members[i]
		if m.size <= holdLimit || strings.HasPrefix(m.name, w.distInfo+"/") ||
			(w.dataDir != "" && strings.HasPrefix(m.name, w.dataDir+"/scripts/")) {
			if held += m.size; held > maxHeld {
				return nil, fmt.Errorf("%w: more than %d MiB of small files and metadata", ErrInvalidWheel, maxHeld>>20)
			}
			if m.data, err = readZipFile(m.f); err != nil {
				return nil, fmt.Errorf("%w: member %q: %v", ErrInvalidWheel, m.name, err)
			}
			continue
		}
		f, index := m.f, m.index
		m.open = f.Open
		if reopen != nil {
			m.open = func() (io.ReadCloser, error) { return reopen(index) }
		}
	}
	required := func(base string) ([]byte, error) {
		m := byName[w.distInfo+"/"+base]
		if m == nil {
			return nil, fmt.Errorf("%w: %s/%s is missing", ErrInvalidWheel, w.distInfo, base)
		}
		return m.data, nil
	}
	wheelFile, err := required("WHEEL")
	if err != nil {
		return nil, err
	}
	metadata, err := required("METADATA")
	if err != nil {
		return nil, err
	}
	recordFile, err := required("RECORD")
	if err != nil {
		return nil, err
	}
	if w.rootIsPurelib, err = parseWheelFile(wheelFile, w.distInfo); err != nil {
		return nil, err
	}
	if w.distName, err = checkMetadata(metadata, w.distInfo, fn); err != nil {
		return nil, err
	}
	record, err := parseRecord(recordFile)
	if err != nil {
		return nil, fmt.Errorf("%w: %s/%w", ErrInvalidWheel, w.distInfo, err)
	}
	for i := range members {
		m := &members[i]
		switch m.name {
		case w.distInfo + "/RECORD", w.distInfo + "/RECORD.jws", w.distInfo + "/RECORD.p7s":
			continue
		}
		e, ok := record[m.name]
		if !ok {
			return nil, fmt.Errorf("%w: %s is not listed in %s/RECORD", ErrInvalidWheel, m.name, w.distInfo)
		}
		var content io.Reader = bytes.NewReader(m.data)
		if m.open != nil {
			rc, err := m.f.Open()
			if err != nil {
				return nil, fmt.Errorf("%w: member %q: %v", ErrInvalidWheel, m.name, err)
			}
			content = rc
			defer rc.Close()
		}
		if m.sum, m.size, err = e.verify(m.name, content); err != nil {
			return nil, err
		}
	}
	if m := byName[w.distInfo+"/entry_points.txt"]; m != nil {
		if w.scripts, err = parseEntryPointScripts(m.data); err != nil {
			return nil, fmt.Errorf("%w: %s/%w", ErrInvalidWheel, w.distInfo, err)
		}
	}
	return w, nil
}

// place decides where each member goes in layout l (root is purelib or platlib), routing
// the .data folder by scheme and rewriting script shebangs, and adds the entry points'
// launchers. RECORD, its signatures, INSTALLER and REQUESTED are left for the caller to
// regenerate.
func (w *wheelArchive) place(l Layout, root string) ([]installed, error) {
	entryPointNames := map[string]bool{}
	for _, s := range w.scripts {
		entryPointNames[s.name] = true
	}
	schemeDir := map[string]string{
		"purelib": l.Purelib, "platlib": l.Platlib, "scripts": l.Scripts, "data": l.Data,
		"headers": path.Join(l.Headers, w.distName),
	}
	var files []installed
	for _, m := range w.members {
		switch m.name {
		case w.distInfo + "/RECORD", w.distInfo + "/RECORD.jws", w.distInfo + "/RECORD.p7s",
			w.distInfo + "/INSTALLER", w.distInfo + "/REQUESTED":
			continue // regenerated; the signatures would not match the new RECORD
		}
		if slices.Contains(strings.Split(m.name, "/"), "__pycache__") {
			continue
		}
		dir, rel, exec := root, m.name, m.exec
		data := m.data
		if inData, found := strings.CutPrefix(m.name, w.dataDir+"/"); w.dataDir != "" && found {
			key, sub, ok := strings.Cut(inData, "/")
			if !ok || !schemeKeys[key] {
				return nil, fmt.Errorf("%w: %s is not inside %s/{purelib,platlib,scripts,headers,data}/", ErrInvalidWheel, m.name, w.dataDir)
			}
			dir, rel = schemeDir[key], sub
			if key == "scripts" {
				if strings.Contains(sub, "/") {
					return nil, fmt.Errorf("%w: %s: %s/scripts/ may contain only files, not directories", ErrInvalidWheel, m.name, w.dataDir)
				}
				if err := checkScriptName(sub); err != nil {
					return nil, fmt.Errorf("%s: %w", m.name, err)
				}
				if entryPointNames[scriptStem(sub)] {
					continue // the entry point's launcher replaces it, as in pip and uv
				}
				data = rewriteShebang(data, l.Interpreter)
				exec = true
			}
		}
		dest := path.Join(dir, rel)
		if !within(dir, dest) || dest == dir {
			return nil, fmt.Errorf("%w: %s would be installed at %s, outside %s", ErrUnsafePath, m.name, dest, dir)
		}
		if m.open != nil {
			files = append(files, installed{dest: dest, open: m.open, size: m.size, sum: m.sum, exec: exec, from: m.name})
			continue
		}
		files = append(files, installed{dest: dest, data: data, exec: exec, from: m.name})
	}
	for _, s := range w.scripts {
		files = append(files, installed{
			dest: path.Join(l.Scripts, s.name), data: launcher(l.Interpreter, s), exec: true,
			from: fmt.Sprintf("%s/entry_points.txt:%d", w.distInfo, s.line),
		})
	}
	return files, nil
}

// readMembers lists every regular file of the archive after checking every name and declared size, so a
// hostile archive is rejected before any content is looked at; openWheel reads the content.
func readMembers(r io.ReaderAt, size int64) ([]member, error) {
	zr, err := openZip(r, size)
	// With GODEBUG=zipinsecurepath=0 the reader flags unsafe names itself; they are checked below anyway.
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, fmt.Errorf("%w: not a readable zip archive: %v", ErrInvalidWheel, err)
	}
	seen := map[string]bool{}
	var total uint64
	for _, f := range zr.File {
		if err := checkMemberName(f.Name); err != nil {
			return nil, err
		}
		key := strings.TrimSuffix(f.Name, "/")
		if seen[key] {
			return nil, fmt.Errorf("%w: member %q appears more than once", ErrUnsafePath, f.Name)
		}
		seen[key] = true
		mode := f.Mode()
		if mode.IsDir() {
			continue
		}
		if !mode.IsRegular() {
			return nil, fmt.Errorf("%w: member %q is a %s, not a regular file", ErrUnsafePath, f.Name, kind(mode))
		}
		if f.Flags&0x1 != 0 {
			return nil, fmt.Errorf("%w: member %q is encrypted", ErrInvalidWheel, f.Name)
		}
		if f.UncompressedSize64 > maxUncompressed-total {
			return nil, fmt.Errorf("%w: archive unpacks to more than %d MiB (the largest wheel containerize installs)", ErrInvalidWheel, maxUncompressed>>20)
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64/max(f.CompressedSize64, 1) > maxRatio {
			return nil, fmt.Errorf("%w: member %q expands %d bytes to %d (more than %d:1): a zip bomb, not a package", ErrInvalidWheel, f.Name, f.CompressedSize64, f.UncompressedSize64, maxRatio)
		}
		total += f.UncompressedSize64
	}
	var out []member
	for i, f := range zr.File {
		if f.Mode().IsDir() {
			continue
		}
		out = append(out, member{name: f.Name, exec: f.Mode()&0o111 != 0, f: f, index: i, size: int64(f.UncompressedSize64)})
	}
	return out, nil
}

// openZip is zip.NewReader inflating with klauspost/compress, about twice as fast as compress/flate on a
// wheel's members; its inflaters are reused within the archive, as archive/zip's own are.
func openZip(r io.ReaderAt, size int64) (*zip.Reader, error) {
	zr, err := zip.NewReader(r, size)
	if zr != nil {
		var pool sync.Pool
		zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser {
			if fr, ok := pool.Get().(io.ReadCloser); ok {
				if fr.(flate.Resetter).Reset(r, nil) == nil {
					return &pooledInflater{fr, &pool}
				}
			}
			return &pooledInflater{flate.NewReader(r), &pool}
		})
	}
	return zr, err
}

type pooledInflater struct {
	io.ReadCloser
	pool *sync.Pool
}

func (p *pooledInflater) Close() error {
	err := p.ReadCloser.Close()
	if p.pool != nil {
		p.pool.Put(p.ReadCloser)
		p.pool = nil
	}
	return err
}

func readZipFile(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// archive/zip fails the read when the content outgrows the declared size or the CRC is wrong.
	return io.ReadAll(rc)
}

func kind(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeSymlink != 0:
		return "symlink"
	case mode&fs.ModeNamedPipe != 0:
		return "named pipe"
	case mode&fs.ModeSocket != 0:
		return "socket"
	case mode&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// checkMemberName rejects archive names that could escape the install root or mean different files to
// different tools: see Install.
func checkMemberName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: member %q: %s", ErrUnsafePath, name, why)
	}
	switch {
	case name == "" || name == "/":
		return bad("empty name")
	case !utf8.ValidString(name):
		return bad("name is not UTF-8")
	case strings.ContainsFunc(name, unicode.IsControl):
		return bad("name contains control characters")
	case strings.Contains(name, `\`):
		return bad("name contains a backslash")
	case name[0] == '/':
		return bad("absolute path")
	}
	first, _, _ := strings.Cut(name, "/")
	if len(first) >= 2 && first[1] == ':' && ((first[0] >= 'a' && first[0] <= 'z') || (first[0] >= 'A' && first[0] <= 'Z')) {
		return bad("Windows drive letter")
	}
	for _, comp := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		switch comp {
		case "":
			return bad("empty path component")
		case ".", "..":
			return bad(fmt.Sprintf("%q path component", comp))
		}
	}
	return nil
}

// topLevelDirs finds the one .dist-info directory (which must match the file name) and the .data directory,
// if any. Like pip, any top-level directory ending in ".data" is the data directory.
func topLevelDirs(members []member, fn pep.WheelFilename) (distInfo, dataDir string, err error) {
	infos, datas := map[string]bool{}, map[string]bool{}
	for _, m := range members {
		first, _, nested := strings.Cut(m.name, "/")
		if !nested {
			continue
		}
		if strings.HasSuffix(first, ".dist-info") {
			infos[first] = true
		}
		if strings.HasSuffix(first, ".data") {
			datas[first] = true
		}
	}
	switch len(infos) {
	case 0:
		return "", "", fmt.Errorf("%w: no .dist-info directory (want %s-%s.dist-info/)", ErrInvalidWheel, fn.Name, fn.Version)
	case 1:
	default:
		return "", "", fmt.Errorf("%w: more than one .dist-info directory: %s", ErrInvalidWheel, strings.Join(slices.Sorted(maps.Keys(infos)), ", "))
	}
	distInfo = slices.Sorted(maps.Keys(infos))[0]
	stem := strings.TrimSuffix(distInfo, ".dist-info")
	name, version, ok := cutLast(stem, "-")
	if !ok || pep.NormalizeName(name) != pep.NormalizeName(fn.Name) || !sameVersion(version, fn.Version) {
		return "", "", fmt.Errorf("%w: %s/ does not match the file name's %s %s", ErrInvalidWheel, distInfo, fn.Name, fn.Version)
	}
	if len(datas) > 1 {
		return "", "", fmt.Errorf("%w: more than one .data directory: %s", ErrInvalidWheel, strings.Join(slices.Sorted(maps.Keys(datas)), ", "))
	}
	for d := range datas {
		dataDir = d
	}
	return distInfo, dataDir, nil
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i+len(sep):], true
}

// parseWheelFile checks Wheel-Version (major 1 only, as the spec requires installers to refuse a newer
// major) and returns Root-Is-Purelib.
func parseWheelFile(data []byte, distInfo string) (rootIsPurelib bool, err error) {
	h := pep.ParseMetadata(data) // WHEEL has the header format of core metadata
	v := h.Get("Wheel-Version")
	if v == "" {
		return false, fmt.Errorf("%w: %s/WHEEL has no Wheel-Version", ErrInvalidWheel, distInfo)
	}
	majorText, _, _ := strings.Cut(v, ".")
	major, err := strconv.Atoi(majorText)
	if err != nil {
		return false, fmt.Errorf("%w: %s/WHEEL: Wheel-Version %q is not a version number", ErrInvalidWheel, distInfo, v)
	}
	if major != 1 {
		return false, fmt.Errorf("%w: %s/WHEEL: Wheel-Version %s is not supported; this installer reads version 1.x wheels", ErrInvalidWheel, distInfo, v)
	}
	return strings.EqualFold(h.Get("Root-Is-Purelib"), "true"), nil
}

// checkMetadata verifies that METADATA names the distribution of the file name and returns its Name.
func checkMetadata(data []byte, distInfo string, fn pep.WheelFilename) (string, error) {
	md := pep.ParseMetadata(data)
	name, version := md.Name(), md.Version()
	if name == "" || version == "" {
		return "", fmt.Errorf("%w: %s/METADATA lacks Name or Version", ErrInvalidWheel, distInfo)
	}
	if !pep.ValidName(name) {
		return "", fmt.Errorf("%w: %s/METADATA: Name %q is not a valid project name", ErrInvalidWheel, distInfo, name)
	}
	if pep.NormalizeName(name) != pep.NormalizeName(fn.Name) || !sameVersion(version, fn.Version) {
		return "", fmt.Errorf("%w: %s/METADATA says %s %s, the file name says %s %s", ErrInvalidWheel, distInfo, name, version, fn.Name, fn.Version)
	}
	return name, nil
}

// relPath expresses target relative to base (both absolute and clean), with ".." where needed, the way
// RECORD lists files outside site-packages.
func relPath(base, target string) string {
	b := strings.Split(strings.TrimPrefix(base, "/"), "/")
	t := strings.Split(strings.TrimPrefix(target, "/"), "/")
	if base == "/" {
		b = nil
	}
	i := 0
	for i < len(b) && i < len(t) && b[i] == t[i] {
		i++
	}
	parts := make([]string, 0, len(b)-i+len(t)-i)
	for range b[i:] {
		parts = append(parts, "..")
	}
	parts = append(parts, t[i:]...)
	return strings.Join(parts, "/")
}

// toEntries adds every parent directory and sorts by path, rejecting two files at one path and a file
// where another needs a directory.
func toEntries(files []installed) ([]Entry, error) {
	byPath := map[string]installed{}
	for _, f := range files {
		if prev, dup := byPath[f.dest]; dup {
			return nil, fmt.Errorf("%w: %s and %s both install %s", ErrInvalidWheel, prev.from, f.from, f.dest)
		}
		byPath[f.dest] = f
	}
	dirs := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.dest); d != "/"; d = path.Dir(d) {
			if other, clash := byPath[d]; clash {
				return nil, fmt.Errorf("%w: %s installs the file %s, which %s needs as a directory", ErrInvalidWheel, other.from, d, f.from)
			}
			if dirs[d] {
				break
			}
			dirs[d] = true
		}
	}
	entries := make([]Entry, 0, len(files)+len(dirs))
	for d := range dirs {
		entries = append(entries, Entry{Path: d, Mode: fs.ModeDir | 0o755})
	}
	for _, f := range files {
		mode := fs.FileMode(0o644)
		if f.exec {
			mode = 0o755
		}
		if f.open != nil {
			entries = append(entries, Entry{Path: f.dest, Mode: mode, Open: f.open, Size: f.size, SHA256: f.sum})
			continue
		}
		entries = append(entries, Entry{Path: f.dest, Mode: mode, Data: f.data, Size: int64(len(f.data)), SHA256: sha256.Sum256(f.data)})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	return entries, nil
}
