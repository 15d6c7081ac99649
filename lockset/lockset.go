// Package lockset turns a project's lockfile (or fully pinned requirements
// file) into the exact set of distributions to install for one target
// interpreter and platform: the input of the dependency layer of
// `containerize build`. It reads files only; it never resolves versions,
// talks to an index or runs Python. A lockfile is parsed once, by
// manifest.ParseLock, into the model every reader shares; lockset selects
// from it, walking dependency graphs with pep.Walk.
//
// Which file is read: a pylock.toml in the project's dependency folder wins
// (detect does not know the format yet, so Load looks for pylock.toml, else
// the only pylock.NAME.toml, itself); then the lockfile detect chose
// (uv.lock, poetry.lock, pdm.lock, Pipfile.lock); then the requirements file
// of a pip project, which must pin every requirement exactly.
//
// Which packages: the default (production) install, without dev groups or
// extras, keeping only packages whose environment markers hold for CPython
// target.Python on Linux target.Arch:
//
//   - Pipfile.lock: the "default" section and each package's "markers".
//   - poetry.lock: a lock with per-package groups and markers (Poetry 2.1+)
//     is read as written. An older lock records neither, so the dependency
//     graph is walked from pyproject.toml's main dependencies, evaluating the
//     markers and python constraints on each edge and following requested
//     extras, as Poetry itself re-resolves. Without a pyproject.toml every
//     non-dev package is kept (markers unknown: a package only Windows needs
//     is then included).
//   - uv.lock: the graph is walked from the project's own package (source
//     editable or virtual "."), default dependencies only, evaluating each
//     edge's marker; where a package is locked at several versions, the
//     edge's version or the package's resolution-markers choose.
//   - pdm.lock: packages in the "default" group whose marker holds. A lock
//     written without group information (old strategies) keeps every package.
//   - pylock.toml (PEP 751): the spec's install algorithm with extras empty
//     and dependency_groups = default-groups.
//   - requirements: each requirement whose marker holds; -c constraints may
//     supply the pin.
//
// Values a target cannot fix (platform_release, platform_version) are empty,
// as pep.Linux has them. A target given as "3.12" compares as 3.12.0 in
// python_full_version markers and requires-python ranges: pass the base
// image's full version when it is known.
//
// What cannot be installed from wheels alone is an error naming each such
// entry: editable, VCS and local-path requirements (including uv workspace
// members other than the project), direct URLs to source archives. The
// project's own package (uv's editable ".", "-e ." is refused) is not
// installed: its code goes into the application layer.
//
// Left to the caller: choosing a file by tag and verifying it (Files carries
// every file the lock names), expanding ${VAR} in Pipfile source URLs,
// Pipenv's per-package "index" (all sources are listed in IndexURLs), and
// pip's --find-links (ignored; --no-index is an error).
package lockset

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/internal/excerpt"
	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// Pin is one distribution to install.
type Pin struct {
	Name    string // PEP 503-normalised
	Version string // as the lock writes it
	// Hashes are the digests allowed for any of its files: "sha256:<hex>"
	// (sha384 and sha512 also), one per allowed file; empty when the lock has
	// none.
	Hashes []string
	// Files are download candidates the lock itself names (uv.lock and
	// pylock.toml wheels and sdists with URLs, poetry.lock and pdm.lock file
	// names) with their hashes; empty when the lock names only hashes
	// (Pipfile.lock, requirements): then the index is asked.
	Files  []File
	Source string // evidence, "Pipfile.lock:42"
	// Requested says the project asks for it itself, where the lock tells:
	// one of uv.lock's project dependencies, of pyproject.toml's main
	// dependencies a poetry.lock is walked from, a requirement of a
	// requirements file. The other locks do not record it (their manifest
	// does).
	Requested bool
}

// File is a distribution file. URL is "" when the lock gives only the file
// name (poetry.lock, pdm.lock): the index lists the URL.
type File struct {
	Name, URL, Hash string
	// Index is the index that listed the file, for messages; "" when the
	// lock names it.
	Index string
}

// Set is the pinned set for one target.
type Set struct {
	Pins   []Pin  // sorted by name
	Format string // "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock", "pylock.toml", "requirements"
	File   string // the file read, relative to the project root
	Hashed bool   // every pin carries at least one hash
	// IndexURLs are the indexes the lock or requirements name (Pipfile.lock
	// _meta.sources, -i/--extra-index-url, uv.lock registries, Poetry legacy
	// sources, pylock.toml packages.index), in order, without repeats.
	IndexURLs []string
	// PrimaryIndex says IndexURLs[0] replaces the default index
	// (PIP_INDEX_URL or PyPI): the first Pipfile.lock source, or -i. When
	// false the URLs are searched in addition to the default.
	PrimaryIndex bool
	// Complete says the file lists every distribution to install, transitive
	// dependencies included: true for lockfiles, hashed requirements files
	// (pip's hash-checking mode insists) and files pip-compile, uv or PDM
	// generated. A hand-written pinned requirements file may name only the
	// direct dependencies, which pip would complete by resolving: the caller
	// should then check each wheel's Requires-Dist against the set.
	Complete bool
}

