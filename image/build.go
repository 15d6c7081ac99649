package image

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/pypi"
	"github.com/containerize/containerize/wheel"
)

// Annotations recording the base image on the manifest (OCI image spec).
const (
	AnnotationBaseName   = "org.opencontainers.image.base.name"
	AnnotationBaseDigest = "org.opencontainers.image.base.digest"
)

// Build assembles the image o.Plan describes on o.Base, for each platform, and writes it to o.Output.
func Build(ctx context.Context, o Options) (*Result, error) {
	if o.Plan == nil {
		return nil, errors.New("build: no plan")
	}
	if o.Requirements == nil {
		return nil, errors.New("build: no requirements (use Pinned() for none)")
	}
	logf := func(format string, args ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, format+"\n", args...)
		}
	}
	epoch := o.Epoch
	if epoch.IsZero() {
		epoch = DefaultEpoch
	}
	epoch = epoch.UTC().Truncate(time.Second)
	rt := &o.Plan.Image.Runtime
	if a := o.Plan.Image.Assets; a != nil {
		// The Dockerfile's assets stage runs Node, which this build has no way to run.
		return nil, fmt.Errorf("%s: the project's static assets are built with %s in the Dockerfile's Node stage, which containerize build cannot run; build the image with `docker build`", a.Source, a.Build)
	}
	tag, err := o.tag()
	if err != nil {
		return nil, err
	}
	src := o.Source
	if src == nil {
		src = os.DirFS(o.Root)
	}
	source, revision := o.SourceURL, o.Revision
	if source == "" || revision == "" {
		gs, gr := gitInfo(o.Root)
		source, revision = cmp.Or(source, gs), cmp.Or(revision, gr)
	}

	ref := o.baseRef()
	bases, err := base.Load(ctx, ref, base.Options{Platforms: o.Platforms, Keychain: o.Keychain, Transport: o.Transport})
	if err != nil {
		return nil, err
	}

	b := &builder{o: &o, rt: rt, epoch: epoch, source: source, revision: revision, logf: logf, cache: depsCache{}}
	if o.CacheDir != "" {
		b.cache.dir = filepath.Join(o.CacheDir, "layers")
	} else {
		// Without a cache the dependency layers still go to disk, not memory: into a folder of this
		// build's own, removed when it returns.
		tmp, err := os.MkdirTemp("", ".containerize-layers-*.tmp")
		if err != nil {
			return nil, fmt.Errorf("dependency layers: %w", err)
		}
		defer os.RemoveAll(tmp)
		b.cache.dir = tmp
	}
	if o.DebianPlanOnly {
		return b.debianPlans(ctx, bases, tag)
	}

	// The application layer is the same on every platform: build it once.
	appFiles, err := appEntries(src, rt, o.Plan.Ignore.Virtualenvs)
	if err != nil {
		return nil, err
	}
	// Written through gzip to a temporary file (in the cache when there is one), digests computed on the
	// way: memory does not grow with the context's size.
	appFile, err := tempLayerFile(o.CacheDir)
	if err != nil {
		return nil, fmt.Errorf("application layer: %w", err)
	}
	defer os.Remove(appFile.Name())
	appBlob, err := layer.Write(appFile, appFiles, layer.Options{ModTime: epoch, ParentUID: rt.UID, ParentGID: rt.GID})
	if cerr := appFile.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("application layer: %w", err)
	}
	logf("app: %d entries from %s → %s (%s)", len(appFiles), rt.SourceDir, AppDir, short(appBlob.Digest))

	b.app, b.appPath = appBlob, appFile.Name()
	res := &Result{Tag: tag.String()}
	var built []*platformImage
	for _, l := range bases {
		p, err := b.one(ctx, l)
		if b.client != nil {
			res.Indexes, res.Index = b.client.Indexes(), b.client.Stats()
		}
		if err != nil {
			if len(bases) > 1 {
				return nil, fmt.Errorf("%s: %w", l.Platform.String(), err)
			}
			return nil, err
		}
		built = append(built, p)
		res.Images = append(res.Images, p.info)
	}
	if res.Digest, err = assemble(built).digest(); err != nil {
		return nil, err
	}
	logf("image: %s", res.Digest)

	if err := o.deliver(ctx, tag, built, res, logf); err != nil {
		return nil, err
	}
	return res, nil
}

