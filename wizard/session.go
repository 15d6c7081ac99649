package wizard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	uv "github.com/charmbracelet/ultraviolet"
	"golang.org/x/term"
)

// session owns the terminal's input for the whole run, so no keystroke is lost between
// the run's prompts. Each huh form runs as its own bubbletea program, and a program reads
// ahead: what it has read when it quits is gone, and between two programs the terminal is
// back in line mode, where Enter becomes a line feed and Ctrl-C kills the process. So the
// session puts the terminal in raw input mode once, reads and decodes it with one reader
// from the first prompt to Close, and queues the events; a program takes them one at a
// time (see driver), and what it has not taken stays queued for the next.
//
// Output processing is left on, so what the run prints between prompts (a diff, a report)
// keeps its line breaks.
type session struct {
	restore func() error
	cancel  context.CancelFunc
	reader  interface{ Cancel() bool }
	done    chan struct{} // closed when the reader has stopped

	mu    sync.Mutex
	queue []uv.Event
	ended bool          // the input ended (or Close was called)
	ready chan struct{} // one pending wake-up for next
}

// startSession starts reading in: a terminal is switched to raw input mode first (not a
// terminal, e.g. a pipe in tests, is read as it is). termType is $TERM, which tells how
// some keys are encoded.
func startSession(in io.Reader, termType string) (*session, error) {
	s := &session{ready: make(chan struct{}, 1), done: make(chan struct{}), restore: func() error { return nil }}
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		restore, err := rawInput(int(f.Fd()))
		if err != nil {
			return nil, fmt.Errorf("prepare the terminal for the questions: %w", err)
		}
		s.restore = restore
	}
	cr, err := uv.NewCancelReader(in)
	if err != nil {
		_ = s.restore()
		return nil, fmt.Errorf("read the terminal: %w", err)
	}
	s.reader = cr
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	events := make(chan uv.Event)
	go func() {
		// EOF and a cancelled read end the stream without an error; another read error
		// ends it too, and the questions then fail as aborted.
		_ = uv.NewTerminalReader(cr, termType).StreamEvents(ctx, events)
		close(events)
	}()
	go func() {
		defer close(s.done)
		for ev := range events {
			s.push(ev)
		}
		s.mu.Lock()
		s.ended = true
		s.mu.Unlock()
		s.wake()
	}()
	return s, nil
}

func (s *session) wake() {
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

func (s *session) push(ev uv.Event) {
	// A line feed is Enter: keys typed before raw mode was on went through the
	// terminal's line discipline, which turned Enter's carriage return into one.
	if k, ok := ev.(uv.KeyPressEvent); ok && k.Code == 'j' && k.Mod == uv.ModCtrl {
		ev = uv.KeyPressEvent{Code: uv.KeyEnter}
	}
	s.mu.Lock()
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	s.wake()
}

// next takes the oldest queued event, waiting for one; ok is false when stop was closed
// first or the input has ended.
func (s *session) next(stop <-chan struct{}) (ev uv.Event, ok bool) {
	for {
		s.mu.Lock()
		if len(s.queue) > 0 {
			ev = s.queue[0]
			s.queue = s.queue[1:]
			s.mu.Unlock()
			return ev, true
		}
		ended := s.ended
		s.mu.Unlock()
		if ended {
			return nil, false
		}
		select {
		case <-s.ready:
		case <-stop:
			return nil, false
		}
	}
}

// close stops reading and gives the terminal its mode back. Keys still queued are
// dropped: nothing asks any more.
func (s *session) close() error {
	s.cancel()
	s.reader.Cancel()
	<-s.done
	return s.restore()
}

// errInputEnded is returned when the terminal's input ends during a question.
var errInputEnded = errors.New("the terminal's input ended")
