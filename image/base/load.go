// Package base loads the base image of a build, one image per platform, from a registry, an OCI layout or a
// `docker save` tarball, and discovers what the build needs to know about it (its Python, its libc, its users)
// by reading its configuration and files, without running it.
package base

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Reference prefixes that select where a base image comes from; anything else is a registry reference.
const (
	OCIPrefix    = "oci:"            // oci:DIR or oci:DIR:NAME (an OCI image layout, NAME its ref.name annotation)
	DockerPrefix = "docker-archive:" // docker-archive:FILE (the output of `docker save`)
)

// Options says how to load a base.
type Options struct {
	// Platforms to load, e.g. linux/amd64 and linux/arm64. Empty means the image itself when the reference
	// names a single image, or linux and the build machine's architecture when it names an index.
	Platforms []v1.Platform
	// Keychain supplies registry credentials; nil means authn.DefaultKeychain (Docker and Podman config files).
	Keychain authn.Keychain
	// Transport for registry requests; nil means remote's default.
	Transport http.RoundTripper
}

// Loaded is a base image for one platform, with where it came from.
type Loaded struct {
	Image    v1.Image
	Platform v1.Platform
	// Name is the reference as given to Load.
	Name string
	// Digest is the image manifest's digest.
	Digest v1.Hash
}

// Load returns the base image named by ref for each requested platform, in the order requested.
func Load(ctx context.Context, ref string, opts Options) ([]Loaded, error) {
	var (
		images []v1.Image
		err    error
	)
	switch {
	case strings.HasPrefix(ref, OCIPrefix):
		images, err = loadLayout(strings.TrimPrefix(ref, OCIPrefix), opts.Platforms)
	case strings.HasPrefix(ref, DockerPrefix):
		images, err = loadArchive(strings.TrimPrefix(ref, DockerPrefix), opts.Platforms)
	default:
		images, err = loadRemote(ctx, ref, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("base image %s: %w", ref, err)
	}
	out := make([]Loaded, 0, len(images))
	for _, img := range images {
		d, err := img.Digest()
		if err != nil {
			return nil, fmt.Errorf("base image %s: %w", ref, err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, fmt.Errorf("base image %s: read config: %w", ref, err)
		}
		p := cf.Platform()
		if p == nil {
			p = &v1.Platform{OS: cf.OS, Architecture: cf.Architecture}
		}
		out = append(out, Loaded{Image: img, Platform: *p, Name: ref, Digest: d})
	}
	return out, nil
}

func loadRemote(ctx context.Context, ref string, opts Options) ([]v1.Image, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("not an image reference (want NAME[:TAG|@DIGEST], oci:DIR or docker-archive:FILE): %w", err)
	}
	keychain := opts.Keychain
	if keychain == nil {
		keychain = authn.DefaultKeychain
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(keychain)}
	if opts.Transport != nil {
		ropts = append(ropts, remote.WithTransport(opts.Transport))
	}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, err
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		return fromIndex(idx, opts.Platforms)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, err
	}
	return single(img, opts.Platforms)
}

// layoutSpec splits the DIR[:NAME] of oci:DIR[:NAME], as skopeo spells it: a colon followed
// by a path is part of the directory, and so is a Windows drive's ("C:\images\py").
func layoutSpec(spec string) (dir, refName string) {
	i := strings.LastIndex(spec, ":")
	if i <= len(filepath.VolumeName(spec)) || strings.ContainsAny(spec[i+1:], "/"+string(filepath.Separator)) {
		return spec, ""
	}
	return spec[:i], spec[i+1:]
}

func loadLayout(spec string, platforms []v1.Platform) ([]v1.Image, error) {
	dir, refName := layoutSpec(spec)
	p, err := layout.FromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("read OCI layout: %w", err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		return nil, fmt.Errorf("read OCI layout: %w", err)
	}
	if refName != "" {
		m, err := idx.IndexManifest()
		if err != nil {
			return nil, err
		}
		var found *v1.Descriptor
		for i, d := range m.Manifests {
			if d.Annotations["org.opencontainers.image.ref.name"] == refName {
				found = &m.Manifests[i]
				break
			}
		}
		if found == nil {
			return nil, fmt.Errorf("no manifest in %s is named %q (org.opencontainers.image.ref.name)", dir, refName)
		}
		if found.MediaType.IsIndex() {
			child, err := idx.ImageIndex(found.Digest)
			if err != nil {
				return nil, err
			}
			return fromIndex(child, platforms)
		}
		img, err := idx.Image(found.Digest)
		if err != nil {
			return nil, err
		}
		return single(img, platforms)
	}
	return fromIndex(idx, platforms)
}

