// Package archive reads a Debian archive the way apt does, verified, from a base image's
// files: the base's apt sources and trusted keys, each suite's InRelease checked against
// those keys, the Packages index for the base's architecture checked against the Release's
// SHA256 list, and .deb files fetched by hash into a content-addressed cache. It does no
// dependency resolution (deb/resolve does) and runs neither apt nor dpkg.
//
//	ix, err := archive.Open(ctx, archive.Options{Root: baseFS, Client: client, Arch: "amd64", Cache: dir})
//	for _, p := range ix.Lookup("libpq5") { ... }          // Package: raw Depends/Provides, Filename, SHA256
//	path, err := ix.FetchPackage(ctx, p)                  // the .deb, checked against p.SHA256, in dir/sha256/HEX
//
// What apt checks, this checks: the InRelease signature against the source's Signed-By
// keyring (else /etc/apt/trusted.gpg.d and /etc/apt/trusted.gpg) at the injected clock
// (expired keys and signatures refused), Valid-Until, that the Release is for the suite
// asked, the size and SHA256 of every Packages file (fetched by hash when the archive
// offers it) and of every .deb. Release + Release.gpg is read when there is no InRelease.
// Not supported: flat repositories, Signed-By fingerprints, non-http(s) sources.
package archive

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/klauspost/compress/gzip"
	"github.com/ulikunitz/xz"
)

// Options says where to read the archive from.
type Options struct {
	Root   fs.FS        // the base image's root filesystem (paths without a leading slash)
	Client *http.Client // nil means http.DefaultClient
	// Mirror, when set (--apt-mirror), replaces every source's URI; suites, components and
	// keys stay the base's.
	Mirror string
	Arch   string           // the image config's architecture ("amd64", "arm64", "arm/v7"); "" reads /var/lib/dpkg/arch
	Clock  func() time.Time // nil means time.Now; checks Valid-Until and key expiry
	Cache  string           // directory for fetched .debs, content-addressed by SHA256; "" disables Fetch
	// MaxIndexSize bounds a downloaded InRelease or Packages file; 0 means 256 MiB.
	MaxIndexSize int64
}

// Index is the verified view of the base's archives: every package of every source's
// components for the base's architecture, in source order.
type Index struct {
	System   System
	Sources  []Source
	Releases []*Release // one per Source, same order
	packages []Package
	byName   map[string][]int
	client   *http.Client
	cache    string
	clock    func() time.Time
	max      int64
}

// Open reads the base's sources, system and keys from opts.Root, fetches and verifies each
// source's InRelease and Packages index, and returns the index.
func Open(ctx context.Context, opts Options) (*Index, error) {
	if opts.Root == nil {
		return nil, errors.New("archive.Open: no base image root given")
	}
	ix := Fetcher(opts)
	sys, err := ReadSystem(opts.Root, opts.Arch)
	if err != nil {
		return nil, err
	}
	ix.System = sys
	srcs, err := ParseSources(opts.Root)
	if err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, errors.New("the base image declares no apt sources (/etc/apt/sources.list or /etc/apt/sources.list.d/*.sources): use a Debian base image that keeps its apt configuration (python:X.Y-slim does), or --ignore-system-packages if it has the packages")
	}
	for i := range srcs {
		if opts.Mirror != "" {
			srcs[i].URI = strings.TrimRight(opts.Mirror, "/")
		}
	}
	loaded := map[string]bool{} // URI, suite and component already read: apt warns on repeats and reads them once
	for _, s := range srcs {
		if len(s.Archs) > 0 && !containsWord(strings.Join(s.Archs, " "), sys.Arch) {
			continue
		}
		if !strings.HasPrefix(s.URI, "http://") && !strings.HasPrefix(s.URI, "https://") {
			return nil, fmt.Errorf("%s: the apt source %s is not http or https, which is all that is supported: pass --apt-mirror with an http(s) mirror", s.From, s.URI)
		}
		var comps []string
		for _, c := range s.Components {
			if k := s.URI + " " + s.Suite + " " + c; !loaded[k] {
				loaded[k] = true
				comps = append(comps, c)
			}
		}
		if len(comps) == 0 {
			continue
		}
		s.Components = comps
		keys, err := Keyring(opts.Root, s)
		if err != nil {
			return nil, err
		}
		rel, url, err := ix.release(ctx, s, keys)
		if err != nil {
			return nil, err
		}
		if rel.Suite != s.Suite && rel.Codename != s.Suite {
			return nil, fmt.Errorf("%s: it is for suite %q codename %q, not the %q that %s asks for", url, rel.Suite, rel.Codename, s.Suite, s.From)
		}
		ix.Sources = append(ix.Sources, s)
		ix.Releases = append(ix.Releases, rel)
		for _, comp := range s.Components {
			if err := ix.loadPackages(ctx, s, rel, comp); err != nil {
				return nil, err
			}
		}
	}
	if len(ix.Sources) == 0 {
		return nil, fmt.Errorf("no apt source of the base image serves architecture %s", sys.Arch)
	}
	return ix, nil
}

