package plan

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
)

// facts is what every decision reads: the project, the answers, and the variable names the
// settings read where they name their own.
type facts struct {
	p                                      *detect.Project
	d                                      *django.Info
	c                                      config.Config
	secretKeyEnv, hostsEnv, databaseURLEnv string
}

// has reports whether the project declares a distribution or, for a legacy project, its
// virtualenv has it installed.
func (f *facts) has(names ...string) bool {
	for _, n := range names {
		if f.p.Has(n) || slices.ContainsFunc(f.p.VenvPackages, func(d detect.Dependency) bool { return d.Name == n }) {
			return true
		}
	}
	return false
}

// Make decides everything the outputs need from the project's facts and the answers. It
// fails with a message for the user when the answers do not fit the project (an ASGI
// server without an ASGI application, Celery without celery) or the project cannot be set
// up (not Django, no settings module, no declared dependencies).
func Make(p *detect.Project, c config.Config) (*Plan, error) {
	if p.Django == nil {
		return nil, fmt.Errorf("no manage.py found in %s: containerize sets up Django projects; run it in the repository that holds manage.py", p.Root)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	d := p.Django
	if d.SettingsModule == "" {
		return nil, fmt.Errorf("%s: DJANGO_SETTINGS_MODULE is not set in manage.py, wsgi.py or asgi.py; set it there (os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"yourproject.settings\")) and run init again", d.ManagePy)
	}
	f := &facts{p: p, d: d, c: c,
		secretKeyEnv:   cmp.Or(d.SecretKeyEnv, "SECRET_KEY"),
		hostsEnv:       cmp.Or(d.AllowedHostsEnv, "ALLOWED_HOSTS"),
		databaseURLEnv: cmp.Or(d.DatabaseURLEnv, "DATABASE_URL"),
	}
	pl := &Plan{Name: c.Name, Answers: c, Ignore: Ignore{Virtualenvs: p.Virtualenvs}}
	pl.Image = Image{Python: c.Python, Base: "python:" + c.Python + "-slim", SystemEvidence: p.SystemPackages.Evidence}
	var notes []string
	pl.Notes = append(pl.Notes, pythonNotes(p, c)...)
	pl.Files, notes = files(p.Docker)
	pl.Notes = append(pl.Notes, notes...)

	deps, depNotes, err := dependencies(f)
	if err != nil {
		return nil, err
	}
	pl.Image.Dependencies = deps
	pl.Notes = append(pl.Notes, depNotes...)

	rt := &pl.Image.Runtime
	*rt = Runtime{Port: c.Port, User: fmt.Sprintf("%d:%d", runtimeUID, runtimeUID), UserName: runtimeUser,
		UID: runtimeUID, GID: runtimeUID, Healthcheck: healthcheck(c.Port, probeHost(f), probeHeader(d)), WorkDir: "/app", OwnedDirs: []string{"/app"},
		Env: []string{"PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "DJANGO_SETTINGS_MODULE=" + d.SettingsModule}}
	if d.ConfigurationClass != "" {
		// django-configurations: the class that was read, also for manage.py in the image.
		rt.Env = append(rt.Env, "DJANGO_CONFIGURATION="+d.ConfigurationClass)
	}
	code(f, rt, &pl.Ignore)
	if err := server(f, rt); err != nil {
		return nil, err
	}
	if pl.Compose, notes, err = stack(f, rt); err != nil {
		return nil, err
	}
	pl.Notes = append(pl.Notes, notes...)
	notes = packages(f, &pl.Image, pl.Compose)
	pl.Notes = append(pl.Notes, notes...)
	pl.Env = envGroups(f, pl.Name, pl.Compose)
	pl.Notes = append(pl.Notes, placeholderNote(pl.Env)...)
	if pl.Patch, notes, err = settings(f, rt, pl.Compose); err != nil {
		return nil, err
	}
	pl.Notes = append(pl.Notes, notes...)
	pl.Image.Assets, notes = assets(f, rt)
	pl.Notes = append(pl.Notes, notes...)
	if src := d.Tasks.CompressOffline; src != "" {
		if rt.Collectstatic {
			rt.Compress = true
			pl.Notes = append(pl.Notes, fmt.Sprintf("COMPRESS_OFFLINE is on (%s): the image runs `manage.py compress` after collectstatic", src))
		} else {
			pl.Notes = append(pl.Notes, fmt.Sprintf("COMPRESS_OFFLINE is on (%s) but the image collects no static files, so it cannot compress them ahead: set STATIC_ROOT", src))
		}
	}
	if pl.Dev, notes, err = dev(f, pl); err != nil {
		return nil, err
	}
	pl.Notes = append(pl.Notes, notes...)
	failClosed(f, pl)
	return pl, nil
}

// healthcheck is the image's HEALTHCHECK (the Dockerfile's and the daemonless image's): an
// HTTP request to / that tells a serving application from a broken one. Any answer the
// application's own routing gives is serving: a page, a redirect (to https, to a login), or
// 401/403/404/405 for an API that has nothing at /. A 400 is not: Django answers it when
// the Host is not in ALLOWED_HOSTS, so every real request would fail too; nor is a 5xx or
// no answer. The request carries a Host the settings accept and, when they trust a proxy's
// https header, that header, so SECURE_SSL_REDIRECT serves it rather than redirecting. The
// price is one access-log line per interval; a short interval makes `docker compose up
// --wait` return soon.
func healthcheck(port int, host string, header []string) Healthcheck {
	headers := fmt.Sprintf("{'Host': %s}", pyQuote(host))
	if len(header) == 2 {
		headers = fmt.Sprintf("{'Host': %s, %s: %s}", pyQuote(host), pyQuote(header[0]), pyQuote(header[1]))
	}
	probe := fmt.Sprintf("import http.client, sys; c = http.client.HTTPConnection('127.0.0.1', %d, timeout=4); c.request('GET', '/', headers=%s); s = c.getresponse().status; sys.exit(0 if s < 400 or s in (401, 403, 404, 405) else 1)", port, headers)
	return Healthcheck{
		Command:  []string{"python", "-c", probe},
		Interval: 10 * time.Second, Timeout: 5 * time.Second, StartPeriod: 30 * time.Second, Retries: 3,
	}
}

// pyQuote is s as a Python string literal in single quotes (the command is JSON in the
// Dockerfile, where double quotes would need escaping).
func pyQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// probeHost is a Host header ALLOWED_HOSTS accepts in the running container: localhost
// when the hosts come from .env (which lists it) or the settings list it or "*"; else
// their first entry (".example.com" as example.com, which it matches).
func probeHost(f *facts) string {
	d := f.d
	if f.c.SettingsPatch || d.AllowedHostsEnv != "" || d.AllowedHostsFromEnv || len(d.AllowedHosts) == 0 {
		return "localhost"
	}
	for _, h := range d.AllowedHosts {
		if h == "*" || h == "localhost" || h == ".localhost" {
			return "localhost"
		}
	}
	return strings.TrimPrefix(d.AllowedHosts[0], ".")
}

// probeHeader is the header SECURE_PROXY_SSL_HEADER names, as a client sends it
// (HTTP_X_FORWARDED_PROTO → X-Forwarded-Proto), with the value that marks https.
func probeHeader(d *django.Info) []string {
	if len(d.ProxySSLHeader) != 2 {
		return nil
	}
	parts := strings.Split(strings.ToLower(strings.TrimPrefix(d.ProxySSLHeader[0], "HTTP_")), "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return []string{strings.Join(parts, "-"), d.ProxySSLHeader[1]}
}

// code decides where the application's source goes and runs from.
func code(f *facts, rt *Runtime, ig *Ignore) {
	p, d := f.p, f.d
	src := commonDir(p.AppRoot, p.DependencyDir)
	rt.SourceDir = src
	if rel := relTo(src, p.AppRoot); rel != "." && rel != "" {
		rt.WorkDir = "/app/" + rel
	}
	// The folder the settings module is importable from: src/ in a src layout, where only
	// manage.py puts it on sys.path and gunicorn would not find it.
	if root := d.SettingsRoot; root != "" && root != p.AppRoot && (src == "." || root == src || strings.HasPrefix(root, src+"/")) {
		rt.Env = append(rt.Env, "PYTHONPATH="+path.Join("/app", relTo(src, root)))
	}
	if c := d.SettingsCopy; c != nil {
		// The module is imported from manage.py's folder, the work dir.
		rt.Copies = append(rt.Copies, Copy{From: c.From, To: path.Join(rt.WorkDir, c.To), Source: c.Source})
	}
	if d.MediaRoot != "" && !strings.Contains(d.MediaRoot, "/") {
		rt.OwnedDirs = append(rt.OwnedDirs, path.Join(rt.WorkDir, d.MediaRoot))
		ig.LocalData = append(ig.LocalData, path.Join(relTo(".", p.AppRoot), d.MediaRoot))
	}
}

// server picks the command that serves the application.
func server(f *facts, rt *Runtime) error {
	d, c := f.d, f.c
	app := func(a *string, kind string) (string, error) {
		if a == nil {
			return "", fmt.Errorf("%s: no %s application found (set %s_APPLICATION in the settings) — choose another server or add it", d.ManagePy, kind, kind)
		}
		return *a, nil
	}
	bind := fmt.Sprintf("0.0.0.0:%d", c.Port)
	switch c.Server {
	case config.ServerGunicorn:
		a, err := app(d.WSGIApplication, "WSGI")
		if err != nil {
			return err
		}
		rt.Command = []string{"gunicorn", "--bind", bind, "--access-logfile", "-", a}
	case config.ServerUvicorn:
		a, err := app(d.ASGIApplication, "ASGI")
		if err != nil {
			return err
		}
		worker := "uvicorn.workers.UvicornWorker"
		if f.p.Has("uvicorn-worker") {
			worker = "uvicorn_worker.UvicornWorker"
		}
		rt.Command = []string{"gunicorn", "--bind", bind, "--worker-class", worker, "--access-logfile", "-", a}
	case config.ServerDaphne:
		a, err := app(d.ASGIApplication, "ASGI")
		if err != nil {
			return err
		}
		rt.Command = []string{"daphne", "--bind", "0.0.0.0", "--port", fmt.Sprint(c.Port), a}
	}
	if rt.Command[0] == "gunicorn" {
		// gunicorn reads its worker count from WEB_CONCURRENCY; set at run time to change it.
		rt.Env = append(rt.Env, "WEB_CONCURRENCY=2")
	}
	return nil
}

// drivers satisfy a chosen database when the project lacks one.
var drivers = map[detect.Service][]string{
	detect.ServicePostgres: {"psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "psycopg-c"},
	detect.ServiceMySQL:    {"mysqlclient", "pymysql", "mysql-connector-python"},
}

// packages adds what serving the project needs beyond its declared dependencies, and the
// Debian packages for both stages.
func packages(f *facts, img *Image, s Compose) []string {
	p, c := f.p, f.c
	var extras []string
	switch c.Server {
	case config.ServerGunicorn:
		if !f.has("gunicorn") {
			extras = append(extras, "gunicorn")
		}
	case config.ServerUvicorn:
		if !f.has("gunicorn") {
			extras = append(extras, "gunicorn")
		}
		if !f.has("uvicorn", "uvicorn-worker") {
			extras = append(extras, "uvicorn")
		}
	case config.ServerDaphne:
		if !f.has("daphne") {
			extras = append(extras, "daphne")
		}
	}
	build := slices.Clone(p.SystemPackages.Build)
	runtime := slices.Clone(p.SystemPackages.Runtime)
	buildFor := evidenceNames(p.SystemPackages.Evidence, true)
	runtimeFor := evidenceNames(p.SystemPackages.Evidence, false)
	if s.Postgres && !f.has(drivers[detect.ServicePostgres]...) {
		extras = append(extras, "psycopg2-binary")
	}
	if s.MySQL && !f.has(drivers[detect.ServiceMySQL]...) {
		extras = append(extras, "mysqlclient")
		build = append(build, "build-essential", "default-libmysqlclient-dev", "pkg-config")
		runtime = append(runtime, "libmariadb3")
		buildFor = append(buildFor, "mysqlclient")
		runtimeFor = append(runtimeFor, "mysqlclient")
	}
	if c.SettingsPatch && !f.d.Whitenoise && !f.has("whitenoise") {
		extras = append(extras, "whitenoise")
	}
	img.Extra = extras
	img.BuildPackages = DebianPackages{Names: sortedSet(build), For: sortedSet(buildFor)}
	img.RuntimePackages = DebianPackages{Names: sortedSet(runtime), For: sortedSet(runtimeFor)}
	if len(extras) == 0 {
		return nil
	}
	them, their := "them", "their versions"
	if len(extras) == 1 {
		them, their = "it", "its version"
	}
	return []string{fmt.Sprintf("the image adds %s, which the project does not declare; add %s to the dependencies to pin %s", strings.Join(extras, ", "), them, their)}
}

// evidenceNames lists the dependencies behind the build (or runtime) packages.
func evidenceNames(ev []detect.Finding, build bool) []string {
	var out []string
	for _, f := range ev {
		switch {
		case f.Name == "geodjango" && build:
		case f.Name == "geodjango":
			out = append(out, "GeoDjango")
		case f.Name == "psycopg" && build: // psycopg 3 needs only the runtime library
		default:
			out = append(out, f.Name)
		}
	}
	return out
}

// sortedSet sorts a list and drops repeats; never nil, so the plan's JSON shows [].
func sortedSet(list []string) []string {
	out := append([]string{}, list...)
	slices.Sort(out)
	return slices.Compact(out)
}

// commonDir is the deepest folder containing both a and b (slash paths, "." for the root).
func commonDir(a, b string) string {
	if a == "." || b == "." {
		return "."
	}
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	var common []string
	for i := 0; i < len(as) && i < len(bs) && as[i] == bs[i]; i++ {
		common = append(common, as[i])
	}
	if len(common) == 0 {
		return "."
	}
	return path.Join(common...)
}

// relTo makes p relative to dir (both slash paths below the root, p inside dir).
func relTo(dir, p string) string {
	if dir == "." {
		return p
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
}