func loadArchive(file string, platforms []v1.Platform) ([]v1.Image, error) {
	img, err := tarball.ImageFromPath(file, nil)
	if err != nil {
		return nil, fmt.Errorf("read docker archive: %w", err)
	}
	return single(img, platforms)
}

// single checks that a one-platform image is what was asked for.
func single(img v1.Image, platforms []v1.Platform) ([]v1.Image, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	have := v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
	switch len(platforms) {
	case 0:
		return []v1.Image{img}, nil
	case 1:
		if matches(have, platforms[0]) {
			return []v1.Image{img}, nil
		}
	}
	return nil, fmt.Errorf("it is a single-platform image for %s, not for %s; use a multi-platform base or build for %s", have, platformList(platforms), have)
}

// fromIndex picks one image per platform out of an index, descending into nested indexes (an OCI layout's
// index.json often points at the image's own index).
func fromIndex(idx v1.ImageIndex, platforms []v1.Platform) ([]v1.Image, error) {
	type child struct {
		platform v1.Platform
		hash     v1.Hash
		from     v1.ImageIndex
	}
	var children []child
	var walk func(ix v1.ImageIndex, depth int) error
	walk = func(ix v1.ImageIndex, depth int) error {
		m, err := ix.IndexManifest()
		if err != nil {
			return err
		}
		for _, d := range m.Manifests {
			switch {
			case d.MediaType.IsIndex():
				if depth > 4 {
					return fmt.Errorf("indexes nested more than %d deep", depth)
				}
				sub, err := ix.ImageIndex(d.Digest)
				if err != nil {
					return err
				}
				if err := walk(sub, depth+1); err != nil {
					return err
				}
			case d.MediaType.IsImage():
				var p v1.Platform
				if d.Platform != nil {
					p = *d.Platform
				} else {
					img, err := ix.Image(d.Digest)
					if err != nil {
						return err
					}
					cf, err := img.ConfigFile()
					if err != nil {
						return err
					}
					p = v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
				}
				if p.OS == "unknown" { // attestation manifests (buildx provenance, SBOM)
					continue
				}
				children = append(children, child{p, d.Digest, ix})
			}
		}
		return nil
	}
	if err := walk(idx, 0); err != nil {
		return nil, err
	}
	if len(children) == 0 {
		return nil, fmt.Errorf("the index holds no image")
	}
	want := platforms
	if len(want) == 0 {
		if len(children) == 1 {
			img, err := children[0].from.Image(children[0].hash)
			if err != nil {
				return nil, err
			}
			return []v1.Image{img}, nil
		}
		want = []v1.Platform{{OS: "linux", Architecture: runtime.GOARCH}}
	}
	var out []v1.Image
	for _, w := range want {
		found := false
		for _, c := range children {
			if matches(c.platform, w) {
				img, err := c.from.Image(c.hash)
				if err != nil {
					return nil, err
				}
				out = append(out, img)
				found = true
				break
			}
		}
		if !found {
			var have []v1.Platform
			for _, c := range children {
				have = append(have, c.platform)
			}
			return nil, fmt.Errorf("no image for %s; it has %s", w.String(), platformList(have))
		}
	}
	return out, nil
}

// matches applies the rule remote uses: OS and architecture must be equal, the variant only when one is asked
// for (arm64's "v8" being the same as none).
func matches(have, want v1.Platform) bool {
	if have.OS != want.OS || have.Architecture != want.Architecture {
		return false
	}
	if want.Variant == "" {
		return true
	}
	norm := func(p v1.Platform) string {
		if p.Architecture == "arm64" && p.Variant == "v8" {
			return ""
		}
		return p.Variant
	}
	return norm(have) == norm(want)
}

func platformList(ps []v1.Platform) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, ", ")
}

// ParsePlatforms reads a --platform value: comma-separated os/arch[/variant] items.
func ParsePlatforms(s string) ([]v1.Platform, error) {
	var out []v1.Platform
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := v1.ParsePlatform(item)
		if err != nil || p.OS == "" || p.Architecture == "" || strings.Count(item, "/") > 2 {
			return nil, fmt.Errorf("platform %q: want OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm64", item)
		}
		out = append(out, *p)
	}
	return out, nil
}