// release fetches and verifies dists/SUITE/InRelease, or Release and Release.gpg when the
// archive has no InRelease (404), as apt does.
func (ix *Index) release(ctx context.Context, s Source, keys openpgp.EntityList) (*Release, string, error) {
	dists := s.URI + "/dists/" + s.Suite + "/"
	url := dists + "InRelease"
	data, err := ix.get(ctx, url)
	var se *statusError
	if errors.As(err, &se) && se.status == http.StatusNotFound {
		url = dists + "Release"
		body, err := ix.get(ctx, url)
		if err != nil {
			return nil, url, fmt.Errorf("%s has neither InRelease nor Release: %w", dists, err)
		}
		sig, err := ix.get(ctx, url+".gpg")
		if err != nil {
			return nil, url, fmt.Errorf("%s has no InRelease and its Release is not signed: %w", dists, err)
		}
		rel, err := VerifyRelease(body, sig, keys, ix.clock())
		if err != nil {
			return nil, url, fmt.Errorf("%s (source from %s): %w", url, s.From, err)
		}
		return rel, url, nil
	}
	if err != nil {
		return nil, url, err
	}
	rel, err := VerifyInRelease(data, keys, ix.clock())
	if err != nil {
		return nil, url, fmt.Errorf("%s (source from %s): %w", url, s.From, err)
	}
	return rel, url, nil
}

// get fetches a whole small file (InRelease).
func (ix *Index) get(ctx context.Context, url string) ([]byte, error) {
	body, err := ix.open(ctx, url)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, ix.max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", url, err)
	}
	if int64(len(data)) > ix.max {
		return nil, fmt.Errorf("%s is larger than %d bytes", url, ix.max)
	}
	return data, nil
}

type statusError struct {
	url    string
	status int
	text   string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("fetching %s: %s (check the apt source or --apt-mirror)", e.url, e.text)
}

func (ix *Index) open(ctx context.Context, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	resp, err := ix.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &statusError{url: url, status: resp.StatusCode, text: resp.Status}
	}
	return resp.Body, nil
}