// factsDir is where what was learnt about base images is kept; "" without a cache.
func (o *Options) factsDir() string {
	if o.CacheDir == "" {
		return ""
	}
	return filepath.Join(o.CacheDir, "base")
}

// builder holds what every platform's image shares.
type builder struct {
	o                *Options
	rt               *plan.Runtime
	epoch            time.Time
	source, revision string
	logf             func(string, ...any)
	app              layer.Blob
	appPath          string // the application layer's blob, removed when Build returns
	cache            depsCache
	// client is the package index client, made from the first platform's lock (see index).
	client *indexClient
}

// index returns the package index client for lock, made once: every platform reads the same lock file,
// whose index URLs do not depend on the platform.
func (b *builder) index(lock *lockset.Set) (*indexClient, error) {
	po, err := indexOptions(b.o, lock)
	if err != nil {
		return nil, err
	}
	c, err := pypi.New(po)
	if err != nil {
		return nil, err
	}
	if b.client == nil {
		b.client = newIndexClient(c)
		for _, u := range c.Insecure() {
			b.logf("warning: package index %s is plain http: what it sends can be read and changed on the way (the lock's hashes still check the files); use https", u)
		}
	} else if !slices.Equal(b.client.Indexes(), c.Indexes()) {
		return nil, fmt.Errorf("the lock names other indexes for this platform (%s) than for the first (%s); build the platforms separately",
			strings.Join(c.Indexes(), ", "), strings.Join(b.client.Indexes(), ", "))
	}
	return b.client, nil
}

// one builds the image for one base platform.
func (b *builder) one(ctx context.Context, l base.Loaded) (*platformImage, error) {
	o, rt := b.o, b.rt
	inspected, waitSBOM := o.sbomTee(l.Image)
	bi, _, err := base.InspectCached(inspected, o.factsDir())
	waitSBOM()
	if err != nil {
		return nil, fmt.Errorf("base image %s: %w", l.Name, err)
	}
	b.logf("base: %s %s %s: %s", l.Name, l.Platform.String(), short(l.Digest), strings.Join(bi.Evidence, "; "))
	if py := o.Plan.Image.Python; bi.MinorVersion() != py && py != "" {
		b.logf("warning: the base has Python %s, the configuration says %s; the image uses the base's", bi.MinorVersion(), py)
	}
	target := bi.Target()
	if err := target.Validate(); err != nil {
		return nil, fmt.Errorf("base image %s: %w", l.Name, err)
	}
	mt, err := layerMediaType(l.Image)
	if err != nil {
		return nil, err
	}
	debs, err := b.debian(ctx, l, bi, mt)
	if err != nil {
		return nil, err
	}
	deps, unpinned, err := b.dependencies(ctx, bi, target, mt)
	if err != nil {
		return nil, err
	}

	userFiles, err := userEntries(bi, rt)
	if err != nil {
		return nil, err
	}
	if err := checkSymlinks(bi, append(userFiles, layer.Entry{Path: VenvPrefix}, layer.Entry{Path: AppDir})); err != nil {
		return nil, err
	}
	userLayer, userBlob, err := layer.Build(userFiles, layer.Options{ModTime: b.epoch}, mt)
	if err != nil {
		return nil, fmt.Errorf("user layer: %w", err)
	}
	appLayer := layer.Open(b.app, mt, func() (io.ReadCloser, error) { return os.Open(b.appPath) })

	history := func(by string) v1.History {
		return v1.History{Created: v1.Time{Time: b.epoch}, CreatedBy: "containerize build: " + by}
	}
	var addenda []mutate.Addendum
	if debs != nil && debs.layer != nil {
		addenda = append(addenda, mutate.Addendum{Layer: debs.layer, MediaType: mt,
			History: history(fmt.Sprintf("Debian packages: %s (%d with dependencies)", strings.Join(debs.set.Requested, " "), debs.packages))})
	}
	p := &platformImage{
		addenda: append(addenda, []mutate.Addendum{
			{Layer: deps.layer, MediaType: mt, History: history(fmt.Sprintf("%s (%d packages)", VenvPrefix, deps.packages))},
			{Layer: userLayer, MediaType: mt, History: history(fmt.Sprintf("user %s (%d)", rt.UserName, rt.UID))},
			{Layer: appLayer, MediaType: mt, History: history(fmt.Sprintf("COPY %s %s/", rt.SourceDir, AppDir))},
		}...),
		configure: func(cf *v1.ConfigFile) (*v1.ConfigFile, error) {
			return configure(cf, bi, rt, b.source, b.revision, b.epoch)
		},
	}
	if mt == types.OCILayer {
		p.annotations = map[string]string{AnnotationBaseDigest: l.Digest.String()}
		if !strings.HasPrefix(l.Name, base.OCIPrefix) && !strings.HasPrefix(l.Name, base.DockerPrefix) {
			p.annotations[AnnotationBaseName] = l.Name
		}
	}
	img, err := p.on(l.Image)
	if err != nil {
		return nil, err
	}
	d, err := img.Digest()
	if err != nil {
		return nil, err
	}
	p.base, p.image = l.Image, img
	p.info = Image{
		Platform: l.Platform, Digest: d, Base: l.Digest, Target: target,
		Dependencies: deps.blob.Digest, User: userBlob.Digest, App: b.app.Digest,
		DependenciesCached: deps.cached, Packages: deps.packages, Unpinned: unpinned,
	}
	if debs != nil {
		p.info.Debian, p.info.DebianLayer, p.info.DebianCached = debs.set, debs.blob.Digest, debs.cached
	}
	if p.info.Layers, err = layerInfos(img); err != nil {
		return nil, err
	}
	return p, nil
}

