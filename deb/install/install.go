// Package install adds Debian packages to a base image's filesystem without apt or dpkg: Resolve reads
// the base's verified archive index (deb/archive) and works out the packages to add (deb/resolve); Lay
// fetches them by hash and turns them into layer entries (deb/unpack): their files, their registration in
// dpkg's database, and the maintainer-script work that matters for libraries (alternatives symlinks).
// What it writes is a set of layer.Entry values; making and caching the layer is the image builder's job.
package install

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/containerize/containerize/deb/archive"
	"github.com/containerize/containerize/deb/ldcache"
	"github.com/containerize/containerize/deb/resolve"
	"github.com/containerize/containerize/deb/unpack"
	"github.com/containerize/containerize/image/layer"
)

// Options say where the base's files are and how to reach its archive.
type Options struct {
	// Root is the base image's filesystem (paths without the leading slash): its apt sources and keys,
	// /etc/os-release, its dpkg database (see base.DebianFiles).
	Root fs.FS
	// Arch is the image's architecture in OCI spelling ("amd64", "arm/v7").
	Arch string
	// Mirror replaces every apt source's URI (--apt-mirror); suites, components and keys stay the base's.
	Mirror string
	Client *http.Client
	Clock  func() time.Time
	// Cache holds fetched .deb files by SHA256 (required by Lay).
	Cache string
	// UsrMerged are the base's top-level directories that are symlinks into /usr ("/bin", "/lib", …):
	// files packages ship under them are laid down under /usr, as dpkg on a merged-/usr system does.
	UsrMerged []string
	// Jobs bounds parallel downloads; 0 means 4.
	Jobs int
}

// Package is one Debian package the base lacks and the set adds.
type Package struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	Architecture string `json:"architecture"`
	Source       string `json:"source,omitempty"`
	Filename     string `json:"filename"`
	SHA256       string `json:"sha256"`
	Size         int64  `json:"size"`
	// URI is the archive it was listed in; Suite its suite.
	URI   string `json:"uri"`
	Suite string `json:"suite"`
	// Why is the chain from a requested package to this one; Relation the dependency as written that
	// pulled it in (empty for a requested package).
	Why      []string `json:"why"`
	Relation string   `json:"relation,omitempty"`
}

// Set is what Resolve decided: the packages to add, sorted by name.
type Set struct {
	Requested []string `json:"requested"`
	// Release names the base's release ("debian bookworm amd64").
	Release  string    `json:"release"`
	Packages []Package `json:"packages"`
	// AlreadyInstalled are the requested names the base has.
	AlreadyInstalled []string `json:"already_installed,omitempty"`
	Notes            []string `json:"notes,omitempty"`
}

// Resolve reads the base's apt sources, keys and dpkg status from opts.Root, fetches and verifies the
// archive's index and resolves names with their dependencies against it.
func Resolve(ctx context.Context, opts Options, names []string) (*Set, error) {
	ix, err := archive.Open(ctx, archive.Options{Root: opts.Root, Client: opts.Client, Mirror: opts.Mirror, Arch: opts.Arch, Clock: opts.Clock, Cache: opts.Cache})
	if err != nil {
		return nil, err
	}
	installed, err := resolve.ParseStatus(opts.Root)
	if err != nil {
		return nil, err
	}
	plan, err := resolve.Resolve(names, ix.Packages(), installed, ix.System.Arch)
	if err != nil {
		return nil, fmt.Errorf("the Debian packages the image needs (%s) cannot be installed on this base:\n%w", strings.Join(names, ", "), err)
	}
	set := &Set{Requested: slices.Clone(names), Release: strings.TrimSpace(ix.System.ID + " " + ix.System.Codename + " " + ix.System.Arch),
		AlreadyInstalled: plan.AlreadyInstalled, Notes: plan.Notes}
	for _, a := range plan.Packages {
		set.Packages = append(set.Packages, Package{Name: a.Name, Version: a.Version, Architecture: a.Architecture,
			Source: a.Source, Filename: a.Filename, SHA256: a.SHA256, Size: a.Size, URI: a.URI, Suite: a.Suite,
			Why: a.Why, Relation: a.Relation})
	}
	return set, nil
}