// Target is the interpreter and platform the set is for: CPython Python
// ("3.12" or "3.12.7") on Linux Arch ("x86_64" or "aarch64"; "amd64" and
// "arm64" are accepted as their Docker spellings).
type Target struct {
	Python string
	Arch   string
}

var rePython = lazy.Regexp(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)

func (t Target) normalize() (Target, error) {
	t.Python = strings.TrimSpace(t.Python)
	if !rePython().MatchString(t.Python) {
		return t, fmt.Errorf("target Python %q: want a version such as 3.12 or 3.12.7", t.Python)
	}
	switch strings.ToLower(strings.TrimSpace(t.Arch)) {
	case "x86_64", "amd64":
		t.Arch = "x86_64"
	case "aarch64", "arm64":
		t.Arch = "aarch64"
	default:
		return t, fmt.Errorf("target architecture %q: want x86_64 or aarch64", t.Arch)
	}
	return t, nil
}

// Source says where a project's pinned set is: the folder of its dependency files, the
// lockfile among them, a pip project's requirements file, and the package manager (for the
// message when nothing pins the versions). Paths are relative to the project root.
type Source struct {
	Dir, Lockfile, RequirementsFile, Manager string
}

// loader holds what every format's reader needs.
type loader struct {
	fsys   fs.FS
	target Target
	env    pep.Env
	pyver  pep.Version
}

// Load reads the lockfile the project uses from fsys (the project root) and
// returns the pins of the default (non-dev) group whose markers hold for
// target. Errors name the file and line and say what to do.
func Load(fsys fs.FS, p Source, target Target) (*Set, error) {
	t, err := target.normalize()
	if err != nil {
		return nil, err
	}
	pyver, err := pep.ParseVersion(t.Python)
	if err != nil {
		return nil, fmt.Errorf("target Python %q: %w", t.Python, err)
	}
	env := pep.Linux(t.Python, t.Arch)
	// PEP 751 set-valued variables: a default install selects no extras;
	// pylock.toml sets dependency_groups from its default-groups.
	env["extras"], env["dependency_groups"] = "", ""
	l := &loader{fsys: fsys, target: t, env: env, pyver: pyver}

	dir := p.Dir
	if dir == "" {
		dir = "."
	}
	pylock, err := findPylock(fsys, dir)
	if err != nil {
		return nil, err
	}
	var s *Set
	switch {
	case pylock != "":
		s, err = l.lockfile(pylock)
	case p.Lockfile != "":
		s, err = l.lockfile(p.Lockfile)
	case p.RequirementsFile != "":
		s, err = l.requirements(p.RequirementsFile)
	default:
		return nil, noLock(p, dir)
	}
	if err != nil {
		return nil, err
	}
	s.Hashed = true
	for _, pin := range s.Pins {
		if len(pin.Hashes) == 0 {
			s.Hashed = false
		}
	}
	return s, nil
}

// lockfile reads a lockfile and selects the target's pins from it.
func (l *loader) lockfile(file string) (*Set, error) {
	var sel func(*manifest.Lock) (*Set, error)
	switch base := path.Base(file); base {
	case "Pipfile.lock":
		sel = l.pipfile
	case "poetry.lock":
		sel = l.poetry
	case "uv.lock":
		sel = l.uv
	case "pdm.lock":
		sel = l.pdm
	default:
		if !strings.HasPrefix(base, "pylock.") {
			return nil, fmt.Errorf("%s: containerize build cannot read this lockfile format", file)
		}
		sel = l.pylock
	}
	data, err := manifest.ReadFile(l.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	lock, err := manifest.ParseLock(data, file)
	if err != nil {
		return nil, err
	}
	return sel(lock)
}

// findPylock returns the pylock file in dir: pylock.toml, else the only
// pylock.NAME.toml; "" when there is none.
func findPylock(fsys fs.FS, dir string) (string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", dir, err)
	}
	var named []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		if n == "pylock.toml" {
			return path.Join(dir, n), nil
		}
		if mid, ok := strings.CutPrefix(n, "pylock."); ok && strings.HasSuffix(mid, ".toml") &&
			len(mid) > len(".toml") && !strings.Contains(strings.TrimSuffix(mid, ".toml"), ".") {
			named = append(named, path.Join(dir, n))
		}
	}
	switch len(named) {
	case 0:
		return "", nil
	case 1:
		return named[0], nil
	}
	return "", fmt.Errorf("%s: several named lock files (%s) and no pylock.toml — copy the one to build from to pylock.toml", dir, strings.Join(named, ", "))
}