// dependencies builds (or takes from the cache) the layer of /opt/venv for one base: the
// lock's pins for the base's Python and platform, and what the image needs that the lock
// does not pin (the server, a driver, whitenoise), resolved from the index and named as
// name==version.
func (b *builder) dependencies(ctx context.Context, bi *base.Base, target wheel.Target, mt types.MediaType) (*depsLayer, []string, error) {
	o := b.o
	lock, err := o.Requirements(ctx, bi)
	if err != nil {
		return nil, nil, err
	}
	client, err := b.index(lock)
	if err != nil {
		return nil, nil, err
	}
	resolvedDir := ""
	if o.CacheDir != "" {
		resolvedDir = filepath.Join(o.CacheDir, "resolved")
	}
	unpinned, cached, err := resolveUnpinned(ctx, client, resolvedDir, bi, lock, o.Plan.Image.Extra)
	if err != nil {
		return nil, nil, err
	}
	reqs := slices.Clone(lock.Pins)
	var names []string
	for _, u := range unpinned {
		reqs = append(reqs, u.pin())
		names = append(names, u.Name+"=="+u.Version)
	}
	if len(unpinned) > 0 {
		b.warnUnpinned(lock, unpinned, cached)
	}
	deps, err := buildDeps(ctx, client, b.cache, venvFor(bi), target, reqs, b.epoch, mt)
	if err != nil {
		return nil, nil, err
	}
	how := "installed"
	if deps.cached {
		how = "cached"
	}
	b.logf("dependencies: %d packages %s → %s (%s)", deps.packages, how, VenvPrefix, short(deps.blob.Digest))
	return deps, names, nil
}

// warnUnpinned tells the user what the image gets that the lock does not pin, so that they can pin it.
func (b *builder) warnUnpinned(lock *lockset.Set, unpinned []unpinnedDist, cached bool) {
	how := "resolved from the index now"
	if cached {
		how = "as resolved by an earlier build"
	}
	b.logf("warning: %s does not pin %d package(s) the image needs; installing the newest with a wheel for this image (%s):", cmp.Or(lock.File, "the lock"), len(unpinned), how)
	for _, u := range unpinned {
		b.logf("  %s==%s  (%s)", u.Name, u.Version, u.Why)
	}
	b.logf("  Pin them in the project's dependencies (and lock again) to choose these versions. The resolution is kept until the lock changes; remove %s to resolve again.", cmp.Or(filepath.Join(b.o.CacheDir, "resolved"), "the cache"))
}

func short(h v1.Hash) string {
	if len(h.Hex) < 12 {
		return h.String()
	}
	return h.Algorithm + ":" + h.Hex[:12]
}

func progressOr(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// tempLayerFile creates a file for a layer being written: under cacheDir/tmp when there is a cache (the
// disk that holds the layers), else in the system's temporary directory. It is 0600 and named as a
// temporary file.
func tempLayerFile(cacheDir string) (*os.File, error) {
	dir := os.TempDir()
	if cacheDir != "" {
		dir = filepath.Join(cacheDir, "tmp")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	return os.CreateTemp(dir, ".layer-*.tmp")
}
