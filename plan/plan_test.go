package plan_test

import (
	"encoding/json"
	"strings"
	"testing"

	"gotest.tools/v3/golden"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/wizard"
)

// TestSnapshot shows the decisions for every sample and answer variant as JSON, so a
// reviewer sees what changed without reading templates (go test ./plan -update rewrites).
func TestSnapshot(t *testing.T) {
	vs := append(samples.Variants(t), samples.Variant{Name: "channels-daphne", Sample: "channels-asgi", Flags: wizard.Flags{Yes: true, Server: config.ServerDaphne}})
	for _, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(samples.Plan(t, v)); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, b.String(), v.Name+".json")
		})
	}
}

func str(s string) *string { return &s }

// project is a small Django project on requirements.txt that plans without errors.
func project() *detect.Project {
	return &detect.Project{
		Root: "/src/shop", Name: "shop", AppRoot: ".", PackageManager: "pip", DependencyDir: ".",
		DependencyFiles: []string{"requirements.txt"}, RequirementsFile: "requirements.txt",
		Dependencies: []detect.Dependency{{Name: "django"}, {Name: "gunicorn"}},
		Django: &django.Info{ManagePy: "manage.py", SettingsModule: "shop.settings", SettingsFile: "shop/settings.py",
			SettingsRoot: ".", WSGIApplication: str("shop.wsgi.application"), Database: "sqlite", StaticRoot: true},
	}
}

func answers() config.Config {
	return config.Config{Name: "app", Python: "3.12", Port: 8000, Server: config.ServerGunicorn, Services: []detect.Service{}}
}

// TestMakeRefuses checks that answers that cannot work, and projects that cannot be set
// up, fail with a message that says what to do.
func TestMakeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*detect.Project, *config.Config)
		want   string
	}{
		{"not django", func(p *detect.Project, _ *config.Config) { p.Django = nil }, "no manage.py found in /src/shop"},
		{"invalid answers", func(_ *detect.Project, c *config.Config) { c.Python = "2.7" }, "python 2.7 is not supported"},
		{"no settings module", func(p *detect.Project, _ *config.Config) { p.Django.SettingsModule = "" }, "manage.py: DJANGO_SETTINGS_MODULE is not set"},
		{"nothing declared", func(p *detect.Project, _ *config.Config) {
			p.PackageManager, p.Virtualenvs = "none", []string{"venv"}
		}, "run containerize migrate to declare what venv/ has installed"},
		{"asgi server without asgi", func(_ *detect.Project, c *config.Config) { c.Server = config.ServerDaphne }, "no ASGI application found"},
		{"settings block on a file python 3 refuses", func(p *detect.Project, c *config.Config) {
			c.SettingsPatch = true
			p.Django.SettingsErrors = []django.Note{{Message: "Missing parentheses in call to 'print'", Source: "shop/settings.py:3"}}
		}, "shop/settings.py:3: Missing parentheses in call to 'print'. Python 3 cannot compile this settings file, so containerize will not append its settings block to it, and wrote nothing"},
		{"celery without celery", func(_ *detect.Project, c *config.Config) {
			c.Services = []detect.Service{"redis", "celery-worker"}
		}, "celery-worker was chosen but requirements.txt does not depend on celery"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, c := project(), answers()
			tc.change(p, &c)
			_, err := plan.Make(p, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Make: %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := plan.Make(project(), answers()); err != nil {
		t.Fatalf("the base project does not plan: %v", err)
	}
}

// TestInstallers checks each package manager's install in the build stage, with and without
// a lockfile.
func TestInstallers(t *testing.T) {
	for _, tc := range []struct {
		manager  detect.PackageManager
		lockfile string
		tools    []string
		export   string
	}{
		{"pipenv", "Pipfile.lock", []string{"pipenv"}, "PIPENV_VERBOSITY=-1 /opt/tools/bin/pipenv requirements --hash > /tmp/requirements.txt"},
		{"pipenv", "", []string{"pipenv"}, "PIPENV_VERBOSITY=-1 /opt/tools/bin/pipenv lock && PIPENV_VERBOSITY=-1 /opt/tools/bin/pipenv requirements --hash > /tmp/requirements.txt"},
		{"poetry", "poetry.lock", []string{"poetry", "poetry-plugin-export"}, "/opt/tools/bin/poetry export --only main --format requirements.txt --output /tmp/requirements.txt"},
		{"uv", "uv.lock", []string{"uv"}, "/opt/tools/bin/uv export --frozen --no-dev --no-emit-project --format requirements-txt --output-file /tmp/requirements.txt"},
		{"uv", "", []string{"uv"}, "/opt/tools/bin/uv export --no-dev --no-emit-project --format requirements-txt --output-file /tmp/requirements.txt"},
		{"pdm", "", []string{"pdm"}, "PDM_CHECK_UPDATE=false /opt/tools/bin/pdm lock && PDM_CHECK_UPDATE=false /opt/tools/bin/pdm export --prod --format requirements --output /tmp/requirements.txt"},
	} {
		p := project()
		p.PackageManager, p.Lockfile, p.RequirementsFile = tc.manager, tc.lockfile, ""
		pl, err := plan.Make(p, answers())
		if err != nil {
			t.Fatal(err)
		}
		d := pl.Image.Dependencies
		if strings.Join(d.Tools, " ") != strings.Join(tc.tools, " ") || d.Export != tc.export || d.Command != "" {
			t.Errorf("%s (lock %q): tools %q, export %q, command %q; want %q, %q", tc.manager, tc.lockfile, d.Tools, d.Export, d.Command, tc.tools, tc.export)
		}
		noted := strings.Contains(strings.Join(pl.Notes, "\n"), "has no lockfile")
		if noted != (tc.lockfile == "") {
			t.Errorf("%s (lock %q): lockfile note %v, notes %q", tc.manager, tc.lockfile, noted, pl.Notes)
		}
	}
}

// TestDeclinedSettingsBlock checks that declining the block says which answers then do
// nothing, and that an error in a file the settings import also stops the block.
func TestDeclinedSettingsBlock(t *testing.T) {
	p, c := project(), answers()
	c.Services = []detect.Service{detect.ServicePostgres, detect.ServiceMail}
	p.Dependencies = append(p.Dependencies, detect.Dependency{Name: "psycopg"})
	p.Django.SecretKeySource, p.Django.AllowedHostsSource = "shop/settings.py:4", "shop/settings.py:6"
	pl, err := plan.Make(p, c)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(pl.Notes, "\n")
	for _, want := range []string{"without the settings block these answers have no effect: the database service",
		"the secret key in .env (SECRET_KEY at shop/settings.py:4 is used)", "the allowed hosts in .env (ALLOWED_HOSTS at shop/settings.py:6 is used)",
		"the mail service"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	p.Django.SecretKeyEnv, p.Django.AllowedHostsEnv, p.Django.DatabaseURLEnv, p.Django.EmailHostEnv = "SECRET_KEY", "HOSTS", "DATABASE_URL", "EMAIL_HOST"
	if pl, err = plan.Make(p, c); err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(pl.Notes, "\n"); strings.Contains(notes, "no effect") {
		t.Errorf("settings that read everything got: %s", notes)
	}
	c.SettingsPatch = true
	p.Django.SettingsErrors = []django.Note{{Message: "unexpected indent", Source: "shop/base.py:3"}}
	if _, err := plan.Make(p, c); err == nil || !strings.Contains(err.Error(), "shop/base.py:3: unexpected indent. Python 3 cannot compile this settings file (which shop/settings.py imports)") {
		t.Errorf("an error in a file the settings star-import: %v", err)
	}
}