func noLock(p Source, dir string) error {
	const need = "containerize build needs exact versions"
	switch p.Manager {
	case "poetry":
		return fmt.Errorf("%s: no poetry.lock: %s — run `poetry lock` and keep poetry.lock with the project", dir, need)
	case "uv":
		return fmt.Errorf("%s: no uv.lock: %s — run `uv lock` and keep uv.lock with the project", dir, need)
	case "pdm":
		return fmt.Errorf("%s: no pdm.lock: %s — run `pdm lock` and keep pdm.lock with the project", dir, need)
	case "pipenv":
		return fmt.Errorf("%s: no Pipfile.lock: %s — run `pipenv lock` and keep Pipfile.lock with the project", dir, need)
	case "none", "":
		return fmt.Errorf("%s: no dependency files found: %s — add a lockfile or a pinned requirements.txt", dir, need)
	}
	return fmt.Errorf("%s: no lockfile or requirements file: %s — pin the dependencies into requirements.txt (`uv pip compile pyproject.toml -o requirements.txt` or pip-compile) or use a lockfile", dir, need)
}

// locErr is a user-facing error at file:line.
func locErr(file string, line int, format string, args ...any) error {
	return &manifest.ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func where(file string, line int) string {
	if line <= 0 {
		return file
	}
	return file + ":" + strconv.Itoa(line)
}

// holds evaluates a marker ("" always holds) in env.
func holds(marker string, env pep.Env, file string, line int) (bool, error) {
	if strings.TrimSpace(marker) == "" {
		return true, nil
	}
	ok, err := pep.Eval(marker, env)
	if err != nil {
		return false, locErr(file, line, "%v — fix the marker or regenerate the lockfile", err)
	}
	return ok, nil
}

// allowsPython reports whether the PEP 440 specifier admits the target's
// Python.
func (l *loader) allowsPython(spec string) (bool, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return true, nil
	}
	ss, err := pep.ParseSpecifierSet(spec)
	if err != nil {
		return false, err
	}
	return ss.Check(l.pyver, true), nil
}

// checkPython fails unless the lock's Python range admits the target.
// checkPython fails when the lock's Python range (none: any) excludes the target.
func (l *loader) checkPython(spec, file string, line int, fix string) error {
	ok, err := l.allowsPython(spec)
	if err != nil {
		return locErr(file, line, "cannot read the Python range %q: %v", spec, err)
	}
	if !ok {
		return locErr(file, line, "the lock is for Python %s, but the target is Python %s — build for a Python the lock allows, or %s", spec, l.target.Python, fix)
	}
	return nil
}

// sourceProblem says why a package from a URL or path cannot be installed
// from a wheel, or "" when u is a remote wheel.
func sourceProblem(name, u string, editable bool) string {
	const fix = "containerize build installs only wheels: build them into wheels first or use docker build"
	lu := strings.ToLower(u)
	switch {
	case editable:
		return fmt.Sprintf("%s is an editable requirement (%s); %s", name, u, fix)
	case strings.HasPrefix(lu, "git+") || strings.HasPrefix(lu, "hg+") || strings.HasPrefix(lu, "svn+") || strings.HasPrefix(lu, "bzr+"):
		return fmt.Sprintf("%s is a VCS requirement (%s); %s", name, u, fix)
	case !strings.HasPrefix(lu, "http://") && !strings.HasPrefix(lu, "https://"):
		return fmt.Sprintf("%s is a local-path requirement (%s); %s", name, u, fix)
	case !strings.HasSuffix(strings.ToLower(manifest.FileName(u)), ".whl"):
		return fmt.Sprintf("%s is a direct URL to a source archive (%s); %s", name, u, fix)
	}
	return ""
}

// stripFragment drops "#sha256=…" and the like from a URL.
func stripFragment(u string) string {
	u, _, _ = strings.Cut(u, "#")
	return u
}

// wheelVersion reads the version out of a wheel file name
// ("Django-5.1.4-py3-none-any.whl" → "5.1.4"); "" when it is none.
func wheelVersion(name string) string {
	fn, err := pep.ParseWheelFilename(name)
	if err != nil {
		return ""
	}
	return fn.Version
}

