package image

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	debpkg "github.com/containerize/containerize/deb/install"
	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/pypi"
	"github.com/containerize/containerize/wheel"
)

// Requirements gives the locked set for a base image: environment markers depend on its Python version
// and platform, which are known only once the base has been inspected (b.Python, b.Arch, b.Target()). The
// set's pins are installed with their hashes and files; a pin's Requested becomes the installer's REQUESTED;
// its IndexURLs are used when Options.Index gives no IndexURL (${VAR} and $VAR expanded with
// Options.Getenv, as pipenv does for Pipfile sources); when it is not Complete (a hand-written requirements
// file with only the direct pins), Build reads each chosen wheel's Requires-Dist and resolves what is
// missing from the index, as pip would.
type Requirements func(ctx context.Context, b *base.Base) (*lockset.Set, error)

// Pinned is a Requirements that gives pins, a complete set with no indexes of its own, whatever the base.
func Pinned(pins ...lockset.Pin) Requirements {
	return func(context.Context, *base.Base) (*lockset.Set, error) {
		return &lockset.Set{Pins: pins, Complete: true}, nil
	}
}

// Options are the inputs of Build.
type Options struct {
	// Plan is what `containerize init` generates from; the image runs as its Dockerfile's would.
	Plan *plan.Plan
	// Root is the project's folder (the Docker build context); Source reads it, nil meaning os.DirFS(Root).
	Root   string
	Source fs.FS

	// Requirements gives the distributions to install in /opt/venv.
	Requirements Requirements
	// Index configures the client that lists and downloads wheels (its CacheDir keeps them between builds).
	// IndexURL and ExtraIndexURLs are what the user asked for (--index-url, PIP_INDEX_URL,
	// --extra-index-url, PIP_EXTRA_INDEX_URL). With no IndexURL, the lock's own indexes are used: its
	// primary index if it names one, else PyPI, plus its other indexes after ExtraIndexURLs. With an
	// IndexURL (a mirror, say), the lock's indexes are not used at all.
	Index pypi.Options
	// Getenv expands ${VAR} in the lock's index URLs; nil means os.Getenv.
	Getenv func(string) string

	// Base is the base image: a registry reference, oci:DIR[:NAME] or docker-archive:FILE. Empty means
	// python:<Config.Python>-slim, as in the Dockerfile.
	Base string
	// Platforms to build; empty means the base's only platform, or linux/<this machine's architecture>.
	Platforms []v1.Platform

	// CacheDir keeps dependency layers and base image facts between builds. Empty disables both caches.
	CacheDir string
	// Epoch is every timestamp in the image; zero means DefaultEpoch. See EpochFromEnv.
	Epoch time.Time
	// SourceURL and Revision become the org.opencontainers.image.source and .revision labels; empty means
	// read from the project's .git (the origin remote and HEAD), without running git.
	SourceURL, Revision string
	// IgnoreSystemPackages leaves out the Debian runtime packages the plan names (the base has them).
	IgnoreSystemPackages bool
	// Debian says how the Debian packages the plan names are fetched.
	Debian DebianOptions
	// DebianPlanOnly stops after resolving the Debian packages: Result.Images[i].Debian says what would be
	// added and why, nothing is built or written.
	DebianPlanOnly bool

	// Output says where the image goes; with no output, Build only computes it and reports its digest.
	Output Output

	// Keychain supplies registry credentials for pulling and pushing; nil means authn.DefaultKeychain,
	// which reads the Docker and Podman config files.
	Keychain authn.Keychain
	// Transport for registry requests; nil means go-containerregistry's default.
	Transport http.RoundTripper
	// Progress receives one line per step, for people; nil discards them.
	Progress io.Writer
	// Version is containerize's version, for the SBOM's creator ("Tool: containerize-VERSION"); empty
	// means "dev".
	Version string
	// OnUpload is called as a push uploads, with bytes done and bytes to do. Blobs the registry already has
	// are not uploaded.
	OnUpload func(complete, total int64)
}

// DebianOptions say where the Debian packages come from: the base's own apt sources, verified with the
// base's own keys.
type DebianOptions struct {
	// Mirror replaces the URI of every apt source of the base (--apt-mirror); suites, components and the
	// keys that verify them stay the base's.
	Mirror string
	// Client fetches the archive's index and packages; nil means http.DefaultClient.
	Client *http.Client
	// Clock checks the index's Valid-Until and the keys' expiry; nil means time.Now.
	Clock func() time.Time
}

