// Package wizard turns a detected Project plus flags and saved answers into a Config,
// asking only what is still open. Questions go through a Prompter: Huh for people (a
// terminal, or huh's accessible mode for screen readers and piped stdin) and Scripted for
// tests. The wizard never touches the file system; callers read and write containerize.toml.
package wizard

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

// Option is one choice of a Select or MultiSelect: Value is what the answer holds, Label
// what people read.
type Option struct{ Value, Label string }

// Question is one question of a Form. Exactly one of Choice (pick one of Options),
// Choices (pick any of Options), Text (type it) and Yes (yes or no) is set: it holds the
// default when the form starts and the answer when Ask returns.
type Question struct {
	Title, Help string
	Options     []Option

	Choice  *string
	Choices *[]string
	// Text's default is taken when the answer is empty; the answer is trimmed.
	Text *string
	Yes  *bool

	// CheckChoices and CheckText, when set, reject an answer with the reason: Huh asks
	// again, Scripted fails.
	CheckChoices func([]string) error
	CheckText    func(string) error
}

// Form is what is asked at once: the questions, in order, and, when Recap is set, a recap
// of the answers with a last yes-or-no question, Confirm (default yes). People can go back
// and change an answer until they confirm; No makes Ask return ErrDeclined.
type Form struct {
	Questions []Question
	// Recap describes the answers as they stand; it reads them through the questions'
	// pointers, which hold each answer (a Text's default when it is empty) by then.
	Recap   func() string
	Confirm string
}

// Prompter asks forms. Implementations: Huh (terminal or accessible mode) and Scripted
// (tests).
type Prompter interface {
	Ask(Form) error
}

// ErrAborted is returned when the person cancelled (Ctrl-C, or No at a recap). Callers
// print "aborted" and exit with 130, as shells do for SIGINT.
var ErrAborted = errors.New("aborted")

// ErrDeclined is returned when the person answered No at a form's recap: nothing is to be
// written. It is an ErrAborted.
var ErrDeclined error = declined{}

type declined struct{}

func (declined) Error() string        { return "aborted: the answers were not confirmed" }
func (declined) Is(target error) bool { return target == ErrAborted }

// askEach asks form's questions one by one with ask, then shows the recap and asks its
// Confirm: a form for prompters that ask a question at a time.
func askEach(form Form, ask func(Question) error, show func(recap string)) error {
	for _, q := range form.Questions {
		if err := ask(q); err != nil {
			return err
		}
	}
	if form.Recap == nil {
		return nil
	}
	show(form.Recap())
	confirmed := true
	if err := ask(Question{Title: form.Confirm, Yes: &confirmed}); err != nil {
		return err
	}
	if !confirmed {
		return ErrDeclined
	}
	return nil
}

// Confirm asks pr one yes-or-no question.
func Confirm(pr Prompter, title, help string, def bool) (bool, error) {
	yes := def
	err := pr.Ask(Form{Questions: []Question{{Title: title, Help: help, Yes: &yes}}})
	return yes, err
}

// Select asks pr to pick one of options.
func Select(pr Prompter, title, help string, options []Option, def string) (string, error) {
	choice := def
	err := pr.Ask(Form{Questions: []Question{{Title: title, Help: help, Options: options, Choice: &choice}}})
	return choice, err
}

// Flags are answers given on the command line; zero values mean "not given".
type Flags struct {
	// Name replaces the saved or detected project name.
	Name   string
	Python string
	Port   int
	Server string
	// Services replaces the detected set when ServicesSet; an empty list means "none".
	Services    []detect.Service
	ServicesSet bool
	// Settings is the Django settings module the image runs (--settings); Settings decides it.
	Settings string
	// SettingsPatch is nil when the flag was not given.
	SettingsPatch *bool
	// Yes takes the detected defaults for everything still open; nothing is asked.
	Yes bool
}

// The question titles; Scripted.Asked reports these.
const (
	TitleServices      = "Services to run next to web"
	TitlePython        = "Python version"
	TitlePort          = "Port"
	TitleServer        = "Web server"
	TitleSettingsPatch = "Append the environment block to the Django settings?"
	// TitleWrite is the recap's question, after the others.
	TitleWrite = "Write the files?"
)

