package wizard

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
)

// Huh asks with huh: on a terminal, each Form is one huh form, a group per question and
// the recap last, whose keys come from one reader for the whole run (see session); in
// accessible mode, plain numbered prompts read one answer per line.
type Huh struct {
	out        io.Writer
	accessible bool
	// lines is the input, when accessible: it tells whether the input ran out.
	lines *oneByteReader
	// session is the input, on a terminal.
	session *session
}

// NewHuh returns a Prompter that asks with huh: interactive forms on a terminal, or, when
// accessible, huh's accessible mode, which prints plain numbered prompts and reads one
// answer per line. Accessible mode suits screen readers and piped stdin; callers should
// choose it when stdin is not a terminal or TERM is dumb. In accessible mode the output
// carries no ANSI styling, and answers missing at the end of the input are an error rather
// than silently taken defaults.
//
// Not accessible, it starts reading in at once (a terminal is put in raw input mode), so
// keys typed before the first question is drawn are kept; termType is $TERM. Close gives
// the terminal back; call it when the run is over.
func NewHuh(in io.Reader, out io.Writer, accessible bool, termType string) (*Huh, error) {
	if accessible {
		return &Huh{out: plainWriter{out}, accessible: true, lines: &oneByteReader{r: in, atLineStart: true}}, nil
	}
	s, err := startSession(in, termType)
	if err != nil {
		return nil, err
	}
	return &Huh{out: out, session: s}, nil
}

// Close stops reading the terminal and restores its mode.
func (h *Huh) Close() error {
	if h.session == nil {
		return nil
	}
	err := h.session.close()
	h.session = nil
	return err
}

// Ask implements Prompter.
func (h *Huh) Ask(form Form) error {
	if h.accessible {
		return h.askAccessible(form)
	}
	if h.session == nil {
		return errors.New("ask: the prompter is closed")
	}
	var values []any
	var sync []func()
	groups := make([]*huh.Group, 0, len(form.Questions)+1)
	for _, q := range form.Questions {
		field, value, done := terminalField(q)
		groups = append(groups, huh.NewGroup(field))
		values = append(values, value)
		if done != nil {
			sync = append(sync, done)
		}
	}
	syncAll := func() {
		for _, f := range sync {
			f()
		}
	}
	confirmed := true
	if form.Recap != nil {
		// The note's height is set, as its text is computed only when it shows: the form's
		// height is taken from its tallest group before.
		lines := strings.Count(form.Recap(), "\n") + 1
		recap := huh.NewNote().Title("Recap").Height(lines+3).DescriptionFunc(func() string {
			syncAll()
			return form.Recap()
		}, values)
		groups = append(groups, huh.NewGroup(recap, huh.NewConfirm().Title(form.Confirm).
			Affirmative("Yes").Negative("No").Value(&confirmed)))
	}
	err := h.session.runForm(huh.NewForm(groups...), h.out)
	syncAll()
	if err != nil {
		return err
	}
	// The form is gone from the screen; leave the answers in its place.
	if form.Recap != nil {
		_, _ = fmt.Fprintf(h.out, "%s\n\n", form.Recap())
		if !confirmed {
			return ErrDeclined
		}
		return nil
	}
	for _, q := range form.Questions {
		title := q.Title
		if !strings.HasSuffix(title, "?") {
			title += ":"
		}
		_, _ = fmt.Fprintf(h.out, "%s %s\n", title, answer(q))
	}
	return nil
}

