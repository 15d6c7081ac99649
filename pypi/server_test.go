package pypi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/containerize/containerize/pep"
)

// testIndex is a real package index for the tests: PEP 503 HTML and PEP 691 JSON with
// content negotiation, PEP 629 versioning, PEP 592 yanking, PEP 658/714 metadata files,
// basic auth, redirects of unnormalized names, and injectable failures. It serves
// distribution files the tests make up.
type testIndex struct {
	srv *httptest.Server

	mu         sync.Mutex
	htmlOnly   bool   // ignore Accept and always answer HTML, like an old or static index
	apiVersion string // PEP 629 / PEP 691 version; default "1.1"
	user, pass string // when set, every request needs these as basic auth
	hrefPrefix string // how pages point at files; default "../../files/" (relative)
	projects   map[string][]dist
	fail       map[string]int    // path -> number of 500 answers still to give
	reset      map[string]int    // path -> number of connections still to drop unanswered
	truncate   map[string]int    // path -> number of bodies still to cut short
	status     map[string]int    // path -> fixed status
	redirect   map[string]string // path -> where it moved
	block      map[string]bool   // path -> hang until the client gives up
	log        []served
	written    int64 // response body bytes written
}

// dist is a file the index offers.
type dist struct {
	name           string
	data           []byte
	requiresPython string
	yanked         *string // nil: not yanked; otherwise the reason, possibly empty
	metadata       []byte  // served at <file URL>.metadata when non-nil
	oldMetadataKey bool    // advertise it under PEP 658's dist-info-metadata only
	noHash         bool    // advertise no hash at all
	wrongHash      bool    // advertise a sha256 that the bytes do not have
}

type served struct {
	path, accept, auth, userAgent, format string
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func (d dist) sha256() string {
	if d.wrongHash {
		return sha256Hex(append([]byte("not "), d.data...))
	}
	return sha256Hex(d.data)
}

func newTestIndex(t *testing.T, projects map[string][]dist) *testIndex {
	t.Helper()
	ti := &testIndex{
		projects: projects,
		fail:     map[string]int{},
		reset:    map[string]int{},
		truncate: map[string]int{},
		status:   map[string]int{},
		redirect: map[string]string{},
		block:    map[string]bool{},
	}
	ti.srv = httptest.NewServer(http.HandlerFunc(ti.serve))
	t.Cleanup(ti.srv.Close)
	return ti
}

// url returns the index URL, with credentials when given.
func (ti *testIndex) url(userinfo string) string {
	u := ti.srv.URL + "/simple/"
	if userinfo != "" {
		u = strings.Replace(u, "http://", "http://"+userinfo+"@", 1)
	}
	return u
}

func (ti *testIndex) requests() []served {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	return append([]served(nil), ti.log...)
}

func (ti *testIndex) bytesWritten() int64 {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	return ti.written
}

func (ti *testIndex) set(f func(ti *testIndex)) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	f(ti)
}

var pagePath = regexp.MustCompile(`^/(simple|mirror/v2)/([^/]+)/$`)

