package pypi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Time bounds of a response body. A server that sends its headers and then trickles the body (or stops) must
// not hang a build: every read has to bring bytes within the idle timeout, and the whole body has to arrive
// within a ceiling that grows with its size, so a server sending one byte just inside the idle timeout is
// still given up on.
const (
	defaultIdleTimeout = 30 * time.Second
	// bodyCeilingBase plus one second per bodyMinRate bytes is the longest a body may take: 5 minutes plus
	// about 4.5 hours for a 1 GiB wheel (64 KiB/s, a slow but working line).
	bodyCeilingBase = 5 * time.Minute
	bodyMinRate     = 64 << 10
)

// errStalled and errTooSlow are what a read of a body the watchdog gave up on returns.
var (
	errStalled = errors.New("the server stopped sending")
	errTooSlow = errors.New("the server is sending too slowly")
)

// bodyCeiling is the longest a body of size bytes may take.
func bodyCeiling(size int64) time.Duration {
	return bodyCeilingBase + time.Duration(size/bodyMinRate)*time.Second
}

// watchdog is a response body whose request is cancelled when no bytes arrive for idle, or when the
// whole body takes longer than its ceiling; reads then fail with errStalled or errTooSlow.
type watchdog struct {
	body   io.ReadCloser
	cancel context.CancelFunc
	idle   time.Duration

	mu      sync.Mutex
	timer   *time.Timer
	ceiling *time.Timer
	why     error
}

func newWatchdog(body io.ReadCloser, cancel context.CancelFunc, idle, ceiling time.Duration) *watchdog {
	w := &watchdog{body: body, cancel: cancel, idle: idle}
	w.timer = time.AfterFunc(idle, func() { w.stop(fmt.Errorf("%w for %s", errStalled, idle)) })
	w.ceiling = time.AfterFunc(ceiling, func() { w.stop(fmt.Errorf("%w (not done after %s)", errTooSlow, ceiling)) })
	return w
}

func (w *watchdog) stop(why error) {
	w.mu.Lock()
	if w.why == nil {
		w.why = why
	}
	w.mu.Unlock()
	w.cancel()
}

func (w *watchdog) Read(p []byte) (int, error) {
	n, err := w.body.Read(p)
	if n > 0 {
		w.timer.Reset(w.idle)
	}
	if err != nil && err != io.EOF {
		w.mu.Lock()
		why := w.why
		w.mu.Unlock()
		if why != nil {
			return n, why
		}
	}
	return n, err
}

func (w *watchdog) Close() error {
	w.timer.Stop()
	w.ceiling.Stop()
	err := w.body.Close()
	w.cancel()
	return err
}
