package generate

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

// view is what the templates see: every decision already made, so the templates only
// print and loop.
type view struct {
	Name                string
	Python              string
	Port                int
	DependencyFilesText string

	BuildPackages      []string
	BuildPackagesWhy   string
	RuntimePackages    []string
	RuntimePackagesWhy string

	DependencyCopies []string // "SRC... DEST" operands of COPY lines in the build stage
	BuildWorkDir     string   // where the install runs, when not /src
	InstallWhy       string
	ToolPackages     []string // installer tools, into /opt/tools
	ExportCommand    string   // lockfile → /tmp/requirements.txt
	InstallCommand   string   // pip install … when no tool is needed
	ExtraPackages    []string
	ExtraPackagesWhy string

	SettingsModule   string
	SourceCopy       string // COPY source of the application code
	WorkDir          string // /app, or below it when manage.py is deeper than the code root
	OwnedDirs        []string
	Collectstatic    bool
	CollectstaticEnv string
	// Runtime is the runtime stage as data: user, environment, command, healthcheck. The
	// daemonless builder (package build) sets up the same image from it.
	Runtime Runtime

	// Compose.
	AppEnvironment []envVar
	AppVolumes     []string
	DataServices   []string // services the app waits for
	Worker, Beat   bool
	CeleryApp      string
	BeatScheduler  string
	Postgres       bool
	PostgresImage  string
	MySQL, Redis   bool
	Mail           bool
	Volumes        []string

	// .dockerignore
	Virtualenvs []string
	LocalData   []string

	EnvGroups []envGroup
	Patch     patchView

	Notes []string

	// The environment variables the settings read, where they name their own.
	secretKeyEnv, hostsEnv, databaseURLEnv string
}

type envVar struct{ Key, Value string }

type envGroup struct {
	Title string
	Vars  []envEntry
}

// envEntry is one .env line; Secret ones get a fresh random value in .env.
type envEntry struct {
	Key, Example string
	Secret       bool
}

type patchView struct {
	Path                   string
	SecretKeyEnv, HostsEnv string
	BeginMarker, EndMarker string
	PostgresEngine         string
	Cache                  bool
	CacheBackend           string
	Celery, ChannelLayer   bool
	Mail, StaticRoot       bool
	Whitenoise             bool
	SettingsDepth          int
}

var nameRe = regexp.MustCompile(`[^a-z0-9_.-]+`)

// imageName turns a project name into a valid image and compose project name.
func imageName(s string) string {
	s = strings.Trim(nameRe.ReplaceAllString(strings.ToLower(s), "-"), "-._")
	if s == "" {
		return "app"
	}
	return s
}

