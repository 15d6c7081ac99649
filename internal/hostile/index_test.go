package hostile

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/containerize/containerize/pypi"
)

// indexCases serve hostile pages and files from a server on 127.0.0.1; each must end in an error naming
// the URL (or a correct, empty result), leave no file in the cache, and not hang.
func indexCases() []hostileCase {
	type ic struct {
		name     string
		handler  http.HandlerFunc
		download bool // Download /files/x instead of listing the project
	}
	writeHTML := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(body))
		}
	}
	writeJSON := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			w.Write([]byte(body))
		}
	}
	stream := func(ct string, n int64, announce bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			if announce {
				w.Header().Set("Content-Length", "10000000000")
			}
			chunk := make([]byte, 1<<20)
			for i := range chunk {
				chunk[i] = '<'
			}
			for sent := int64(0); sent < n; sent += int64(len(chunk)) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	}
	stall := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><a href="))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}
	trickle := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for range 200 {
			if _, err := w.Write([]byte("<")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	table := []ic{
		{"page-over-cap-chunked", stream("text/html", 65<<20, false), false},
		{"page-announces-10GB", stream("text/html", 1<<20, true), false},
		{"file-announces-10GB", stream("application/octet-stream", 1<<20, true), true},
		{"file-larger-than-index-says", stream("application/octet-stream", 65<<20, false), true},
		{"page-stalls", stall, false},
		{"file-stalls", stall, true},
		{"page-trickles", trickle, false},
		{"html-malformed", writeHTML("<html><a href='x-1.whl#sha256=zz'<<<a href=\x00\xff><a><<<" + strings.Repeat("<a href=", 10000)), false},
		{"html-binary", writeHTML("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"), false},
		{"html-utf16", writeHTML("\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00"), false},
		{"html-deep-nesting", writeHTML(strings.Repeat("<div>", 200000) + "<a href='django-1.0-py3-none-any.whl'>x</a>"), false},
		{"html-href-schemes", writeHTML("<a href='file:///etc/passwd'>django-1.0-py3-none-any.whl</a><a href='javascript:alert(1)'>django-1.0.tar.gz</a><a href='ftp://x/django-2.0-py3-none-any.whl'>x</a>"), false},
		{"json-malformed", writeJSON(`{"meta": {"api-version": "1.0"}, "files": [{"filename": `), false},
		{"json-wrong-types", writeJSON(`{"meta": {"api-version": 1}, "files": {"filename": 7}}`), false},
		{"json-deep-nesting", writeJSON(`{"meta": {"api-version": "1.0"}, "files": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`), false},
		{"json-future-major", writeJSON(`{"meta": {"api-version": "9.0"}, "files": []}`), false},
		{"redirect-loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, r.URL.Path, http.StatusFound) }, false},
		{"redirect-to-file-scheme", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		}, false},
		{"redirect-to-closed-port", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/simple/django/", http.StatusFound)
		}, false},
	}
	var cases []hostileCase
	for _, c := range table {
		cases = append(cases, hostileCase{"index/" + c.name, func(t *testing.T) {
			srv := httptest.NewServer(c.handler)
			defer srv.Close()
			cache := t.TempDir()
			client, err := pypi.New(pypi.Options{IndexURL: srv.URL + "/simple/", HTTP: srv.Client(), CacheDir: cache,
				AllowUnhashed: true, IdleTimeout: 300 * time.Millisecond, BodyTimeout: time.Second, Retries: 1, RetryBackoff: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if c.download {
				_, err = client.Download(t.Context(), pypi.File{Filename: wheelName, URL: srv.URL + "/files/" + wheelName, Size: 1 << 20}, "")
				if err == nil {
					t.Fatal("a hostile download succeeded")
				}
				clearError(t, "download", err, wheelName, "/files/")
			} else {
				var files []pypi.File
				files, err = client.Files(t.Context(), "django")
				if err == nil {
					for _, f := range files {
						if !strings.HasPrefix(f.URL, "http://") && !strings.HasPrefix(f.URL, "https://") {
							t.Errorf("a file with URL %q", f.URL)
						}
					}
				}
				clearError(t, "list", err, "/simple/django/", "127.0.0.1:1")
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %s", d)
			}
			filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					t.Errorf("left in the cache: %s", p)
				}
				return nil
			})
		}})
	}
	return cases
}
