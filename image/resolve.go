package image

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/pypi"
	"github.com/containerize/containerize/wheel"
)

// parallel bounds the index requests and downloads in flight.
const parallel = 8

// choice is the wheel chosen for one requirement.
type choice struct {
	req     lockset.Pin
	file    pypi.File
	want    string // the sha256 Download checks; "" lets the index's own hashes do it
	allowed hashSet
}

// hashSet is what a lock allows for one distribution.
type hashSet struct {
	sha256 map[string]bool // lower-case hex
	other  []string        // "sha384:<hex>", "sha512:<hex>", checked with wheel.VerifyHash
}

func (h hashSet) empty() bool { return len(h.sha256) == 0 && len(h.other) == 0 }

func (h hashSet) list() []string {
	var out []string
	for s := range h.sha256 {
		out = append(out, "sha256:"+s)
	}
	slices.Sort(out)
	return append(out, h.other...)
}

// parseHashes collects the digests a lock gives for req, in any of the spellings locks use.
func parseHashes(req lockset.Pin) (hashSet, error) {
	h := hashSet{sha256: map[string]bool{}}
	all := append([]string(nil), req.Hashes...)
	for _, f := range req.Files {
		if f.Hash != "" {
			all = append(all, f.Hash)
		}
	}
	for _, raw := range all {
		algo, digest := splitHash(raw)
		switch algo {
		case "sha256":
			if b, err := hex.DecodeString(digest); err != nil || len(b) != 32 {
				return h, fmt.Errorf("%s %s: hash %q is not a sha256 hex digest", req.Name, req.Version, raw)
			}
			h.sha256[digest] = true
		case "sha384", "sha512":
			h.other = append(h.other, algo+":"+digest)
		default:
			return h, fmt.Errorf("%s %s: hash %q: want sha256:<hex> (sha384 and sha512 work too)", req.Name, req.Version, raw)
		}
	}
	return h, nil
}

func splitHash(raw string) (algo, digest string) {
	raw = strings.ToLower(strings.TrimSpace(raw))
	if a, d, ok := strings.Cut(raw, ":"); ok {
		return a, d
	}
	if a, d, ok := strings.Cut(raw, "="); ok {
		return a, d
	}
	if len(raw) == 64 {
		return "sha256", raw
	}
	return "", raw
}

// MissingWheel is a locked distribution with no wheel for the image.
type MissingWheel struct {
	Name, Version string
	Sdist         string   // the source distribution the index has, if any
	Wheels        []string // the wheels it has, none of which fits
	// Unlocked are files the index has whose hashes the lock does not list (not considered).
	Unlocked []string
}

// MissingWheelsError lists every locked distribution that has no wheel for the image.
type MissingWheelsError struct {
	Target   wheel.Target
	Packages []MissingWheel
}

// binaryVariant names the variant that ships wheels of a distribution published as an sdist (the name
// normalised); ok is false for the others.
func binaryVariant(name string) (alt string, ok bool) {
	switch name {
	case "psycopg2":
		return "psycopg2-binary, which ships wheels", true
	case "psycopg-c", "psycopg":
		return "psycopg[binary] (psycopg-binary), which ships wheels", true
	}
	return "", false
}

func (e *MissingWheelsError) Error() string {
	var b strings.Builder
	t := e.Target
	fmt.Fprintf(&b, "no wheel fits the image (CPython %s, %s %s, %s) for %d locked package(s):\n", t.PythonVersion, t.Libc, t.LibcVersion, t.Arch, len(e.Packages))
	for _, m := range e.Packages {
		fmt.Fprintf(&b, "  - %s %s: ", m.Name, m.Version)
		switch {
		case len(m.Wheels) > 0:
			fmt.Fprintf(&b, "none of its wheels is for this image (%s)", strings.Join(m.Wheels, ", "))
		case m.Sdist != "":
			fmt.Fprintf(&b, "only a source distribution (%s), which needs Python and a compiler to build", m.Sdist)
		default:
			b.WriteString("the index has no file for this version")
		}
		if len(m.Unlocked) > 0 {
			fmt.Fprintf(&b, "; the index also has %s, whose hash the lock does not list: lock again to allow it", strings.Join(m.Unlocked, ", "))
		}
		if alt, ok := binaryVariant(pep.NormalizeName(m.Name)); ok {
			fmt.Fprintf(&b, "; use %s", alt)
		}
		b.WriteString("\n")
	}
	b.WriteString("A daemonless build installs wheels only: change those dependencies (a binary variant, or a version with wheels for this platform), or build with `docker build` and the generated Dockerfile, which compiles them.")
	return b.String()
}