func (ti *testIndex) serve(w http.ResponseWriter, r *http.Request) {
	ti.mu.Lock()
	entry := served{path: r.URL.Path, accept: r.Header.Get("Accept"), auth: r.Header.Get("Authorization"), userAgent: r.UserAgent()}
	idx := len(ti.log)
	ti.log = append(ti.log, entry)
	cw := &countingRW{ResponseWriter: w, ti: ti}
	p := r.URL.Path
	if ti.user != "" {
		if u, pw, ok := r.BasicAuth(); !ok || u != ti.user || pw != ti.pass {
			ti.mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Basic realm="index"`)
			http.Error(cw, "auth needed", http.StatusUnauthorized)
			return
		}
	}
	if ti.reset[p] > 0 {
		ti.reset[p]--
		ti.mu.Unlock()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	if ti.fail[p] > 0 {
		ti.fail[p]--
		ti.mu.Unlock()
		http.Error(cw, "boom", http.StatusInternalServerError)
		return
	}
	if code := ti.status[p]; code != 0 {
		ti.mu.Unlock()
		http.Error(cw, http.StatusText(code), code)
		return
	}
	if to, ok := ti.redirect[p]; ok {
		ti.mu.Unlock()
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	if ti.block[p] {
		ti.mu.Unlock()
		<-r.Context().Done()
		return
	}
	cut := ti.truncate[p] > 0
	if cut {
		ti.truncate[p]--
	}
	ti.mu.Unlock()

	if m := pagePath.FindStringSubmatch(p); m != nil {
		name := m[2]
		if norm := pep.NormalizeName(name); norm != name {
			// PEP 503 allows this redirect, but clients must not rely on it.
			http.Redirect(w, r, "/"+m[1]+"/"+norm+"/", http.StatusMovedPermanently)
			return
		}
		format := ti.page(cw, r, name)
		ti.mu.Lock()
		ti.log[idx].format = format
		ti.mu.Unlock()
		return
	}
	if i := strings.Index(p, "/files/"); i >= 0 {
		ti.file(cw, path.Base(p), cut)
		return
	}
	http.NotFound(cw, r)
}

type countingRW struct {
	http.ResponseWriter
	ti *testIndex
}

func (c *countingRW) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.ti.mu.Lock()
	c.ti.written += int64(n)
	c.ti.mu.Unlock()
	return n, err
}

func (ti *testIndex) file(w http.ResponseWriter, name string, cut bool) {
	body, ok := ti.lookup(name)
	if !ok {
		http.Error(w, "no such file", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if cut {
		// Promise the whole file, send half, and drop the connection.
		w.Write(body[:len(body)/2])
		panic(http.ErrAbortHandler)
	}
	w.Write(body)
}

// lookup finds a distribution file, or the metadata file beside it, by name.
func (ti *testIndex) lookup(name string) ([]byte, bool) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	for _, files := range ti.projects {
		for _, d := range files {
			switch {
			case name == d.name:
				return d.data, true
			case name == d.name+".metadata" && d.metadata != nil:
				return d.metadata, true
			}
		}
	}
	return nil, false
}

// acceptQ returns the q value the Accept header gives the first of types it names.
func acceptQ(accept string, types ...string) float64 {
	best := 0.0
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		for _, t := range types {
			if mt != t {
				continue
			}
			q := 1.0
			if s, ok := params["q"]; ok {
				q, _ = strconv.ParseFloat(s, 64)
			}
			best = max(best, q)
		}
	}
	return best
}

// page renders the project page in the format the request asks for and returns the
// format used.
func (ti *testIndex) page(w http.ResponseWriter, r *http.Request, name string) string {
	ti.mu.Lock()
	files, ok := ti.projects[name]
	htmlOnly, version, prefix := ti.htmlOnly, ti.apiVersion, ti.hrefPrefix
	ti.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return "404"
	}
	if version == "" {
		version = "1.1"
	}
	if prefix == "" {
		prefix = "../../files/"
	}
	useJSON := false
	if !htmlOnly {
		accept := r.Header.Get("Accept")
		qj := acceptQ(accept, "application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json")
		qh := acceptQ(accept, "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html", "text/html")
		if qj == 0 && qh == 0 {
			http.Error(w, "not acceptable", http.StatusNotAcceptable)
			return "406"
		}
		useJSON = qj >= qh
	}
	if useJSON {
		w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
		w.Write(renderJSON(name, version, prefix, files))
		return "json"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, renderTestHTML(name, version, prefix, files))
	return "html"
}

func renderJSON(name, version, prefix string, files []dist) []byte {
	type jf struct {
		Filename         string            `json:"filename"`
		URL              string            `json:"url"`
		Hashes           map[string]string `json:"hashes"`
		RequiresPython   *string           `json:"requires-python,omitempty"`
		Yanked           any               `json:"yanked,omitempty"`
		CoreMetadata     any               `json:"core-metadata,omitempty"`
		DistInfoMetadata any               `json:"dist-info-metadata,omitempty"`
		Size             int               `json:"size"`
		Unknown          string            `json:"some-future-key"`
	}
	page := map[string]any{
		"meta":     map[string]string{"api-version": version},
		"name":     name,
		"versions": []string{},
	}
	var out []jf
	for _, d := range files {
		f := jf{Filename: d.name, URL: prefix + d.name, Hashes: map[string]string{}, Size: len(d.data), Unknown: "ignored"}
		if !d.noHash {
			f.Hashes["sha256"] = d.sha256()
		}
		if d.requiresPython != "" {
			f.RequiresPython = &d.requiresPython
		}
		if d.yanked != nil {
			if *d.yanked == "" {
				f.Yanked = true
			} else {
				f.Yanked = *d.yanked
			}
		}
		if d.metadata != nil {
			h := map[string]string{"sha256": sha256Hex(d.metadata)}
			if d.oldMetadataKey {
				f.DistInfoMetadata = h
			} else {
				f.CoreMetadata = h
				f.DistInfoMetadata = h
			}
		}
		out = append(out, f)
	}
	page["files"] = out
	b, err := json.Marshal(page)
	if err != nil {
		panic(err)
	}
	return b
}

func renderTestHTML(name, version, prefix string, files []dist) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html>\n<head>\n<meta name=\"pypi:repository-version\" content=\"%s\">\n<title>Links for %s</title>\n</head>\n<body>\n<h1>Links for %s</h1>\n", version, name, name)
	// Markup that holds anchors a careless parser would pick up.
	b.WriteString("<!-- <a href=\"../../files/commented-0.1.tar.gz\">commented-0.1.tar.gz</a> -->\n")
	b.WriteString("<script>document.write('<a href=\"x.whl\">x.whl</a>')</script>\n")
	for _, d := range files {
		href := prefix + d.name
		if !d.noHash {
			href += "#sha256=" + d.sha256()
		}
		fmt.Fprintf(&b, `<a href="%s"`, html.EscapeString(href))
		if d.requiresPython != "" {
			fmt.Fprintf(&b, ` data-requires-python="%s"`, html.EscapeString(d.requiresPython))
		}
		if d.yanked != nil {
			fmt.Fprintf(&b, ` data-yanked="%s"`, html.EscapeString(*d.yanked))
		}
		if d.metadata != nil {
			v := "sha256=" + sha256Hex(d.metadata)
			if d.oldMetadataKey {
				fmt.Fprintf(&b, ` data-dist-info-metadata="%s"`, v)
			} else {
				fmt.Fprintf(&b, ` data-core-metadata="%s" data-dist-info-metadata="%s"`, v, v)
			}
		}
		fmt.Fprintf(&b, ">%s</a><br />\n", html.EscapeString(d.name))
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}
