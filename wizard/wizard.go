// Package wizard turns a detected Project plus flags and saved answers into a Config,
// asking only what is still open. Questions go through a Prompter: Huh for people (a
// terminal, or huh's accessible mode for screen readers and piped stdin) and Scripted for
// tests. The wizard never touches the file system; callers read and write containerize.toml.
package wizard

import (
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

// Prompter asks questions. Implementations: Huh (terminal or accessible mode) and Scripted
// (tests). A validate function, when given, rejects an answer: Huh asks again, Scripted
// fails.
type Prompter interface {
	Select(title, help string, options []Option, def string) (string, error)
	MultiSelect(title, help string, options []Option, defs []string, validate func([]string) error) ([]string, error)
	Input(title, help, def string, validate func(string) error) (string, error)
	Confirm(title, help string, def bool) (bool, error)
}

// ErrAborted is returned when the person cancelled a question (ctrl+c). Callers print
// "aborted" and exit with 130, as shells do for SIGINT.
var ErrAborted = errors.New("aborted")

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
)

// Resolve starts from Defaults, overlays saved (when non-nil) and then flags, and asks pr
// about each value that came from neither, in this order: services, python, port, server,
// settings patch. Nothing is asked when flags.Yes is set or pr is nil; the defaults stand.
// The server question is only asked when the project has an ASGI application (otherwise
// gunicorn is the only choice) and the settings question only when PatchNeeded. Flag and
// saved values are checked before anything is asked, so a typo fails fast.
func Resolve(p *detect.Project, saved *config.Config, flags Flags, pr Prompter) (config.Config, error) {
	cfg, reasons := Defaults(p)
	settled := map[string]bool{}

	if saved != nil {
		name := cfg.Name
		cfg = *saved
		cfg.Services = slices.Clone(saved.Services)
		cfg.Keep = slices.Clone(saved.Keep)
		if cfg.Name == "" { // saved before names were: the detected one is saved this time
			cfg.Name = name
		}
		for _, k := range []string{"python", "port", "server", "services", "settings_patch"} {
			settled[k] = true
		}
		// A --server flag replaces the saved server, so only a saved one that stays is checked.
		if err := checkServerFor(p, cfg.Server); err != nil && flags.Server == "" {
			return config.Config{}, fmt.Errorf("%s: server = %q: %w", config.FileName, cfg.Server, err)
		}
	}
	if err := applyFlags(p, &cfg, flags, settled); err != nil {
		return config.Config{}, &FlagError{err}
	}

	if pr != nil && !flags.Yes {
		if err := ask(p, &cfg, settled, reasons, pr); err != nil {
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
func applyFlags(p *detect.Project, cfg *config.Config, f Flags, settled map[string]bool) error {
	var errs []error
	if f.Python != "" {
		if err := config.Python.Check(f.Python); err != nil {
			errs = append(errs, fmt.Errorf("--python: %w", err))
		}
		cfg.Python, settled["python"] = f.Python, true
	}
	if f.Port != 0 {
		if err := config.CheckPort(f.Port); err != nil {
			errs = append(errs, fmt.Errorf("--port: %w", err))
		}
		cfg.Port, settled["port"] = f.Port, true
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
		cfg.Server, settled["server"] = f.Server, true
	}
	if f.ServicesSet {
		if err := config.CheckServices(f.Services); err != nil {
			errs = append(errs, fmt.Errorf("--services: %w", err))
		}
		cfg.Services, settled["services"] = slices.Clone(f.Services), true
		if cfg.Services == nil {
			cfg.Services = []detect.Service{}
		}
	}
	if f.SettingsPatch != nil {
		cfg.SettingsPatch, settled["settings_patch"] = *f.SettingsPatch, true
	}
	return errors.Join(errs...)
}

// ask puts each open question to pr.
func ask(p *detect.Project, cfg *config.Config, settled map[string]bool, reasons map[string]string, pr Prompter) error {
	var err error

	if !settled["services"] {
		names, err := pr.MultiSelect(TitleServices, servicesHelp(p, reasons["services"]),
			serviceOptions(), detect.Strings(cfg.Services), checkServiceNames)
		if err != nil {
			return fmt.Errorf("services: %w", err)
		}
		cfg.Services = services(names)
	}

	if !settled["python"] {
		choice := config.Python.Resolve(p.Python)
		cfg.Python, err = pr.Select(TitlePython, pythonHelp(choice, reasons["python"]), pythonOptions(choice), cfg.Python)
		if err != nil {
			return fmt.Errorf("python version: %w", err)
		}
	}

	if !settled["port"] {
		answer, err := pr.Input(TitlePort,
			"The port the web server listens on inside the container; compose publishes it on the same port of the host.",
			strconv.Itoa(cfg.Port), validPort)
		if err != nil {
			return fmt.Errorf("port: %w", err)
		}
		cfg.Port, _ = strconv.Atoi(strings.TrimSpace(answer)) // validPort accepted it
	}

	if opts := serverOptions(p); !settled["server"] && len(opts) > 1 {
		cfg.Server, err = pr.Select(TitleServer, serverHelp(p), opts, cfg.Server)
		if err != nil {
			return fmt.Errorf("web server: %w", err)
		}
	}

	if needed, why := PatchNeeded(p); !settled["settings_patch"] && needed {
		cfg.SettingsPatch, err = pr.Confirm(TitleSettingsPatch, patchHelp(why), cfg.SettingsPatch)
		if err != nil {
			return fmt.Errorf("settings block: %w", err)
		}
	}
	return nil
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

// services reads a prompt's answers (the options' values) as services.
func services(names []string) []detect.Service {
	out := make([]detect.Service, len(names))
	for i, n := range names {
		out[i] = detect.Service(n)
	}
	return out
}

// checkServiceNames is config.CheckServices for a prompt's answers.
func checkServiceNames(names []string) error { return config.CheckServices(services(names)) }

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
