package wizard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

// DefaultPort is the port Django's runserver uses, so it is the one people expect.
const DefaultPort = 8000

// Defaults computes the answers detection suggests, with a reason for each, keyed like the
// containerize.toml keys (python, port, server, services, settings_patch), for printing.
// p must not be nil.
func Defaults(p *detect.Project) (config.Config, map[string]string) {
	reasons := map[string]string{}
	var c config.Config

	c.Name, reasons["name"] = config.ProjectName(p.Name), "nothing in the project names it"
	if p.NameSource != "" {
		reasons["name"] = "from " + p.NameSource
	}
	c.Keep = []string{}
	c.Services, reasons["services"] = defaultServices(p)
	c.Python, reasons["python"] = config.Python.Choose(p.Python)
	c.Port, reasons["port"] = DefaultPort, "the port Django's runserver uses"
	c.Server, reasons["server"] = defaultServer(p)

	needed, why := PatchNeeded(p)
	c.SettingsPatch = needed
	switch {
	case p.Django != nil && p.Django.ConfigurationClass != "":
		reasons["settings_patch"] = "the settings are the django-configurations class " + p.Django.ConfigurationClass +
			", whose attributes override a block appended to the module; read the environment with values.*Value in the class"
	case needed:
		reasons["settings_patch"] = "the settings do not read the environment the containers set: " + strings.Join(why, "; ")
	case p.Django == nil:
		reasons["settings_patch"] = "not a Django project"
	default:
		reasons["settings_patch"] = "the settings already read the database, SECRET_KEY, DEBUG and ALLOWED_HOSTS from the environment"
	}
	return c, reasons
}

// withSource appends "(path:line)" when the evidence is known.
func withSource(s, source string) string {
	if source == "" {
		return s
	}
	return s + " (" + source + ")"
}

func serviceSource(p *detect.Project, service detect.Service) string {
	if i := slices.IndexFunc(p.ServiceEvidence, func(f detect.Finding) bool { return f.Name == string(service) }); i >= 0 {
		return p.ServiceEvidence[i].Source
	}
	return ""
}

// defaultServices keeps the detected services that run as containers and completes the set
// so that it is valid: one database, and what Celery needs to run.
func defaultServices(p *detect.Project) ([]detect.Service, string) {
	services := []detect.Service{}
	var found []string
	for _, s := range config.OrderServices(p.Services) {
		if slices.Contains(config.ComposeServices, s) && !slices.Contains(services, s) {
			services = append(services, s)
			found = append(found, withSource(string(s), serviceSource(p, s)))
		}
	}

	var notes []string
	if slices.Contains(services, detect.ServicePostgres) && slices.Contains(services, detect.ServiceMySQL) {
		keep, drop, why := detect.ServicePostgres, detect.ServiceMySQL, "no engine could be read from DATABASES"
		if p.Django != nil {
			switch p.Django.Database {
			case "mysql":
				keep, drop = detect.ServiceMySQL, detect.ServicePostgres
				why = withSource("DATABASES uses mysql", p.Django.DatabaseSource)
			case "postgres", "postgis":
				why = withSource("DATABASES uses "+p.Django.Database, p.Django.DatabaseSource)
			}
		}
		services = slices.DeleteFunc(services, func(s detect.Service) bool { return s == drop })
		notes = append(notes, fmt.Sprintf("both postgres and mysql were found, kept %s: %s", keep, why))
	}
	if slices.Contains(services, detect.ServiceCeleryBeat) && !slices.Contains(services, detect.ServiceCeleryWorker) {
		services = append(services, detect.ServiceCeleryWorker)
		notes = append(notes, "added celery-worker to run the tasks celery-beat schedules")
	}
	if slices.Contains(services, detect.ServiceCeleryWorker) && !slices.Contains(services, detect.ServiceRedis) {
		services = append(services, detect.ServiceRedis)
		broker := "added redis as the Celery broker"
		if p.Django != nil && p.Django.CeleryBroker != "" && p.Django.CeleryBroker != "redis" {
			named := "the settings name " + p.Django.CeleryBroker
			if src := p.Django.CeleryBrokerSource; src != "" {
				named += ", " + src
			}
			broker += " (" + named + ")"
		}
		notes = append(notes, broker)
	}

	reason := "none found"
	if len(found) > 0 {
		reason = "found " + strings.Join(found, ", ")
	}
	if len(notes) > 0 {
		reason += "; " + strings.Join(notes, "; ")
	}
	return config.OrderServices(services), reason
}

func defaultServer(p *detect.Project) (string, string) {
	if !hasASGI(p) {
		if p.Django == nil {
			return config.ServerGunicorn, "not a Django project with an ASGI application; gunicorn serves WSGI"
		}
		return config.ServerGunicorn, "no ASGI_APPLICATION in the settings; gunicorn serves the WSGI application"
	}
	what := "ASGI_APPLICATION is set"
	if file, _, _ := strings.Cut(p.Django.ASGIApplicationSource, ":"); file == "asgi.py" || strings.HasSuffix(file, "/asgi.py") || strings.HasSuffix(file, "asgi/__init__.py") {
		what = "an ASGI application is defined" // found in asgi.py, not named by the settings
	}
	asgi := withSource(what, p.Django.ASGIApplicationSource)
	switch {
	case p.Has("daphne"):
		return config.ServerDaphne, asgi + " and the project depends on daphne"
	case slices.Contains(p.Django.InstalledApps, "daphne"):
		return config.ServerDaphne, asgi + " and daphne is in INSTALLED_APPS"
	case p.Has("uvicorn"):
		return config.ServerUvicorn, asgi + " and the project depends on uvicorn"
	}
	return config.ServerUvicorn, asgi + "; uvicorn will be added to the image"
}

// PatchNeeded reports whether the Django settings ignore what the generated containers pass
// in the environment, with each reason and its evidence: a database configured in the file
// rather than from DATABASE_URL (sqlite would live inside the container; a hard-coded host
// is not the compose service), a hard-coded SECRET_KEY or DEBUG = True, an ALLOWED_HOSTS
// that does not read the environment. A project that is not Django never needs it.
func PatchNeeded(p *detect.Project) (bool, []string) {
	d := p.Django
	if d == nil || d.ConfigurationClass != "" {
		return false, nil // a django-configurations class overrides an appended block
	}
	var why []string
	switch {
	case d.DatabaseFromEnv:
	case d.Database == "sqlite":
		why = append(why, withSource("DATABASES uses sqlite, a file inside the container, and does not read DATABASE_URL", d.DatabaseSource))
	case d.Database != "":
		why = append(why, withSource("DATABASES is hard-coded ("+d.Database+") and does not read DATABASE_URL", d.DatabaseSource))
	}
	if d.SecretKeyHardcoded {
		why = append(why, withSource("SECRET_KEY is hard-coded", d.SecretKeySource))
	}
	if d.DebugHardcoded {
		why = append(why, withSource("DEBUG = True is hard-coded", d.DebugSource))
	}
	if !d.AllowedHostsFromEnv {
		if d.AllowedHostsSource == "" {
			why = append(why, "ALLOWED_HOSTS is not set")
		} else {
			why = append(why, withSource("ALLOWED_HOSTS does not read the environment", d.AllowedHostsSource))
		}
	}
	return len(why) > 0, why
}
