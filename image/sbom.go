package image

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/containerize/containerize/image/sbom"
)

// SBOM is the software bill of materials of one platform's image: an SPDX 2.3 JSON document of the Debian
// packages and Python distributions its layers hold (see package sbom).
type SBOM struct {
	// Digest is the document's sha256.
	Digest v1.Hash `json:"digest"`
	// Files are where it was written: beside the OCI layout and the docker archive, and at Output.SBOM.
	Files []string `json:"files,omitempty"`
	// Referrer is REPO@DIGEST of the artifact attached to the pushed image (artifactType
	// application/spdx+json, found with the registry's referrers API).
	Referrer string `json:"referrer,omitempty"`
	// Debian and Python count the packages listed.
	Debian int `json:"debian_packages"`
	Python int `json:"python_distributions"`
}

// wantSBOM reports whether the outputs get an SBOM: every file and registry output does unless
// Output.NoSBOM; the daemon has no place for one, so --load alone writes one only to Output.SBOM.
func (out Output) wantSBOM() bool {
	if out.NoSBOM {
		return false
	}
	return out.SBOM != "" || out.OCILayout != "" || out.DockerArchive != "" || out.Push != ""
}

// sbomFile is where an output's SBOM goes: file itself for one platform, else file with the platform
// before its extension (app.spdx.json → app.linux-arm64.spdx.json).
func sbomFile(file string, p v1.Platform, several bool) string {
	if !several {
		return file
	}
	plat := strings.ReplaceAll(p.String(), "/", "-")
	for _, ext := range []string{".spdx.json", ".json"} {
		if stem, ok := strings.CutSuffix(file, ext); ok {
			return stem + "." + plat + ext
		}
	}
	return file + "." + plat
}

// archiveSBOM is the SBOM file beside a docker archive: app.tar → app.spdx.json.
func archiveSBOM(archive string) string {
	return strings.TrimSuffix(archive, filepath.Ext(archive)) + ".spdx.json"
}

// platformImages are the images of a, one per platform, in build order.
func (a artifact) platformImages() ([]v1.Image, error) {
	if a.img != nil {
		return []v1.Image{a.img}, nil
	}
	m, err := a.idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var out []v1.Image
	for _, d := range m.Manifests {
		img, err := a.idx.Image(d.Digest)
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}

// writeSBOMs makes each platform image's SBOM from local (the images whose base layers are read through the
// blob cache, when there is one) and writes it beside the file outputs; pushSBOMs attaches them once pushed.
func (o *Options) writeSBOMs(tag name.Tag, local artifact, res *Result, logf func(string, ...any)) ([][]byte, error) {
	images, err := local.platformImages()
	if err != nil {
		return nil, fmt.Errorf("SBOM: %w", err)
	}
	out := o.Output
	several := len(images) > 1
	docs := make([][]byte, len(images))
	for i, img := range images {
		doc, sum, err := sbom.Generate(img, sbom.Options{Name: tag.String(), Tool: "containerize-" + o.version(), CacheDir: o.CacheDir})
		if err != nil {
			return nil, err
		}
		docs[i] = doc
		info := &SBOM{Digest: v1.Hash{Algorithm: "sha256", Hex: fmt.Sprintf("%x", sha256.Sum256(doc))}, Debian: sum.Debian, Python: sum.Python}
		p := res.Images[i].Platform
		var files []string
		if out.OCILayout != "" {
			files = append(files, sbomFile(filepath.Join(out.OCILayout, "sbom.spdx.json"), p, several))
		}
		if out.DockerArchive != "" {
			files = append(files, archiveSBOM(out.DockerArchive))
		}
		if out.SBOM != "" {
			files = append(files, sbomFile(out.SBOM, p, several))
		}
		for _, f := range files {
			if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
				return nil, fmt.Errorf("write the SBOM %s: %w", f, err)
			}
			if err := os.WriteFile(f, doc, 0o644); err != nil {
				return nil, fmt.Errorf("write the SBOM %s: %w", f, err)
			}
			logf("wrote SBOM %s (%d Debian packages, %d Python distributions)", f, sum.Debian, sum.Python)
		}
		info.Files = files
		res.Images[i].SBOM = info
	}
	return docs, nil
}

// pushSBOMs attaches each platform image's SBOM to the pushed image in repository ref as an OCI referrer.
// go-containerregistry's remote keeps the referrers tag (sha256-DIGEST) up to date when the registry has
// no referrers API.
func (o *Options) pushSBOMs(ctx context.Context, ref string, a artifact, docs [][]byte, res *Result, logf func(string, ...any)) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	images, err := a.platformImages()
	if err != nil {
		return err
	}
	opts := o.remoteOptions(ctx)
	for i, img := range images {
		subject, err := partial.Descriptor(img)
		if err != nil {
			return fmt.Errorf("SBOM: %w", err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			return fmt.Errorf("SBOM: %w", err)
		}
		art, err := sbom.NewArtifact(docs[i], *subject, cf.Created.Time)
		if err != nil {
			return fmt.Errorf("SBOM: %w", err)
		}
		for _, b := range art.Blobs {
			if err := remote.WriteLayer(r.Context(), b, opts...); err != nil {
				return fmt.Errorf("push the SBOM to %s: %w", r.Context(), err)
			}
		}
		d, err := art.Digest()
		if err != nil {
			return err
		}
		dst := r.Context().Digest(d.String())
		if err := remote.Put(dst, art, opts...); err != nil {
			return fmt.Errorf("push the SBOM to %s: %w", r.Context(), err)
		}
		if res.Images[i].SBOM != nil {
			res.Images[i].SBOM.Referrer = dst.String()
		}
		logf("attached SBOM %s to %s", dst, r.Context().Digest(subject.Digest.String()))
	}
	return nil
}
