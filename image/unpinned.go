package image

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/image/internal/atomicfile"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/pypi"
	"github.com/containerize/containerize/wheel"
)

// resolveFormat versions the resolution cache records; change it when the resolver would choose differently
// from the same inputs.
const resolveFormat = "containerize-resolve/1"

// maxPasses bounds the resolver's restarts: each adds a constraint learnt from a conflict.
const maxPasses = 50

// unpinnedDist is a distribution the image gets that the lock does not pin, resolved from the index.
type unpinnedDist struct {
	Name    string `json:"name"` // PEP 503-normalised
	Version string `json:"version"`
	File    string `json:"file"` // the wheel chosen
	URL     string `json:"url"`
	SHA256  string `json:"sha256"`
	Index   string `json:"index"`
	// Requested marks what the image itself needs (the server, whitenoise, the driver), not a dependency.
	Requested bool `json:"requested"`
	// Why says who needs it: "the image" or "whitenoise 6.0.0 (whitenoise needs Django>=3.2)".
	Why string `json:"why"`
}

func (u unpinnedDist) pin() lockset.Pin {
	h := "sha256:" + u.SHA256
	return lockset.Pin{Name: u.Name, Version: u.Version, Hashes: []string{h}, Requested: u.Requested,
		Files: []lockset.File{{Name: u.File, URL: u.URL, Hash: h, Index: u.Index}}}
}

// ConflictError is a requirement that the pinned version of a distribution does not satisfy.
type ConflictError struct {
	Lock             string // the lock's file name
	Name, Version    string // the pinned distribution
	Requirement      string // e.g. "gunicorn>=21"
	RequiredBy       string // e.g. "whitenoise 6.0.0", or "the image"
	RequiredByPinned bool   // the requirer is pinned too (an inconsistent lock)
}

func (e *ConflictError) Error() string {
	fix := "lock again with versions that agree (declare the package that needs it in the project, so the lock resolves both)"
	if e.RequiredByPinned {
		fix = "the lock is inconsistent: pin versions that agree, or lock again"
	}
	return fmt.Sprintf("%s pins %s %s, but %s requires %s: %s", e.Lock, e.Name, e.Version, e.RequiredBy, e.Requirement, fix)
}

// unpinnedKey is everything a resolution depends on: the pins, what the image needs besides them, the target
// (tags, Python version and architecture for markers and requires-python) and the indexes asked.
type unpinnedKey struct {
	Format   string   `json:"format"`
	Pins     []pinKey `json:"pins"`
	Extras   []string `json:"extras"`
	Complete bool     `json:"complete"`
	Tags     string   `json:"tags"`
	Python   string   `json:"python"`
	Arch     string   `json:"arch"`
	Indexes  []string `json:"indexes"`
}

func (k unpinnedKey) hash() string {
	data, _ := json.Marshal(k)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// unpinnedRecord is a cached resolution: dir/<key>.json.
type unpinnedRecord struct {
	Key      unpinnedKey    `json:"key"`
	Unpinned []unpinnedDist `json:"unpinned"`
}

// valid reports whether every entry can be installed as recorded; a damaged record is resolved again.
func (rec unpinnedRecord) valid() bool {
	for _, u := range rec.Unpinned {
		if sum, err := hex.DecodeString(u.SHA256); err != nil || len(sum) != sha256.Size || u.Name == "" || u.Version == "" || u.File == "" || u.URL == "" {
			return false
		}
	}
	return true
}

// resolveUnpinned returns what must be installed besides lock: each of extras the lock does not pin and,
// when the lock is incomplete, every distribution a pinned one requires that the lock lacks; with their
// dependencies, recursively. Each is the newest version with a wheel for the image. The result is kept in
// cacheDir under the hash of its inputs, so an unchanged lock is not resolved again (and the index is not
// asked); it is never refreshed, so newer releases are picked up only when the lock changes or the cache is
// removed. cached reports a cache hit.
func resolveUnpinned(ctx context.Context, client *indexClient, cacheDir string, bi *base.Base, lock *lockset.Set, extras []string) (out []unpinnedDist, cached bool, err error) {
	have := map[string]bool{}
	for _, r := range lock.Pins {
		have[pep.NormalizeName(r.Name)] = true
	}
	var missing []string
	for _, e := range extras {
		if n := pep.NormalizeName(e); !have[n] {
			have[n] = true
			missing = append(missing, n)
		}
	}
	slices.Sort(missing)
	if len(missing) == 0 && lock.Complete {
		return nil, false, nil
	}
	target := bi.Target()
	pins, _, err := pinKeys(lock.Pins)
	if err != nil {
		return nil, false, err
	}
	key := unpinnedKey{Format: resolveFormat, Pins: pins, Extras: missing, Complete: lock.Complete,
		Tags: tagsHash(target), Python: bi.Python, Arch: bi.Arch, Indexes: client.Indexes()}
	file := ""
	if cacheDir != "" {
		file = filepath.Join(cacheDir, key.hash()+".json")
		if data, err := os.ReadFile(file); err == nil {
			var rec unpinnedRecord
			if json.Unmarshal(data, &rec) == nil && rec.Key.Format == resolveFormat && rec.valid() {
				return rec.Unpinned, true, nil
			}
		}
	}
	r, err := newResolver(client, bi, lock)
	if err != nil {
		return nil, false, err
	}
	if out, err = r.resolve(ctx, missing); err != nil {
		return nil, false, err
	}
	if file != "" {
		data, _ := json.MarshalIndent(unpinnedRecord{Key: key, Unpinned: out}, "", "  ")
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return nil, false, fmt.Errorf("create resolution cache: %w", err)
		}
		if err := atomicfile.Write(file, data); err != nil {
			return nil, false, fmt.Errorf("store resolution: %w", err)
		}
	}
	return out, false, nil
}

