// Command registry serves an OCI distribution registry (go-containerregistry's pkg/registry) on a loopback
// address, for the daemonless-build e2e run: Docker pushes the stand-in base image to it over plain HTTP
// (Docker allows that for 127.0.0.0/8 without configuration) and `containerize build --push` pulls the base
// from it and pushes the application image back.
//
//	registry -addr 127.0.0.1:5123 -dir BLOBS
//
// Blobs are kept in -dir (so a warm run's `docker push` finds the base's layers already there); manifests
// and tags live in memory and end with the process. It stops on SIGINT or SIGTERM.
//
// The blob store answers HEAD from the file's size, as registries do (distribution keeps blob metadata):
// go-containerregistry's own disk store re-hashes the whole blob on every HEAD, which for a 50 MB base
// costs tens of milliseconds per push and would be charged to the client in the benchmarks. Blobs are
// verified once, when they are uploaded (the registry checks the digest the client names).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:5123", "loopback address to listen on")
	dir := flag.String("dir", "", "folder for blobs (empty keeps them in memory)")
	flag.Parse()
	if err := run(*addr, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		os.Exit(1)
	}
}

func run(addr, dir string) error {
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	logger := log.New(os.Stderr, "", log.LstdFlags)
	// The referrers API lets `containerize build --push` attach the SBOM where clients look first.
	opts := []registry.Option{registry.Logger(logger), registry.WithReferrersSupport(true)}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		opts = append(opts, registry.WithBlobHandler(newDiskBlobs(dir)))
	}
	srv := &http.Server{Handler: registry.New(opts...), ReadHeaderTimeout: 30 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	logger.Printf("serving on http://%s", ln.Addr())
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// diskBlobs is go-containerregistry's disk blob store with a Stat that does not read the blob.
type diskBlobs struct {
	disk registry.BlobHandler // registry.NewDiskBlobHandler(dir): also a BlobPutHandler and BlobDeleteHandler
	dir  string
}

var (
	_ registry.BlobStatHandler   = diskBlobs{}
	_ registry.BlobPutHandler    = diskBlobs{}
	_ registry.BlobDeleteHandler = diskBlobs{}
)

func newDiskBlobs(dir string) diskBlobs { return diskBlobs{registry.NewDiskBlobHandler(dir), dir} }

// Get implements registry.BlobHandler.
func (d diskBlobs) Get(ctx context.Context, repo string, h v1.Hash) (io.ReadCloser, error) {
	return d.disk.Get(ctx, repo, h)
}

// Put implements registry.BlobPutHandler: a temporary file renamed into place, so a stored blob is complete.
func (d diskBlobs) Put(ctx context.Context, repo string, h v1.Hash, rc io.ReadCloser) error {
	return d.disk.(registry.BlobPutHandler).Put(ctx, repo, h, rc)
}

// Delete implements registry.BlobDeleteHandler.
func (d diskBlobs) Delete(ctx context.Context, repo string, h v1.Hash) error {
	return d.disk.(registry.BlobDeleteHandler).Delete(ctx, repo, h)
}

// Stat implements registry.BlobStatHandler: the size of dir/<algorithm>/<hex>, where the disk store puts it.
func (d diskBlobs) Stat(_ context.Context, _ string, h v1.Hash) (int64, error) {
	fi, err := os.Stat(filepath.Join(d.dir, h.Algorithm, h.Hex))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, registry.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// listen refuses anything but a loopback address: the registry has no authentication.
func listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-addr %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("-addr %q: only a loopback IP address (127.0.0.1, ::1) is allowed; the registry has no authentication", addr)
	}
	return net.Listen("tcp", addr)
}
