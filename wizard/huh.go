package wizard

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
)

// huhPrompter asks each question as its own one-field huh form.
type huhPrompter struct {
	in         io.Reader
	out        io.Writer
	accessible bool
	// lines is in, when accessible: it tells whether the input ran out.
	lines *oneByteReader
}

// NewHuh returns a Prompter that asks with huh: interactive forms on a terminal, or, when
// accessible, huh's accessible mode, which prints plain numbered prompts and reads one
// answer per line. Accessible mode suits screen readers and piped stdin; callers should
// choose it when stdin is not a terminal or TERM is dumb. In accessible mode the output
// carries no ANSI styling, and answers missing at the end of the input are an error rather
// than silently taken defaults.
func NewHuh(in io.Reader, out io.Writer, accessible bool) Prompter {
	h := &huhPrompter{in: in, out: out, accessible: accessible}
	if accessible {
		h.lines = &oneByteReader{r: in, atLineStart: true}
		h.in = h.lines
		h.out = plainWriter{out}
	}
	return h
}

func (h *huhPrompter) run(title string, field huh.Field) error {
	err := huh.NewForm(huh.NewGroup(field)).
		WithAccessible(h.accessible).
		WithInput(h.in).
		WithOutput(h.out).
		Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return ErrAborted
	}
	if err != nil {
		return fmt.Errorf("ask %q: %w", title, err)
	}
	if h.lines != nil {
		// huh's accessible prompts swallow read errors and treat end of input as "take the
		// default", so check here.
		if h.lines.err != nil && !errors.Is(h.lines.err, io.EOF) {
			return fmt.Errorf("read the answer to %q: %w", title, h.lines.err)
		}
		if h.lines.starved {
			return fmt.Errorf("no answer to %q: the input ended (give one answer per line, or use --yes to take the detected defaults)", title)
		}
	}
	return nil
}

// printHelp writes the help above a question in accessible mode; the terminal forms show it
// as the field's description instead.
func (h *huhPrompter) printHelp(lines ...string) {
	for _, l := range lines {
		if l != "" {
			_, _ = fmt.Fprintln(h.out, l)
		}
	}
}

func huhOptions(options []Option, def string, markDefault bool) []huh.Option[string] {
	out := make([]huh.Option[string], len(options))
	for i, o := range options {
		label := o.Label
		if label == "" {
			label = o.Value
		}
		if markDefault && o.Value == def {
			label += " [default]"
		}
		out[i] = huh.NewOption(label, o.Value)
	}
	return out
}

// Select implements Prompter.
func (h *huhPrompter) Select(title, help string, options []Option, def string) (string, error) {
	value := def
	field := huh.NewSelect[string]().
		Title(title).
		Options(huhOptions(options, def, h.accessible)...).
		Value(&value)
	if h.accessible {
		h.printHelp(help, "Type the number of your choice; Enter alone takes the default.")
	} else {
		field.Description(help)
	}
	if err := h.run(title, field); err != nil {
		return "", err
	}
	return value, nil
}

// MultiSelect implements Prompter. In accessible mode huh lists the options numbered, with
// a ✓ on the selected ones, and reads one number per line: a number toggles that option, 0
// confirms (an empty line is refused). Piped answers look like "1\n3\n0\n".
func (h *huhPrompter) MultiSelect(title, help string, options []Option, defs []string, validate func([]string) error) ([]string, error) {
	value := append([]string{}, defs...)
	field := huh.NewMultiSelect[string]().
		Title(title).
		Options(huhOptions(options, "", false)...).
		Value(&value)
	if validate != nil {
		field.Validate(func(v []string) error {
			// huh's accessible multi-select treats end of input as "0" (confirm) and asks
			// again while the selection is refused, which never ends once the input has.
			// Accept here; run reports the missing answer.
			if h.lines != nil && h.lines.starved {
				return nil
			}
			return validate(v)
		})
	}
	if !h.accessible {
		// huh takes the title and description out of the list's height, which would hide
		// the last options; add their lines back (the description wraps at about 80
		// columns; a wrong guess only scrolls the list or leaves a blank line).
		field.Height(len(options) + 1 + 1 + len(help)/80)
	}
	if h.accessible {
		h.printHelp(help, "Type the number of an option to select or unselect it, one number per line; ✓ marks the selected ones. Type 0 when done.")
	} else {
		field.Description(help)
	}
	if err := h.run(title, field); err != nil {
		return nil, err
	}
	return value, nil
}

// Input implements Prompter. An empty answer takes def.
func (h *huhPrompter) Input(title, help, def string, validate func(string) error) (string, error) {
	value := def
	field := huh.NewInput().Value(&value)
	if validate != nil {
		field.Validate(func(s string) error {
			if s = strings.TrimSpace(s); s == "" {
				s = def
			}
			return validate(s)
		})
	}
	if h.accessible {
		// The accessible prompt does not show the default, so the title does.
		h.printHelp(help)
		field.Title(fmt.Sprintf("%s [%s]:", title, def))
	} else {
		field.Title(title).Description(help)
	}
	if err := h.run(title, field); err != nil {
		return "", err
	}
	if value = strings.TrimSpace(value); value == "" {
		value = def
	}
	return value, nil
}

// Confirm implements Prompter.
func (h *huhPrompter) Confirm(title, help string, def bool) (bool, error) {
	value := def
	field := huh.NewConfirm().Title(title).Affirmative("Yes").Negative("No").Value(&value)
	if h.accessible {
		h.printHelp(help)
	} else {
		field.Description(help)
	}
	if err := h.run(title, field); err != nil {
		return false, err
	}
	return value, nil
}

// oneByteReader hands out at most one byte per Read. huh's accessible mode builds a new
// bufio.Scanner over the reader for every prompt; a scanner reads ahead as far as its
// buffer allows, so with answers piped all at once the first prompt would consume them all
// and the later prompts would see end of input. Reading byte by byte, a scanner stops right
// after its line's newline and leaves the rest for the next prompt.
//
// It also records whether a prompt found the input exhausted before reading anything of
// its line (starved): huh then quietly takes the default, which must not pass for an answer.
type oneByteReader struct {
	r           io.Reader
	atLineStart bool
	starved     bool
	err         error
}

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := o.r.Read(p[:1])
	if n > 0 {
		o.atLineStart = p[0] == '\n'
	}
	if err != nil {
		o.err = err
		if n == 0 {
			o.starved = o.starved || o.atLineStart
			// The end of input completes a last line that had no newline; reading on
			// from here starts (and starves) a new one.
			o.atLineStart = true
		}
	}
	return n, err
}

// plainWriter strips ANSI styling: huh styles accessible prompts like terminal ones, but a
// screen reader, a pipe or a log file wants plain text.
type plainWriter struct{ w io.Writer }

func (p plainWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, ansi.Strip(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}