// Laid is what Lay made.
type Laid struct {
	// Entries are the layer's files: the packages' contents, dpkg's database, alternatives.
	Entries []layer.Entry
	// Scripts say which maintainer scripts were not run and what they would have done.
	Scripts []resolve.ScriptReport
	// Notes say what was laid down differently from dpkg.
	Notes []string
	// Alternatives are the update-alternatives names whose links were made; LdCache the number of
	// libraries added to /etc/ld.so.cache.
	Alternatives []string
	LdCache      int
}

// Lay fetches set's packages (from opts.Cache when it has them, checked by SHA256) and unpacks them under
// stage, which the caller removes once the layer is written.
func Lay(ctx context.Context, opts Options, set *Set, stage string) (*Laid, error) {
	if opts.Cache == "" {
		return nil, errors.New("install: no cache directory for .deb files")
	}
	paths, err := fetchAll(ctx, opts, set.Packages)
	if err != nil {
		return nil, err
	}
	pkgs := make([]unpack.Unpacked, len(paths))
	for i, p := range paths {
		if pkgs[i], err = unpack.Deb(p, stage); err != nil {
			return nil, err
		}
		if got, want := pkgs[i].Package, set.Packages[i].Name; got != want {
			return nil, fmt.Errorf("%s holds package %s, not the %s the index lists", p, got, want)
		}
	}
	laid := &Laid{}
	owner := map[string]string{} // path → package that ships it
	seen := map[string]layer.Entry{}
	add := func(pkg string, e layer.Entry) error {
		e.Path = usrMerged(e.Path, opts.UsrMerged)
		if e.Path == "" {
			return nil
		}
		if prev, ok := seen[e.Path]; ok {
			if prev.Mode.IsDir() && e.Mode.IsDir() || prev.Link != "" && prev.Link == e.Link {
				return nil
			}
			return fmt.Errorf("Debian packages %s and %s both ship %s: dpkg would refuse to install both; ask for one of them only", owner[e.Path], pkg, e.Path)
		}
		seen[e.Path], owner[e.Path] = e, pkg
		laid.Entries = append(laid.Entries, e)
		return nil
	}
	var members []resolve.ControlMembers
	filter := readPathFilter(opts.Root)
	for _, u := range pkgs {
		for _, e := range filter.apply(u.Entries) {
			if err := add(u.Package, e); err != nil {
				return nil, err
			}
		}
		for _, n := range u.Notes {
			laid.Notes = append(laid.Notes, u.Package+": "+n)
		}
		members = append(members, resolve.ControlMembers{Package: u.Package, Members: u.ControlMembers, Contents: u.Scripts})
	}

	// dpkg's database: the base's status file with the new stanzas appended, or status.d files on a
	// distroless base that has none.
	status, err := fs.ReadFile(opts.Root, resolve.StatusFile)
	hasStatus := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the base's /%s: %w", resolve.StatusFile, err)
	}
	db := unpack.Register(pkgs, !hasStatus)
	if hasStatus {
		merged, err := unpack.MergeStatus(status, pkgs)
		if err != nil {
			return nil, err
		}
		db = append(db, layer.Entry{Path: "/" + resolve.StatusFile, Mode: 0o644, Data: merged})
	}
	alts, notes := unpack.Alternatives(pkgs, opts.Root)
	laid.Notes = append(laid.Notes, notes...)
	for _, e := range alts {
		if dir, name := path.Split(e.Path); dir == "/var/lib/dpkg/alternatives/" {
			laid.Alternatives = append(laid.Alternatives, name)
		}
	}
	for _, e := range append(db, alts...) {
		if err := add("containerize", e); err != nil {
			return nil, err
		}
	}
	if err := ldCache(opts, laid, pkgs); err != nil {
		return nil, err
	}
	laid.Scripts = resolve.ReportScripts(members)
	sort.Slice(laid.Entries, func(i, j int) bool { return laid.Entries[i].Path < laid.Entries[j].Path })
	return laid, nil
}

// usrMerged maps a path under a top-level symlink of the base (/lib/x on a merged-/usr base) to where the
// link points (/usr/lib/x), and the symlinked directory itself to "" (the base's link stays).
func usrMerged(p string, merged []string) string {
	for _, m := range merged {
		if p == m {
			return ""
		}
		if rest, ok := strings.CutPrefix(p, m+"/"); ok {
			return path.Join("/usr", m, rest)
		}
	}
	return p
}

