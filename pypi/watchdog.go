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
// not hang a build: every read has to bring bytes within the idle timeout, and the body has to keep an
// average pace: after bodyCeilingBase, at least bodyMinRate bytes a second, so a server sending one byte
// just inside the idle timeout is still given up on. A 1 GiB wheel may take 5 minutes plus about 4.5 hours
// (64 KiB/s, a slow but working line).
const (
	defaultIdleTimeout = 30 * time.Second
	bodyCeilingBase    = 5 * time.Minute
	bodyMinRate        = 64 << 10
)

// errStalled and errTooSlow are what a read of a body the watchdog gave up on returns.
var (
	errStalled = errors.New("the server stopped sending")
	errTooSlow = errors.New("the server is sending too slowly")
)

// bodyCeiling is the longest a body of size bytes may take, base plus a second per bodyMinRate bytes.
func bodyCeiling(base time.Duration, size int64) time.Duration {
	return base + time.Duration(size/bodyMinRate)*time.Second
}

// watchdog is a response body whose request is cancelled when no bytes arrive for idle, or when the bytes
// received so far took longer than their ceiling; reads then fail with errStalled or errTooSlow.
type watchdog struct {
	body     io.ReadCloser
	cancel   context.CancelFunc
	idle     time.Duration
	base     time.Duration
	start    time.Time
	received int64
	timer    *time.Timer

	mu  sync.Mutex
	why error
}

func newWatchdog(body io.ReadCloser, cancel context.CancelFunc, idle, base time.Duration) *watchdog {
	w := &watchdog{body: body, cancel: cancel, idle: idle, base: base, start: time.Now()}
	w.timer = time.AfterFunc(idle, func() { w.stop(fmt.Errorf("%w for %s", errStalled, idle)) })
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
		w.received += int64(n)
		if took := time.Since(w.start); took > bodyCeiling(w.base, w.received) {
			w.stop(fmt.Errorf("%w (%d bytes in %s)", errTooSlow, w.received, took.Round(time.Millisecond)))
			return n, w.reason()
		}
	}
	if err != nil && err != io.EOF {
		if why := w.reason(); why != nil {
			return n, why
		}
	}
	return n, err
}

func (w *watchdog) reason() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.why
}

func (w *watchdog) Close() error {
	w.timer.Stop()
	err := w.body.Close()
	w.cancel()
	return err
}
