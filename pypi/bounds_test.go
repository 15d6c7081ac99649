package pypi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A server that sends its headers and then trickles or stops must not hang the client.
func TestBodyIdleTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(200)
		w.Write([]byte("<html>"))
		w.(http.Flusher).Flush()
		select { // then nothing, until the client gives up
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	c := newTestClient(t, Options{IndexURL: srv.URL + "/simple/", HTTP: srv.Client(), IdleTimeout: 100 * time.Millisecond, Retries: 1, RetryBackoff: time.Millisecond})
	start := time.Now()
	_, err := c.Files(t.Context(), "django")
	if err == nil || !strings.Contains(err.Error(), "stopped sending") {
		t.Fatalf("err = %v, want a stall error", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s", d)
	}
	if got := c.Stats().Requests; got != 2 {
		t.Errorf("requests = %d, want 2 (a stall is retried once)", got)
	}
}

// A body that keeps trickling inside the idle timeout is still given up on once it falls behind the pace.
func TestBodyCeiling(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for range 100 {
			w.Write([]byte("<"))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}))
	defer srv.Close()
	c := newTestClient(t, Options{IndexURL: srv.URL + "/simple/", HTTP: srv.Client(), IdleTimeout: time.Second, BodyTimeout: 300 * time.Millisecond, Retries: -1})
	if _, err := c.Files(t.Context(), "django"); err == nil || !strings.Contains(err.Error(), "too slowly") {
		t.Fatalf("err = %v, want a trickle error", err)
	}

	if got := bodyCeiling(bodyCeilingBase, 1<<30); got < time.Hour || got > 6*time.Hour {
		t.Errorf("ceiling for 1 GiB = %s", got)
	}
}

// A Content-Length beyond the cap is refused before any of the body is read.
func TestContentLengthCheckedFirst(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10000000000") // 10 GB, never sent
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := newTestClient(t, Options{IndexURL: srv.URL + "/simple/", HTTP: srv.Client(), CacheDir: t.TempDir(), AllowUnhashed: true})
	start := time.Now()
	_, err := c.Download(t.Context(), File{Filename: "x-1-py3-none-any.whl", URL: srv.URL + "/x-1-py3-none-any.whl"}, "")
	if err == nil || !strings.Contains(err.Error(), "announces 10000000000 bytes") {
		t.Fatalf("err = %v", err)
	}
	if c.Stats().BytesDownloaded != 0 || time.Since(start) > 3*time.Second {
		t.Errorf("read %d bytes in %s", c.Stats().BytesDownloaded, time.Since(start))
	}
}