// loadPackages fetches COMPONENT/binary-ARCH/Packages{.xz,.gz,} as the Release lists it,
// parses it while hashing the compressed bytes, and keeps its packages only when the size
// and SHA256 match.
func (ix *Index) loadPackages(ctx context.Context, s Source, rel *Release, comp string) error {
	dir := comp + "/binary-" + ix.System.Arch + "/"
	base := s.URI + "/dists/" + s.Suite + "/"
	// Whichever forms the Release lists, xz first; a form the mirror does not have (404)
	// falls back to the next, as apt does.
	var name, url string
	var want FileHash
	var body io.ReadCloser
	var err error
	for _, n := range []string{"Packages.xz", "Packages.gz", "Packages"} {
		h, ok := rel.SHA256[dir+n]
		if !ok {
			continue
		}
		name, want, url = n, h, base+dir+n
		if rel.AcquireByHash {
			// As apt does: by hash, so a mirror syncing between InRelease and Packages
			// cannot hand out a Packages file of another generation; the plain path when
			// the mirror has no by-hash copy.
			if body, err = ix.open(ctx, base+dir+"by-hash/SHA256/"+h.SHA256); err == nil {
				break
			}
		}
		if body, err = ix.open(ctx, url); err == nil {
			break
		}
		var se *statusError
		if !errors.As(err, &se) || se.status != http.StatusNotFound {
			return err
		}
	}
	if name == "" {
		return fmt.Errorf("%sInRelease lists no SHA256 for %sPackages(.xz|.gz): the suite has no component %q for architecture %s", base, dir, comp, ix.System.Arch)
	}
	if body == nil {
		return err
	}
	defer body.Close()
	hv := &hashingReader{r: io.LimitReader(body, want.Size+1), h: sha256.New()}
	var r io.Reader = hv
	var decErr error
	stopDecompress := func() {}
	switch name {
	case "Packages.xz":
		var xr *xz.Reader
		if xr, decErr = xz.NewReader(hv); decErr == nil {
			// Decompress on another goroutine: xz decoding is the slow half (about 1.3 s
			// for bookworm's main index), parsing the other.
			pr, pw := io.Pipe()
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, err := io.Copy(pw, xr)
				pw.CloseWithError(err)
			}()
			// Before hv is drained below: stop the copy (if the parse ended early) and wait
			// for it, so that hv has one reader at a time.
			stopDecompress = func() { pr.Close(); <-done }
			r = bufio.NewReaderSize(pr, 1<<16)
		}
	case "Packages.gz":
		r, decErr = gzip.NewReader(hv)
	}
	// The decompressed stream is parsed before the hash is known (to keep memory bounded);
	// bound it by the uncompressed size the Release lists, so a tampered file cannot
	// decompress without end before it is rejected.
	limit := int64(4 << 30)
	if h, ok := rel.SHA256[dir+"Packages"]; ok {
		limit = h.Size
	}
	start := len(ix.packages)
	var parseErr error
	if decErr == nil {
		parseErr = ParsePackages(io.LimitReader(r, limit), func(p Package) error {
			p.URI, p.Suite, p.Component = s.URI, s.Suite, comp
			ix.packages = append(ix.packages, p)
			return nil
		})
	}
	stopDecompress()
	if _, err := io.Copy(io.Discard, hv); err != nil && decErr == nil && parseErr == nil {
		parseErr = err
	}
	got := hex.EncodeToString(hv.h.Sum(nil))
	if hv.n != want.Size || got != want.SHA256 {
		ix.packages = ix.packages[:start]
		return fmt.Errorf("%s does not match its InRelease: want %d bytes SHA256 %s, got %d bytes SHA256 %s (a tampered or half-synced mirror; retry or use another --apt-mirror)",
			url, want.Size, want.SHA256, hv.n, got)
	}
	if decErr != nil {
		return fmt.Errorf("decompressing %s: %w", url, decErr)
	}
	if parseErr != nil {
		return fmt.Errorf("parsing %s: %w", url, parseErr)
	}
	for i := start; i < len(ix.packages); i++ {
		ix.byName[ix.packages[i].Name] = append(ix.byName[ix.packages[i].Name], i)
	}
	return nil
}

type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// Fetcher returns an Index that only fetches: its FetchPackage takes packages listed by an earlier Open
// (each keeps the URI of its archive), e.g. a resolution read back from a cache, without reading any index
// again. Its Packages and Lookup are empty; Root is not read.
func Fetcher(opts Options) *Index {
	ix := &Index{client: opts.Client, cache: opts.Cache, clock: opts.Clock, max: opts.MaxIndexSize, byName: map[string][]int{}}
	if ix.client == nil {
		ix.client = http.DefaultClient
	}
	if ix.clock == nil {
		ix.clock = time.Now
	}
	if ix.max == 0 {
		ix.max = 256 << 20
	}
	return ix
}

