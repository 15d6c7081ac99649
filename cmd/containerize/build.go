package main

import (
	"context"
	"encoding/json"
	"fmt"
	goio "io"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/image"
	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/pypi"
	"github.com/containerize/containerize/workflow"
)

type buildOptions struct {
	IO  *IO
	Ctx context.Context
	Dir string
	// Output and Platforms are parsed from --push, --output, --load, --tag and --platform.
	Output    image.Output
	Platforms []v1.Platform

	base          string
	platforms     string
	push          string
	outputs       []string
	load          bool
	tag           string
	indexURL      string
	extraIndexURL []string
	// allowInsecureIndex lets credentials go to a plain-http index on another host.
	allowInsecureIndex bool
	cacheDir           string
	ignoreSysPkgs      bool
	sbom               string
	noSBOM             bool
	aptMirror          string
	printDebPlan       bool
	json               bool
	// kubeOverlays get the pushed digest (--kubernetes-overlay).
	kubeOverlays []string
}

// newBuildCmd builds the build command; runF runs it (buildRun, or a test's stand-in).
func newBuildCmd(io *IO, runF func(*buildOptions) error) *cobra.Command {
	opts := &buildOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "build [DIR]",
		Short: "Build the project's OCI image directly, without a Docker daemon",
		Long: `build assembles the image the generated Dockerfile describes, without Docker: the base image,
a layer with the Debian runtime packages the Dockerfile would apt-get install (resolved from the
base's own apt sources and keys, or --apt-mirror; --print-deb-plan shows them and why), a layer
with the locked dependencies installed from wheels into /opt/venv, a layer with the
project's files (honouring .dockerignore) under /app, and the same user, environment, command
and healthcheck. It reads the answers from containerize.toml (or takes the detected defaults).

Dependencies come from the lockfile (Pipfile.lock, poetry.lock, uv.lock, pdm.lock, pylock.toml)
or a pinned requirements file; each needs a wheel for the base's platform. Wheels come from
--index-url, else $PIP_INDEX_URL, else the index the lock names, else PyPI. What the image
needs but the lock does not pin (the server, whitenoise, the database driver) and what a
hand-written requirements file leaves out are resolved from the index (the newest version
with a wheel for the image), listed in a warning so you can pin them, and remembered until the
lock changes (delete the resolved/ folder of --cache-dir to resolve again). Layers are
reproducible (SOURCE_DATE_EPOCH is honoured) and the dependency layer is cached: when only
code changed, only the application layer is rebuilt and nothing is downloaded.

collectstatic needs Python, so the image runs it when the container starts, before the server.`,
		Example: `  containerize build --push registry.example.com/team/app:1.4
  containerize build --push registry.example.com/team/app:1.4 --kubernetes-overlay staging
  containerize build --output docker,dest=app.tar && docker load -i app.tar
  containerize build --output oci,dest=./oci --platform linux/amd64,linux/arm64
  containerize build --load`,
		Args: dirArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Dir, err = projectDir(args); err != nil {
				return err
			}
			if opts.Output, err = parseOutputs(opts); err != nil {
				return err
			}
			if len(opts.kubeOverlays) > 0 && opts.push == "" {
				return usageError{fmt.Errorf("--kubernetes-overlay needs --push: the overlay runs the image by its pushed digest")}
			}
			if opts.Platforms, err = base.ParsePlatforms(opts.platforms); err != nil {
				return usageError{fmt.Errorf("--platform: %w", err)}
			}
			opts.Ctx = cmd.Context()
			return runF(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.base, "base", "", "base image: a registry reference, oci:DIR[:NAME] or docker-archive:FILE (default python:X.Y-slim for the configured Python)")
	f.StringVar(&opts.platforms, "platform", "", "comma-separated platforms, e.g. linux/amd64,linux/arm64 (several give an image index)")
	f.StringVar(&opts.push, "push", "", "push the image to this registry reference")
	f.StringArrayVar(&opts.outputs, "output", nil, "write the image: docker,dest=FILE (a tarball for docker load) or oci,dest=DIR (an OCI layout); repeatable")
	cmd.RegisterFlagCompletionFunc("output", completeOutput)
	f.BoolVar(&opts.load, "load", false, "load the image into the local Docker daemon (docker load)")
	f.StringVar(&opts.tag, "tag", "", "image name for --output docker, --load and the OCI layout (default <project>:latest)")
	f.StringVar(&opts.indexURL, "index-url", "", "package index to download wheels from (default $PIP_INDEX_URL, else the lock's index, else PyPI)")
	f.StringArrayVar(&opts.extraIndexURL, "extra-index-url", nil, "additional package index (default $PIP_EXTRA_INDEX_URL); repeatable")
	f.BoolVar(&opts.allowInsecureIndex, "allow-insecure-index", false, "send an index URL's credentials over plain http to a host other than this machine (clear text)")
	f.StringVar(&opts.cacheDir, "cache-dir", "", "where wheels, dependency layers, resolutions and base image facts are cached (default the user cache directory)")
	f.StringVar(&opts.sbom, "sbom", "", "also write the image's SBOM (SPDX 2.3 JSON) to this file; the outputs get one anyway (the only way to get one with --load alone)")
	f.BoolVar(&opts.noSBOM, "no-sbom", false, "make no SBOM: none beside --output files, none attached on --push")
	f.BoolVar(&opts.ignoreSysPkgs, "ignore-system-packages", false, "do not add the Debian runtime packages the project needs (the base image has them)")
	f.StringVar(&opts.aptMirror, "apt-mirror", "", "Debian mirror URL to fetch packages from instead of the base image's apt sources (still verified with the base's keys)")
	f.BoolVar(&opts.printDebPlan, "print-deb-plan", false, "print the Debian packages the image would get, and why, without building")
	f.BoolVar(&opts.json, "json", false, "print the result as JSON (digest, layers, Debian packages, SBOM) instead of the digest")
	f.StringArrayVar(&opts.kubeOverlays, "kubernetes-overlay", nil, "with --push: run the pushed digest in deploy/kubernetes/overlays/NAME (its images: and migrations Job); repeatable")
	return cmd
}

