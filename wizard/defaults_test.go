package wizard

import (
	"reflect"
	"strings"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
)

func ptr(s string) *string { return &s }

// envSettings are settings that already read everything from the environment.
func envSettings() *django.Info {
	return &django.Info{
		WSGIApplication:     ptr("config.wsgi.application"),
		Database:            "postgres",
		DatabaseSource:      "config/settings.py:40",
		DatabaseFromEnv:     true,
		AllowedHostsSource:  "config/settings.py:12",
		AllowedHostsFromEnv: true,
	}
}

// pinned is what detection reports of a project that pins one Python version.
func pinned(minor, source string) detect.Python {
	return detect.Python{Candidates: []detect.PythonCandidate{{Spec: minor, Pin: minor, Source: source}}}
}

// library is the Django REST Framework tutorial project: sqlite, a hard-coded key and DEBUG.
func library() *detect.Project {
	return &detect.Project{
		Python:       pinned("3.8", "Pipfile:9"),
		Dependencies: []detect.Dependency{{Name: "django"}, {Name: "djangorestframework"}},
		Django: &django.Info{
			WSGIApplication:    ptr("library.wsgi.application"),
			InstalledApps:      []string{"rest_framework", "books"},
			Database:           "sqlite",
			DatabaseSource:     "library/settings.py:76",
			SecretKeyHardcoded: true,
			SecretKeySource:    "library/settings.py:23",
			DebugHardcoded:     true,
			DebugSource:        "library/settings.py:26",
			AllowedHostsSource: "library/settings.py:28",
		},
		Services:        []detect.Service{"sqlite"},
		ServiceEvidence: []detect.Finding{{Name: "sqlite", Source: "library/settings.py:76"}},
	}
}

// celeryProject has postgres, redis and Celery (worker and beat), all read from the environment.
func celeryProject() *detect.Project {
	return &detect.Project{
		Python:   pinned("3.12", ".python-version:1"),
		Django:   envSettings(),
		Services: []detect.Service{"postgres", "redis", "celery-worker", "celery-beat", "mail"},
		ServiceEvidence: []detect.Finding{
			{Name: "postgres", Source: "requirements/base.txt:3"},
			{Name: "redis", Source: "config/settings.py:90"},
			{Name: "celery-worker", Source: "config/celery.py:5"},
		},
	}
}

// channelsProject is an ASGI project with Channels on a redis channel layer.
func channelsProject() *detect.Project {
	d := envSettings()
	d.ASGIApplication = ptr("config.asgi.application")
	d.ASGIApplicationSource = "config/settings.py:50"
	d.InstalledApps = []string{"daphne", "channels", "chat"}
	d.SecretKeyHardcoded = true
	d.SecretKeySource = "config/settings.py:20"
	return &detect.Project{
		// The range, first here, resolves to 3.13 and is chosen; the pin conflicts with it.
		Python: detect.Python{Candidates: []detect.PythonCandidate{
			{Spec: ">=3.11,<3.14", Range: true, Source: "pyproject.toml:5"},
			{Spec: "3.12.4", Pin: "3.12", Source: ".python-version:1"},
		}},
		Dependencies: []detect.Dependency{{Name: "django"}, {Name: "channels"}, {Name: "channels-redis"}},
		Django:       d,
		Services:     []detect.Service{"channels", "redis"},
	}
}

