package image

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/wheel"
)

// install downloads every chosen wheel (verified against the lock), installs it into l and returns the
// merged entries. Two distributions may share directories but not files.
func install(ctx context.Context, client *indexClient, choices []choice, l wheel.Layout) ([]layer.Entry, error) {
	installed := make([][]wheel.Entry, len(choices))
	errs := make([]error, len(choices))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, c := range choices {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			installed[i], errs[i] = installOne(ctx, client, c, l)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Merge in name order so that the error for a clash does not depend on download timing.
	order := make([]int, len(choices))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		return pep.NormalizeName(choices[order[a]].req.Name) < pep.NormalizeName(choices[order[b]].req.Name)
	})
	type owned struct {
		e     wheel.Entry
		owner string
	}
	byPath := map[string]owned{}
	for _, i := range order {
		for _, e := range installed[i] {
			prev, dup := byPath[e.Path]
			if !dup {
				byPath[e.Path] = owned{e, choices[i].file.Filename}
				continue
			}
			if prev.e.Mode.IsDir() && e.Mode.IsDir() {
				continue
			}
			if prev.e.Mode == e.Mode && prev.e.Size == e.Size && prev.e.SHA256 == e.SHA256 {
				continue // the same file from two wheels (a shared namespace __init__.py)
			}
			return nil, fmt.Errorf("%s and %s both install %s, differently: the two cannot be installed together; drop one of them from the dependencies", prev.owner, choices[i].file.Filename, e.Path)
		}
	}
	entries := make([]layer.Entry, 0, len(byPath))
	for _, o := range byPath {
		entries = append(entries, layer.Entry{Path: o.e.Path, Mode: o.e.Mode, Data: o.e.Data, Open: o.e.Open, Size: o.e.Size, Link: o.e.Link})
	}
	return entries, nil
}

func installOne(ctx context.Context, client *indexClient, c choice, l wheel.Layout) ([]wheel.Entry, error) {
	if client == nil {
		return nil, fmt.Errorf("%s %s: no package index client to download %s with", c.req.Name, c.req.Version, c.file.Filename)
	}
	p, err := client.Download(ctx, c.file, c.want)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", c.req.Name, c.req.Version, err)
	}
	// The wheel is never read whole into memory: hashed as a stream, installed with its large members
	// streamed from the cached file when the layer is written.
	if err := checkLocked(p, c); err != nil {
		return nil, err
	}
	entries, err := wheel.InstallFile(p, c.file.Filename, l, wheel.InstallOptions{Requested: c.req.Requested, Project: c.req.Name})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", c.req.Name, c.req.Version, err)
	}
	return entries, nil
}

// checkLocked verifies the downloaded bytes against every hash the lock allows for the distribution: the
// lock, not the index, is what the build must reproduce.
func checkLocked(file string, c choice) error {
	if c.allowed.empty() {
		return nil
	}
	if c.want != "" && c.allowed.sha256[c.want] {
		return nil // Download checked the bytes against this sha256 (fetched or cached): not read again
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("%s %s: read downloaded %s: %w", c.req.Name, c.req.Version, c.file.Filename, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("%s %s: read downloaded %s: %w", c.req.Name, c.req.Version, c.file.Filename, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if c.allowed.sha256[got] {
		return nil
	}
	for _, want := range c.allowed.other {
		if _, err := f.Seek(0, io.SeekStart); err == nil && wheel.VerifyHashReader(f, want) == nil {
			return nil
		}
	}
	return fmt.Errorf("%s %s: %w: %s from %s has sha256:%s, which the lock does not allow (it allows %s); the index serves other bytes than were locked: if the package was legitimately re-published, update the lock",
		c.req.Name, c.req.Version, wheel.ErrHashMismatch, c.file.Filename, c.file.Index, got, strings.Join(c.allowed.list(), ", "))
}
