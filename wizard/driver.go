package wizard

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// driver runs a huh form in a bubbletea program so that keys typed faster than a person
// land where they would have landed typed slowly.
//
// huh moves between fields and groups with commands: Enter returns a command whose
// message moves the focus, and bubbletea runs commands in goroutines while the next key
// is already waiting. A burst of keys therefore reaches the field that was focused
// before the move (or stalls the form). The driver runs the form's commands itself, in
// order, and feeds their messages back before it returns from Update, so one key's
// effects are complete before the next key is read. Only what must wait stays
// asynchronous: the cursor's blinking and other timers, and the messages bubbletea handles
// itself (quit, window size requests).
//
// Keys come from the session one at a time: the pump sends a key, then a settled message;
// when the driver has handled settled, the key's effects are done and the driver says
// whether the form is still open. Once it is not, the pump stops, and the keys typed
// after the form's last Enter stay queued for the next prompt.
type driver struct {
	form *huh.Form
	// settled receives the form's state after each key.
	settled chan<- huh.FormState
}

// settledMsg follows each key the pump sends.
type settledMsg struct{}

// refreshMsg makes the fields recompute what depends on other answers (the recap).
type refreshMsg struct{}

func (d *driver) Init() tea.Cmd { return d.resolve(d.form.Init()) }

func (d *driver) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(settledMsg); ok {
		cmd := d.feed(refreshMsg{})
		d.settled <- d.form.State
		return d, cmd
	}
	return d, d.feed(msg)
}

func (d *driver) View() tea.View {
	var v tea.View
	v.SetContent(d.form.View())
	return v
}

func (d *driver) feed(msg tea.Msg) tea.Cmd {
	_, cmd := d.form.Update(msg)
	return d.resolve(cmd)
}

// syncLimit bounds how long resolve waits for a command it runs in place; one that takes
// longer is a timer that was not recognised, and its message comes later, as bubbletea
// would deliver it.
const syncLimit = 250 * time.Millisecond

// resolve runs cmd now, feeding its message to the form, and returns what is left for
// bubbletea: timers, and messages bubbletea itself handles.
func (d *driver) resolve(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	if isTimer(cmd) {
		return cmd
	}
	result := make(chan tea.Msg, 1)
	go func() { result <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-result:
	case <-time.After(syncLimit):
		return func() tea.Msg { return <-result }
	}
	switch m := msg.(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var rest []tea.Cmd
		for _, c := range m {
			rest = append(rest, d.resolve(c))
		}
		return tea.Batch(rest...)
	}
	if cmds, ok := sequence(msg); ok {
		var rest []tea.Cmd
		for _, c := range cmds {
			rest = append(rest, d.resolve(c))
		}
		return tea.Sequence(rest...)
	}
	if reflect.TypeOf(msg).PkgPath() == teaPackage() {
		return func() tea.Msg { return msg }
	}
	return d.feed(msg)
}

// teaPackage is bubbletea's import path: its messages are for bubbletea to handle.
func teaPackage() string { return reflect.TypeFor[tea.QuitMsg]().PkgPath() }

// sequence returns the commands of tea.Sequence's message, whose type is unexported.
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	if _, ok := msg.(tea.BatchMsg); ok {
		return nil, false
	}
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	cmds := make([]tea.Cmd, v.Len())
	for i := range cmds {
		cmds[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return cmds, true
}

// isTimer tells the commands that wait (the text cursor's blinking, bubbletea's Tick and
// Every) from those that return at once.
func isTimer(cmd tea.Cmd) bool {
	fn := runtime.FuncForPC(reflect.ValueOf(cmd).Pointer())
	if fn == nil {
		return false
	}
	name := fn.Name()
	return strings.HasPrefix(name, "charm.land/bubbles/v2/cursor.") ||
		strings.HasPrefix(name, teaPackage()+".Tick") || strings.HasPrefix(name, teaPackage()+".Every")
}

// runForm runs form on out, its keys taken from s, and returns huh's errors as the
// wizard's: ErrAborted for Ctrl-C.
func (s *session) runForm(form *huh.Form, out io.Writer) error {
	settled := make(chan huh.FormState, 1)
	form.SubmitCmd = tea.Quit
	form.CancelCmd = tea.Interrupt
	p := tea.NewProgram(&driver{form: form, settled: settled}, tea.WithInput(nil), tea.WithOutput(out))

	stop := make(chan struct{})
	pumped := make(chan struct{})
	inputEnded := false
	go func() {
		defer close(pumped)
		for {
			ev, ok := s.next(stop)
			if !ok {
				select {
				case <-stop:
				default:
					// The terminal is gone: nothing can answer.
					inputEnded = true
					p.Send(tea.Interrupt())
				}
				return
			}
			p.Send(ev)
			p.Send(settledMsg{})
			select {
			case state := <-settled:
				if state != huh.StateNormal {
					return
				}
			case <-stop:
				return
			}
		}
	}()
	_, err := p.Run()
	close(stop)
	<-pumped

	switch {
	case inputEnded:
		return errInputEnded
	case form.State == huh.StateAborted, errors.Is(err, tea.ErrInterrupted):
		return ErrAborted
	case err != nil:
		return fmt.Errorf("huh: %w", err)
	}
	return nil
}