func appendNew[T comparable](list []T, xs ...T) []T {
	for _, x := range xs {
		if !slices.Contains(list, x) {
			list = append(list, x)
		}
	}
	return list
}

func addIndex(s *Set, u string) {
	if u = strings.TrimSpace(u); u != "" {
		s.IndexURLs = appendNew(s.IndexURLs, u)
	}
}

// lockPin is the pin of a locked package with the files and hashes the
// lock names.
func lockPin(lock *manifest.Lock, lp manifest.LockedPackage) Pin {
	pin := Pin{Name: lp.Name, Version: lp.Version, Hashes: lp.Hashes, Source: where(lock.File, lp.Line)}
	for _, f := range lp.Files {
		pin.Files = append(pin.Files, File{Name: f.Name, URL: f.URL, Hash: f.Hash})
	}
	return pin
}

// pinSet gathers pins by name; a second pin of the same version merges,
// another version is an error (the lock would install two).
type pinSet struct {
	byName map[string]*Pin
}

func newPinSet() *pinSet { return &pinSet{byName: map[string]*Pin{}} }

func (ps *pinSet) add(p Pin) error {
	// The name (normalised by the lock readers) ends up in index URLs.
	if !pep.ValidName(p.Name) {
		return fmt.Errorf("%s: %s is not a valid project name — regenerate the lockfile", p.Source, excerpt.Quote(p.Name))
	}
	if p.Version == "" {
		return fmt.Errorf("%s: %s has no version — regenerate the lockfile", p.Source, p.Name)
	}
	old, ok := ps.byName[p.Name]
	if !ok {
		p.Hashes = appendNew([]string(nil), p.Hashes...)
		p.Files = appendNew([]File(nil), p.Files...)
		ps.byName[p.Name] = &p
		return nil
	}
	if old.Version != p.Version {
		return fmt.Errorf("%s: %s %s conflicts with %s %s at %s: both apply to this target — pin one version (or regenerate the lockfile)",
			p.Source, p.Name, p.Version, old.Name, old.Version, old.Source)
	}
	old.Hashes = appendNew(old.Hashes, p.Hashes...)
	old.Files = appendNew(old.Files, p.Files...)
	return nil
}

// done completes s with the pins gathered, or returns every error met.
func (ps *pinSet) done(s *Set, errs []error) (*Set, error) {
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.Pins = ps.sorted()
	return s, nil
}

// defaults returns the indexes of the packages a default install takes by
// the lock's own word: those not marked Dev whose marker holds.
func (l *loader) defaults(lock *manifest.Lock) ([]int, []error) {
	var out []int
	var errs []error
	for i, p := range lock.Packages {
		if p.Dev {
			continue
		}
		ok, err := holds(p.Markers, l.env, lock.File, p.Line)
		if err != nil {
			errs = append(errs, err)
		} else if ok {
			out = append(out, i)
		}
	}
	return out, errs
}

func (ps *pinSet) sorted() []Pin {
	out := make([]Pin, 0, len(ps.byName))
	for _, p := range ps.byName {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Pin) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Key is a stable hash of the set's inputs — names, versions, hashes, file
// names and URLs, index URLs — for caching the dependency layer. The order
// of pins, hashes and files does not matter; evidence (Source) and Format
// do not count, so moving a line or switching lock tools for the same pins
// keeps the key.
func (s *Set) Key() string {
	h := sha256.New()
	// Length-prefixed fields: no value can imitate a field boundary.
	rec := func(fields ...string) {
		for _, f := range fields {
			fmt.Fprintf(h, "%d:%s", len(f), f)
		}
		h.Write([]byte{'\n'})
	}
	rec("containerize lockset key", "1")
	rec("primary-index", strconv.FormatBool(s.PrimaryIndex))
	for _, u := range s.IndexURLs {
		rec("index", u)
	}
	pins := slices.Clone(s.Pins)
	slices.SortFunc(pins, func(a, b Pin) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Version, b.Version)
	})
	for _, p := range pins {
		rec("pin", p.Name, p.Version)
		hs := slices.Clone(p.Hashes)
		slices.Sort(hs)
		for _, x := range slices.Compact(hs) {
			rec("hash", x)
		}
		files := slices.Clone(p.Files)
		slices.SortFunc(files, func(a, b File) int {
			return strings.Compare(a.Name+"\x00"+a.URL+"\x00"+a.Hash, b.Name+"\x00"+b.URL+"\x00"+b.Hash)
		})
		for _, f := range slices.Compact(files) {
			rec("file", f.Name, f.URL, f.Hash)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