// Output lists the destinations of the image; several may be set.
type Output struct {
	// Push is a registry reference to push to (REPO[:TAG]).
	Push string
	// DockerArchive is a file to write for `docker load` (one platform only).
	DockerArchive string
	// OCILayout is a directory to write as an OCI image layout.
	OCILayout string
	// Load streams the image into the local Docker daemon with `docker load` (one platform only), without
	// the bytes of the layers the daemon already has (the base; on a rebuild, all but the changed layers)
	// when it accepts that; see load.
	Load bool
	// Tag names the image in the docker archive, in the daemon and in the OCI layout's ref.name;
	// empty means <project name>:latest.
	Tag string
	// Docker is the docker command Load runs; empty means "docker".
	Docker string
	// SBOM is a file to write the image's SBOM to (an SPDX 2.3 JSON document; with several platforms, one
	// file each, the platform before the extension). Besides, an OCI layout gets sbom.spdx.json, a docker
	// archive APP.tar gets APP.spdx.json beside it, and a push attaches it as an OCI referrer of the image.
	SBOM string
	// NoSBOM makes no SBOM at all.
	NoSBOM bool
}

// Result describes the image built.
type Result struct {
	// Digest is the image's manifest digest, or the index's when several platforms were built (zero
	// with DebianPlanOnly).
	Digest v1.Hash `json:"digest"`
	// Images has one entry per platform, in the order built.
	Images []Image `json:"images"`
	// Pushed is REPO@DIGEST when the image was pushed.
	Pushed string `json:"pushed,omitempty"`
	// Tag is the name the archive, daemon or layout got.
	Tag string `json:"tag"`
	// Indexes are the package indexes used (credentials removed), primary first; Index counts the requests
	// sent to them and the wheels found in the cache.
	Indexes []string   `json:"indexes"`
	Index   pypi.Stats `json:"index_stats"`
}

// Image is the image built for one platform.
type Image struct {
	Platform v1.Platform `json:"platform"`
	Digest   v1.Hash     `json:"digest"`
	// Base is the base image's digest; Target the wheel target discovered from it.
	Base   v1.Hash      `json:"base"`
	Target wheel.Target `json:"target"`
	// Layers are the digests of the added layers; Debian is zero when no Debian package is added.
	Debian       *debpkg.Set `json:"debian,omitempty"`
	DebianLayer  v1.Hash     `json:"debian_layer,omitempty"`
	Dependencies v1.Hash     `json:"dependencies_layer"`
	User         v1.Hash     `json:"user_layer"`
	App          v1.Hash     `json:"app_layer"`
	// DebianCached and DependenciesCached report that the layer came from the cache: nothing was
	// downloaded or installed.
	DebianCached       bool `json:"debian_cached,omitempty"`
	DependenciesCached bool `json:"dependencies_cached"`
	// Packages is the number of distributions installed.
	Packages int `json:"packages"`
	// SBOM is the image's bill of materials, when one was made (see Output.SBOM).
	SBOM *SBOM `json:"sbom,omitempty"`
	// Unpinned are the distributions installed that the lock does not pin, as name==version: what the
	// image needs besides the lock (the server, whitenoise, the database driver: plan.Image.Extra) and, for an incomplete requirements file, the dependencies it leaves out, each the
	// newest version with a wheel for the image.
	Unpinned []string `json:"unpinned,omitempty"`
}

// baseRef is the base image reference: Options.Base, or the Dockerfile's python:X.Y-slim.
func (o *Options) baseRef() string {
	if o.Base != "" {
		return o.Base
	}
	return o.Plan.Image.Base
}

func (o *Options) version() string {
	if o.Version == "" {
		return "dev"
	}
	return o.Version
}

func (o *Options) keychain() authn.Keychain {
	if o.Keychain != nil {
		return o.Keychain
	}
	return authn.DefaultKeychain
}

// tag is the name the image gets in archives, the daemon and layouts.
func (o *Options) tag() (name.Tag, error) {
	s := o.Output.Tag
	if s == "" {
		s = o.Plan.Name + ":latest"
	}
	t, err := name.NewTag(s)
	if err != nil {
		return name.Tag{}, fmt.Errorf("image tag %q: %w", s, err)
	}
	return t, nil
}
