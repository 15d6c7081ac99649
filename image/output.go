package image

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/cache"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// deliver writes the built image to every output, recording the push in res.
func (o *Options) deliver(ctx context.Context, tag name.Tag, built []*platformImage, res *Result, logf func(string, ...any)) error {
	a := assemble(built)
	var err error
	// Files and the daemon need the base's layer bytes; read them through a local cache so that a rebuild
	// does not download them again. A push uses the plain base, whose layers the registry can mount.
	local := a
	out := o.Output
	if o.CacheDir != "" && (out.OCILayout != "" || out.DockerArchive != "" || out.Load) {
		blobs := cache.NewFilesystemCache(filepath.Join(o.CacheDir, "blobs"))
		if local, err = assembleOn(built, func(img v1.Image) v1.Image { return cache.Image(img, blobs) }); err != nil {
			return err
		}
		if d, err := local.digest(); err != nil || d != res.Digest {
			return fmt.Errorf("the image read through the base cache has digest %v, not %v (a bug in containerize; please report it): %v", d, res.Digest, err)
		}
	}

	var sboms [][]byte
	if out.wantSBOM() {
		if sboms, err = o.writeSBOMs(tag, local, res, logf); err != nil {
			return err
		}
	}
	if out.OCILayout != "" {
		if err := writeLayout(out.OCILayout, tag, local); err != nil {
			return err
		}
		logf("wrote OCI layout %s (%s)", out.OCILayout, tag)
	}
	if out.DockerArchive != "" {
		if err := writeArchive(out.DockerArchive, tag, local); err != nil {
			return err
		}
		logf("wrote docker archive %s (%s)", out.DockerArchive, tag)
	}
	if out.Load {
		if err := load(ctx, out.Docker, tag, local, o.loadedBefore(tag), progressOr(o.Progress), logf); err != nil {
			return err
		}
	}
	if out.Push != "" {
		if res.Pushed, err = o.push(ctx, out.Push, a); err != nil {
			return err
		}
		logf("pushed %s", res.Pushed)
		if sboms != nil {
			// The image is pushed: a registry that refuses OCI artifacts should not fail the build.
			if err := o.pushSBOMs(ctx, out.Push, a, sboms, res, logf); err != nil {
				logf("warning: %v\n  the image is pushed without its SBOM (--sbom FILE writes it to a file, --no-sbom skips it)", err)
			}
		}
	}
	return nil
}

// artifact is what a build produces: one image, or an index of one image per platform.
type artifact struct {
	img v1.Image      // set for one platform
	idx v1.ImageIndex // set for several
}

func (a artifact) digest() (v1.Hash, error) {
	if a.idx != nil {
		return a.idx.Digest()
	}
	return a.img.Digest()
}

// single is the image a one-platform output (docker archive, daemon) can take.
func (a artifact) single(what string) (v1.Image, error) {
	if a.img == nil {
		return nil, fmt.Errorf("%s holds one platform, and this build made several: build for one --platform, or write an OCI layout", what)
	}
	return a.img, nil
}

func (o *Options) remoteOptions(ctx context.Context) []remote.Option {
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(o.keychain())}
	if o.Transport != nil {
		opts = append(opts, remote.WithTransport(o.Transport))
	}
	return opts
}

// push uploads a to ref and returns REPO@DIGEST. remote checks each blob with a HEAD request first and
// mounts base layers from their repository when both are on one registry, so unchanged layers are not sent.
func (o *Options) push(ctx context.Context, ref string, a artifact) (string, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", fmt.Errorf("push: %q is not an image reference (REGISTRY/REPO[:TAG]): %w", ref, err)
	}
	opts := o.remoteOptions(ctx)
	done := make(chan struct{})
	if o.OnUpload != nil {
		updates := make(chan v1.Update, 64)
		opts = append(opts, remote.WithProgress(updates))
		go func() {
			defer close(done)
			// remote closes the channel when the push ends.
			for u := range updates {
				if u.Error == nil {
					o.OnUpload(u.Complete, u.Total)
				}
			}
		}()
	} else {
		close(done)
	}
	if a.idx != nil {
		err = remote.WriteIndex(r, a.idx, opts...)
	} else {
		err = remote.Write(r, a.img, opts...)
	}
	if err != nil {
		// Not waiting for done: remote does not close the channel when it fails before starting.
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	<-done
	d, err := a.digest()
	if err != nil {
		return "", err
	}
	return r.Context().Digest(d.String()).String(), nil
}

// writeArchive writes a `docker load` tarball of the image, tagged tag.
func writeArchive(file string, tag name.Tag, a artifact) error {
	img, err := a.single("a docker archive")
	if err != nil {
		return err
	}
	if err := tarball.WriteToFile(file, tag, img); err != nil {
		return fmt.Errorf("write docker archive %s: %w", file, err)
	}
	return nil
}

// writeLayout writes dir as an OCI image layout holding the image or index, named tag by the
// org.opencontainers.image.ref.name annotation. An index.json already in dir is replaced.
func writeLayout(dir string, tag name.Tag, a artifact) error {
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	ann := layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag.String()})
	if a.idx != nil {
		err = p.AppendIndex(a.idx, ann)
	} else {
		err = p.AppendImage(a.img, ann)
	}
	if err != nil {
		return fmt.Errorf("write OCI layout %s: %w", dir, err)
	}
	return nil
}