// resolver chooses versions for requirements the lock does not cover, greedily: the newest version with a
// wheel for the target that satisfies what is known. When a later requirement rules out a version already
// chosen, the requirement is remembered and the resolution starts again (a bounded, simple form of
// backtracking); a requirement that a pinned version does not satisfy is a ConflictError.
type resolver struct {
	client   *indexClient
	target   wheel.Target
	env      pep.Env
	python   pep.Version
	lockName string
	pins     []lockset.Pin
	follow   bool // read the pinned distributions' own requirements (an incomplete lock)

	mu   sync.Mutex
	reqs map[string][]pep.Requirement // "name version" → its Requires-Dist
	// limits are the requirements learnt from conflicts, by project: every pass honours them.
	limits map[string][]limit
}

type limit struct{ spec, by string }

// dist is a distribution in the set being resolved.
type dist struct {
	name, version string
	pinned        bool
	req           lockset.Pin // pinned: the lock's
	file          pypi.File   // resolved: the wheel chosen
	why           string
	requested     bool
	follow        bool            // its requirements are read
	extras        map[string]bool // the extras followed ("" is the distribution itself)
}

func (d *dist) String() string { return d.name + " " + d.version }

type task struct {
	d     *dist
	extra string
}

// errRestart says a pass learnt a new limit and must start again.
var errRestart = errors.New("restart")

func newResolver(client *indexClient, bi *base.Base, lock *lockset.Set) (*resolver, error) {
	py, err := pep.ParseVersion(bi.Python)
	if err != nil {
		return nil, fmt.Errorf("base image: Python version %q: %w", bi.Python, err)
	}
	name := lock.File
	if name == "" {
		name = "the lock"
	}
	return &resolver{client: client, target: bi.Target(), env: pep.Linux(bi.Python, bi.Arch), python: py,
		lockName: name, pins: lock.Pins, follow: !lock.Complete,
		reqs: map[string][]pep.Requirement{}, limits: map[string][]limit{}}, nil
}

// resolve adds roots (normalised names the image needs) and, when r.follow, the pinned distributions'
// requirements; it returns what it added, sorted by name.
func (r *resolver) resolve(ctx context.Context, roots []string) ([]unpinnedDist, error) {
	if r.follow {
		r.prefetch(ctx)
	}
	for range maxPasses {
		chosen, err := r.pass(ctx, roots)
		if errors.Is(err, errRestart) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var out []unpinnedDist
		for _, d := range chosen {
			if d.pinned {
				continue
			}
			out = append(out, unpinnedDist{Name: d.name, Version: d.version, File: d.file.Filename, URL: d.file.URL,
				SHA256: strings.ToLower(d.file.Hashes["sha256"]), Index: d.file.Index, Requested: d.requested, Why: d.why})
		}
		slices.SortFunc(out, func(a, b unpinnedDist) int { return strings.Compare(a.Name, b.Name) })
		return out, nil
	}
	return nil, fmt.Errorf("resolving what %s does not pin did not settle after %d attempts; pin the dependencies in the project and lock again", r.lockName, maxPasses)
}