// fetchAll downloads the packages' .debs, opts.Jobs at a time, and returns their paths in set order.
func fetchAll(ctx context.Context, opts Options, pkgs []Package) ([]string, error) {
	fetcher := archive.Fetcher(archive.Options{Client: opts.Client, Clock: opts.Clock, Cache: opts.Cache})
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = 4
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	paths := make([]string, len(pkgs))
	errs := make([]error, len(pkgs))
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, p := range pkgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			uri := p.URI
			if opts.Mirror != "" {
				uri = strings.TrimRight(opts.Mirror, "/")
			}
			paths[i], errs[i] = fetcher.FetchPackage(ctx, archive.Package{Name: p.Name, URI: uri, Filename: p.Filename, SHA256: p.SHA256, Size: p.Size})
			if errs[i] != nil {
				errs[i] = fmt.Errorf("Debian package %s %s: %w", p.Name, p.Version, errs[i])
				cancel()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return paths, nil
}

// ldCache adds the new libraries to the base's /etc/ld.so.cache, as the ldconfig trigger would: each
// shared library in a directory ldconfig scans (ld.so's default ones and those the base's and the
// packages' /etc/ld.so.conf.d files list) under its soname. A base without a cache gets none (the
// dynamic linker does not need one; only `ldconfig -p` readers such as ctypes.util.find_library do).
func ldCache(opts Options, laid *Laid, pkgs []unpack.Unpacked) error {
	data, err := fs.ReadFile(opts.Root, "etc/ld.so.cache")
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the base's /etc/ld.so.cache: %w", err)
	}
	cache, err := ldcache.Parse(data)
	if err != nil {
		laid.Notes = append(laid.Notes, fmt.Sprintf("/etc/ld.so.cache is left as the base has it (%v): the added libraries are found by the dynamic linker, but not by `ldconfig -p`", err))
		return nil
	}
	// The directories ldconfig scans, with the base's usr-merge applied.
	scanned := map[string]bool{}
	conf := func(text string) {
		for _, line := range strings.Split(text, "\n") {
			if line = strings.TrimSpace(line); strings.HasPrefix(line, "/") {
				scanned[usrMerged(path.Clean(line), opts.UsrMerged)] = true
			}
		}
	}
	if entries, err := fs.ReadDir(opts.Root, "etc/ld.so.conf.d"); err == nil {
		for _, e := range entries {
			if b, err := fs.ReadFile(opts.Root, "etc/ld.so.conf.d/"+e.Name()); err == nil && strings.HasSuffix(e.Name(), ".conf") {
				conf(string(b))
			}
		}
	}
	byPath := map[string]layer.Entry{}
	for _, e := range laid.Entries {
		byPath[e.Path] = e
	}
	for _, u := range pkgs {
		for _, c := range u.LdSoConf {
			if e, ok := byPath[usrMerged(c, opts.UsrMerged)]; ok && e.Open != nil {
				if rc, err := e.Open(); err == nil {
					b, _ := io.ReadAll(io.LimitReader(rc, 1<<20))
					rc.Close()
					conf(string(b))
				}
			}
		}
	}
	flags := cache.Flags()
	var added []ldcache.Entry
	for _, e := range laid.Entries {
		dir := path.Dir(e.Path)
		if !e.Mode.IsRegular() || e.Open == nil || !unpack.IsSharedLibrary(e.Path) || !(scanned[dir] || unpack.DefaultLibDir(dir)) {
			continue
		}
		rc, err := e.Open()
		if err != nil {
			return fmt.Errorf("reading %s: %w", e.Path, err)
		}
		ra, ok := rc.(io.ReaderAt)
		soname, isLib := "", false
		if ok {
			soname, isLib = ldcache.Soname(ra)
		}
		rc.Close()
		if !isLib || strings.Contains(soname, "/") {
			continue
		}
		if _, ok := byPath[path.Join(dir, soname)]; !ok {
			continue // ldconfig would make the soname link; packages ship it
		}
		added = append(added, ldcache.Entry{Flags: flags, Key: soname, Value: path.Join(dir, soname)})
	}
	if len(added) == 0 {
		return nil
	}
	cache.Add(added...)
	laid.LdCache = len(added)
	laid.Entries = append(laid.Entries, layer.Entry{Path: "/etc/ld.so.cache", Mode: 0o644, Data: cache.Bytes()})
	return nil
}
