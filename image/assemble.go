package image

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// platformImage is the image built for one platform, and how to put the same layers and config on another
// copy of its base (one whose layers are read through a local cache).
type platformImage struct {
	base        v1.Image
	image       v1.Image
	info        Image
	addenda     []mutate.Addendum
	configure   func(*v1.ConfigFile) (*v1.ConfigFile, error)
	annotations map[string]string
}

// on appends the layers to baseImage and sets the config and annotations.
func (p *platformImage) on(baseImage v1.Image) (v1.Image, error) {
	img, err := mutate.Append(baseImage, p.addenda...)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	if cf, err = p.configure(cf); err != nil {
		return nil, err
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	if p.annotations != nil {
		img = mutate.Annotations(img, p.annotations).(v1.Image)
	}
	return img, nil
}

// layerMediaType matches the base manifest's format: some registries refuse manifests that mix Docker and
// OCI media types.
func layerMediaType(img v1.Image) (types.MediaType, error) {
	mt, err := img.MediaType()
	if err != nil {
		return "", err
	}
	if mt == types.OCIManifestSchema1 {
		return types.OCILayer, nil
	}
	return types.DockerLayer, nil
}

// assemble is the artifact of the built images: the image itself for one platform, else an index of the
// images' own format.
func assemble(built []*platformImage) artifact {
	if len(built) == 1 {
		return artifact{img: built[0].image}
	}
	images := make([]v1.Image, len(built))
	for i, p := range built {
		images[i] = p.image
	}
	return artifact{idx: index(images, built)}
}

// assembleOn puts the built layers and configs on wrapped copies of the bases.
func assembleOn(built []*platformImage, wrap func(v1.Image) v1.Image) (artifact, error) {
	again := make([]*platformImage, len(built))
	for i, p := range built {
		img, err := p.on(wrap(p.base))
		if err != nil {
			return artifact{}, err
		}
		q := *p
		q.image = img
		again[i] = &q
	}
	return assemble(again), nil
}

func index(images []v1.Image, built []*platformImage) v1.ImageIndex {
	mt := types.DockerManifestList
	if m, err := images[0].MediaType(); err == nil && m == types.OCIManifestSchema1 {
		mt = types.OCIImageIndex
	}
	idx := mutate.IndexMediaType(empty.Index, mt)
	for i, img := range images {
		p := built[i].info.Platform
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	return idx
}