// prefetch reads the pinned distributions' requirements in parallel, before the sequential passes need them.
func (r *resolver) prefetch(ctx context.Context) {
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, p := range r.pins {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r.requiresOf(ctx, &dist{name: pep.NormalizeName(p.Name), version: p.Version, pinned: true, req: p}) // errors come again in the pass
		})
	}
	wg.Wait()
}

func (r *resolver) pass(ctx context.Context, roots []string) (map[string]*dist, error) {
	chosen := map[string]*dist{}
	var queue []task
	for _, p := range r.pins {
		d := &dist{name: pep.NormalizeName(p.Name), version: p.Version, pinned: true, req: p, follow: r.follow, extras: map[string]bool{}}
		chosen[d.name] = d
	}
	if r.follow {
		for _, n := range slices.Sorted(maps.Keys(chosen)) {
			chosen[n].extras[""] = true
			queue = append(queue, task{chosen[n], ""})
		}
	}
	for _, name := range roots {
		if err := r.require(ctx, chosen, &queue, pep.Requirement{Name: name, RawName: name}, nil, "the image"); err != nil {
			return nil, err
		}
	}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		reqs, err := r.requiresOf(ctx, t.d)
		if err != nil {
			return nil, err
		}
		env := maps.Clone(r.env)
		env["extra"] = t.extra
		for _, req := range reqs {
			if req.Marker != nil {
				ok, err := req.Marker.Eval(env)
				if err != nil {
					return nil, fmt.Errorf("%s: Requires-Dist %q: %w", t.d, req.String(), err)
				}
				if !ok {
					continue
				}
			}
			if err := r.require(ctx, chosen, &queue, req, t.d, ""); err != nil {
				return nil, err
			}
		}
	}
	return chosen, nil
}

// require adds req, asked for by parent (nil for the image itself, then why says so), to chosen.
func (r *resolver) require(ctx context.Context, chosen map[string]*dist, queue *[]task, req pep.Requirement, parent *dist, why string) error {
	by := why
	if parent != nil {
		by = parent.String()
	}
	if req.URL != "" {
		return fmt.Errorf("%s requires %s from a URL (%s), which is not on the index: pin it in the project's dependencies", by, req.Name, req.URL)
	}
	extras := make([]string, 0, len(req.Extras))
	for _, x := range req.Extras {
		extras = append(extras, pep.NormalizeName(x))
	}
	if d := chosen[req.Name]; d != nil {
		ok, err := satisfies(d.version, req.Specifier)
		if err != nil {
			return fmt.Errorf("%s requires %s: %w", by, req.String(), err)
		}
		if !ok {
			if d.pinned {
				return &ConflictError{Lock: r.lockName, Name: d.name, Version: d.version, Requirement: req.Name + req.Specifier,
					RequiredBy: by, RequiredByPinned: parent != nil && parent.pinned}
			}
			r.limits[req.Name] = append(r.limits[req.Name], limit{req.Specifier, by})
			return errRestart
		}
		if parent == nil {
			d.requested = true
		}
		if d.follow {
			for _, x := range extras {
				if !d.extras[x] {
					d.extras[x] = true
					*queue = append(*queue, task{d, x})
				}
			}
		}
		return nil
	}
	file, version, err := r.choose(ctx, req, by)
	if err != nil {
		return err
	}
	d := &dist{name: req.Name, version: version, file: file, requested: parent == nil, follow: true, extras: map[string]bool{"": true}}
	d.why = why
	if parent != nil {
		d.why = "required by " + by
		if req.Specifier != "" {
			d.why += " (" + req.Name + req.Specifier + ")"
		}
	}
	chosen[d.name] = d
	*queue = append(*queue, task{d, ""})
	for _, x := range extras {
		if !d.extras[x] {
			d.extras[x] = true
			*queue = append(*queue, task{d, x})
		}
	}
	return nil
}

// satisfies reports whether version is in spec ("" allows any). Pre-releases are allowed: a pinned or
// chosen version is what it is.
func satisfies(version, spec string) (bool, error) {
	if spec == "" {
		return true, nil
	}
	v, err := pep.ParseVersion(version)
	if err != nil {
		return false, fmt.Errorf("version %q is not a PEP 440 version", version)
	}
	ss, err := pep.ParseSpecifierSet(spec)
	if err != nil {
		return false, fmt.Errorf("version specifier %q: %w", spec, err)
	}
	return ss.Check(v, true), nil
}

