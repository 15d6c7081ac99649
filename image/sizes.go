package image

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/containerize/containerize/image/layer"
)

// LayerInfo is one layer of a built image, base layers included, bottom up: what made it and its sizes.
type LayerInfo struct {
	// CreatedBy is the layer's history entry ("containerize build: /opt/venv (10 packages)").
	CreatedBy string  `json:"created_by,omitempty"`
	Digest    v1.Hash `json:"digest"`
	// Size is the compressed size, as a registry stores and sends it.
	Size int64 `json:"size"`
	// UncompressedSize is the tar's size, for the layers this build wrote; the base's are not read for it.
	UncompressedSize int64 `json:"uncompressed_size,omitempty"`
}

// layerInfos lists img's layers with the sizes its manifest gives and, for the layers written here, their
// uncompressed sizes.
func layerInfos(img v1.Image) ([]LayerInfo, error) {
	m, err := img.Manifest()
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	ls, err := img.Layers()
	if err != nil {
		return nil, err
	}
	var history []v1.History
	for _, h := range cf.History {
		if !h.EmptyLayer {
			history = append(history, h)
		}
	}
	out := make([]LayerInfo, len(m.Layers))
	for i, d := range m.Layers {
		out[i] = LayerInfo{Digest: d.Digest, Size: d.Size}
		// Only when the history lists every layer does its i-th entry describe the i-th layer.
		if len(history) == len(m.Layers) {
			out[i].CreatedBy = history[i].CreatedBy
		}
		if i < len(ls) {
			if k, ok := ls[i].(interface{ Blob() layer.Blob }); ok {
				out[i].UncompressedSize = k.Blob().DiffSize
			}
		}
	}
	return out, nil
}
