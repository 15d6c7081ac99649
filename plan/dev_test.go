package plan_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/plan"
)

// TestDevInstall checks how each package manager adds the development dependencies it can
// install, from the same lock where there is one, and notes the ones it cannot.
func TestDevInstall(t *testing.T) {
	group := func(kind detect.DevKind, name string, pkgs ...string) detect.DevSource {
		return detect.DevSource{Kind: kind, Name: name, Source: "pyproject.toml:9", Requirements: pkgs, Packages: pkgs}
	}
	for _, tc := range []struct {
		manager  detect.PackageManager
		lockfile string
		dev      []detect.DevSource
		export   string
		command  string
		copies   []string
		note     string
	}{
		{"pipenv", "Pipfile.lock", []detect.DevSource{group(detect.DevPipfile, "dev-packages", "pytest")},
			"PIPENV_VERBOSITY=-1 /opt/tools/bin/pipenv requirements --dev --hash > /tmp/requirements-dev.txt", "", nil, ""},
		{"poetry", "poetry.lock", []detect.DevSource{group(detect.DevPoetryGroup, "dev", "ruff"), group(detect.DevPoetryGroup, "test", "pytest")},
			"/opt/tools/bin/poetry export --with dev --with test --format requirements.txt --output /tmp/requirements-dev.txt", "", nil, ""},
		{"uv", "uv.lock", []detect.DevSource{group(detect.DevGroup, "dev", "pytest"), group(detect.DevExtra, "test", "pytest-django")},
			"/opt/tools/bin/uv export --frozen --group dev --extra test --no-emit-project --format requirements-txt --output-file /tmp/requirements-dev.txt", "", nil, ""},
		{"uv", "", []detect.DevSource{group(detect.DevGroup, "dev", "pytest")},
			"/opt/tools/bin/uv export --group dev --no-emit-project --format requirements-txt --output-file /tmp/requirements-dev.txt", "", nil, ""},
		{"pdm", "", []detect.DevSource{group(detect.DevGroup, "test", "pytest")},
			"PDM_CHECK_UPDATE=false /opt/tools/bin/pdm export --group test --format requirements --output /tmp/requirements-dev.txt", "", nil, ""},
		{"poetry", "poetry.lock", []detect.DevSource{{Kind: detect.DevRequirements, Name: "requirements-dev.txt", Source: "requirements-dev.txt:1", Files: []string{"requirements-dev.txt"}}},
			"", "", nil, "requirements-dev.txt (requirements-dev.txt:1) lists development dependencies that poetry does not install"},
		{"pip", "", []detect.DevSource{
			{Kind: detect.DevRequirements, Name: "requirements/dev.txt", Source: "requirements/dev.txt:2", Files: []string{"requirements/dev.txt", "requirements.txt"}, Packages: []string{"pytest"}},
			{Kind: detect.DevExtra, Name: "test", Source: "pyproject.toml:12", Requirements: []string{`pytest-cov>=5; python_version >= "3.10"`}, Packages: []string{"pytest-cov"}},
		}, "", `pip install -r requirements/dev.txt 'pytest-cov>=5; python_version >= "3.10"'`, []string{"requirements/dev.txt /src/requirements/"}, ""},
	} {
		p := project()
		p.PackageManager, p.Lockfile, p.DevDependencies = tc.manager, tc.lockfile, tc.dev
		if tc.manager != "pip" {
			p.RequirementsFile = ""
		}
		pl, err := plan.Make(p, answers())
		if err != nil {
			t.Fatal(err)
		}
		in := pl.Dev.Install
		if in.Export != tc.export || in.Command != tc.command || !slices.Equal(in.Copies, tc.copies) {
			t.Errorf("%s: export %q, command %q, copies %q\nwant %q, %q, %q", tc.manager, in.Export, in.Command, in.Copies, tc.export, tc.command, tc.copies)
		}
		wantFrom := "build-dev"
		if tc.export == "" && tc.command == "" {
			wantFrom = "build"
		}
		if pl.Dev.VenvFrom != wantFrom {
			t.Errorf("%s: the dev image takes /opt/venv from %q, want %q", tc.manager, pl.Dev.VenvFrom, wantFrom)
		}
		if notes := strings.Join(pl.Notes, "\n"); tc.note != "" && !strings.Contains(notes, tc.note) {
			t.Errorf("%s: notes %q lack %q", tc.manager, notes, tc.note)
		}
	}
}