// Resolve starts from Defaults, overlays saved (when non-nil) and then flags, and asks pr
// about each value that came from neither, in one form, in this order: services, python,
// port, server, settings patch, then a recap of every answer with TitleWrite (declined:
// ErrDeclined). Nothing is asked when flags.Yes is set or pr is nil, or when nothing is
// open; the defaults stand. The server question is only asked when the project has an
// ASGI application (otherwise gunicorn is the only choice) and the settings question only
// when PatchNeeded. Flag and saved values are checked before anything is asked, so a typo
// fails fast.
func Resolve(p *detect.Project, saved *config.Config, flags Flags, pr Prompter) (config.Config, error) {
	cfg, reasons := Defaults(p)
	// from says where an answer that is not asked comes from, for the recap.
	from := map[string]string{}

	if saved != nil {
		name := cfg.Name
		cfg = *saved
		cfg.Services = slices.Clone(saved.Services)
		cfg.Keep = slices.Clone(saved.Keep)
		if cfg.Name == "" { // saved before names were: the detected one is saved this time
			cfg.Name = name
		}
		for _, k := range []string{"python", "port", "server", "services", "settings_patch"} {
			from[k] = config.FileName
		}
		// A --server flag replaces the saved server, so only a saved one that stays is checked.
		if err := checkServerFor(p, cfg.Server); err != nil && flags.Server == "" {
			return config.Config{}, fmt.Errorf("%s: server = %q: %w", config.FileName, cfg.Server, err)
		}
	}
	if err := applyFlags(p, &cfg, flags, from); err != nil {
		return config.Config{}, &FlagError{err}
	}

	// The settings module was decided (Settings) before p was read with it: p's is the one.
	if p.Django != nil {
		cfg.Settings = p.Django.SettingsModule
	}
	switch {
	case flags.Settings != "":
		from["settings"] = "--settings"
	case saved != nil && saved.Settings != "":
		from["settings"] = config.FileName
	case cfg.Settings != "":
		from["settings"] = "detected"
	}

	if pr != nil && !flags.Yes {
		if err := ask(p, &cfg, from, reasons, pr); err != nil {
			return config.Config{}, err
		}
	}

	cfg.Services = config.OrderServices(cfg.Services)
	if cfg.Keep == nil {
		cfg.Keep = []string{}
	}
	if err := cfg.Validate(); err != nil {
		return config.Config{}, fmt.Errorf("invalid answers:\n%w", err)
	}
	return cfg, nil
}

// FlagError reports command-line answers that are invalid, so callers can treat them as
// usage errors.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// applyFlags overlays the flags that were given, checking each on its own so the error
// names the flag.
func applyFlags(p *detect.Project, cfg *config.Config, f Flags, from map[string]string) error {
	var errs []error
	if f.Python != "" {
		if err := config.Python.Check(f.Python); err != nil {
			errs = append(errs, fmt.Errorf("--python: %w", err))
		}
		cfg.Python, from["python"] = f.Python, "--python"
	}
	if f.Port != 0 {
		if err := config.CheckPort(f.Port); err != nil {
			errs = append(errs, fmt.Errorf("--port: %w", err))
		}
		cfg.Port, from["port"] = f.Port, "--port"
	}
	if f.Name != "" {
		if err := config.CheckName(f.Name); err != nil {
			errs = append(errs, fmt.Errorf("--name: %w", err))
		}
		cfg.Name = f.Name
	}
	if f.Server != "" {
		err := config.CheckServer(f.Server)
		if err == nil {
			err = checkServerFor(p, f.Server)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("--server: %w", err))
		}
		cfg.Server, from["server"] = f.Server, "--server"
	}
	if f.ServicesSet {
		if err := config.CheckServices(f.Services); err != nil {
			errs = append(errs, fmt.Errorf("--services: %w", err))
		}
		cfg.Services, from["services"] = slices.Clone(f.Services), "--services"
		if cfg.Services == nil {
			cfg.Services = []detect.Service{}
		}
	}
	if f.SettingsPatch != nil {
		cfg.SettingsPatch, from["settings_patch"] = *f.SettingsPatch, "--settings-patch"
		if !*f.SettingsPatch {
			from["settings_patch"] = "--no-settings-patch"
		}
	}
	return errors.Join(errs...)
}

