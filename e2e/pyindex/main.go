// Command pyindex serves a folder of wheels as a Python package index on 127.0.0.1, in both
// forms pip and other installers speak: the PEP 503 HTML simple API and the PEP 691 JSON
// one, chosen by the Accept header. Links carry sha256 hashes; project names are PEP 503
// normalised (other spellings redirect); METADATA is served beside each wheel (PEP 658).
//
//	go run ./e2e/pyindex -dir WHEELS -port 3141
//
// It listens on the loopback interface only: the e2e harness's Docker builds reach it
// through host networking, and nothing else on the network should.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	dir := flag.String("dir", "", "folder of .whl files to serve (required)")
	port := flag.Int("port", 3141, "TCP port on 127.0.0.1")
	quiet := flag.Bool("quiet", false, "do not log each request")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: pyindex -dir WHEELS [-port 3141] [-quiet]")
		os.Exit(2)
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		fmt.Fprintf(os.Stderr, "pyindex: -dir %s is not a folder\n", *dir)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, *dir, *port, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "pyindex:", err)
		os.Exit(1)
	}
}

func serve(ctx context.Context, dir string, port int, quiet bool) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return err
	}
	var h http.Handler = newIndex(os.DirFS(dir))
	if !quiet {
		h = logRequests(h)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("serving %s at http://%s/simple/", dir, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Bounded: a stuck download must not keep the harness from finishing.
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// logRequests writes one line per request, so a failed pip install in a build can be
// matched with what the index answered.
func logRequests(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		log.Printf("%s %s %d (Accept: %s)", r.Method, r.URL.Path, sw.status, r.Header.Get("Accept"))
	})
}