// TestDevServer checks the development server for each production server: runserver (which
// daphne's app makes serve ASGI), uvicorn --reload, daphne restarted by watchmedo when
// runserver would not serve ASGI; and the Celery services restarted on change.
func TestDevServer(t *testing.T) {
	asgi := "shop.asgi:application"
	for _, tc := range []struct {
		name   string
		server string
		apps   []string
		want   string
		tools  []string
	}{
		{"gunicorn", config.ServerGunicorn, nil, "python manage.py runserver 0.0.0.0:8000", []string{}},
		{"uvicorn", config.ServerUvicorn, nil, "uvicorn shop.asgi:application --reload --host 0.0.0.0 --port 8000", []string{}},
		{"daphne app", config.ServerDaphne, []string{"daphne", "channels"}, "python manage.py runserver 0.0.0.0:8000", []string{}},
		{"daphne alone", config.ServerDaphne, []string{"channels"}, "watchmedo auto-restart --directory /app --patterns *.py --recursive -- daphne --bind 0.0.0.0 --port 8000 shop.asgi:application", []string{"watchdog"}},
	} {
		p, c := project(), answers()
		p.Django.ASGIApplication, p.Django.InstalledApps, c.Server = &asgi, tc.apps, tc.server
		pl, err := plan.Make(p, c)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(pl.Dev.Command, " "); got != tc.want || !slices.Equal(pl.Dev.Tools, tc.tools) {
			t.Errorf("%s: %q, tools %q; want %q, %q", tc.name, got, pl.Dev.Tools, tc.want, tc.tools)
		}
	}

	p, c := project(), answers()
	p.Dependencies = append(p.Dependencies, detect.Dependency{Name: "celery"}, detect.Dependency{Name: "watchdog"})
	p.Virtualenvs = []string{".venv"}
	c.Services = []detect.Service{detect.ServiceRedis, detect.ServiceCeleryWorker, detect.ServiceCeleryBeat}
	pl, err := plan.Make(p, c)
	if err != nil {
		t.Fatal(err)
	}
	restart := "watchmedo auto-restart --directory /app --patterns *.py --recursive --ignore-patterns /app/.venv/* -- "
	if len(pl.Compose.Workers) != 2 || pl.Compose.Workers[0].Name != "worker" || pl.Compose.Workers[1].Name != "beat" || pl.Compose.Workers[1].After != "worker" {
		t.Fatalf("workers: %+v", pl.Compose.Workers)
	}
	worker, beat := pl.Compose.Workers[0], pl.Compose.Workers[1]
	if got := strings.Join(worker.DevCommand, " "); got != restart+strings.Join(worker.Command, " ") {
		t.Errorf("worker: %q", got)
	}
	if len(beat.DevCommand) != 3 || beat.DevCommand[0] != "sh" || !strings.HasPrefix(beat.DevCommand[2], "rm -f /tmp/celerybeat.pid && exec watchmedo auto-restart ") ||
		!strings.Contains(beat.DevCommand[2], " -- celery --app shop beat ") || !slices.Contains(beat.Command, "/tmp/celerybeat.pid") {
		t.Errorf("beat: %q (production %q)", beat.DevCommand, beat.Command)
	}
	if len(pl.Dev.Tools) != 0 {
		t.Errorf("watchdog is declared, yet the dev image adds %q", pl.Dev.Tools)
	}
}

