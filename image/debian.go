package image

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/types"

	debpkg "github.com/containerize/containerize/deb/install"
	debresolve "github.com/containerize/containerize/deb/resolve"
	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/image/internal/atomicfile"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/wheel"
)

// Cache formats of the Debian resolution and layer: change them whenever the same inputs should give
// another answer or other bytes.
const (
	debSetFormat   = "containerize-deb-set/1"
	debLayerFormat = "containerize-deb/3"
)

// debianLayer is the layer of Debian packages for one base, with the set it holds.
type debianLayer struct {
	depsLayer
	set *debpkg.Set
}

// debian resolves the Debian runtime packages the plan names (plan.Image.RuntimePackages, what the
// Dockerfile apt-get installs) against the base's own archive and lays them down as a layer. Both steps
// are cached: the resolution under the base's config digest, the names and the mirror (never refreshed,
// like resolved/), the layer under the resolved set's hashes; a warm build sends no request. nil when the
// plan names none or Options.IgnoreSystemPackages is set.
func (b *builder) debian(ctx context.Context, l base.Loaded, bi *base.Base, mt types.MediaType) (*debianLayer, error) {
	o := b.o
	names := o.Plan.Image.RuntimePackages.Names
	if len(names) == 0 || o.IgnoreSystemPackages {
		return nil, nil
	}
	if bi.Libc != wheel.Glibc {
		return nil, fmt.Errorf("the image needs Debian packages (%s), but the base image %s is not Debian-based (%s C library): use a Debian base (python:X.Y-slim) or --ignore-system-packages if the base has them", strings.Join(names, ", "), l.Name, bi.Libc)
	}
	cacheDir := filepath.Join(o.CacheDir, "debian")
	cfg, err := l.Image.ConfigName()
	if err != nil {
		return nil, fmt.Errorf("base image %s: %w", l.Name, err)
	}
	var root fs.FS
	rootFS := func() (fs.FS, error) {
		if root == nil {
			files, err := base.DebianFiles(l.Image, o.factsDir())
			if err != nil {
				return nil, fmt.Errorf("base image %s: %w", l.Name, err)
			}
			root = files
		}
		return root, nil
	}
	opts := debpkg.Options{Arch: archOf(l), Mirror: o.Debian.Mirror, Client: o.Debian.Client, Clock: o.Debian.Clock,
		Cache: filepath.Join(cacheDir, "debs"), UsrMerged: bi.Symlinks}
	if o.CacheDir == "" {
		opts.Cache = filepath.Join(b.cache.dir, "debs")
	}

	// The resolution.
	setKey := hashJSON(struct {
		Format, Base, Mirror string
		Names                []string
	}{debSetFormat, cfg.String(), o.Debian.Mirror, names})
	setFile := ""
	if o.CacheDir != "" {
		setFile = filepath.Join(cacheDir, "resolved", setKey+".json")
	}
	set, setCached, err := readSet(setFile)
	if err != nil {
		return nil, err
	}
	if set == nil {
		if opts.Root, err = rootFS(); err != nil {
			return nil, err
		}
		if set, err = debpkg.Resolve(ctx, opts, names); err != nil {
			return nil, err
		}
		if setFile != "" {
			data, _ := json.MarshalIndent(set, "", "  ")
			if err := atomicfile.Write(setFile, data); err != nil {
				return nil, fmt.Errorf("cache the Debian resolution: %w", err)
			}
		}
	}
	if len(set.AlreadyInstalled) > 0 {
		b.logf("debian: already in the base: %s", strings.Join(set.AlreadyInstalled, ", "))
	}
	if o.DebianPlanOnly || len(set.Packages) == 0 {
		return &debianLayer{set: set, depsLayer: depsLayer{cached: setCached}}, nil
	}

	// The layer.
	type pkgKey struct{ Name, Version, Arch, SHA256 string }
	var pkgs []pkgKey
	for _, p := range set.Packages {
		pkgs = append(pkgs, pkgKey{p.Name, p.Version, p.Architecture, p.SHA256})
	}
	key := "deb-" + hashJSON(struct {
		Format, Base string
		Epoch        int64
		Level        int
		UsrMerged    []string
		Packages     []pkgKey
	}{debLayerFormat, cfg.String(), b.epoch.Unix(), layer.Level, bi.Symlinks, pkgs})
	if lay, rec, ok := b.cache.get(key, mt); ok {
		b.logf("debian: %d packages cached (%s)", len(set.Packages), short(rec.Blob.Digest))
		return &debianLayer{set: set, depsLayer: depsLayer{layer: lay, blob: rec.Blob, packages: rec.Packages, cached: true}}, nil
	}
	if opts.Root, err = rootFS(); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(filepath.Dir(b.cache.dir), ".deb-stage-*.tmp")
	if err != nil {
		return nil, fmt.Errorf("Debian packages: %w", err)
	}
	defer os.RemoveAll(stage)
	start := time.Now()
	laid, err := debpkg.Lay(ctx, opts, set, stage)
	if err != nil {
		return nil, err
	}
	lay, blob, err := b.cache.put(key, laid.Entries, layer.Options{ModTime: b.epoch}, len(set.Packages), mt)
	if err != nil {
		return nil, fmt.Errorf("Debian layer: %w", err)
	}
	b.logf("debian: %d packages installed in %s (%s)", len(set.Packages), time.Since(start).Round(time.Millisecond), short(blob.Digest))
	var done []string
	if len(laid.Alternatives) > 0 {
		done = append(done, "alternatives links ("+strings.Join(laid.Alternatives, ", ")+")")
	}
	if laid.LdCache > 0 {
		done = append(done, fmt.Sprintf("/etc/ld.so.cache (%d libraries added)", laid.LdCache))
	}
	if len(done) > 0 {
		b.logf("  made without running maintainer scripts: %s", strings.Join(done, "; "))
	}
	var notRun []string
	for _, s := range laid.Scripts {
		var scripts []string // the ldconfig and update-alternatives work is done above
		for _, a := range s.Actions {
			if a.Kind == debresolve.KindNotRun {
				scripts = append(scripts, a.Script)
			}
		}
		if len(scripts) > 0 {
			notRun = append(notRun, s.Package+" ("+strings.Join(scripts, ", ")+")")
		}
	}
	if len(notRun) > 0 {
		b.logf("  maintainer scripts not run: %s; if the image needs what they do beyond the above, build it with docker build", strings.Join(notRun, ", "))
	}
	for _, n := range laid.Notes {
		b.logf("  note: %s", n)
	}
	return &debianLayer{set: set, depsLayer: depsLayer{layer: lay, blob: blob, packages: len(set.Packages)}}, nil
}