// resolve chooses a wheel for every requirement: the lock's own files when it names them with URLs, else the
// index's files of the locked version. Like pip with --require-hashes, when some files match the lock's hashes
// only those are considered. Every requirement without a fitting wheel is reported at once.
func resolve(ctx context.Context, client *indexClient, target wheel.Target, reqs []lockset.Pin) ([]choice, error) {
	choices := make([]choice, len(reqs))
	missing := make([]*MissingWheel, len(reqs))
	errs := make([]error, len(reqs))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			choices[i], missing[i], errs[i] = resolveOne(ctx, client, target, req)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var miss []MissingWheel
	for _, m := range missing {
		if m != nil {
			miss = append(miss, *m)
		}
	}
	if len(miss) > 0 {
		slices.SortFunc(miss, func(a, b MissingWheel) int {
			return strings.Compare(pep.NormalizeName(a.Name), pep.NormalizeName(b.Name))
		})
		return nil, &MissingWheelsError{Target: target, Packages: miss}
	}
	return choices, nil
}

func resolveOne(ctx context.Context, client *indexClient, target wheel.Target, req lockset.Pin) (choice, *MissingWheel, error) {
	allowed, err := parseHashes(req)
	if err != nil {
		return choice{}, nil, err
	}
	files, err := candidates(ctx, client, req)
	if err != nil {
		return choice{}, nil, err
	}
	// Prefer the files whose advertised sha256 the lock allows (pip's filter_unallowed_hashes); when none
	// match, keep them all so that the download reports the mismatch instead of a misleading "no wheel".
	var unlocked []string
	if len(allowed.sha256) > 0 {
		var matching []pypi.File
		for _, f := range files {
			if allowed.sha256[strings.ToLower(f.Hashes["sha256"])] {
				matching = append(matching, f)
			} else {
				unlocked = append(unlocked, f.Filename)
			}
		}
		if len(matching) > 0 {
			files = matching
		} else {
			unlocked = nil
		}
	}
	byName := map[string]pypi.File{}
	var names []string
	for _, f := range files {
		if _, dup := byName[f.Filename]; !dup {
			byName[f.Filename] = f
			names = append(names, f.Filename)
		}
	}
	best, ok := wheel.Best(target, names)
	if !ok {
		m := &MissingWheel{Name: req.Name, Version: req.Version, Unlocked: unlocked}
		for _, n := range names {
			if strings.HasSuffix(n, ".whl") {
				m.Wheels = append(m.Wheels, n)
			} else if m.Sdist == "" {
				m.Sdist = n
			}
		}
		slices.Sort(m.Wheels)
		slices.Sort(m.Unlocked)
		return choice{}, m, nil
	}
	f := byName[best]
	c := choice{req: req, file: f, allowed: allowed}
	if idx := strings.ToLower(f.Hashes["sha256"]); allowed.sha256[idx] {
		c.want = idx
	} else if len(allowed.sha256) == 1 {
		for h := range allowed.sha256 {
			c.want = h
		}
	}
	return c, nil, nil
}

// candidates lists the files of req's locked version.
func candidates(ctx context.Context, client *indexClient, req lockset.Pin) ([]pypi.File, error) {
	var fromLock []pypi.File
	named := map[string]bool{}
	for _, f := range req.Files {
		named[f.Name] = true
		if f.URL == "" {
			continue
		}
		pf := pypi.File{Filename: f.Name, URL: f.URL, Index: cmp.Or(f.Index, "the lock"), Hashes: map[string]string{}}
		if algo, digest := splitHash(f.Hash); algo != "" {
			pf.Hashes[algo] = digest
		}
		fromLock = append(fromLock, pf)
	}
	if len(fromLock) > 0 {
		return fromLock, nil
	}
	if client == nil {
		return nil, fmt.Errorf("%s %s: the lock gives no file URLs and no package index is configured", req.Name, req.Version)
	}
	all, err := client.Files(ctx, req.Name)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", req.Name, req.Version, err)
	}
	want, err := pep.ParseVersion(req.Version)
	if err != nil {
		return nil, fmt.Errorf("%s: locked version %q is not a PEP 440 version", req.Name, req.Version)
	}
	var out []pypi.File
	for _, f := range all {
		if len(named) > 0 && !named[f.Filename] {
			continue
		}
		if v, _, ok := fileVersion(f.Filename); ok && v.Compare(want) == 0 {
			out = append(out, f)
		}
	}
	return out, nil
}

// fileVersion reads the version from a wheel or sdist file name (name-version.tar.gz, name-version.zip),
// parsed and as spelt.
func fileVersion(filename string) (pep.Version, string, bool) {
	var v string
	if strings.HasSuffix(filename, ".whl") {
		fn, err := pep.ParseWheelFilename(filename)
		if err != nil {
			return pep.Version{}, "", false
		}
		v = fn.Version
	} else {
		stem := filename
		for _, ext := range []string{".tar.gz", ".zip", ".tar.bz2", ".tgz"} {
			stem = strings.TrimSuffix(stem, ext)
		}
		if stem == filename {
			return pep.Version{}, "", false
		}
		i := strings.LastIndex(stem, "-")
		if i < 0 {
			return pep.Version{}, "", false
		}
		v = stem[i+1:]
	}
	pv, err := pep.ParseVersion(v)
	return pv, v, err == nil
}