// ask puts the open questions to pr in one form, with a recap of every answer.
func ask(p *detect.Project, cfg *config.Config, from, reasons map[string]string, pr Prompter) error {
	var form Form
	open := func(key string, q Question) {
		if from[key] == "" {
			form.Questions = append(form.Questions, q)
		}
	}

	services := detect.Strings(cfg.Services)
	open("services", Question{Title: TitleServices, Help: servicesHelp(p, reasons["services"]),
		Options: serviceOptions(), Choices: &services, CheckChoices: checkServiceNames})

	choice := config.Python.Resolve(p.Python)
	open("python", Question{Title: TitlePython, Help: pythonHelp(choice, reasons["python"]),
		Options: pythonOptions(choice), Choice: &cfg.Python})

	port := strconv.Itoa(cfg.Port)
	open("port", Question{Title: TitlePort, Text: &port, CheckText: validPort,
		Help: "The port the web server listens on inside the container; compose publishes it on the same port of the host."})

	if opts := serverOptions(p); len(opts) > 1 {
		open("server", Question{Title: TitleServer, Help: serverHelp(p), Options: opts, Choice: &cfg.Server})
	} else if from["server"] == "" {
		from["server"] = "the only server without an ASGI application"
	}

	if needed, why := PatchNeeded(p); needed {
		open("settings_patch", Question{Title: TitleSettingsPatch, Help: patchHelp(why), Yes: &cfg.SettingsPatch})
	} else if from["settings_patch"] == "" {
		from["settings_patch"] = "the settings already read the environment"
	}

	if len(form.Questions) == 0 {
		return nil
	}
	// take copies the answers that are not held in cfg itself.
	take := func() {
		if from["services"] == "" {
			cfg.Services = config.OrderServices(toServices(services))
		}
		if from["port"] == "" {
			cfg.Port, _ = strconv.Atoi(strings.TrimSpace(port)) // CheckText accepted it
		}
	}
	form.Recap = func() string {
		take()
		return recap(*cfg, from)
	}
	form.Confirm = TitleWrite
	if err := pr.Ask(form); err != nil {
		return err
	}
	take()
	return nil
}

// recap lists the answers, each not asked now with where it comes from.
func recap(cfg config.Config, from map[string]string) string {
	services := strings.Join(detect.Strings(cfg.Services), ", ")
	if services == "" {
		services = "none"
	}
	patch := "no"
	if cfg.SettingsPatch {
		patch = "yes"
	}
	var b strings.Builder
	for _, row := range []struct{ name, key, value string }{
		{"Services", "services", services},
		{"Python", "python", cfg.Python},
		{"Port", "port", strconv.Itoa(cfg.Port)},
		{"Web server", "server", cfg.Server},
		{"Settings module", "settings", cmp.Or(cfg.Settings, "none")},
		{"Settings block", "settings_patch", patch},
	} {
		fmt.Fprintf(&b, "%-15s %s", row.name, row.value)
		if f := from[row.key]; f != "" {
			fmt.Fprintf(&b, " (%s)", f)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "They are saved in %s, so the next run asks nothing.", config.FileName)
	return b.String()
}

func validPort(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("port must be a number between 1 and 65535, got %q", s)
	}
	return config.CheckPort(n)
}

// serviceLabel is what people read for a service the compose file can add.
func serviceLabel(s detect.Service) string {
	switch s {
	case detect.ServicePostgres:
		return "postgres: PostgreSQL database"
	case detect.ServiceMySQL:
		return "mysql: MySQL database"
	case detect.ServiceRedis:
		return "redis: cache, Celery broker, Channels layer"
	case detect.ServiceCeleryWorker:
		return "celery-worker: runs Celery tasks (needs redis)"
	case detect.ServiceCeleryBeat:
		return "celery-beat: schedules periodic Celery tasks (needs celery-worker)"
	case detect.ServiceMail:
		return "mail: catches outgoing email for development"
	}
	return ""
}

