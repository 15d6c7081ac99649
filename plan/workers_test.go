package plan_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/plan"
)

func TestWorkersAreOneList(t *testing.T) {
	p, c := project(), answers()
	p.Dependencies = append(p.Dependencies, detect.Dependency{Name: "celery"})
	p.Django.CeleryApp = "shop"
	p.Processes = []detect.Process{
		{Name: "worker", Kind: detect.ProcessWorker, Command: []string{"python", "manage.py", "rqworker"}, Source: "Procfile:2", Needs: []detect.Service{detect.ServiceRedis, detect.ServiceMySQL}},
		{Name: "Mail Queue", Kind: detect.ProcessWorker, Command: []string{"python", "manage.py", "send_queued"}, Source: "conf.d/x.conf:3"},
		{Name: "web", Kind: detect.ProcessWeb, Command: []string{"gunicorn", "shop.wsgi", "--timeout", "90"}, Source: "Procfile:1"},
		{Name: "release", Kind: detect.ProcessRelease, Command: []string{"sh", "-c", "python manage.py migrate && python manage.py loaddata seed"}, Source: "Procfile:3"},
	}
	c.Services = []detect.Service{detect.ServiceRedis, detect.ServiceCeleryWorker}
	pl, err := plan.Make(p, c)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, w := range pl.Compose.Workers {
		names = append(names, w.Name)
		if w.Name != "worker" && w.Healthcheck != "" {
			t.Errorf("%s has a healthcheck %q", w.Name, w.Healthcheck)
		}
		if len(w.DevCommand) == 0 || w.DevCommand[0] != "watchmedo" {
			t.Errorf("%s: dev command %q does not restart on changes", w.Name, w.DevCommand)
		}
	}
	if !slices.Equal(names, []string{"worker", "worker-2", "mail-queue"}) {
		t.Errorf("workers %q", names)
	}
	notes := strings.Join(pl.Notes, "\n")
	for _, want := range []string{"Procfile:1: the project serves with `gunicorn shop.wsgi --timeout 90`", "without its --timeout 90", "Procfile:3: the release command", "Procfile:2: worker needs mysql, which is not among the chosen services"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

func TestMediaVolume(t *testing.T) {
	p, c := project(), answers()
	p.Django.MediaRoot, p.Django.MediaRootSource = "uploads", "shop/settings.py:40"
	pl, err := plan.Make(p, c)
	if err != nil {
		t.Fatal(err)
	}
	s := pl.Compose
	if s.Media != "media" || s.MediaDir != "/app/uploads" || !slices.Contains(s.AppVolumes, "media:/app/uploads") || !slices.Contains(s.Volumes, "media") {
		t.Errorf("media %q at %q, app volumes %v, volumes %v", s.Media, s.MediaDir, s.AppVolumes, s.Volumes)
	}
	if !slices.Contains(pl.Image.Runtime.OwnedDirs, "/app/uploads") || !slices.Contains(pl.Dev.WritableDirs, "/app/uploads") || !slices.Contains(pl.Dev.Volumes, "media-dev:/app/uploads") {
		t.Errorf("owned %v, dev writable %v, dev volumes %v", pl.Image.Runtime.OwnedDirs, pl.Dev.WritableDirs, pl.Dev.Volumes)
	}

	p.Django.Tasks = django.Tasks{MediaStorage: "storages.backends.s3boto3.S3Boto3Storage", MediaStorageSource: "shop/settings.py:50"}
	pl, err = plan.Make(p, c)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Compose.Media != "" || slices.Contains(pl.Compose.Volumes, "media") || !strings.Contains(strings.Join(pl.Notes, "\n"), "no media volume is needed") {
		t.Errorf("remote storage: media %q, volumes %v, notes %q", pl.Compose.Media, pl.Compose.Volumes, pl.Notes)
	}
}

func TestAssetsStage(t *testing.T) {
	p, c := project(), answers()
	p.Frontend = &detect.Frontend{Dir: "frontend", Build: "vite build", Tool: "vite", BuildSource: "frontend/package.json:5",
		Watch: "watch", Manager: "pnpm", Lockfile: "frontend/pnpm-lock.yaml", Output: "shop/static/dist", OutputSource: "frontend/vite.config.js:4"}
	p.Django.Tasks.CompressOffline = "shop/settings.py:60"
	pl, err := plan.Make(p, c)
	if err != nil {
		t.Fatal(err)
	}
	a := pl.Image.Assets
	if a == nil || a.Image != "node:24-slim" || a.Install != "corepack enable && pnpm install --frozen-lockfile" || a.Build != "pnpm run build" ||
		a.From != "/src/shop/static/dist" || a.To != "/app/shop/static/dist" || a.Manifests != "frontend/package.json frontend/pnpm-lock.yaml ./" ||
		strings.Join(a.Watch, " ") != "sh -c corepack enable && pnpm install --frozen-lockfile && exec pnpm run watch" {
		t.Fatalf("assets %+v", a)
	}
	if !pl.Image.Runtime.Compress || !slices.Contains(pl.Dev.VolumeNames, "node-modules") {
		t.Errorf("compress %v, dev volumes %v", pl.Image.Runtime.Compress, pl.Dev.VolumeNames)
	}

	// A build that writes outside the folder the image copies cannot be copied into it.
	p.AppRoot, p.DependencyDir, p.Frontend.Output = "backend", "backend", "frontend/dist"
	pl, err = plan.Make(p, c)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Image.Assets != nil || !strings.Contains(strings.Join(pl.Notes, "\n"), "writes to frontend/dist, outside backend") {
		t.Errorf("assets %+v, notes %q", pl.Image.Assets, pl.Notes)
	}
}

// TestDatabaseEngineVariable: settings that read ENGINE from a variable with a sqlite
// default get that variable set to the compose database's backend, in the form of the
// default (a module path, or its last part when the settings prefix the rest).
func TestDatabaseEngineVariable(t *testing.T) {
	for _, tc := range []struct{ def, want string }{
		{"django.db.backends.sqlite3", "django.db.backends.postgresql"},
		{"sqlite3", "postgresql"},
	} {
		p, c := project(), answers()
		p.Dependencies = append(p.Dependencies, detect.Dependency{Name: "psycopg2-binary"})
		p.Django.Database, p.Django.DatabaseEngineEnv = "postgres", "SQL_ENGINE"
		p.Django.DatabaseEnv = map[string]string{"HOST": "SQL_HOST"}
		p.Django.EnvReads = []django.EnvRead{{Name: "SQL_ENGINE", Default: tc.def, HasDefault: true, Setting: "DATABASES", Key: "ENGINE"}}
		c.Services = []detect.Service{detect.ServicePostgres}
		pl, err := plan.Make(p, c)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(pl.Compose.Environment, plan.EnvVar{Key: "SQL_ENGINE", Value: tc.want}) {
			t.Errorf("default %q: compose environment %v lacks SQL_ENGINE=%s", tc.def, pl.Compose.Environment, tc.want)
		}
	}
}
