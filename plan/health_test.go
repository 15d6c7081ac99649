package plan

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/containerize/containerize/django"
)

// TestHealthcheckCommand runs the HEALTHCHECK's probe against a server answering as Django
// would: serving (a page, a redirect to https, a 404 at /) is healthy; a 400 for a Host
// outside ALLOWED_HOSTS, a 500 or nothing listening is not. The probe sends the Host and
// the proxy's https header the settings name.
func TestHealthcheckCommand(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	header := probeHeader(&django.Info{ProxySSLHeader: []string{"HTTP_X_FORWARDED_PROTO", "https"}})
	if len(header) != 2 || header[0] != "X-Forwarded-Proto" || header[1] != "https" {
		t.Fatalf("probeHeader = %q", header)
	}
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		healthy bool
	}{
		{"page", func(w http.ResponseWriter, r *http.Request) {}, true},
		{"redirect to https", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://shop.example.com/", http.StatusMovedPermanently)
		}, true},
		{"nothing at /", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, true},
		{"DisallowedHost", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadRequest) }, false},
		{"server error", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }, false},
		{"Host and header as the settings want", func(w http.ResponseWriter, r *http.Request) {
			if r.Host != "shop.example.com" || r.Header.Get("X-Forwarded-Proto") != "https" {
				w.WriteHeader(http.StatusBadRequest)
			}
		}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
			n, _ := strconv.Atoi(port)
			if got := runProbe(t, python, healthcheck(n, "shop.example.com", header)); got != tt.healthy {
				t.Errorf("healthy = %v, want %v", got, tt.healthy)
			}
		})
	}
	t.Run("not listening", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if runProbe(t, python, healthcheck(port, "localhost", nil)) {
			t.Error("healthy with nothing listening")
		}
	})
}

func runProbe(t *testing.T, python string, h Healthcheck) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, h.Command[1:]...).CombinedOutput()
	if err != nil && ctx.Err() != nil {
		t.Fatalf("the probe hung: %s", out)
	}
	return err == nil
}

func TestProbeHost(t *testing.T) {
	for _, tt := range []struct {
		hosts []string
		env   string
		want  string
	}{
		{nil, "", "localhost"},
		{[]string{"shop.example.com", "localhost"}, "", "localhost"},
		{[]string{".example.com"}, "", "example.com"},
		{[]string{"*"}, "", "localhost"},
		{[]string{"shop.example.com"}, "DJANGO_ALLOWED_HOSTS", "localhost"},
	} {
		f := &facts{d: &django.Info{AllowedHosts: tt.hosts, AllowedHostsEnv: tt.env}}
		if got := probeHost(f); got != tt.want {
			t.Errorf("probeHost(%q, %q) = %q, want %q", tt.hosts, tt.env, got, tt.want)
		}
	}
}
