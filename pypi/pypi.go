// Package pypi lists a project's files on Python package indexes (PEP 691 JSON, falling back to
// PEP 503 HTML, with PEP 592 yanking, PEP 629 versioning and PEP 658/714 metadata flags) and
// downloads them into a content-addressed, hash-verified cache.
package pypi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/containerize/containerize/pep"
)

// DefaultIndexURL is used when Options.IndexURL is empty, as pip does.
const DefaultIndexURL = "https://pypi.org/simple/"

const (
	// acceptHeader asks for PEP 691 JSON and still takes HTML from servers that only speak
	// PEP 503, as the spec recommends.
	acceptHeader = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"

	// supportedMajor is the highest Simple API major version understood; PEP 629 says a
	// client must fail on a newer major version.
	supportedMajor = 1

	defaultRetries      = 2
	defaultBackoff      = 250 * time.Millisecond
	defaultMaxPageBytes = 64 << 20
	defaultMaxFileBytes = 4 << 30
	defaultUserAgent    = "containerize (+https://github.com/containerize/containerize)"
)

// Options configures a Client. Only HTTP may be shared with other code; the rest is copied.
type Options struct {
	// IndexURL is the primary index (PIP_INDEX_URL / --index-url); default DefaultIndexURL.
	// It may carry credentials (https://user:pass@host/simple/), sent as basic auth.
	IndexURL string
	// ExtraIndexURLs are searched after IndexURL (PIP_EXTRA_INDEX_URL / --extra-index-url).
	ExtraIndexURLs []string
	// HTTP is the client used for every request; nil means a client with Go's default
	// transport settings and a one-minute wait for response headers.
	HTTP *http.Client
	// CacheDir is the root of the content-addressed cache; Download needs it.
	CacheDir string
	// UserAgent is sent with every request; empty means a containerize default.
	UserAgent string
	// AllowUnhashed lets Download fetch a file for which neither the caller nor the index
	// gives a strong hash (sha224/256/384/512). Off by default: unverified bytes would end up
	// in the image.
	AllowUnhashed bool
	// AllowInsecureIndex lets an index URL with credentials use plain http on a host other
	// than loopback (localhost, 127.0.0.0/8, ::1): the password would cross the network in
	// clear text, so it is an error without it (--allow-insecure-index).
	AllowInsecureIndex bool
	// Retries is how many times a transient failure (5xx, connection reset or refused,
	// timeout, truncated body) is retried; 0 means 2, negative means never.
	Retries int
	// RetryBackoff is the wait before the first retry, doubled for each further one;
	// 0 means 250ms.
	RetryBackoff time.Duration
	// MaxPageBytes bounds an index page; 0 means 64 MiB.
	MaxPageBytes int64
	// MaxFileBytes bounds a downloaded file; 0 means 4 GiB (the largest CUDA wheels are
	// about 2.5 GiB).
	MaxFileBytes int64
	// IdleTimeout is how long a response body may send nothing before the request is given up
	// on (and retried); 0 means 30s.
	IdleTimeout time.Duration
	// BodyTimeout plus one second per 64 KiB of its size is the longest a response body may
	// take, so a server that trickles bytes just inside IdleTimeout is still given up on;
	// 0 means 5 minutes.
	BodyTimeout time.Duration
}

// OptionsFromEnv reads IndexURL and ExtraIndexURLs the way pip reads PIP_INDEX_URL and
// PIP_EXTRA_INDEX_URL (the latter a whitespace-separated list). Other fields are zero.
func OptionsFromEnv(getenv func(string) string) Options {
	return Options{
		IndexURL:       strings.TrimSpace(getenv("PIP_INDEX_URL")),
		ExtraIndexURLs: strings.Fields(getenv("PIP_EXTRA_INDEX_URL")),
	}
}

// File is one distribution file offered by an index for a project.
type File struct {
	Filename string
	// URL is absolute, without the hash fragment.
	URL string
	// Hashes maps a lower-case hashlib name ("sha256") to a lower-case hex digest.
	Hashes map[string]string
	// RequiresPython is the version specifier from data-requires-python / requires-python.
	RequiresPython string
	Yanked         bool
	YankedReason   string
	// CoreMetadata reports that the index serves the file's METADATA at URL + ".metadata"
	// (PEP 658, key renamed by PEP 714).
	CoreMetadata bool
	// MetadataHash holds the hashes of that METADATA file, when the index gives them.
	MetadataHash map[string]string
	// Size is the file size in bytes from the JSON API; 0 when the index did not say.
	Size int64
	// Index is the index URL the file was listed by, with credentials removed.
	Index string
}

// Stats counts network activity since New.
type Stats struct {
	// Requests is the number of HTTP requests sent, retries included.
	Requests int64
	// BytesDownloaded is the number of response body bytes read (pages and files).
	BytesDownloaded int64
	// CacheHits is the number of Download calls answered from the cache.
	CacheHits int64
}

// Client talks to one primary and any number of extra indexes. It is safe for concurrent use.
type Client struct {
	indexes       []index
	http          *http.Client
	cacheDir      string
	userAgent     string
	allowUnhashed bool
	retries       int
	backoff       time.Duration
	maxPage       int64
	maxFile       int64
	idle          time.Duration
	bodyBase      time.Duration

	requests  atomic.Int64
	bytes     atomic.Int64
	cacheHits atomic.Int64
}