func newView(p *detect.Project, c config.Config) (*view, error) {
	d := p.Django
	v := &view{
		Name:           imageName(p.Name),
		Python:         c.Python,
		Port:           c.Port,
		SettingsModule: d.SettingsModule,
		WorkDir:        "/app",
		OwnedDirs:      []string{"/app"},
		Virtualenvs:    p.Virtualenvs,
	}
	v.secretKeyEnv = or(d.SecretKeyEnv, "SECRET_KEY")
	v.hostsEnv = or(d.AllowedHostsEnv, "ALLOWED_HOSTS")
	v.databaseURLEnv = or(d.DatabaseURLEnv, "DATABASE_URL")
	if v.SettingsModule == "" {
		return nil, fmt.Errorf("%s: DJANGO_SETTINGS_MODULE is not set in manage.py, wsgi.py or asgi.py; set it there (os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"yourproject.settings\")) and run init again", d.ManagePy)
	}
	v.Runtime = Runtime{Port: c.Port, User: fmt.Sprintf("%d:%d", runtimeUID, runtimeUID), UserName: runtimeUser,
		UID: runtimeUID, GID: runtimeUID, Healthcheck: newHealthcheck(c.Port), Name: v.Name,
		Env: []string{"PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "DJANGO_SETTINGS_MODULE=" + v.SettingsModule}}
	if err := v.dependencies(p, c); err != nil {
		return nil, err
	}
	v.code(p, c)
	if err := v.server(p, c); err != nil {
		return nil, err
	}
	if err := v.services(p, c); err != nil {
		return nil, err
	}
	v.packages(p, c)
	v.env(p, c)
	v.patch(p, c)
	v.Runtime.SourceDir = commonDir(p.AppRoot, p.DependencyDir)
	v.Runtime.WorkDir = v.WorkDir
	v.Runtime.OwnedDirs = v.OwnedDirs
	v.Runtime.Collectstatic = v.Collectstatic
	v.Runtime.ExtraPackages = v.ExtraPackages
	return v, nil
}

// dependencies decides how the build stage installs what the project declares.
func (v *view) dependencies(p *detect.Project, c config.Config) error {
	files := p.DependencyFiles
	dir := p.DependencyDir
	if p.PackageManager == "none" {
		hint := "add a requirements.txt, Pipfile or pyproject.toml"
		if len(p.Virtualenvs) > 0 {
			hint = "run containerize migrate to declare what " + p.Virtualenvs[0] + "/ has installed"
		}
		return fmt.Errorf("%s declares no dependencies: %s, then run init again", p.Root, hint)
	}
	v.DependencyFilesText = strings.Join(files, ", ")
	if dir != "." {
		v.BuildWorkDir = "/src/" + dir
	}
	lockOnly := func(verb string) string {
		if p.Lockfile != "" {
			return fmt.Sprintf("Install exactly what %s pins, checking every hash.", p.Lockfile)
		}
		v.Notes = append(v.Notes, fmt.Sprintf("%s has no lockfile: the image resolves versions at build time; commit one (%s) for reproducible builds", p.PackageManager, verb))
		return "No lockfile: resolve the dependencies now (commit a lockfile for reproducible builds)."
	}
	switch p.PackageManager {
	case "pipenv":
		v.ToolPackages = []string{"pipenv"}
		v.InstallWhy = lockOnly("pipenv lock")
		// PIPENV_VERBOSITY=-1: pipenv would remark on running inside the active /opt/venv.
		v.ExportCommand = "PIPENV_VERBOSITY=-1 /opt/tools/bin/pipenv requirements --hash > /tmp/requirements.txt"
		if p.Lockfile == "" {
			v.ExportCommand = "PIPENV_VERBOSITY=-1 /opt/tools/bin/pipenv lock && " + v.ExportCommand
		}
	case "poetry":
		v.ToolPackages = []string{"poetry", "poetry-plugin-export"}
		v.InstallWhy = lockOnly("poetry lock")
		v.ExportCommand = "/opt/tools/bin/poetry export --only main --format requirements.txt --output /tmp/requirements.txt"
		if p.Lockfile == "" {
			v.ExportCommand = "/opt/tools/bin/poetry lock && " + v.ExportCommand
		}
	case "uv":
		v.ToolPackages = []string{"uv"}
		v.InstallWhy = lockOnly("uv lock")
		frozen := "--frozen "
		if p.Lockfile == "" {
			frozen = ""
		}
		v.ExportCommand = "/opt/tools/bin/uv export " + frozen + "--no-dev --no-emit-project --format requirements-txt --output-file /tmp/requirements.txt"
	case "pdm":
		v.ToolPackages = []string{"pdm"}
		v.InstallWhy = lockOnly("pdm lock")
		// PDM_CHECK_UPDATE=false: pdm would ask pypi.org for a newer pdm, which fails behind a
		// private index or offline.
		v.ExportCommand = "PDM_CHECK_UPDATE=false /opt/tools/bin/pdm export --prod --format requirements --output /tmp/requirements.txt"
		if p.Lockfile == "" {
			v.ExportCommand = "PDM_CHECK_UPDATE=false /opt/tools/bin/pdm lock && " + v.ExportCommand
		}
	case "pip":
		if p.RequirementsFile != "" {
			req := relTo(dir, p.RequirementsFile)
			v.InstallWhy = fmt.Sprintf("Install the dependencies %s declares.", path.Join(dir, req))
			v.InstallCommand = "pip install -r " + req
			break
		}
		fallthrough
	case "setuptools":
		// setup.py and PEP 621 projects install themselves; that needs the whole source.
		v.InstallWhy = "Install the project and its dependencies (setup.py / pyproject.toml need the whole source)."
		v.InstallCommand = "pip install ."
		v.Notes = append(v.Notes, "the dependency layer is rebuilt whenever code changes: declare dependencies in a requirements file or lockfile to cache them")
		src := "."
		if dir != "." {
			src = dir + "/"
		}
		v.DependencyCopies = []string{src + " ./"}
		return nil
	default:
		return fmt.Errorf("unknown package manager %q", p.PackageManager)
	}
	v.DependencyCopies = copyLines(files)
	return nil
}

// copyLines groups files by folder into COPY operands that keep their relative paths.
func copyLines(files []string) []string {
	byDir := map[string][]string{}
	var dirs []string
	for _, f := range files {
		d := path.Dir(f)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], f)
	}
	var lines []string
	for _, d := range dirs {
		dest := "./"
		if d != "." {
			dest = "./" + d + "/"
		}
		lines = append(lines, strings.Join(byDir[d], " ")+" "+dest)
	}
	return lines
}