// choose picks the newest version of req's project, within req's specifier and the limits learnt, with a
// wheel for the target: yanked files and files whose requires-python excludes the target are skipped, and
// pre-releases are considered only when no final release is in range (as pip does).
func (r *resolver) choose(ctx context.Context, req pep.Requirement, by string) (pypi.File, string, error) {
	files, err := r.client.Files(ctx, req.Name)
	if err != nil {
		return pypi.File{}, "", fmt.Errorf("%s (required by %s): %w", req.Name, by, err)
	}
	specs := []limit{{req.Specifier, by}}
	specs = append(specs, r.limits[req.Name]...)
	type version struct {
		v     pep.Version
		text  string // as the first file name spells it
		files []pypi.File
	}
	byVersion := map[string]*version{}
	var skipped []string
	for _, f := range files {
		if f.Yanked {
			continue
		}
		if !r.pythonOK(f.RequiresPython) {
			skipped = append(skipped, f.Filename+" (requires Python "+f.RequiresPython+")")
			continue
		}
		v, text, ok := fileVersion(f.Filename)
		if !ok {
			continue
		}
		k := v.String()
		if byVersion[k] == nil {
			byVersion[k] = &version{v: v, text: text}
		}
		byVersion[k].files = append(byVersion[k].files, f)
	}
	var inRange []*version
	for _, ver := range byVersion {
		ok := true
		for _, s := range specs {
			if s.spec == "" {
				continue
			}
			in, err := satisfies(ver.v.String(), s.spec)
			if err != nil {
				return pypi.File{}, "", fmt.Errorf("%s requires %s%s: %w", s.by, req.Name, s.spec, err)
			}
			ok = ok && in
		}
		if ok {
			inRange = append(inRange, ver)
		}
	}
	var finals []*version
	for _, ver := range inRange {
		if !ver.v.IsPrerelease() {
			finals = append(finals, ver)
		}
	}
	if len(finals) > 0 {
		inRange = finals
	}
	slices.SortFunc(inRange, func(a, b *version) int { return b.v.Compare(a.v) })
	var tried []string
	for _, ver := range inRange {
		byName := map[string]pypi.File{}
		var names []string
		for _, f := range ver.files {
			if _, dup := byName[f.Filename]; !dup {
				byName[f.Filename] = f
				names = append(names, f.Filename)
			}
		}
		if best, ok := wheel.Best(r.target, names); ok {
			f := byName[best]
			if f.Hashes["sha256"] == "" {
				return pypi.File{}, "", fmt.Errorf("%s %s (required by %s): the index %s gives no sha256 for %s, so the build cannot pin it; pin %s with hashes in the project's lock",
					req.Name, ver.text, by, f.Index, best, req.Name)
			}
			return f, ver.text, nil
		}
		if len(tried) < 5 {
			kinds := "sdist only"
			for _, n := range names {
				if strings.HasSuffix(n, ".whl") {
					kinds = "no wheel for this image"
				}
			}
			tried = append(tried, ver.text+" ("+kinds+")")
		}
	}
	var b strings.Builder
	t := r.target
	fmt.Fprintf(&b, "%s (required by %s, not pinned by %s): ", req.Name, by, r.lockName)
	switch {
	case len(files) == 0:
		fmt.Fprintf(&b, "the index (%s) has no project of that name", strings.Join(r.client.Indexes(), ", "))
	case len(inRange) == 0:
		var want []string
		for _, s := range specs {
			if s.spec != "" {
				want = append(want, s.spec+" (from "+s.by+")")
			}
		}
		fmt.Fprintf(&b, "no version on the index fits %s", strings.Join(want, " and "))
		if len(want) == 0 {
			b.WriteString("every file is yanked or needs another Python")
		}
		if len(skipped) > 0 {
			fmt.Fprintf(&b, "; skipped for CPython %s: %s", r.python, strings.Join(firstN(skipped, 3), ", "))
		}
	default:
		fmt.Fprintf(&b, "no version has a wheel for the image (CPython %s, %s %s, %s): %s", t.PythonVersion, t.Libc, t.LibcVersion, t.Arch, strings.Join(tried, ", "))
	}
	if alt, ok := binaryVariant(req.Name); ok {
		fmt.Fprintf(&b, "; use %s", alt)
	}
	b.WriteString(". Pin a version with a wheel for this platform in the project's dependencies, or build with `docker build` and the generated Dockerfile")
	return pypi.File{}, "", errors.New(b.String())
}