// index is a configured index with its credentials held apart, so that its URL can be
// printed and compared without leaking them.
type index struct {
	base    *url.URL      // no userinfo, path ends in "/"
	user    *url.Userinfo // nil when the URL had no credentials
	display string        // base.String()
}

// New checks opts and returns a Client. It sends no request.
func New(opts Options) (*Client, error) {
	primary := opts.IndexURL
	if primary == "" {
		primary = DefaultIndexURL
	}
	c := &Client{
		http:          opts.HTTP,
		cacheDir:      opts.CacheDir,
		userAgent:     opts.UserAgent,
		allowUnhashed: opts.AllowUnhashed,
		retries:       opts.Retries,
		backoff:       opts.RetryBackoff,
		maxPage:       opts.MaxPageBytes,
		maxFile:       opts.MaxFileBytes,
		idle:          opts.IdleTimeout,
		bodyBase:      opts.BodyTimeout,
	}
	if c.bodyBase <= 0 {
		c.bodyBase = bodyCeilingBase
	}
	if c.idle <= 0 {
		c.idle = defaultIdleTimeout
	}
	if c.http == nil {
		// No overall timeout (a large wheel may take minutes; ctx bounds that), but a
		// server that accepts the connection and never answers is given up on.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = time.Minute
		c.http = &http.Client{Transport: t}
	}
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent
	}
	switch {
	case c.retries == 0:
		c.retries = defaultRetries
	case c.retries < 0:
		c.retries = 0
	}
	if c.backoff <= 0 {
		c.backoff = defaultBackoff
	}
	if c.maxPage <= 0 {
		c.maxPage = defaultMaxPageBytes
	}
	if c.maxFile <= 0 {
		c.maxFile = defaultMaxFileBytes
	}
	seen := map[string]bool{}
	for i, raw := range append([]string{primary}, opts.ExtraIndexURLs...) {
		ix, err := parseIndexURL(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what(i), err)
		}
		if ix.base.Scheme == "http" && ix.user != nil && !opts.AllowInsecureIndex && !loopback(ix.base.Hostname()) {
			return nil, fmt.Errorf("%s %s has credentials and is plain http: the password would cross the network in clear text — use https, or allow it with --allow-insecure-index", what(i), ix.display)
		}
		if seen[ix.display] {
			continue
		}
		seen[ix.display] = true
		c.indexes = append(c.indexes, ix)
	}
	return c, nil
}

// what names the i-th index URL of New in its errors.
func what(i int) string {
	if i > 0 {
		return "extra index URL"
	}
	return "index URL"
}

// loopback reports whether host (no port) is this machine: localhost or a loopback address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Insecure returns the configured indexes that use plain http (credentials removed): their
// pages and files can be read and changed on the way, which callers warn about.
func (c *Client) Insecure() []string {
	var out []string
	for _, ix := range c.indexes {
		if ix.base.Scheme == "http" {
			out = append(out, ix.display)
		}
	}
	return out
}

func parseIndexURL(raw string) (index, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// url.Error repeats the input, which may hold a password.
		return index{}, fmt.Errorf("cannot parse %q", redactString(raw))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return index{}, fmt.Errorf("%s: scheme must be http or https", redact(u))
	}
	if u.Host == "" {
		return index{}, fmt.Errorf("%s: no host", redact(u))
	}
	ix := index{user: u.User}
	b := *u
	b.User = nil
	b.Fragment, b.RawFragment = "", ""
	if !strings.HasSuffix(b.Path, "/") {
		// pip joins the project name onto the index URL as a path segment.
		b.Path += "/"
		if b.RawPath != "" {
			b.RawPath += "/"
		}
	}
	ix.base = &b
	ix.display = b.String()
	return ix, nil
}

// Indexes returns the configured index URLs, primary first, credentials removed.
func (c *Client) Indexes() []string {
	out := make([]string, len(c.indexes))
	for i, ix := range c.indexes {
		out[i] = ix.display
	}
	return out
}

// Stats reports network activity since New.
func (c *Client) Stats() Stats {
	return Stats{
		Requests:        c.requests.Load(),
		BytesDownloaded: c.bytes.Load(),
		CacheHits:       c.cacheHits.Load(),
	}
}

// Files lists a project's files from every index, primary index first, each index's files
// in the order it gave them. A project an index does not have (404) contributes nothing.
func (c *Client) Files(ctx context.Context, project string) ([]File, error) {
	if !pep.ValidName(project) {
		return nil, fmt.Errorf("invalid project name %q: names are ASCII letters, digits, '.', '-' and '_', starting and ending with a letter or digit", project)
	}
	name := pep.NormalizeName(project)
	results := make([][]File, len(c.indexes))
	errs := make([]error, len(c.indexes))
	var wg sync.WaitGroup
	for i, ix := range c.indexes {
		wg.Go(func() {
			results[i], errs[i] = c.indexFiles(ctx, ix, name)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var all []File
	for _, r := range results {
		all = append(all, r...)
	}
	return all, nil
}

func (c *Client) indexFiles(ctx context.Context, ix index, name string) ([]File, error) {
	page := *ix.base
	page.Path = ix.base.Path + name + "/"
	if ix.base.RawPath != "" {
		page.RawPath = ix.base.RawPath + name + "/"
	}
	var files []File
	err := c.withRetry(ctx, func() error {
		var err error
		files, err = c.fetchPage(ctx, ix, &page)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("index %s: project %s: %w", ix.display, name, err)
	}
	for i := range files {
		files[i].Index = ix.display
	}
	return files, nil
}
