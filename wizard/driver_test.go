package wizard

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// The driver runs every command in place except timers; a timer it did not recognise
// would stall each key by syncLimit. These hold the recognition to the libraries' names.
func TestIsTimer(t *testing.T) {
	// A focused text input starts its cursor blinking with a timer.
	blink := huh.NewInput().Focus()
	if blink == nil || !isTimer(blink) {
		t.Errorf("the input's blink command is not recognised as a timer")
	}
	if !isTimer(tea.Tick(0, func(t time.Time) tea.Msg { return nil })) {
		t.Errorf("tea.Tick is not recognised as a timer")
	}
	if isTimer(huh.NextField) || isTimer(tea.Quit) {
		t.Errorf("an instant command is taken for a timer")
	}
}

func TestSequence(t *testing.T) {
	cmds, ok := sequence(tea.Sequence(tea.Quit, huh.NextField)())
	if !ok || len(cmds) != 2 {
		t.Errorf("sequence = %d commands, %v; want 2, true", len(cmds), ok)
	}
	if _, ok := sequence(tea.Batch(tea.Quit, huh.NextField)()); ok {
		t.Errorf("a batch taken for a sequence")
	}
}