func TestDefaults(t *testing.T) {
	asgiNoServer := channelsProject()
	asgiNoServer.Django.InstalledApps = []string{"chat"}
	asgiUvicorn := channelsProject()
	asgiUvicorn.Django.InstalledApps = nil
	asgiUvicorn.Dependencies = append(asgiUvicorn.Dependencies, detect.Dependency{Name: "uvicorn"})
	asgiOnly := channelsProject()
	asgiOnly.Django.InstalledApps, asgiOnly.Django.WSGIApplication = nil, nil
	asgiOnly.Django.ASGIApplicationSource = "chat/asgi/__init__.py:9"
	asgiOnly.Dependencies = append(asgiOnly.Dependencies, detect.Dependency{Name: "uvicorn"})
	asgiDaphneDep := channelsProject()
	asgiDaphneDep.Django.InstalledApps = nil
	asgiDaphneDep.Dependencies = append(asgiDaphneDep.Dependencies, detect.Dependency{Name: "daphne"}, detect.Dependency{Name: "uvicorn"})

	tests := []struct {
		name    string
		p       *detect.Project
		want    config.Config
		reasons map[string]string // key -> substring of the reason
	}{
		{
			name: "library tutorial",
			p:    library(),
			want: config.Config{Python: "3.10", Port: 8000, Server: "gunicorn", Services: []detect.Service{}, SettingsPatch: true},
			reasons: map[string]string{
				"python":         "the project names 3.8 (Pipfile:9), older than the oldest supported Python; using 3.10",
				"services":       "none found",
				"server":         "no ASGI_APPLICATION",
				"settings_patch": "SECRET_KEY is hard-coded (library/settings.py:23)",
				"port":           "runserver",
			},
		},
		{
			name: "celery with everything from the environment",
			p:    celeryProject(),
			want: config.Config{Python: "3.12", Port: 8000, Server: "gunicorn",
				Services: []detect.Service{"postgres", "redis", "celery-worker", "celery-beat", "mail"}},
			reasons: map[string]string{
				"python":         "from .python-version:1",
				"services":       "found postgres (requirements/base.txt:3), redis (config/settings.py:90), celery-worker (config/celery.py:5), celery-beat, mail",
				"settings_patch": "already read",
			},
		},
		{
			name: "channels with daphne in INSTALLED_APPS",
			p:    channelsProject(),
			want: config.Config{Python: "3.13", Port: 8000, Server: "daphne", Services: []detect.Service{"redis"}, SettingsPatch: true},
			reasons: map[string]string{
				"server":         "ASGI_APPLICATION is set (config/settings.py:50) and daphne is in INSTALLED_APPS",
				"settings_patch": "SECRET_KEY is hard-coded (config/settings.py:20)",
			},
		},
		{
			name:    "ASGI application found in an asgi package, not named by the settings",
			p:       asgiOnly,
			want:    config.Config{Python: "3.13", Port: 8000, Server: "uvicorn", Services: []detect.Service{"redis"}, SettingsPatch: true},
			reasons: map[string]string{"server": "an ASGI application is defined (chat/asgi/__init__.py:9) and the project depends on uvicorn"},
		},
		{
			name:    "ASGI without a server dependency",
			p:       asgiNoServer,
			want:    config.Config{Python: "3.13", Port: 8000, Server: "uvicorn", Services: []detect.Service{"redis"}, SettingsPatch: true},
			reasons: map[string]string{"server": "uvicorn will be added to the image"},
		},
		{
			name:    "ASGI depending on uvicorn",
			p:       asgiUvicorn,
			want:    config.Config{Python: "3.13", Port: 8000, Server: "uvicorn", Services: []detect.Service{"redis"}, SettingsPatch: true},
			reasons: map[string]string{"server": "the project depends on uvicorn"},
		},
		{
			name:    "ASGI depending on daphne and uvicorn",
			p:       asgiDaphneDep,
			want:    config.Config{Python: "3.13", Port: 8000, Server: "daphne", Services: []detect.Service{"redis"}, SettingsPatch: true},
			reasons: map[string]string{"server": "the project depends on daphne"},
		},
		{
			name: "not Django, no python version",
			p:    &detect.Project{Services: []detect.Service{"redis"}},
			want: config.Config{Python: "3.12", Port: 8000, Server: "gunicorn", Services: []detect.Service{"redis"}},
			reasons: map[string]string{
				"python":         "no version found in the project; 3.12 is the default",
				"server":         "not a Django project",
				"settings_patch": "not a Django project",
			},
		},
		{
			name:    "python newer than supported",
			p:       &detect.Project{Python: pinned("3.15", ".python-version:1")},
			want:    config.Config{Python: "3.14", Port: 8000, Server: "gunicorn", Services: []detect.Service{}},
			reasons: map[string]string{"python": "the project names 3.15 (.python-version:1), newer than the newest supported Python; using 3.14"},
		},
		{
			name:    "python 2",
			p:       &detect.Project{Python: pinned("2.7", "runtime.txt:1")},
			want:    config.Config{Python: "3.10", Port: 8000, Server: "gunicorn", Services: []detect.Service{}},
			reasons: map[string]string{"python": "older than the oldest supported"},
		},
		{
			name:    "python unreadable",
			p:       &detect.Project{Python: detect.Python{Candidates: []detect.PythonCandidate{{Spec: "pypy", Source: ".python-version:1"}}}},
			want:    config.Config{Python: "3.12", Port: 8000, Server: "gunicorn", Services: []detect.Service{}},
			reasons: map[string]string{"python": `no version found in the project; 3.12 is the default`},
		},
		{
			name: "celery worker without redis gets the broker",
			p:    &detect.Project{Services: []detect.Service{"celery-worker", "sqlite"}},
			want: config.Config{Python: "3.12", Port: 8000, Server: "gunicorn", Services: []detect.Service{"redis", "celery-worker"}},
			reasons: map[string]string{
				"services": "found celery-worker; added redis as the Celery broker",
			},
		},
		{
			name: "beat alone gets a worker and the broker",
			p: &detect.Project{Services: []detect.Service{"celery-beat"}, Django: &django.Info{
				DatabaseFromEnv: true, AllowedHostsFromEnv: true, CeleryBroker: "amqp", CeleryBrokerSource: "settings.py:9"}},
			want: config.Config{Python: "3.12", Port: 8000, Server: "gunicorn", Services: []detect.Service{"redis", "celery-worker", "celery-beat"}},
			reasons: map[string]string{
				"services": "added celery-worker to run the tasks celery-beat schedules; added redis as the Celery broker (the settings name amqp, settings.py:9)",
			},
		},
		{
			name: "both databases: the settings decide",
			p: &detect.Project{Services: []detect.Service{"postgres", "mysql"}, Django: &django.Info{
				Database: "mysql", DatabaseSource: "settings.py:30", DatabaseFromEnv: true, AllowedHostsFromEnv: true}},
			want:    config.Config{Python: "3.12", Port: 8000, Server: "gunicorn", Services: []detect.Service{"mysql"}},
			reasons: map[string]string{"services": "both postgres and mysql were found, kept mysql: DATABASES uses mysql (settings.py:30)"},
		},
		{
			name:    "both databases, engine unknown",
			p:       &detect.Project{Services: []detect.Service{"mysql", "postgres"}},
			want:    config.Config{Python: "3.12", Port: 8000, Server: "gunicorn", Services: []detect.Service{"postgres"}},
			reasons: map[string]string{"services": "kept postgres: no engine could be read from DATABASES"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reasons := Defaults(tt.p)
			tt.want.Name, tt.want.Keep = "app", []string{} // these projects name themselves nothing
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Defaults config:\n got %#v\nwant %#v", got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Defaults gave an invalid config: %v", err)
			}
			for _, k := range []string{"name", "python", "port", "server", "services", "settings_patch"} {
				if reasons[k] == "" {
					t.Errorf("no reason for %s", k)
				}
			}
			for k, want := range tt.reasons {
				if !strings.Contains(reasons[k], want) {
					t.Errorf("reason for %s = %q, want it to contain %q", k, reasons[k], want)
				}
			}
		})
	}
}