// code decides where the application's source goes and runs from.
func (v *view) code(p *detect.Project, c config.Config) {
	src := commonDir(p.AppRoot, p.DependencyDir)
	v.SourceCopy = "."
	if src != "." {
		v.SourceCopy = src + "/"
	}
	if rel := relTo(src, p.AppRoot); rel != "." && rel != "" {
		v.WorkDir = "/app/" + rel
	}
	d := p.Django
	// The folder the settings module is importable from: src/ in a src layout, where only
	// manage.py puts it on sys.path and gunicorn would not find it.
	file := settingsFile(p)
	mod := strings.ReplaceAll(d.SettingsModule, ".", "/")
	root := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(file, ".py"), "/__init__"), mod)
	root = strings.TrimSuffix(root, "/")
	if root == "" {
		root = "."
	}
	if root != p.AppRoot && (src == "." || root == src || strings.HasPrefix(root, src+"/")) {
		v.Runtime.Env = append(v.Runtime.Env, "PYTHONPATH="+path.Join("/app", relTo(src, root)))
	}
	if d.MediaRoot != "" && !strings.Contains(d.MediaRoot, "/") {
		media := path.Join(v.WorkDir, d.MediaRoot)
		v.OwnedDirs = append(v.OwnedDirs, media)
		v.LocalData = append(v.LocalData, path.Join(relTo(".", p.AppRoot), d.MediaRoot))
	}
}

// server picks the command that serves the application.
func (v *view) server(p *detect.Project, c config.Config) error {
	d := p.Django
	app := func(a *string, kind string) (string, error) {
		if a == nil {
			return "", fmt.Errorf("%s: no %s application found (set %s_APPLICATION in the settings) — choose another server or add it", d.ManagePy, kind, kind)
		}
		return *a, nil
	}
	bind := fmt.Sprintf("0.0.0.0:%d", c.Port)
	var cmd []string
	switch c.Server {
	case config.ServerGunicorn:
		a, err := app(d.WSGIApplication, "WSGI")
		if err != nil {
			return err
		}
		cmd = []string{"gunicorn", "--bind", bind, "--access-logfile", "-", a}
	case config.ServerUvicorn:
		a, err := app(d.ASGIApplication, "ASGI")
		if err != nil {
			return err
		}
		worker := "uvicorn.workers.UvicornWorker"
		if p.Has("uvicorn-worker") {
			worker = "uvicorn_worker.UvicornWorker"
		}
		cmd = []string{"gunicorn", "--bind", bind, "--worker-class", worker, "--access-logfile", "-", a}
	case config.ServerDaphne:
		a, err := app(d.ASGIApplication, "ASGI")
		if err != nil {
			return err
		}
		cmd = []string{"daphne", "--bind", "0.0.0.0", "--port", fmt.Sprint(c.Port), a}
	}
	if cmd[0] == "gunicorn" {
		// gunicorn reads its worker count from WEB_CONCURRENCY; set at run time to change it.
		v.Runtime.Env = append(v.Runtime.Env, "WEB_CONCURRENCY=2")
	}
	v.Runtime.Command = cmd
	return nil
}