func buildRun(opts *buildOptions) error {
	io, ctx, dir := opts.IO, opts.Ctx, opts.Dir
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkKubeOverlays(dir, opts.kubeOverlays); err != nil {
		return err
	}
	pl, err := workflow.SavedPlan(dir, io.ErrOut)
	if err != nil {
		return err
	}
	src, err := detect.Dir(dir)
	if err != nil {
		return err
	}
	epoch, err := image.EpochFromEnv(io.Getenv)
	if err != nil {
		return err
	}
	cacheDir := opts.cacheDir
	if cacheDir == "" {
		if cacheDir, err = os.UserCacheDir(); err != nil {
			return fmt.Errorf("no cache directory (set --cache-dir): %w", err)
		}
		cacheDir = filepath.Join(cacheDir, "containerize")
	}
	// The index: --index-url / --extra-index-url, else PIP_INDEX_URL / PIP_EXTRA_INDEX_URL; with neither,
	// Build uses the indexes the lock names (else PyPI).
	po := pypi.OptionsFromEnv(io.Getenv)
	if opts.indexURL != "" {
		po.IndexURL = opts.indexURL
	}
	if len(opts.extraIndexURL) > 0 {
		po.ExtraIndexURLs = opts.extraIndexURL
	}
	po.AllowInsecureIndex = opts.allowInsecureIndex
	po.CacheDir = filepath.Join(cacheDir, "wheels")
	po.UserAgent = "containerize/" + buildVersion()

	var bar *progressbar.ProgressBar
	onUpload := func(complete, total int64) {
		if bar == nil {
			bar = progressbar.NewOptions64(total, progressbar.OptionSetWriter(io.ErrOut),
				progressbar.OptionShowBytes(true), progressbar.OptionSetDescription("push"),
				progressbar.OptionSetVisibility(io.ErrTTY), progressbar.OptionClearOnFinish())
		}
		bar.Set64(complete)
	}
	res, err := image.Build(ctx, image.Options{
		Plan:                 pl,
		Root:                 dir,
		Source:               src,
		Requirements:         image.Lockfile(src, pl.Image.Dependencies),
		Index:                po,
		Getenv:               io.Getenv,
		Base:                 opts.base,
		Platforms:            opts.Platforms,
		CacheDir:             cacheDir,
		Epoch:                epoch,
		IgnoreSystemPackages: opts.ignoreSysPkgs,
		Debian:               image.DebianOptions{Mirror: opts.aptMirror},
		DebianPlanOnly:       opts.printDebPlan,
		Output:               opts.Output,
		Version:              buildVersion(),
		Progress:             io.ErrOut,
		OnUpload:             onUpload,
	})
	if err != nil {
		return err
	}
	if bar != nil {
		bar.Finish()
	}
	if len(opts.kubeOverlays) > 0 && !opts.printDebPlan {
		if err := setKubeImage(io, dir, opts.kubeOverlays, pushedRef(opts.push, res.Digest.String())); err != nil {
			return err
		}
	}
	if opts.json {
		enc := json.NewEncoder(io.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	if opts.printDebPlan {
		printDebPlan(io.Out, res)
		return nil
	}
	st := res.Index
	fmt.Fprintf(io.ErrOut, "index: %s: %d requests, %d bytes downloaded, %d files from the cache\n", strings.Join(res.Indexes, ", "), st.Requests, st.BytesDownloaded, st.CacheHits)
	fmt.Fprintln(io.Out, res.Digest)
	return nil
}

// printDebPlan lists, for each platform, the Debian packages the image gets and why.
func printDebPlan(w goio.Writer, res *image.Result) {
	for _, im := range res.Images {
		set := im.Debian
		if set == nil {
			fmt.Fprintf(w, "%s: no Debian packages to add\n", im.Platform.String())
			continue
		}
		var size int64
		for _, p := range set.Packages {
			size += p.Size
		}
		fmt.Fprintf(w, "%s (%s): %d packages to add for %s, %.1f MB to download\n", im.Platform.String(), set.Release,
			len(set.Packages), strings.Join(set.Requested, ", "), float64(size)/1e6)
		for _, p := range set.Packages {
			why := "requested"
			if len(p.Why) > 1 {
				why = strings.Join(p.Why[:len(p.Why)-1], " → ") + " needs " + p.Relation
			}
			fmt.Fprintf(w, "  %-28s %-28s %-20s %s\n", p.Name, p.Version, p.Suite, why)
		}
		if len(set.AlreadyInstalled) > 0 {
			fmt.Fprintf(w, "  already in the base: %s\n", strings.Join(set.AlreadyInstalled, ", "))
		}
	}
}

// parseOutputs reads --push, --output and --load.
func parseOutputs(opts *buildOptions) (image.Output, error) {
	out := image.Output{Push: opts.push, Load: opts.load, Tag: opts.tag, SBOM: opts.sbom, NoSBOM: opts.noSBOM}
	if out.SBOM != "" && out.NoSBOM {
		return out, usageError{fmt.Errorf("--sbom and --no-sbom: choose one")}
	}
	for _, o := range opts.outputs {
		kind, rest, _ := strings.Cut(o, ",")
		dest, ok := strings.CutPrefix(rest, "dest=")
		if !ok || dest == "" {
			return out, usageError{fmt.Errorf("--output %q: want docker,dest=FILE or oci,dest=DIR", o)}
		}
		switch kind {
		case "docker":
			out.DockerArchive = dest
		case "oci":
			out.OCILayout = dest
		default:
			return out, usageError{fmt.Errorf("--output %q: unknown type %q (docker or oci)", o, kind)}
		}
	}
	return out, nil
}