// Packages returns every package of the index, in source then index order. The slice is
// the index's own: do not modify it.
func (ix *Index) Packages() []Package { return ix.packages }

// Lookup returns the packages named name (several versions or suites may carry one), in
// source order.
func (ix *Index) Lookup(name string) []Package {
	idx := ix.byName[name]
	out := make([]Package, len(idx))
	for i, j := range idx {
		out[i] = ix.packages[j]
	}
	return out
}

// FetchPackage fetches p's .deb from the archive it was listed in; see Fetch.
func (ix *Index) FetchPackage(ctx context.Context, p Package) (string, error) {
	return ix.fetchFrom(ctx, []string{p.URI}, p.Filename, p.SHA256, p.Size)
}

// Fetch returns the path in the cache of the file filename (an archive Filename such as
// "pool/main/libp/libpq5_….deb"), downloading it from the index's sources (the first that
// has it) when the cache lacks it. The file is checked against sha256 and size on download
// and again when read from the cache; a mismatch is an error naming the URL or path, the
// expected and the got hash.
func (ix *Index) Fetch(ctx context.Context, filename, sha256hex string, size int64) (string, error) {
	var uris []string
	seen := map[string]bool{}
	for _, s := range ix.Sources {
		if !seen[s.URI] {
			seen[s.URI] = true
			uris = append(uris, s.URI)
		}
	}
	return ix.fetchFrom(ctx, uris, filename, sha256hex, size)
}

func (ix *Index) fetchFrom(ctx context.Context, uris []string, filename, want string, size int64) (string, error) {
	if ix.cache == "" {
		return "", errors.New("archive: no cache directory given for fetching .deb files")
	}
	want = strings.ToLower(want)
	if len(want) != 64 || strings.Trim(want, "0123456789abcdef") != "" {
		return "", fmt.Errorf("%s: the index gives no valid SHA256 (%q), so it cannot be fetched safely", filename, want)
	}
	dst := filepath.Join(ix.cache, "sha256", want)
	if f, err := os.Open(dst); err == nil {
		n, got, err := hashFile(f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("reading cached %s: %w", dst, err)
		}
		if got == want && n == size {
			return dst, nil
		}
		// A corrupt cache entry: drop it and download again.
		if err := os.Remove(dst); err != nil {
			return "", fmt.Errorf("cached %s has SHA256 %s, expected %s, and cannot be removed: %w", dst, got, want, err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("creating the .deb cache: %w", err)
	}
	var lastErr error
	for _, u := range uris {
		url := u + "/" + strings.TrimPrefix(filename, "/")
		err := ix.download(ctx, url, dst, want, size)
		if err == nil {
			return dst, nil
		}
		lastErr = err
		var se *statusError
		if !errors.As(err, &se) || se.status != http.StatusNotFound {
			return "", err
		}
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("%s: the index has no sources to fetch it from", filename)
	}
	return "", lastErr
}

func (ix *Index) download(ctx context.Context, url, dst, want string, size int64) error {
	body, err := ix.open(ctx, url)
	if err != nil {
		return err
	}
	defer body.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".fetch-*")
	if err != nil {
		return fmt.Errorf("fetching %s: %w", url, err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, size+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fetching %s: %w", url, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want || n != size {
		return fmt.Errorf("%s does not match the Packages index: expected %d bytes SHA256 %s, got %d bytes SHA256 %s (a tampered or half-synced mirror)", url, size, want, n, got)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("storing %s in the cache: %w", url, err)
	}
	return nil
}

func hashFile(f *os.File) (int64, string, error) {
	h := sha256.New()
	n, err := io.Copy(h, f)
	return n, hex.EncodeToString(h.Sum(nil)), err
}
