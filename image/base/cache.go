package base

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/containerize/containerize/image/internal/atomicfile"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// factsVersion changes whenever Inspect learns to read something new, so older cached facts are not used.
const factsVersion = "1"

// InspectCached is Inspect with its answer kept in dir under the image's config digest, which covers every
// layer (the config lists their diff IDs): a base seen before is not read again, so its layers are never
// downloaded just to be inspected. hit reports whether the answer came from dir. An empty dir disables
// the cache.
func InspectCached(img v1.Image, dir string) (b *Base, hit bool, err error) {
	if dir == "" {
		b, err = Inspect(img)
		return b, false, err
	}
	cfg, err := img.ConfigName()
	if err != nil {
		return nil, false, fmt.Errorf("read image config digest: %w", err)
	}
	file := filepath.Join(dir, "v"+factsVersion+"-"+cfg.Hex+".json")
	if data, err := os.ReadFile(file); err == nil {
		var cached Base
		if json.Unmarshal(data, &cached) == nil && cached.Interpreter != "" {
			cached.Image = img
			return &cached, true, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("read cached base facts: %w", err)
	}
	if b, err = Inspect(img); err != nil {
		return nil, false, err
	}
	data, err := json.Marshal(b)
	if err != nil {
		return nil, false, err
	}
	if err := atomicfile.Write(file, data); err != nil {
		return nil, false, fmt.Errorf("cache base facts: %w", err)
	}
	return b, false, nil
}