func firstN(list []string, n int) []string {
	if len(list) > n {
		return append(list[:n:n], "…")
	}
	return list
}

// sameVersion reports whether v is the version spelled s (PEP 440 equality, local part included).
func sameVersion(v pep.Version, s string) bool {
	w, err := pep.ParseVersion(s)
	return err == nil && v.Compare(w) == 0
}

// pythonOK reports whether a requires-python specifier admits the target; an unreadable one is ignored, as
// pip does.
func (r *resolver) pythonOK(spec string) bool {
	if strings.TrimSpace(spec) == "" {
		return true
	}
	ss, err := pep.ParseSpecifierSet(spec)
	if err != nil {
		return true
	}
	return ss.Check(r.python, true)
}

// requiresOf reads d's Requires-Dist from its wheel's core metadata: the index's PEP 658 .metadata file when
// it offers one with a hash, else the wheel itself (downloaded into the cache, where the install finds it).
// A pinned distribution with no wheel for the target has none here: installing it fails later with every
// such distribution named.
func (r *resolver) requiresOf(ctx context.Context, d *dist) ([]pep.Requirement, error) {
	r.mu.Lock()
	reqs, ok := r.reqs[d.String()]
	r.mu.Unlock()
	if ok {
		return reqs, nil
	}
	var c choice
	if d.pinned {
		var missing *MissingWheel
		var err error
		if c, missing, err = resolveOne(ctx, r.client, r.target, d.req); err != nil {
			return nil, err
		}
		if missing != nil {
			r.mu.Lock()
			r.reqs[d.String()] = nil
			r.mu.Unlock()
			return nil, nil
		}
	} else {
		c = choice{req: lockset.Pin{Name: d.name, Version: d.version}, file: d.file, want: strings.ToLower(d.file.Hashes["sha256"])}
	}
	md, err := r.metadata(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d, err)
	}
	if pep.NormalizeName(md.Name()) != d.name {
		return nil, fmt.Errorf("%s: the metadata of %s names %q: the index serves a wrong file", d, c.file.Filename, md.Name())
	}
	if mv, err := pep.ParseVersion(md.Version()); err != nil || !sameVersion(mv, d.version) {
		return nil, fmt.Errorf("%s: the metadata of %s says version %q: the index serves a wrong file", d, c.file.Filename, md.Version())
	}
	for _, s := range requiresDist(md) {
		req, err := pep.ParseRequirement(s)
		if err != nil {
			return nil, fmt.Errorf("%s: METADATA of %s: Requires-Dist: %w", d, c.file.Filename, err)
		}
		reqs = append(reqs, req)
	}
	r.mu.Lock()
	r.reqs[d.String()] = reqs
	r.mu.Unlock()
	return reqs, nil
}

func (r *resolver) metadata(ctx context.Context, c choice) (pep.Metadata, error) {
	f := c.file
	if f.CoreMetadata && f.MetadataHash["sha256"] != "" {
		mf := pypi.File{Filename: f.Filename + ".metadata", URL: f.URL + ".metadata", Hashes: f.MetadataHash, Index: f.Index}
		p, err := r.client.Download(ctx, mf, "")
		if err != nil {
			return pep.Metadata{}, err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return pep.Metadata{}, fmt.Errorf("read downloaded %s: %w", mf.Filename, err)
		}
		return pep.ParseMetadata(data), nil
	}
	p, err := r.client.Download(ctx, f, c.want)
	if err != nil {
		return pep.Metadata{}, err
	}
	if err := checkLocked(p, c); err != nil {
		return pep.Metadata{}, err
	}
	wf, err := os.Open(p)
	if err != nil {
		return pep.Metadata{}, fmt.Errorf("read downloaded %s: %w", f.Filename, err)
	}
	defer wf.Close()
	st, err := wf.Stat()
	if err != nil {
		return pep.Metadata{}, fmt.Errorf("read downloaded %s: %w", f.Filename, err)
	}
	return wheelMetadataAt(wf, st.Size(), f.Filename)
}
