package wizard

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

// These tests drive the real huh forms in accessible mode, with every answer piped at once
// as a person would with `printf '...' | containerize init`.

func TestHuhAccessibleResolve(t *testing.T) {
	input := strings.Join([]string{
		// services: redis is pre-selected; toggle postgres (1) and celery-worker (4), then confirm.
		"1", "4", "0",
		// python: the fourth option.
		"4",
		// port: not a number, out of range, then valid: asked again until valid.
		"abc", "70000", "8080",
		// server: uvicorn, daphne, gunicorn; the second.
		"2",
		// settings block: no.
		"n",
		// the recap: write the files.
		"y",
	}, "\n") + "\n"
	var out strings.Builder
	got, err := Resolve(channelsProject(), nil, Flags{}, accessible(t, strings.NewReader(input), &out))
	if err != nil {
		t.Fatalf("Resolve: %v\noutput:\n%s", err, out.String())
	}
	want := config.Config{Name: "app", Python: "3.13", Port: 8080, Server: "daphne", Services: []detect.Service{"postgres", "redis", "celery-worker"}, Keep: []string{}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve:\n got %#v\nwant %#v\noutput:\n%s", got, want, out.String())
	}
	transcript := out.String()
	for _, s := range []string{
		TitleServices, "Type 0 when done", "3. ✓ redis", "found redis. channels needs no container of its own.",
		TitlePython, "3. 3.12 (.python-version:1)\n", "4. 3.13 (pyproject.toml:5) [default]",
		`Sources disagree: .python-version:1 says "3.12.4", but pyproject.toml:5 chose 3.13 (it takes precedence).`,
		"Port [8000]:", `port must be a number between 1 and 65535, got "abc"`, "port must be between 1 and 65535, got 70000",
		TitleServer, "2. daphne: ASGI, the Channels server [default]",
		TitleSettingsPatch, "SECRET_KEY is hard-coded (config/settings.py:20)", "[Y/n]",
		"Recap:\nServices        postgres, redis, celery-worker\nPython          3.13\nPort            8080\nWeb server      daphne\nSettings module none\nSettings block  no\n",
		TitleWrite + " [Y/n]",
	} {
		if !strings.Contains(transcript, s) {
			t.Errorf("output lacks %q:\n%s", s, transcript)
		}
	}
	if strings.Contains(transcript, "\x1b") {
		t.Errorf("accessible output carries ANSI escapes:\n%q", transcript)
	}
}

// accessible is the accessible Huh prompter on in and out.
func accessible(t *testing.T, in io.Reader, out io.Writer) *Huh {
	t.Helper()
	h, err := NewHuh(in, out, true, "")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHuhAccessibleDefaults(t *testing.T) {
	// Enter alone takes the default for a select, an input and a confirm (the recap's
	// too); a multi-select needs its 0.
	var out strings.Builder
	got, err := Resolve(library(), nil, Flags{}, accessible(t, strings.NewReader("0\n\n\n\n\n"), &out))
	if err != nil {
		t.Fatalf("Resolve: %v\noutput:\n%s", err, out.String())
	}
	want, _ := Defaults(library())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve = %#v, want the defaults %#v\noutput:\n%s", got, want, out.String())
	}
}

func TestHuhAccessibleMultiSelectReask(t *testing.T) {
	// celery-worker alone is refused when confirmed; adding redis makes it valid.
	var out strings.Builder
	got := []string{}
	err := accessible(t, strings.NewReader("4\n0\n3\n0\n"), &out).Ask(Form{Questions: []Question{
		{Title: TitleServices, Help: "help", Options: serviceOptions(), Choices: &got, CheckChoices: checkServiceNames},
	}})
	if err != nil {
		t.Fatalf("Ask: %v\noutput:\n%s", err, out.String())
	}
	if want := []string{"redis", "celery-worker"}; !reflect.DeepEqual(got, want) {
		t.Errorf("MultiSelect = %q, want %q", got, want)
	}
	if !strings.Contains(out.String(), "celery-worker needs redis") {
		t.Errorf("the refusal was not shown:\n%s", out.String())
	}
}

