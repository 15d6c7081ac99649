package manifest

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

// Lock is a lockfile read once into what every reader of it needs: detect
// takes the packages and the Python constraint, lockset selects the pins of
// one target (evaluating markers, walking the dependencies) without reading
// the file again.
type Lock struct {
	Format string // "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock", "pylock.toml"
	File   string // the path it was parsed as, which errors and evidence name
	// Version is the format's version as written: lock-version (poetry.lock,
	// pylock.toml), lock_version (pdm.lock), version (uv.lock),
	// _meta.pipfile-spec (Pipfile.lock).
	Version string
	// Packages lists every locked package in file order. Those that a
	// default production install leaves out are marked Dev. uv.lock's own
	// project packages are in Projects instead.
	Packages []LockedPackage
	// PythonVersion is the Python constraint the lock records, as written:
	// Pipfile.lock _meta.requires.python_version ("3.11", else
	// python_full_version); poetry.lock
	// metadata.python-versions (a Poetry constraint such as "^3.11", see
	// pep.PoetryToPEP440); uv.lock and pylock.toml requires-python; pdm.lock
	// requires_python.
	PythonVersion     string
	PythonVersionLine int
	// IndexURLs are the indexes the lock names for all its packages, in
	// order: Pipfile.lock's _meta.sources (pipenv installs from the first).
	// A package's own index is its Index.
	IndexURLs []string
	// Roots are the project's own direct dependencies where the lock records
	// them: the dependencies of uv.lock's project (source editable or virtual
	// "."; of every workspace member when none is at "."). Nil for the other
	// formats, which keep them in the manifest.
	Roots []LockedDependency
	// Projects are uv.lock's workspace members (source editable or virtual):
	// the project's own packages, which an install builds from source.
	Projects []LockedPackage

	// What only pylock.toml records (PEP 751).
	Environments     []string // markers; at least one must hold for the target
	EnvironmentsLine int
	Extras           []string
	DependencyGroups []string
	DefaultGroups    []string // the dependency_groups marker value of a default install
	CreatedBy        string
}

// LockedPackage is one locked package.
type LockedPackage struct {
	Name    string // PEP 503-normalised
	Version string // without "=="; "" for VCS or path entries that have none
	Line    int    // of its name: the evidence of the package
	// Hashes are "algorithm:hex" digests of the files the lock allows: of
	// Files where it names them, the only record in Pipfile.lock.
	Hashes []string
	// Files are the distribution files the lock names: wheels first, then
	// the sdist (or a pylock.toml archive).
	Files []LockedFile
	// Source says where the package comes from, in the lock's own words.
	Source PackageSource
	// URL is the VCS, URL or path reference when the package does not come
	// from an index, spelt as pip takes it ("git+https://…@rev").
	URL string
	// Index is the package index its files come from when the lock names
	// one: uv.lock's registry, poetry.lock's legacy source, pylock.toml's
	// packages.index.
	Index    string
	Editable bool
	Markers  string
	// Dev is set for packages a default production install leaves out:
	// Pipfile.lock "develop", Poetry category "dev" or groups without
	// "main", PDM groups without "default", and for uv.lock packages reachable
	// only from the project's dev dependencies or extras. A poetry.lock 2.0
	// records no groups, so there Dev is always false.
	Dev bool
	// Groups are the groups the lock lists it in (poetry.lock 2.1+, pdm.lock).
	Groups         []string
	RequiresPython string // the package's own Python range (pdm.lock, pylock.toml)
	// Dependencies are its dependency edges (poetry.lock, uv.lock, pdm.lock;
	// Pipfile.lock and pylock.toml record none).
	Dependencies []LockedDependency
	// Extras are the extras it provides, by PEP 685-normalised name, with
	// what each adds: uv.lock optional-dependencies; poetry.lock's
	// [package.extras], which name optional Dependencies.
	Extras map[string][]LockedDependency
	// DependencyGroups are uv.lock's dev-dependencies of a project, by group.
	DependencyGroups map[string][]LockedDependency
	// ResolutionMarkers are the forks of a universal uv.lock this version is
	// locked for; none means every one.
	ResolutionMarkers []string
}

// PackageSource is where a locked package comes from, in the lock's own words.
type PackageSource struct {
	// Kind is the key or type the lock uses: uv.lock's registry, git, url,
	// path, directory, editable or virtual; poetry.lock's source type (""
	// for the default index, legacy, git, url, directory, file);
	// pylock.toml's vcs, directory, archive, sdist or wheels; the key of
	// Pipfile.lock and pdm.lock entries (git, hg, svn, bzr, path, file,
	// url), "" for an index.
	Kind string
	// Location is its value as written: an index, repository or archive
	// URL, or a path.
	Location string
}

// LockedFile is a distribution file a lock names.
type LockedFile struct {
	// Name is the file name: as the lock writes it, else the last part of
	// its URL or path; "" when the lock gives neither.
	Name string
	URL  string // "" when the lock names the file only (poetry.lock, pdm.lock): the index lists it
	Path string // a local file, relative to the lock's folder (uv.lock, pylock.toml)
	// Hash is "algorithm:hex", sha256 when the lock has it (pylock.toml may
	// give several algorithms; Hashes of the package has them all).
	Hash string
	Size int64
	Line int // pylock.toml: of the file's table
}