// services wires the chosen compose services.
func (v *view) services(p *detect.Project, c config.Config) error {
	d := p.Django
	v.Postgres, v.MySQL, v.Redis, v.Mail = c.Has("postgres"), c.Has("mysql"), c.Has("redis"), c.Has("mail")
	v.Worker, v.Beat = c.Has("celery-worker"), c.Has("celery-beat")
	if v.Worker && !p.Has("celery") {
		return fmt.Errorf("celery-worker was chosen but %s does not depend on celery; add celery to the dependencies or drop celery-worker from the services", strings.Join(p.DependencyFiles, ", "))
	}
	if v.Worker {
		v.CeleryApp = d.CeleryApp
		if v.CeleryApp == "" {
			v.CeleryApp = strings.SplitN(d.SettingsModule, ".", 2)[0]
			v.Notes = append(v.Notes, fmt.Sprintf("no Celery app module was found; the worker runs `celery --app %s`, edit docker-compose.yml if yours lives elsewhere", v.CeleryApp))
		}
		if p.Has("django-celery-beat") {
			v.BeatScheduler = "django_celery_beat.schedulers:DatabaseScheduler"
		}
	}
	v.PostgresImage = "postgres:17"
	if d.Database == "postgis" {
		v.PostgresImage = "postgis/postgis:17-3.5"
	}
	if v.Postgres || v.MySQL {
		v.DataServices = append(v.DataServices, "db")
	}
	if v.Redis {
		v.DataServices = append(v.DataServices, "redis")
	}
	if v.Mail {
		v.DataServices = append(v.DataServices, "mail")
	}
	add := func(k, val string) {
		for _, e := range v.AppEnvironment {
			if e.Key == k {
				return // the settings read one variable for two things (REDIS_URL as the broker)
			}
		}
		v.AppEnvironment = append(v.AppEnvironment, envVar{k, val})
	}
	// A database URL is for settings that parse one, or for the settings block; settings
	// that read HOST, NAME… one by one get those instead (databaseKeys).
	wantURL := d.DatabaseURLEnv != "" || c.SettingsPatch || len(d.DatabaseEnv) == 0
	switch {
	case v.Postgres:
		scheme := "postgres"
		if d.Database == "postgis" {
			scheme = "postgis"
		}
		if wantURL {
			add(v.databaseURLEnv, `"`+scheme+`://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}"`)
		}
		v.databaseKeys(d.DatabaseEnv, "5432", "${POSTGRES_DB}", "${POSTGRES_USER}", "${POSTGRES_PASSWORD}")
		v.Volumes = append(v.Volumes, "postgres-data")
	case v.MySQL:
		if wantURL {
			add(v.databaseURLEnv, `"mysql://${MYSQL_USER}:${MYSQL_PASSWORD}@db:3306/${MYSQL_DATABASE}"`)
		}
		v.databaseKeys(d.DatabaseEnv, "3306", "${MYSQL_DATABASE}", "${MYSQL_USER}", "${MYSQL_PASSWORD}")
		v.Volumes = append(v.Volumes, "mysql-data")
	case c.SettingsPatch && (d.Database == "sqlite" || d.Database == ""):
		// SQLite keeps its file in a named volume so data survives rebuilds.
		add(v.databaseURLEnv, `"sqlite:////data/db.sqlite3"`)
		v.AppVolumes = append(v.AppVolumes, "app-data:/data")
		v.OwnedDirs = append(v.OwnedDirs, "/data")
		v.Volumes = append(v.Volumes, "app-data")
	case d.Database == "sqlite":
		v.Notes = append(v.Notes, "the SQLite database lives inside the container and is lost when it is recreated; choose postgres, or accept the settings block to keep it in a volume")
	}
	if v.Redis {
		add("REDIS_URL", `"redis://redis:6379/1"`)
		if v.Worker || p.Has("celery") {
			add(or(d.CeleryBrokerEnv, "CELERY_BROKER_URL"), `"redis://redis:6379/0"`)
			if d.CeleryResultBackend == "redis" {
				add(or(d.CeleryResultBackendEnv, "CELERY_RESULT_BACKEND"), `"redis://redis:6379/0"`)
			}
		}
		v.Volumes = append(v.Volumes, "redis-data")
	}
	if v.Mail {
		add("EMAIL_HOST", "mail")
		add("EMAIL_PORT", `"1025"`)
	}
	sort.Strings(v.Volumes)
	return nil
}

