package wizard

import (
	"reflect"
	"strings"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

func boolPtr(b bool) *bool { return &b }

// allTitles is every question, in the order Resolve asks them, the recap's last.
var allTitles = []string{TitleServices, TitlePython, TitlePort, TitleServer, TitleSettingsPatch, TitleWrite}

func TestResolve(t *testing.T) {
	saved := &config.Config{Python: "3.11", Port: 9000, Server: "gunicorn", Services: []detect.Service{"postgres"}, SettingsPatch: false}

	tests := []struct {
		name    string
		p       *detect.Project
		saved   *config.Config
		flags   Flags
		answers []string
		want    config.Config
		asked   []string
	}{
		{
			name:    "everything open is asked, in order",
			p:       channelsProject(),
			answers: []string{"postgres,redis", "3.12", "8080", "uvicorn", "n", "y"},
			want:    config.Config{Python: "3.12", Port: 8080, Server: "uvicorn", Services: []detect.Service{"postgres", "redis"}},
			asked:   allTitles,
		},
		{
			name:    "empty answers take the defaults",
			p:       channelsProject(),
			answers: []string{"", "", "", "", "", ""},
			want:    config.Config{Python: "3.13", Port: 8000, Server: "daphne", Services: []detect.Service{"redis"}, SettingsPatch: true},
			asked:   allTitles,
		},
		{
			name:    "no services",
			p:       celeryProject(),
			answers: []string{"none", "", "", ""},
			want:    config.Config{Python: "3.12", Port: 8000, Server: "gunicorn", Services: []detect.Service{}},
			asked:   []string{TitleServices, TitlePython, TitlePort, TitleWrite},
		},
		{
			name:    "WSGI project: no server question; settings question when needed",
			p:       library(),
			answers: []string{"postgres", "3.11", "", "y", "yes"},
			want:    config.Config{Python: "3.11", Port: 8000, Server: "gunicorn", Services: []detect.Service{"postgres"}, SettingsPatch: true},
			asked:   []string{TitleServices, TitlePython, TitlePort, TitleSettingsPatch, TitleWrite},
		},
		{
			name:  "a full saved config asks nothing",
			p:     channelsProject(),
			saved: saved,
			want:  *saved,
		},
		{
			name:  "flags beat saved answers",
			p:     channelsProject(),
			saved: saved,
			flags: Flags{Port: 7000, Server: "daphne", ServicesSet: true, Services: []detect.Service{"redis", "mysql"}, SettingsPatch: boolPtr(true)},
			want:  config.Config{Python: "3.11", Port: 7000, Server: "daphne", Services: []detect.Service{"mysql", "redis"}, SettingsPatch: true},
		},
		{
			name:  "--services none over saved services",
			p:     channelsProject(),
			saved: saved,
			flags: Flags{ServicesSet: true},
			want:  config.Config{Python: "3.11", Port: 9000, Server: "gunicorn", Services: []detect.Service{}},
		},
		{
			name:    "flags close their questions; the rest is asked",
			p:       channelsProject(),
			flags:   Flags{Python: "3.10", Server: "gunicorn", SettingsPatch: boolPtr(false)},
			answers: []string{"", "8001", ""},
			want:    config.Config{Python: "3.10", Port: 8001, Server: "gunicorn", Services: []detect.Service{"redis"}},
			asked:   []string{TitleServices, TitlePort, TitleWrite},
		},
		{
			name:  "--server replaces a saved server the project cannot run",
			p:     library(),
			saved: &config.Config{Python: "3.11", Port: 8000, Server: "daphne", Services: []detect.Service{}},
			flags: Flags{Server: "gunicorn"},
			want:  config.Config{Python: "3.11", Port: 8000, Server: "gunicorn", Services: []detect.Service{}},
		},
		{
			name:  "--yes takes the defaults and asks nothing",
			p:     library(),
			flags: Flags{Yes: true, Port: 8080},
			want:  config.Config{Python: "3.10", Port: 8080, Server: "gunicorn", Services: []detect.Service{}, SettingsPatch: true},
		},
		{
			name:  "--settings-patch is kept even when the settings do not need it",
			p:     celeryProject(),
			flags: Flags{Yes: true, SettingsPatch: boolPtr(true)},
			want: config.Config{Python: "3.12", Port: 8000, Server: "gunicorn",
				Services: []detect.Service{"postgres", "redis", "celery-worker", "celery-beat", "mail"}, SettingsPatch: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := NewScripted(tt.answers...)
			got, err := Resolve(tt.p, tt.saved, tt.flags, pr)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			tt.want.Name, tt.want.Keep = "app", []string{} // the projects here name themselves nothing
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Resolve:\n got %#v\nwant %#v", got, tt.want)
			}
			if !reflect.DeepEqual(pr.Asked(), tt.asked) {
				t.Errorf("asked %q, want %q", pr.Asked(), tt.asked)
			}
			if len(pr.Unused()) > 0 {
				t.Errorf("answers left over: %q", pr.Unused())
			}
		})
	}
}

