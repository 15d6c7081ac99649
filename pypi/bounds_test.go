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

// A body that keeps trickling inside the idle timeout is still bounded by the ceiling for its size.
func TestBodyCeiling(t *testing.T) {
	if got := bodyCeiling(1 << 30); got < time.Hour || got > 6*time.Hour {
		t.Errorf("ceiling for 1 GiB = %s", got)
	}
	w := newWatchdog(http.NoBody, func() {}, time.Hour, time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	w.mu.Lock()
	why := w.why
	w.mu.Unlock()
	w.Close()
	if why == nil || !strings.Contains(why.Error(), "too slowly") {
		t.Errorf("why = %v", why)
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
