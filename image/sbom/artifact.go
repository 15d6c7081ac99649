package sbom

import (
	"bytes"
	"encoding/json"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// emptyConfig is the OCI empty descriptor's content ("{}"), the config of an artifact that has none.
const emptyConfig = "{}"

// Artifact is an OCI 1.1 artifact manifest carrying an SBOM and referring to the image it describes (its
// subject), as registries' referrers API and `oras discover`, `cosign tree` and Docker Scout find it.
type Artifact struct {
	Manifest []byte
	// Blobs are the empty config and the document, for the registry or layout to store first.
	Blobs []v1.Layer
}

// RawManifest and MediaType make an Artifact something go-containerregistry's remote.Put can push; remote
// then updates the referrers tag schema when the registry has no referrers API.
func (a *Artifact) RawManifest() ([]byte, error)        { return a.Manifest, nil }
func (a *Artifact) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }

// Digest is the manifest's digest.
func (a *Artifact) Digest() (v1.Hash, error) {
	h, _, err := v1.SHA256(bytes.NewReader(a.Manifest))
	return h, err
}

// NewArtifact wraps doc in an artifact manifest whose subject is the image manifest subject describes.
// created, the image's timestamp, is its org.opencontainers.image.created annotation.
func NewArtifact(doc []byte, subject v1.Descriptor, created time.Time) (*Artifact, error) {
	config := static.NewLayer([]byte(emptyConfig), "application/vnd.oci.empty.v1+json")
	layer := static.NewLayer(doc, MediaType)
	cd, err := descriptor(config, "application/vnd.oci.empty.v1+json")
	if err != nil {
		return nil, err
	}
	cd.Data = []byte(emptyConfig)
	ld, err := descriptor(layer, MediaType)
	if err != nil {
		return nil, err
	}
	ld.Annotations = map[string]string{"org.opencontainers.image.title": "sbom.spdx.json"}
	subj := v1.Descriptor{MediaType: subject.MediaType, Size: subject.Size, Digest: subject.Digest}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  MediaType,
		Config:        cd,
		Layers:        []v1.Descriptor{ld},
		Subject:       &subj,
		Annotations:   map[string]string{"org.opencontainers.image.created": created.UTC().Format(time.RFC3339)},
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return &Artifact{Manifest: raw, Blobs: []v1.Layer{config, layer}}, nil
}

func descriptor(l v1.Layer, mt types.MediaType) (v1.Descriptor, error) {
	d, err := l.Digest()
	if err != nil {
		return v1.Descriptor{}, err
	}
	size, err := l.Size()
	if err != nil {
		return v1.Descriptor{}, err
	}
	return v1.Descriptor{MediaType: mt, Digest: d, Size: size}, nil
}
