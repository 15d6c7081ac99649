package image

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/pypi"
)

// indexOptions is o.Index completed for lock: the wheel cache under o.CacheDir unless set, and the lock's
// own indexes when the user named no index (see Options.Index).
func indexOptions(o *Options, lock *lockset.Set) (pypi.Options, error) {
	po := o.Index
	po.ExtraIndexURLs = slices.Clone(po.ExtraIndexURLs)
	if po.CacheDir == "" && o.CacheDir != "" {
		po.CacheDir = filepath.Join(o.CacheDir, "wheels")
	}
	if po.IndexURL != "" || len(lock.IndexURLs) == 0 {
		return po, nil
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	file := cmp.Or(lock.File, "the lock")
	urls := make([]string, 0, len(lock.IndexURLs))
	for _, u := range lock.IndexURLs {
		var unset []string
		x := os.Expand(u, func(k string) string {
			v := getenv(k)
			if v == "" {
				unset = append(unset, k)
			}
			return v
		})
		if len(unset) > 0 {
			return po, fmt.Errorf("%s: index URL %s uses $%s, which is not set: set it, or name the index with --index-url or PIP_INDEX_URL",
				file, u, strings.Join(unset, ", $"))
		}
		urls = append(urls, x)
	}
	if lock.PrimaryIndex {
		po.IndexURL, urls = urls[0], urls[1:]
	}
	for _, u := range urls {
		if !slices.Contains(po.ExtraIndexURLs, u) {
			po.ExtraIndexURLs = append(po.ExtraIndexURLs, u)
		}
	}
	return po, nil
}

// indexClient is the package index client of one build: it lists each project once, however many steps ask
// (the resolver of unpinned distributions, then the wheel choice for every requirement).
type indexClient struct {
	*pypi.Client
	mu    sync.Mutex
	pages map[string]*page
}

type page struct {
	once  sync.Once
	files []pypi.File
	err   error
}

func newIndexClient(c *pypi.Client) *indexClient {
	if c == nil {
		return nil
	}
	return &indexClient{Client: c, pages: map[string]*page{}}
}

// Files is pypi.Client.Files, asked once per project.
func (c *indexClient) Files(ctx context.Context, project string) ([]pypi.File, error) {
	key := pep.NormalizeName(project)
	c.mu.Lock()
	p := c.pages[key]
	if p == nil {
		p = &page{}
		c.pages[key] = p
	}
	c.mu.Unlock()
	p.once.Do(func() { p.files, p.err = c.Client.Files(ctx, project) })
	return p.files, p.err
}
