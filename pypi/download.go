package pypi

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// newHash builds the hashers for the algorithms in hashLen. md5 and sha1 are checked when
// an index gives only them, but never count as a hash that makes a download trusted.
var newHash = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New,
}

var strongHash = map[string]bool{"sha224": true, "sha256": true, "sha384": true, "sha512": true}

// HashMismatchError reports downloaded bytes that do not match the expected digest.
type HashMismatchError struct {
	Filename  string
	URL       string // credentials removed
	Algorithm string
	Want, Got string
}

func (e *HashMismatchError) Error() string {
	return fmt.Sprintf("%s from %s: %s is %s, expected %s; the file was discarded. If the lock is right, the index serves different bytes than it should; if the file legitimately changed, regenerate the lock",
		e.Filename, e.URL, e.Algorithm, e.Got, e.Want)
}

// Download returns the local path of f's bytes, fetching them unless the cache already has
// them. The bytes are checked against wantSHA256 when it is given (from the lock; the
// index's hashes are then not consulted), else against every hash the index gave. A file
// with no strong hash from either is refused unless Options.AllowUnhashed is set.
//
// The cache is CacheDir/sha256/<first two hex digits>/<hex>, written by rename from a
// temporary file so that readers never see a partial entry. A cache hit sends no request;
// an entry whose content no longer matches its name is deleted and fetched again.
func (c *Client) Download(ctx context.Context, f File, wantSHA256 string) (string, error) {
	if c.cacheDir == "" {
		return "", fmt.Errorf("download %s: no cache directory configured (Options.CacheDir)", f.Filename)
	}
	checks := map[string]string{}
	if w := strings.ToLower(strings.TrimSpace(wantSHA256)); w != "" {
		if len(w) != hashLen["sha256"] || !isHex(w) {
			return "", fmt.Errorf("download %s: expected sha256 %q is not 64 hex digits", f.Filename, wantSHA256)
		}
		checks["sha256"] = w
	} else {
		for k, v := range normHashes(f.Hashes) {
			if newHash[k] != nil {
				checks[k] = v
			}
		}
	}
	strong := false
	for k := range checks {
		strong = strong || strongHash[k]
	}
	if !strong && !c.allowUnhashed {
		return "", fmt.Errorf("download %s: neither the lock nor the index %s gives a sha256 for it, so it cannot be verified; add hashes to the lock (for example pip-compile --generate-hashes) or use an index that publishes them",
			f.Filename, f.Index)
	}
	if want := checks["sha256"]; want != "" {
		p, ok, err := c.cached(want)
		if err != nil {
			return "", fmt.Errorf("download %s: %w", f.Filename, err)
		}
		if ok {
			c.cacheHits.Add(1)
			return p, nil
		}
	}

	u, err := url.Parse(f.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("download %s: URL %q is not an http or https URL", f.Filename, redactString(f.URL))
	}
	user := c.credentialsFor(u)
	clean := *u
	clean.User = nil
	clean.Fragment, clean.RawFragment = "", ""
	var p string
	err = c.withRetry(ctx, func() error {
		var err error
		p, err = c.fetchFile(ctx, &clean, user, f, checks)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("download %s: %w", f.Filename, err)
	}
	return p, nil
}

func (c *Client) cachePath(sum string) string {
	return filepath.Join(c.cacheDir, "sha256", sum[:2], sum)
}

// cached reports whether the cache holds intact bytes for sum, deleting a corrupt entry.
func (c *Client) cached(sum string) (string, bool, error) {
	p := c.cachePath(sum)
	fh, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("open cache entry: %w", err)
	}
	h := sha256.New()
	_, err = io.Copy(h, fh)
	fh.Close()
	if err != nil {
		return "", false, fmt.Errorf("read cache entry %s: %w", p, err)
	}
	if hex.EncodeToString(h.Sum(nil)) == sum {
		return p, true, nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("remove corrupt cache entry: %w", err)
	}
	return "", false, nil
}

// fetchFile downloads u into a temporary file while hashing it, checks the hashes, and
// moves the file into place under its sha256.
func (c *Client) fetchFile(ctx context.Context, u *url.URL, user *url.Userinfo, f File, checks map[string]string) (string, error) {
	limit, limitText := c.maxFile, fmt.Sprintf("the %d-byte limit", c.maxFile)
	if f.Size > 0 && f.Size < limit {
		limit, limitText = f.Size, fmt.Sprintf("the %d bytes the index gives as its size", f.Size)
	}
	resp, err := c.get(ctx, u, "", user, false, limit, limitText)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()

	tmpDir := filepath.Join(c.cacheDir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o755); err != nil {
		return "", fmt.Errorf("create cache directory: %w", err)
	}
	tmp, err := os.CreateTemp(tmpDir, "download-*")
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	algos := make([]string, 0, len(checks)+1)
	for k := range checks {
		algos = append(algos, k)
	}
	if checks["sha256"] == "" {
		algos = append(algos, "sha256") // the cache key
	}
	sort.Strings(algos)
	hashers := make(map[string]hash.Hash, len(algos))
	writers := []io.Writer{tmp, countWriter{c}}
	for _, a := range algos {
		hashers[a] = newHash[a]()
		writers = append(writers, hashers[a])
	}

	n, err := io.Copy(io.MultiWriter(writers...), io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", redact(u), err)
	}
	if n > limit {
		if limit == f.Size {
			return "", fmt.Errorf("GET %s: file is larger than the %d bytes the index gives as its size", redact(u), f.Size)
		}
		return "", fmt.Errorf("GET %s: file is larger than the %d-byte limit", redact(u), c.maxFile)
	}
	for _, a := range algos {
		want := checks[a]
		if want == "" {
			continue
		}
		if got := hex.EncodeToString(hashers[a].Sum(nil)); got != want {
			return "", &HashMismatchError{Filename: f.Filename, URL: redact(u), Algorithm: a, Want: want, Got: got}
		}
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	dst := c.cachePath(hex.EncodeToString(hashers["sha256"].Sum(nil)))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("create cache directory: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", fmt.Errorf("move download into the cache: %w", err)
	}
	done = true
	return dst, nil
}

// countWriter adds what passes through it to the client's byte count.
type countWriter struct{ c *Client }

func (w countWriter) Write(p []byte) (int, error) {
	w.c.bytes.Add(int64(len(p)))
	return len(p), nil
}