func TestHuhAccessibleEachKind(t *testing.T) {
	opts := []Option{{Value: "a", Label: "first"}, {Value: "b", Label: "second"}, {Value: "c"}}
	var out strings.Builder
	// The last answer has no newline: the end of input still completes it.
	pr := accessible(t, strings.NewReader("3\n2\n0\nhello\n7\n\ny\nNo"), &out)

	s, m := "a", []string{"a"}
	in1, in2, in3 := "def", "1", "dflt"
	b1, b2 := false, true
	odd := func(s string) error {
		if s != "1" && s != "7" {
			return errString("odd numbers below 9 only")
		}
		return nil
	}
	err := pr.Ask(Form{Questions: []Question{
		{Title: "pick", Help: "select help", Options: opts, Choice: &s},
		{Title: "many", Help: "multi help", Options: opts, Choices: &m},
		{Title: "text", Help: "input help", Text: &in1},
		{Title: "odd", Text: &in2, CheckText: odd},
		{Title: "empty", Text: &in3},
		{Title: "sure", Help: "confirm help", Yes: &b1},
		{Title: "really", Yes: &b2},
	}})
	if err != nil {
		t.Fatalf("Ask: %v\noutput:\n%s", err, out.String())
	}
	got := []any{s, m, in1, in2, in3, b1, b2}
	want := []any{"c", []string{"a", "b"}, "hello", "7", "dflt", true, false}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answers = %#v, want %#v", got, want)
	}
	for _, help := range []string{"select help", "multi help", "input help", "confirm help", "3. c\n"} {
		if !strings.Contains(out.String(), help) {
			t.Errorf("output lacks %q:\n%s", help, out.String())
		}
	}
}

func TestHuhAccessibleRecap(t *testing.T) {
	port := "8000"
	recap := func() string { return "port is " + port }
	for _, tt := range []struct {
		input string
		want  error
	}{
		{"9000\ny\n", nil},
		{"9000\nn\n", ErrDeclined},
	} {
		var out strings.Builder
		err := accessible(t, strings.NewReader(tt.input), &out).Ask(Form{
			Questions: []Question{{Title: "Port", Text: &port}}, Recap: recap, Confirm: "Go?"})
		if err != tt.want {
			t.Errorf("%q: Ask = %v, want %v", tt.input, err, tt.want)
		}
		if want := "Recap:\nport is 9000\nGo? [Y/n]"; !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if !errors.Is(ErrDeclined, ErrAborted) {
		t.Error("ErrDeclined is not an ErrAborted")
	}
}

func TestHuhAccessibleInputEnds(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"nothing piped", "", `no answer to "Services to run next to web": the input ended`},
		{"multi-select not confirmed", "1\n", `no answer to "Services to run next to web": the input ended`},
		// huh asks again while the selection is refused; the end of input must stop that.
		{"refused multi-select, then nothing", "4\n0\n", `no answer to "Services to run next to web": the input ended`},
		{"too few answers", "0\n3\n", `no answer to "Port": the input ended (give one answer per line, or use --yes to take the detected defaults)`},
		{"no answer to the recap", "0\n\n\n\n", `no answer to "Write the files?": the input ended`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			got, err := Resolve(library(), nil, Flags{}, accessible(t, strings.NewReader(tt.input), &out))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Resolve = %#v, %v; want an error containing %q\noutput:\n%s", got, err, tt.want, out.String())
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestHuhAccessibleReadError(t *testing.T) {
	var out strings.Builder
	_, err := Confirm(accessible(t, failingReader{}, &out), "ok?", "", true)
	if err == nil || !strings.Contains(err.Error(), `read the answer to "ok?": io: read/write on closed pipe`) {
		t.Errorf("Confirm = %v, want the read error", err)
	}
}

func TestOneByteReader(t *testing.T) {
	r := &oneByteReader{r: strings.NewReader("ab\nc"), atLineStart: true}
	buf := make([]byte, 16)
	var got []string
	for {
		n, err := r.Read(buf)
		if n > 1 {
			t.Fatalf("Read returned %d bytes", n)
		}
		got = append(got, string(buf[:n]))
		if err != nil {
			break
		}
	}
	if want := []string{"a", "b", "\n", "c", ""}; !reflect.DeepEqual(got, want) {
		t.Errorf("reads = %q, want %q", got, want)
	}
	if r.starved {
		t.Error("a last line without newline counted as a missing answer")
	}
	if _, err := r.Read(buf); err != io.EOF || !r.starved {
		t.Errorf("Read after the end = %v, starved %v; want EOF and starved", err, r.starved)
	}
}
