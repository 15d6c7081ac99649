package pypi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// HTTPError is a response with a status the client does not accept.
type HTTPError struct {
	URL        string // credentials removed
	StatusCode int
	Status     string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("GET %s: %s", e.URL, e.Status)
}

// transient reports whether err is worth retrying: a server error, or the network failing
// in a way that a second attempt may not repeat.
func transient(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.StatusCode >= 500
	}
	if errors.Is(err, errStalled) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	for _, e := range []error{syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED,
		syscall.EPIPE, io.EOF, io.ErrUnexpectedEOF} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// withRetry runs op until it succeeds, fails for good, or the retries are spent, waiting
// with exponential backoff between attempts.
func (c *Client) withRetry(ctx context.Context, op func() error) error {
	for attempt := 0; ; attempt++ {
		err := op()
		if err == nil || attempt >= c.retries || !transient(err) || ctx.Err() != nil {
			return err
		}
		t := time.NewTimer(c.backoff << attempt)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (stopped retrying: %w)", err, ctx.Err())
		case <-t.C:
		}
	}
}

// get sends one GET for u (which must have no userinfo) with basic auth from user, and
// returns the response when its status is 2xx, or 404 when allow404 is set (its body
// already read and closed); other statuses become *HTTPError.
//
// limit is the most bytes the caller will read (limitText says why, for the error): a Content-Length above it is refused before the body is
// read, and the body is read under a watchdog (see watchdog) that gives up on a stalled or trickling body.
func (c *Client) get(ctx context.Context, u *url.URL, accept string, user *url.Userinfo, allow404 bool, limit int64, limitText string) (*http.Response, error) {
	ctx, cancel := context.WithCancel(ctx)
	resp, err := c.send(ctx, u, accept, user, allow404)
	if err != nil || resp.StatusCode == http.StatusNotFound {
		cancel()
		return resp, err
	}
	if resp.ContentLength > limit {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("GET %s: the server announces %d bytes, larger than %s", redact(u), resp.ContentLength, limitText)
	}
	resp.Body = newWatchdog(resp.Body, cancel, c.idle, c.bodyBase)
	return resp, nil
}

func (c *Client) send(ctx context.Context, u *url.URL, accept string, user *url.Userinfo, allow404 bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", redact(u), err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if user != nil {
		pass, _ := user.Password()
		req.SetBasicAuth(user.Username(), pass)
	}
	c.requests.Add(1)
	resp, err := c.http.Do(req)
	if err != nil {
		// Do's *url.Error names u, which carries no credentials.
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	// Read a little of the body so that the connection can be reused.
	n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	c.bytes.Add(n)
	resp.Body.Close()
	if allow404 && resp.StatusCode == http.StatusNotFound {
		return resp, nil
	}
	return nil, &HTTPError{URL: redact(resp.Request.URL), StatusCode: resp.StatusCode, Status: resp.Status}
}

// fetchPage gets and parses one project page; a 404 is an empty page.
func (c *Client) fetchPage(ctx context.Context, ix index, page *url.URL) ([]File, error) {
	resp, err := c.get(ctx, page, acceptHeader, ix.user, true, c.maxPage, fmt.Sprintf("the %d-byte limit", c.maxPage))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	defer resp.Body.Close()
	body, err := c.readBounded(resp.Body, c.maxPage)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", redact(page), err)
	}
	// Relative URLs are relative to the page that was finally served, after redirects.
	final := *resp.Request.URL
	final.User = nil
	kind, err := pageKind(resp.Header.Get("Content-Type"), body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redact(&final), err)
	}
	var files []File
	switch kind {
	case kindJSON:
		files, err = parseJSON(body, &final)
	default:
		files, err = parseHTML(body, &final)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redact(&final), err)
	}
	return files, nil
}

// readBounded reads all of r, counting the bytes, and fails rather than read more than limit.
func (c *Client) readBounded(r io.Reader, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, limit+1))
	c.bytes.Add(n)
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, fmt.Errorf("response larger than the %d-byte limit", limit)
	}
	return buf.Bytes(), nil
}

type kind int

const (
	kindHTML kind = iota
	kindJSON
)

// pageKind decides how to parse a project page from its Content-Type. Servers that send a
// generic or missing type (static file hosts) are sniffed instead of refused.
func pageKind(contentType string, body []byte) (kind, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil {
		switch mt {
		case "application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json", "application/json":
			return kindJSON, nil
		case "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html", "text/html", "application/xhtml+xml":
			return kindHTML, nil
		}
		if strings.HasPrefix(mt, "application/vnd.pypi.simple.") {
			return 0, fmt.Errorf("unsupported Simple API content type %q (this client speaks v1)", mt)
		}
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n\ufeff")
	switch {
	case len(trimmed) == 0 || trimmed[0] == '<':
		return kindHTML, nil
	case trimmed[0] == '{':
		return kindJSON, nil
	}
	return 0, fmt.Errorf("content type %q is neither the Simple API's HTML nor its JSON", contentType)
}

// checkAPIVersion applies PEP 629: a newer major version must fail, a newer minor version
// is read as far as it is understood.
func checkAPIVersion(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	major, _, _ := strings.Cut(v, ".")
	n := 0
	for _, r := range major {
		if r < '0' || r > '9' || n > 1000 {
			return fmt.Errorf("malformed Simple API version %q", v)
		}
		n = n*10 + int(r-'0')
	}
	if major == "" {
		return fmt.Errorf("malformed Simple API version %q", v)
	}
	if n > supportedMajor {
		return fmt.Errorf("index uses Simple API version %s; this client supports %d.x: upgrade containerize", v, supportedMajor)
	}
	return nil
}

// credentialsFor returns the basic-auth credentials for u: its own userinfo if it has
// some, else those of a configured index with the same scheme and host (as pip does, so
// that files hosted beside a private index can be fetched).
func (c *Client) credentialsFor(u *url.URL) *url.Userinfo {
	if u.User != nil {
		return u.User
	}
	for _, ix := range c.indexes {
		if ix.user != nil && ix.base.Scheme == u.Scheme && strings.EqualFold(ix.base.Host, u.Host) {
			return ix.user
		}
	}
	return nil
}

// redact renders u without its userinfo.
func redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := *u
	v.User = nil
	return v.String()
}

// redactString removes userinfo from a URL string. One that does not parse, or has an "@"
// that the parse did not take for userinfo, is redacted as text (over-hiding is safe): everything from the scheme's "://" up to the last
// "@" is hidden, since a password may itself hold "@", "/" or ":".
func redactString(raw string) string {
	if u, err := url.Parse(raw); err == nil && (u.User != nil || !strings.Contains(raw, "@")) {
		return redact(u)
	}
	prefix, rest := "", raw
	if j := strings.Index(raw, "://"); j >= 0 {
		prefix, rest = raw[:j+3], raw[j+3:]
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		return prefix + "***" + rest[i:]
	}
	return raw
}