func TestPatchNeeded(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *django.Info)
		want   []string
	}{
		{"all from the environment", func(d *django.Info) {}, nil},
		{"sqlite", func(d *django.Info) { d.Database, d.DatabaseFromEnv = "sqlite", false },
			[]string{"DATABASES uses sqlite, a file inside the container, and does not read DATABASE_URL (config/settings.py:40)"}},
		{"sqlite from DATABASE_URL", func(d *django.Info) { d.Database = "sqlite" }, nil},
		{"hard-coded postgres", func(d *django.Info) { d.DatabaseFromEnv = false },
			[]string{"DATABASES is hard-coded (postgres) and does not read DATABASE_URL (config/settings.py:40)"}},
		{"unknown database", func(d *django.Info) { d.Database, d.DatabaseFromEnv = "", false }, nil},
		{"secret and debug", func(d *django.Info) {
			d.SecretKeyHardcoded, d.SecretKeySource = true, "s.py:3"
			d.DebugHardcoded, d.DebugSource = true, "s.py:4"
		}, []string{"SECRET_KEY is hard-coded (s.py:3)", "DEBUG = True is hard-coded (s.py:4)"}},
		{"allowed hosts literal", func(d *django.Info) { d.AllowedHostsFromEnv = false },
			[]string{"ALLOWED_HOSTS does not read the environment (config/settings.py:12)"}},
		{"allowed hosts missing", func(d *django.Info) { d.AllowedHostsFromEnv, d.AllowedHostsSource = false, "" },
			[]string{"ALLOWED_HOSTS is not set"}},
		{"django-configurations class", func(d *django.Info) {
			d.SecretKeyHardcoded, d.AllowedHostsFromEnv, d.ConfigurationClass = true, false, "Prod"
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := envSettings()
			tt.change(d)
			needed, why := PatchNeeded(&detect.Project{Django: d})
			if needed != (len(tt.want) > 0) || !reflect.DeepEqual(why, tt.want) {
				t.Errorf("PatchNeeded = %v, %q; want %q", needed, why, tt.want)
			}
		})
	}
	if needed, why := PatchNeeded(&detect.Project{}); needed || why != nil {
		t.Errorf("PatchNeeded(not Django) = %v, %q", needed, why)
	}
}