// toServices reads a prompt's answers (the options' values) as services.
func toServices(names []string) []detect.Service {
	out := make([]detect.Service, len(names))
	for i, n := range names {
		out[i] = detect.Service(n)
	}
	return out
}

// checkServiceNames is config.CheckServices for a prompt's answers.
func checkServiceNames(names []string) error { return config.CheckServices(toServices(names)) }

func serviceOptions() []Option {
	opts := make([]Option, len(config.ComposeServices))
	for i, s := range config.ComposeServices {
		opts[i] = Option{Value: string(s), Label: serviceLabel(s)}
	}
	return opts
}

func servicesHelp(p *detect.Project, reason string) string {
	help := "Pre-selected from detection: " + reason + "."
	var noContainer []string
	for _, s := range []detect.Service{detect.ServiceSQLite, detect.ServiceChannels} {
		if p.HasService(s) {
			noContainer = append(noContainer, string(s))
		}
	}
	switch len(noContainer) {
	case 1:
		help += " " + noContainer[0] + " needs no container of its own."
	case 2:
		help += " " + strings.Join(noContainer, " and ") + " need no container of their own."
	}
	return help
}

// pythonOptions are the versions the image supports, each labelled with the sources that
// resolve to it.
func pythonOptions(choice config.PythonChoice) []Option {
	opts := make([]Option, len(config.Python.Supported))
	for i, v := range config.Python.Supported {
		var sources []string
		for _, c := range choice.Candidates {
			if c.Version == v && c.Source != "" {
				sources = append(sources, c.Source)
			}
		}
		label := v
		if len(sources) > 0 {
			label += " (" + strings.Join(sources, ", ") + ")"
		}
		opts[i] = Option{Value: v, Label: label}
	}
	return opts
}

func pythonHelp(choice config.PythonChoice, reason string) string {
	help := "The base image's Python: " + reason + "."
	if len(choice.Conflicts) > 0 {
		help += " Sources disagree: " + strings.Join(choice.Conflicts, "; ") + "."
	}
	return help
}

func hasASGI(p *detect.Project) bool {
	return p.Django != nil && p.Django.ASGIApplication != nil
}

// serverOptions are the servers that can run this project: uvicorn and daphne need an
// ASGI application to point at.
func serverOptions(p *detect.Project) []Option {
	if !hasASGI(p) {
		return []Option{{Value: config.ServerGunicorn, Label: "gunicorn: WSGI"}}
	}
	return []Option{
		{Value: config.ServerUvicorn, Label: "uvicorn: ASGI, uvicorn workers managed by gunicorn"},
		{Value: config.ServerDaphne, Label: "daphne: ASGI, the Channels server"},
		{Value: config.ServerGunicorn, Label: "gunicorn: WSGI only, no websockets"},
	}
}

func checkServerFor(p *detect.Project, server string) error {
	if server == config.ServerGunicorn || hasASGI(p) {
		return nil
	}
	return fmt.Errorf("%s serves an ASGI application, but the project has none (no ASGI_APPLICATION in the settings): use gunicorn, or set ASGI_APPLICATION", server)
}

func serverHelp(p *detect.Project) string {
	asgi := *p.Django.ASGIApplication
	if src := p.Django.ASGIApplicationSource; src != "" {
		asgi += ", " + src
	}
	return "The project has an ASGI application (" + asgi + "). uvicorn and daphne serve it, so async views " +
		"and websockets work; daphne is the server Channels documents. gunicorn serves the WSGI application only."
}

func patchHelp(why []string) string {
	return "The generated compose setup passes DATABASE_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS (and cache " +
		"and broker URLs) in the environment, but the settings do not read them: " + strings.Join(why, "; ") +
		". The block is appended at the end of the settings, marked, and uses the standard library only."
}