// readSet reads a cached resolution; nil when there is none.
func readSet(file string) (*debpkg.Set, bool, error) {
	if file == "" {
		return nil, false, nil
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read the cached Debian resolution: %w", err)
	}
	var set debpkg.Set
	if json.Unmarshal(data, &set) != nil || set.Release == "" {
		return nil, false, nil // a damaged entry is resolved again
	}
	return &set, true, nil
}

func hashJSON(v any) string {
	data, _ := json.Marshal(v)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// archOf is the base's architecture with its variant, as OCI spells it ("arm/v7").
func archOf(l base.Loaded) string {
	if l.Platform.Variant != "" {
		return l.Platform.Architecture + "/" + l.Platform.Variant
	}
	return l.Platform.Architecture
}

// debianPlans resolves the Debian packages for each base and returns what would be added, building
// nothing (Options.DebianPlanOnly).
func (b *builder) debianPlans(ctx context.Context, bases []base.Loaded, tag name.Tag) (*Result, error) {
	res := &Result{Tag: tag.String()}
	for _, l := range bases {
		bi, _, err := base.InspectCached(l.Image, b.o.factsDir())
		if err != nil {
			return nil, fmt.Errorf("base image %s: %w", l.Name, err)
		}
		debs, err := b.debian(ctx, l, bi, "")
		if err != nil {
			return nil, err
		}
		img := Image{Platform: l.Platform, Base: l.Digest, Target: bi.Target()}
		if debs != nil {
			img.Debian = debs.set
		}
		res.Images = append(res.Images, img)
	}
	return res, nil
}