func TestResolveWithoutPrompter(t *testing.T) {
	p := channelsProject()
	want, _ := Defaults(p)
	got, err := Resolve(p, nil, Flags{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Resolve with no prompter = %#v, want the defaults %#v", got, want)
	}
}

func TestResolveDoesNotChangeSaved(t *testing.T) {
	saved := &config.Config{Python: "3.11", Port: 9000, Server: "gunicorn", Services: []detect.Service{"redis", "postgres"}}
	if _, err := Resolve(celeryProject(), saved, Flags{}, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(saved.Services, []detect.Service{"redis", "postgres"}) {
		t.Errorf("Resolve reordered the caller's saved services: %v", saved.Services)
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name    string
		p       *detect.Project
		saved   *config.Config
		flags   Flags
		answers []string
		want    string // the whole error text
	}{
		{
			name:  "unsupported --python",
			p:     library(),
			flags: Flags{Python: "3.9"},
			want:  "--python: python 3.9 is not supported: choose one of 3.10, 3.11, 3.12, 3.13, 3.14",
		},
		{
			name:  "malformed --python",
			p:     library(),
			flags: Flags{Python: "python3"},
			want:  `--python: python must be a minor version like "3.12", got "python3"`,
		},
		{
			name:  "--port out of range",
			p:     library(),
			flags: Flags{Port: 70000},
			want:  "--port: port must be between 1 and 65535, got 70000",
		},
		{
			name:  "negative --port",
			p:     library(),
			flags: Flags{Port: -1},
			want:  "--port: port must be between 1 and 65535, got -1",
		},
		{
			name:  "unknown --server",
			p:     library(),
			flags: Flags{Server: "waitress"},
			want:  `--server: server must be one of gunicorn, uvicorn, daphne, got "waitress"`,
		},
		{
			name:  "ASGI --server for a WSGI project",
			p:     library(),
			flags: Flags{Server: "uvicorn"},
			want:  "--server: uvicorn serves an ASGI application, but the project has none (no ASGI_APPLICATION in the settings): use gunicorn, or set ASGI_APPLICATION",
		},
		{
			name:  "--services with a service that needs no container",
			p:     library(),
			flags: Flags{ServicesSet: true, Services: []detect.Service{"sqlite"}},
			want:  "--services: sqlite needs no container of its own: leave it out",
		},
		{
			name:  "--services with celery but no broker",
			p:     library(),
			flags: Flags{ServicesSet: true, Services: []detect.Service{"postgres", "celery-worker"}},
			want:  "--services: celery-worker needs redis, the broker the generated setup provides: add redis",
		},
		{
			name:  "every bad flag is reported",
			p:     library(),
			flags: Flags{Python: "3", Port: 99999, Yes: true},
			want:  "--python: python must be a minor version like \"3.12\", got \"3\"\n--port: port must be between 1 and 65535, got 99999",
		},
		{
			name:  "saved ASGI server for a project without ASGI",
			p:     library(),
			saved: &config.Config{Python: "3.11", Port: 8000, Server: "daphne", Services: []detect.Service{}},
			want:  `containerize.toml: server = "daphne": daphne serves an ASGI application, but the project has none (no ASGI_APPLICATION in the settings): use gunicorn, or set ASGI_APPLICATION`,
		},
		{
			name:  "invalid saved values",
			p:     library(),
			saved: &config.Config{Python: "3.11", Port: 0, Server: "gunicorn", Services: []detect.Service{}},
			want:  "invalid answers:\nport must be between 1 and 65535, got 0",
		},
		{
			name:    "an invalid scripted answer",
			p:       library(),
			answers: []string{"celery-worker"},
			want:    `scripted: answer "celery-worker" to "Services to run next to web": celery-worker needs redis, the broker the generated setup provides: add redis`,
		},
		{
			name:    "an unexpected question",
			p:       library(),
			answers: []string{"", ""},
			want:    `scripted: no answer left for "Port"`,
		},
		{
			name:    "an invalid port answer",
			p:       library(),
			answers: []string{"", "", "http"},
			want:    `scripted: answer "http" to "Port": port must be a number between 1 and 65535, got "http"`,
		},
		{
			name:    "the recap declined",
			p:       library(),
			answers: []string{"", "", "", "", "n"},
			want:    "aborted: the answers were not confirmed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resolve(tt.p, tt.saved, tt.flags, NewScripted(tt.answers...))
			if err == nil {
				t.Fatalf("Resolve succeeded with %#v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestResolveRecap(t *testing.T) {
	pr := NewScriptedByTitle(map[string]string{
		TitleServices: "postgres,celery-worker,redis", TitlePort: "8080", TitleWrite: "y"})
	_, err := Resolve(channelsProject(), nil, Flags{Python: "3.12", Server: "uvicorn", SettingsPatch: boolPtr(false)}, pr)
	if err != nil {
		t.Fatal(err)
	}
	want := `Services        postgres, redis, celery-worker
Python          3.12 (--python)
Port            8080
Web server      uvicorn (--server)
Settings module none
Settings block  no (--no-settings-patch)
They are saved in containerize.toml, so the next run asks nothing.`
	if got := pr.Recaps(); !reflect.DeepEqual(got, []string{want}) {
		t.Errorf("recap:\n%s\nwant:\n%s", strings.Join(got, "\n--\n"), want)
	}
	if want := []string{TitleServices, TitlePort, TitleWrite}; !reflect.DeepEqual(pr.Asked(), want) {
		t.Errorf("asked %q, want %q", pr.Asked(), want)
	}

	// Saved answers and the answers detection leaves no choice about say so.
	saved := &config.Config{Python: "3.11", Port: 9000, Server: "gunicorn", Services: []detect.Service{}}
	pr = NewScripted("", "")
	if _, err := Resolve(celeryProject(), saved, Flags{ServicesSet: true, Services: nil}, pr); err != nil {
		t.Fatal(err)
	}
	if got := pr.Recaps(); len(got) != 0 {
		t.Errorf("nothing was asked, yet a recap was shown: %q", got)
	}
	pr = NewScripted("", "")
	if _, err := Resolve(library(), nil, Flags{Python: "3.11", Port: 9000, ServicesSet: true}, pr); err != nil {
		t.Fatal(err)
	}
	want = `Services        none (--services)
Python          3.11 (--python)
Port            9000 (--port)
Web server      gunicorn (the only server without an ASGI application)
Settings module none
Settings block  yes
They are saved in containerize.toml, so the next run asks nothing.`
	if got := pr.Recaps(); !reflect.DeepEqual(got, []string{want}) {
		t.Errorf("recap:\n%s\nwant:\n%s", strings.Join(got, "\n--\n"), want)
	}
}

func TestScripted(t *testing.T) {
	opts := []Option{{Value: "a", Label: "A"}, {Value: "b"}, {Value: "c"}}
	s := NewScripted("b", "", " a , c ", "none", "", "y", "NO", "", "x", "a,z", "maybe", "bad")

	s1, s2 := "a", "c"
	m1, m2, m3 := []string{"b"}, []string{"b"}, []string{"b"}
	c1, c2, c3 := false, true, true
	err := s.Ask(Form{Questions: []Question{
		{Title: "s1", Options: opts, Choice: &s1},
		{Title: "s2", Options: opts, Choice: &s2},
		{Title: "m1", Options: opts, Choices: &m1},
		{Title: "m2", Options: opts, Choices: &m2},
		{Title: "m3", Options: opts, Choices: &m3},
		{Title: "c1", Yes: &c1},
		{Title: "c2", Yes: &c2},
		{Title: "c3", Yes: &c3},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := []any{s1, s2, m1, m2, m3, c1, c2, c3}
	want := []any{"b", "c", []string{"a", "c"}, []string{}, []string{"b"}, true, false, true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answers = %#v, want %#v", got, want)
	}

	ask := func(q Question) error { return s.Ask(Form{Questions: []Question{q}}) }
	if err := ask(Question{Title: "s3", Options: opts, Choice: &s1}); err == nil || !strings.Contains(err.Error(), `"x" is not an option of "s3" (a, b, c)`) {
		t.Errorf("select x: %v", err)
	}
	if err := ask(Question{Title: "m4", Options: opts, Choices: &m1}); err == nil || !strings.Contains(err.Error(), `"z" is not an option`) {
		t.Errorf("multi a,z: %v", err)
	}
	if err := ask(Question{Title: "c4", Yes: &c1}); err == nil || !strings.Contains(err.Error(), "want y or n") {
		t.Errorf("confirm maybe: %v", err)
	}
	text := "d"
	if err := ask(Question{Title: "i1", Text: &text, CheckText: func(s string) error {
		if s == "bad" {
			return errString("no good")
		}
		return nil
	}}); err == nil || !strings.Contains(err.Error(), "no good") {
		t.Errorf("input bad: %v", err)
	}
	if err := ask(Question{Title: "i2", Text: &text}); err == nil || !strings.Contains(err.Error(), `no answer left for "i2"`) {
		t.Errorf("input after the last answer: %v", err)
	}
	wantAsked := []string{"s1", "s2", "m1", "m2", "m3", "c1", "c2", "c3", "s3", "m4", "c4", "i1", "i2"}
	if !reflect.DeepEqual(s.Asked(), wantAsked) {
		t.Errorf("Asked = %q, want %q", s.Asked(), wantAsked)
	}
}

func TestScriptedByTitle(t *testing.T) {
	s := NewScriptedByTitle(map[string]string{"second": "y", "first": "7", "unused": ""})
	first, second := "1", false
	err := s.Ask(Form{Questions: []Question{{Title: "first", Text: &first}, {Title: "second", Yes: &second}}})
	if err != nil || first != "7" || !second {
		t.Errorf("Ask = %v, answers %q %v", err, first, second)
	}
	if got := s.Unused(); !reflect.DeepEqual(got, []string{"unused"}) {
		t.Errorf("Unused = %q", got)
	}
	if err := s.Ask(Form{Questions: []Question{{Title: "third", Yes: &second}}}); err == nil || err.Error() != `scripted: no answer for "third"` {
		t.Errorf("a question without an answer: %v", err)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