// TestDevDecisions checks the test runner, DEBUG, the host user and the data volume.
func TestDevDecisions(t *testing.T) {
	p, c := project(), answers()
	p.Tests.PytestConfig = []detect.Finding{{Name: "pytest.ini", Source: "pytest.ini"}}
	p.Django.DebugEnv, p.Django.DebugOn = "DJANGO_DEBUG", "True"
	pl, err := plan.Make(p, c)
	if err != nil {
		t.Fatal(err)
	}
	d := pl.Dev
	if d.TestRunner != "django" || strings.Join(d.Test, " ") != "python manage.py test" ||
		!strings.Contains(strings.Join(pl.Notes, "\n"), "pytest.ini configures pytest, but no dependency installs it") {
		t.Errorf("without pytest: %s %q, notes %q", d.TestRunner, d.Test, pl.Notes)
	}
	if !slices.Equal(d.Environment, []plan.EnvVar{{Key: "DJANGO_DEBUG", Value: `"True"`}}) {
		t.Errorf("environment %v", d.Environment)
	}
	if d.User != "${DEV_UID:-1000}:${DEV_GID:-1000}" || d.Image != pl.Name+":dev" || !slices.Equal(d.Volumes, []string{".:/app"}) {
		t.Errorf("user %q, image %q, volumes %q", d.User, d.Image, d.Volumes)
	}
	g := pl.Env[len(pl.Env)-1]
	if len(g.Vars) != 2 || g.Vars[0].Key != "DEV_UID" || g.Vars[0].Host != plan.HostUID || g.Vars[1].Key != "DEV_GID" || g.Vars[1].Host != plan.HostGID {
		t.Errorf("the last .env group is %+v", g)
	}

	p.DevDependencies = []detect.DevSource{{Kind: detect.DevRequirements, Name: "requirements-dev.txt", Files: []string{"requirements-dev.txt"}, Packages: []string{"pytest-django"}}}
	c.SettingsPatch = true
	if pl, err = plan.Make(p, c); err != nil {
		t.Fatal(err)
	}
	d = pl.Dev
	if d.TestRunner != "pytest" || strings.Join(d.Test, " ") != "pytest" || d.TestRunnerWhy != "pytest-django is among the dependencies; configured in pytest.ini" {
		t.Errorf("with pytest-django: %s %q (%s)", d.TestRunner, d.Test, d.TestRunnerWhy)
	}
	if !slices.Equal(d.Environment, []plan.EnvVar{{Key: "DEBUG", Value: `"1"`}}) {
		t.Errorf("with the settings block: environment %v", d.Environment)
	}
	for _, tc := range []struct {
		config bool
		runner string
	}{{true, "pytest"}, {false, "django"}} {
		// pytest alone runs Django's tests only when a configuration sets it up.
		q := *p
		q.DevDependencies = []detect.DevSource{{Kind: detect.DevRequirements, Name: "requirements-dev.txt", Files: []string{"requirements-dev.txt"}, Packages: []string{"pytest"}}}
		q.Tests.PytestConfig = nil
		if tc.config {
			q.Tests.PytestConfig = []detect.Finding{{Name: "conftest.py", Source: "conftest.py"}}
		}
		pq, err := plan.Make(&q, c)
		if err != nil {
			t.Fatal(err)
		}
		if pq.Dev.TestRunner != tc.runner || (tc.runner == "django") != strings.Contains(strings.Join(pq.Notes, "\n"), "neither pytest-django nor a pytest configuration") {
			t.Errorf("pytest, configured %v: %s (%s), notes %q", tc.config, pq.Dev.TestRunner, pq.Dev.TestRunnerWhy, pq.Notes)
		}
	}
	// SQLite in /data: development keeps its own volume, writable by the developer's user.
	if !slices.Equal(d.Volumes, []string{".:/app", "app-dev-data:/data"}) || !slices.Equal(d.VolumeNames, []string{"app-dev-data"}) || !slices.Equal(d.WritableDirs, []string{"/data"}) {
		t.Errorf("volumes %q, names %q, writable %q", d.Volumes, d.VolumeNames, d.WritableDirs)
	}
	if !slices.Equal(d.Watch, []string{"requirements.txt", "requirements-dev.txt"}) {
		t.Errorf("watch %q", d.Watch)
	}
}