// LockedDependency is a dependency edge of a locked package, or of the
// project (Lock.Roots).
type LockedDependency struct {
	pep.Dependency // Name, Marker, Extras
	// Version is the exact version it leads to where the lock records one
	// (uv.lock, which names it when the package is locked at several).
	Version string
	// Constraint is the version constraint as written: Poetry syntax in
	// poetry.lock, a PEP 440 specifier in pdm.lock.
	Constraint string
	Python     string // poetry.lock: the dependency's python constraint (Poetry syntax)
	Optional   bool   // poetry.lock: taken only through an extra
}

// ParseLock parses a lockfile of any format, chosen by its file name:
// Pipfile.lock, poetry.lock, uv.lock, pdm.lock, pylock.toml or
// pylock.NAME.toml.
func ParseLock(data []byte, file string) (*Lock, error) {
	switch base := path.Base(file); {
	case base == "Pipfile.lock":
		return ParsePipfileLock(data, file)
	case base == "poetry.lock":
		return ParsePoetryLock(data, file)
	case base == "uv.lock":
		return ParseUVLock(data, file)
	case base == "pdm.lock":
		return ParsePDMLock(data, file)
	case strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml"):
		return ParsePylock(data, file)
	}
	return nil, errorf(file, 0, "not a lockfile containerize reads (Pipfile.lock, poetry.lock, uv.lock, pdm.lock, pylock.toml)")
}

// lockPackages returns the [[package]] tables of a TOML lockfile.
func lockPackages(m map[string]any, idx *tomlIndex, path string) ([]map[string]any, error) {
	v, ok := m["package"]
	if !ok {
		return nil, nil
	}
	list, ok := arrayOf(v)
	if !ok {
		return nil, errorf(path, idx.line("package"), "package must be an array of [[package]] tables")
	}
	out := make([]map[string]any, 0, len(list))
	for i, e := range list {
		t, ok := e.(map[string]any)
		if !ok {
			return nil, errorf(path, idx.lineOr("package", strconv.Itoa(i)), "each [[package]] must be a table")
		}
		if str(t, "name") == "" {
			return nil, errorf(path, idx.lineOr("package", strconv.Itoa(i)), "[[package]] without a name — regenerate the lockfile")
		}
		out = append(out, t)
	}
	return out, nil
}

func stringList(v any) []string {
	list, _ := arrayOf(v)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// tables returns the tables of a list, skipping anything else.
func tables(v any) []map[string]any {
	list, _ := arrayOf(v)
	var out []map[string]any
	for _, e := range list {
		if t, ok := e.(map[string]any); ok {
			out = append(out, t)
		}
	}
	return out
}

// lockFiles reads a list of {file or filename, url, path, hash, size}
// tables (poetry.lock, pdm.lock, uv.lock).
func lockFiles(v any) []LockedFile {
	var out []LockedFile
	for _, t := range tables(v) {
		out = append(out, lockFile(t))
	}
	return out
}

func lockFile(t map[string]any) LockedFile {
	f := LockedFile{URL: str(t, "url"), Path: str(t, "path"), Hash: str(t, "hash")}
	f.Size, _ = t["size"].(int64)
	f.Name = str(t, "file")
	if f.Name == "" {
		f.Name = str(t, "filename")
	}
	if f.Name == "" && f.URL != "" {
		f.Name = FileName(f.URL)
	}
	return f
}

// hashesOf returns the files' hashes, in order, leaving out files without one.
func hashesOf(files []LockedFile) []string {
	var out []string
	for _, f := range files {
		if f.Hash != "" {
			out = append(out, f.Hash)
		}
	}
	return out
}

// fileName is the last path element of a URL or path, without query or
// fragment, unescaped.
func FileName(u string) string {
	u, _, _ = strings.Cut(u, "#")
	u, _, _ = strings.Cut(u, "?")
	b := path.Base(strings.ReplaceAll(u, `\`, "/"))
	if s, err := url.PathUnescape(b); err == nil {
		return s
	}
	return b
}

// vcsURL spells a VCS reference as pip takes it: "git+URL@ref".
func vcsURL(vcs, u, ref string) string {
	if !strings.HasPrefix(u, vcs+"+") {
		u = vcs + "+" + u
	}
	if ref != "" {
		u += "@" + ref
	}
	return u
}

// lockedExtras maps extras, normalised as PEP 685 compares them, to what
// each adds; extras whose names normalise alike merge, in key order.
func lockedExtras(m map[string]any, deps func(any) []LockedDependency) map[string][]LockedDependency {
	if len(m) == 0 {
		return nil
	}
	out := map[string][]LockedDependency{}
	for _, k := range sortedKeys(m, func(string) int { return 0 }) {
		x := pep.NormalizeName(k)
		out[x] = append(out[x], deps(m[k])...)
	}
	return out
}
