package image

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/containerize/containerize/image/internal/atomicfile"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/wheel"
)

// depsFormat names the way the dependency layer is made; change it whenever the same inputs should give
// different bytes (the installer, the venv skeleton, the tar format), so old cache entries are not reused.
const depsFormat = "containerize-deps/2"

// depsKey is everything the dependency layer's bytes depend on.
type depsKey struct {
	Format  string       `json:"format"`
	Venv    venv         `json:"venv"`
	Layout  wheel.Layout `json:"layout"`
	Tags    string       `json:"tags"` // sha256 of the target's tags in priority order
	Epoch   int64        `json:"epoch"`
	Level   int          `json:"gzip_level"`
	Pins    []pinKey     `json:"pins"`
	Indexes []string     `json:"indexes,omitempty"` // only when some pin has no hash: then the index decides the bytes
}

type pinKey struct {
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Hashes    []string `json:"hashes"`
	Files     []string `json:"files"`
	Requested bool     `json:"requested"`
}

func (k depsKey) hash() string {
	data, _ := json.Marshal(k)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func newDepsKey(v venv, t wheel.Target, reqs []lockset.Pin, epoch time.Time, client *indexClient) (depsKey, error) {
	pins, unhashed, err := pinKeys(reqs)
	if err != nil {
		return depsKey{}, err
	}
	k := depsKey{Format: depsFormat, Venv: v, Layout: v.layout(), Tags: tagsHash(t), Epoch: epoch.Unix(), Level: layer.Level, Pins: pins}
	if unhashed && client != nil {
		k.Indexes = client.Indexes()
	}
	return k, nil
}

// tagsHash is the sha256 of the target's tags in priority order: what wheel selection depends on.
func tagsHash(t wheel.Target) string {
	var tags strings.Builder
	for _, tag := range t.Tags() {
		tags.WriteString(tag.String())
		tags.WriteByte('\n')
	}
	sum := sha256.Sum256([]byte(tags.String()))
	return hex.EncodeToString(sum[:])
}

// pinKeys is reqs in a canonical form for cache keys (names normalised, hashes in one spelling, sorted);
// unhashed reports that some requirement has no hash, so that the index decides its bytes.
func pinKeys(reqs []lockset.Pin) (pins []pinKey, unhashed bool, err error) {
	for _, r := range reqs {
		h, err := parseHashes(r)
		if err != nil {
			return nil, false, err
		}
		unhashed = unhashed || h.empty()
		p := pinKey{Name: pep.NormalizeName(r.Name), Version: r.Version, Hashes: h.list(), Requested: r.Requested}
		for _, f := range r.Files {
			p.Files = append(p.Files, f.Name+" "+f.URL)
		}
		slices.Sort(p.Files)
		pins = append(pins, p)
	}
	slices.SortFunc(pins, func(a, b pinKey) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.Version, b.Version))
	})
	return pins, unhashed, nil
}

// cachedLayer is the record kept next to a cached layer blob.
type cachedLayer struct {
	Blob     layer.Blob `json:"blob"`
	Packages int        `json:"packages"`
}

// depsCache keeps dependency and Debian layers as dir/<key>.tar.gz plus dir/<key>.json, the record written last so
// that a record always has its blob.
type depsCache struct{ dir string }

func (c depsCache) paths(key string) (blob, record string) {
	return filepath.Join(c.dir, key+".tar.gz"), filepath.Join(c.dir, key+".json")
}

// get returns the cached layer for key, or ok=false. A record whose blob is missing or has the wrong size
// is a miss; the blob's content is trusted (a registry or layout write verifies the digest).
func (c depsCache) get(key string, mt types.MediaType) (v1.Layer, cachedLayer, bool) {
	if c.dir == "" {
		return nil, cachedLayer{}, false
	}
	blobPath, recordPath := c.paths(key)
	data, err := os.ReadFile(recordPath)
	if err != nil {
		return nil, cachedLayer{}, false
	}
	var rec cachedLayer
	if json.Unmarshal(data, &rec) != nil || rec.Blob.Digest.Hex == "" {
		return nil, cachedLayer{}, false
	}
	if st, err := os.Stat(blobPath); err != nil || st.Size() != rec.Blob.Size {
		return nil, cachedLayer{}, false
	}
	return layer.Open(rec.Blob, mt, func() (io.ReadCloser, error) { return os.Open(blobPath) }), rec, true
}

// put writes the layer for key and returns it backed by the cached file.
func (c depsCache) put(key string, entries []layer.Entry, opts layer.Options, packages int, mt types.MediaType) (v1.Layer, layer.Blob, error) {
	if c.dir == "" {
		l, b, err := layer.Build(entries, opts, mt)
		return l, b, err
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, layer.Blob{}, fmt.Errorf("create layer cache: %w", err)
	}
	blobPath, recordPath := c.paths(key)
	tmp, err := os.CreateTemp(c.dir, ".tmp-*")
	if err != nil {
		return nil, layer.Blob{}, fmt.Errorf("create layer cache entry: %w", err)
	}
	defer os.Remove(tmp.Name())
	b, err := layer.Write(tmp, entries, opts)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, layer.Blob{}, fmt.Errorf("write the layer: %w", err)
	}
	if err := os.Rename(tmp.Name(), blobPath); err != nil {
		return nil, layer.Blob{}, fmt.Errorf("store the layer in the cache: %w", err)
	}
	rec, _ := json.Marshal(cachedLayer{Blob: b, Packages: packages})
	if err := atomicfile.Write(recordPath, rec); err != nil {
		return nil, layer.Blob{}, fmt.Errorf("store the layer's cache record: %w", err)
	}
	return layer.Open(b, mt, func() (io.ReadCloser, error) { return os.Open(blobPath) }), b, nil
}

// depsLayer is the dependency layer for one target: from the cache when its inputs are unchanged, else
// resolved, downloaded, installed and cached.
type depsLayer struct {
	layer    v1.Layer
	blob     layer.Blob
	packages int
	cached   bool
}

func buildDeps(ctx context.Context, client *indexClient, cache depsCache, v venv, t wheel.Target, reqs []lockset.Pin, epoch time.Time, mt types.MediaType) (*depsLayer, error) {
	key, err := newDepsKey(v, t, reqs, epoch, client)
	if err != nil {
		return nil, err
	}
	k := key.hash()
	if l, rec, ok := cache.get(k, mt); ok {
		return &depsLayer{layer: l, blob: rec.Blob, packages: rec.Packages, cached: true}, nil
	}
	choices, err := resolve(ctx, client, t, reqs)
	if err != nil {
		return nil, err
	}
	installed, err := install(ctx, client, choices, v.layout())
	if err != nil {
		return nil, err
	}
	skeleton := v.entries()
	reserved := map[string]bool{}
	for _, e := range skeleton {
		if !e.Mode.IsDir() {
			reserved[e.Path] = true
		}
	}
	for _, e := range installed {
		if reserved[e.Path] {
			return nil, fmt.Errorf("a locked package installs %s, which would replace the virtualenv's own; drop the package that ships it", e.Path)
		}
	}
	l, b, err := cache.put(k, append(skeleton, installed...), layer.Options{ModTime: epoch}, len(choices), mt)
	if err != nil {
		return nil, fmt.Errorf("dependency layer: %w", err)
	}
	return &depsLayer{layer: l, blob: b, packages: len(choices)}, nil
}