// terminalField is q as a huh field; value is what the field writes (for the recap's
// bindings), done copies it to q when the field does not write q's pointer itself.
func terminalField(q Question) (field huh.Field, value any, done func()) {
	switch {
	case q.Choice != nil:
		f := huh.NewSelect[string]().Title(q.Title).Description(q.Help).Value(q.Choice).
			Options(huhOptions(q.Options, "", false)...)
		return f, q.Choice, nil
	case q.Choices != nil:
		f := huh.NewMultiSelect[string]().Title(q.Title).Description(q.Help).Value(q.Choices).
			Options(huhOptions(q.Options, "", false)...).
			// huh takes the title and description out of the list's height, which would
			// hide the last options; add their lines back (the description wraps at about
			// 80 columns; a wrong guess only scrolls the list or leaves a blank line).
			Height(len(q.Options) + 1 + 1 + len(q.Help)/80)
		if q.CheckChoices != nil {
			f.Validate(q.CheckChoices)
		}
		return f, q.Choices, nil
	case q.Text != nil:
		// The default shows as the placeholder: typing replaces it, Enter alone takes it.
		def, typed := *q.Text, ""
		f := huh.NewInput().Title(q.Title).Description(q.Help).Placeholder(def).Value(&typed)
		if q.CheckText != nil {
			f.Validate(func(s string) error { return q.CheckText(orDefault(s, def)) })
		}
		return f, &typed, func() { *q.Text = orDefault(typed, def) }
	default:
		f := huh.NewConfirm().Title(q.Title).Description(q.Help).Affirmative("Yes").Negative("No").Value(q.Yes)
		return f, q.Yes, nil
	}
}

func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s == "" {
		return def
	}
	return s
}

// answer is q's answer as people read it.
func answer(q Question) string {
	switch {
	case q.Choice != nil:
		return *q.Choice
	case q.Choices != nil:
		if len(*q.Choices) == 0 {
			return "none"
		}
		return strings.Join(*q.Choices, ", ")
	case q.Text != nil:
		return *q.Text
	case *q.Yes:
		return "yes"
	}
	return "no"
}

// askAccessible asks each question as its own accessible huh form, reading from the one
// input, and then the recap.
func (h *Huh) askAccessible(form Form) error {
	return askEach(form, h.askOne, func(recap string) { h.printHelp("Recap:", recap) })
}

func (h *Huh) askOne(q Question) error {
	var field huh.Field
	switch {
	case q.Choice != nil:
		field = huh.NewSelect[string]().Title(q.Title).Options(huhOptions(q.Options, *q.Choice, true)...).Value(q.Choice)
		h.printHelp(q.Help, "Type the number of your choice; Enter alone takes the default.")
	case q.Choices != nil:
		// huh lists the options numbered, with a ✓ on the selected ones, and reads one
		// number per line: a number toggles that option, 0 confirms (an empty line is
		// refused). Piped answers look like "1\n3\n0\n".
		f := huh.NewMultiSelect[string]().Title(q.Title).Options(huhOptions(q.Options, "", false)...).Value(q.Choices)
		if q.CheckChoices != nil {
			f.Validate(func(v []string) error {
				// huh's accessible multi-select treats end of input as "0" (confirm) and
				// asks again while the selection is refused, which never ends once the
				// input has. Accept here; the starved input is reported below.
				if h.lines.starved {
					return nil
				}
				return q.CheckChoices(v)
			})
		}
		field = f
		h.printHelp(q.Help, "Type the number of an option to select or unselect it, one number per line; ✓ marks the selected ones. Type 0 when done.")
	case q.Text != nil:
		def := *q.Text
		f := huh.NewInput().Value(q.Text).
			// The accessible prompt does not show the default, so the title does.
			Title(fmt.Sprintf("%s [%s]:", q.Title, def))
		if q.CheckText != nil {
			f.Validate(func(s string) error { return q.CheckText(orDefault(s, def)) })
		}
		field = f
		h.printHelp(q.Help)
		defer func() { *q.Text = orDefault(*q.Text, def) }()
	default:
		field = huh.NewConfirm().Title(q.Title).Affirmative("Yes").Negative("No").Value(q.Yes)
		h.printHelp(q.Help)
	}
	err := huh.NewForm(huh.NewGroup(field)).WithAccessible(true).WithInput(h.lines).WithOutput(h.out).Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return ErrAborted
	}
	if err != nil {
		return fmt.Errorf("ask %q: %w", q.Title, err)
	}
	// huh's accessible prompts swallow read errors and treat end of input as "take the
	// default", so check here.
	if h.lines.err != nil && !errors.Is(h.lines.err, io.EOF) {
		return fmt.Errorf("read the answer to %q: %w", q.Title, h.lines.err)
	}
	if h.lines.starved {
		return fmt.Errorf("no answer to %q: the input ended (give one answer per line, or use --yes to take the detected defaults)", q.Title)
	}
	return nil
}

// printHelp writes the help above a question in accessible mode; the terminal forms show it
// as the field's description instead.
func (h *Huh) printHelp(lines ...string) {
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