// databaseKeys points the variables the settings read DATABASES["default"] from (HOST,
// PORT, NAME, USER, PASSWORD) at the compose database.
func (v *view) databaseKeys(vars map[string]string, port, name, user, password string) {
	values := map[string]string{"HOST": "db", "PORT": `"` + port + `"`, "NAME": name, "USER": user, "PASSWORD": password}
	for _, key := range []string{"HOST", "PORT", "NAME", "USER", "PASSWORD"} {
		env, ok := vars[key]
		if !ok || env == v.databaseURLEnv || "${"+env+"}" == values[key] {
			continue // already in .env under that very name
		}
		v.AppEnvironment = append(v.AppEnvironment, envVar{env, values[key]})
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// drivers satisfy a chosen database when the project lacks one.
var drivers = map[string][]string{
	"postgres": {"psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "psycopg-c"},
	"mysql":    {"mysqlclient", "pymysql", "mysql-connector-python"},
}

// packages adds what serving the project needs beyond its declared dependencies, and the
// Debian packages for both stages.
func (v *view) packages(p *detect.Project, c config.Config) {
	has := func(names ...string) bool {
		for _, n := range names {
			if p.Has(n) || hasVenv(p, n) {
				return true
			}
		}
		return false
	}
	var extras []string
	switch c.Server {
	case config.ServerGunicorn:
		if !has("gunicorn") {
			extras = append(extras, "gunicorn")
		}
	case config.ServerUvicorn:
		if !has("gunicorn") {
			extras = append(extras, "gunicorn")
		}
		if !has("uvicorn", "uvicorn-worker") {
			extras = append(extras, "uvicorn")
		}
	case config.ServerDaphne:
		if !has("daphne") {
			extras = append(extras, "daphne")
		}
	}
	build := append([]string{}, p.SystemPackages.Build...)
	runtime := append([]string{}, p.SystemPackages.Runtime...)
	buildWhy := evidenceNames(p.SystemPackages.Evidence, true)
	runtimeWhy := evidenceNames(p.SystemPackages.Evidence, false)
	if v.Postgres && !has(drivers["postgres"]...) {
		extras = append(extras, "psycopg2-binary")
	}
	if v.MySQL && !has(drivers["mysql"]...) {
		extras = append(extras, "mysqlclient")
		build = append(build, "build-essential", "default-libmysqlclient-dev", "pkg-config")
		runtime = append(runtime, "libmariadb3")
		buildWhy = append(buildWhy, "mysqlclient")
		runtimeWhy = append(runtimeWhy, "mysqlclient")
	}
	if c.SettingsPatch && !p.Django.Whitenoise && !has("whitenoise") {
		extras = append(extras, "whitenoise")
	}
	v.ExtraPackages = extras
	if len(extras) > 0 {
		v.ExtraPackagesWhy = "Not among the project's dependencies, but needed to serve it: " + strings.Join(extras, ", ") + ".\n# Declare them in the project to pin their versions."
		them, their := "them", "their versions"
		if len(extras) == 1 {
			them, their = "it", "its version"
		}
		v.Notes = append(v.Notes, fmt.Sprintf("the image adds %s, which the project does not declare; add %s to the dependencies to pin %s", strings.Join(extras, ", "), them, their))
	}
	v.BuildPackages = dedupe(build)
	v.RuntimePackages = dedupe(runtime)
	v.BuildPackagesWhy = strings.Join(dedupe(buildWhy), ", ")
	v.RuntimePackagesWhy = strings.Join(dedupe(runtimeWhy), ", ")
}

func hasVenv(p *detect.Project, name string) bool {
	for _, d := range p.VenvPackages {
		if d.Name == name {
			return true
		}
	}
	return false
}

// evidenceNames lists the dependencies behind the build (or runtime) packages.
func evidenceNames(ev []detect.Finding, build bool) []string {
	var out []string
	for _, f := range ev {
		if build && f.Name == "geodjango" {
			continue
		}
		if f.Name == "geodjango" {
			out = append(out, "GeoDjango")
			continue
		}
		if build && f.Name == "psycopg" {
			continue // psycopg 3 needs only the runtime library
		}
		out = append(out, f.Name)
	}
	return out
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
