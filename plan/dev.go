package plan

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
)

// Dev is the development environment: the Dockerfile's dev stage (the runtime system with
// the development dependencies, without the code), the compose override that runs it with
// the source mounted and the servers reloading, and the dev container that attaches to it.
type Dev struct {
	// Image is the dev image's name.
	Image string `json:"image"`
	// Install is how the build-dev stage adds the development dependencies to /opt/venv.
	Install DevInstall `json:"install"`
	// Tools are installed after them because the environment needs them (watchdog restarts
	// Celery on code changes); the project does not declare them.
	Tools []string `json:"tools"`
	// VenvFrom is the stage the dev image takes /opt/venv from: build-dev, or build when
	// there is nothing to add to production's.
	VenvFrom string `json:"venv_from"`
	// Env are the dev stage's ENV besides the runtime's: HOME for a user /etc/passwd lacks.
	Env []string `json:"env"`
	// WritableDirs are the folders the application writes to outside the mount, writable by
	// any user in the dev image (the containers run as the developer's UID).
	WritableDirs []string `json:"writable_dirs"`
	// User is the containers' user:group, the developer's ids from .env.
	User string `json:"user"`
	// Volumes are mounted into every dev service: the source (Mount) at Target, where the
	// production image copies it, then the application's data volumes, replacing production's.
	Mount   string   `json:"mount"`
	Target  string   `json:"target"`
	Volumes []string `json:"volumes"`
	// VolumeNames are the named volumes the dev services use that production does not.
	VolumeNames []string `json:"volume_names"`
	// Environment is what the dev services set beyond production's: DEBUG on (Debug), the
	// https redirect and secure-only cookies off where the settings read them (RedirectsOff
	// counts those), and DJANGO_SETTINGS_MODULE when Settings is set.
	Environment  []EnvVar `json:"environment"`
	Debug        bool     `json:"debug"`
	RedirectsOff int      `json:"redirects_off,omitempty"`
	// Settings is the development settings module the dev services run instead of the
	// image's, "" when they run the image's: see devSettings.
	Settings string `json:"settings,omitempty"`
	// Command is the web service's: a server that reloads on code changes, as Reload says.
	Command []string `json:"command"`
	Reload  string   `json:"reload"`
	// Watch are the files whose change rebuilds the dev image (develop.watch).
	Watch []string `json:"watch"`
	// Test runs the tests in the web container with the runner the project uses (TestRunner,
	// because TestRunnerWhy).
	Test          []string `json:"test"`
	TestRunner    string   `json:"test_runner"`
	TestRunnerWhy string   `json:"test_runner_why"`
	// Ports are what the dev container forwards: the web port, the mail catcher's.
	Ports []int `json:"ports"`
}

// DevInstall is how the build-dev stage installs the development dependencies on top of the
// build stage's /opt/venv.
type DevInstall struct {
	// Sources are the sets installed, as "group dev (pyproject.toml:19)".
	Sources []string `json:"sources"`
	// Copies are COPY operands for the files the build stage did not copy ("SRC... DEST").
	Copies []string `json:"copies"`
	// Why says what the install does, for the Dockerfile.
	Why string `json:"why"`
	// Export writes /tmp/requirements-dev.txt with the build stage's /opt/tools (hashed, as
	// production's); without it, Command installs directly; neither when there is nothing.
	Export  string `json:"export"`
	Command string `json:"command"`
}

// The development environment's fixed parts.
const (
	// devTarget is where the source is mounted: where the production image copies it, so
	// imports, WORKDIR and PYTHONPATH are the same.
	devTarget = "/app"
	// devUser is the containers' user: the ids .env records for this machine, devID where
	// it records none (the first user of most Linux machines).
	devUser = "${DEV_UID:-" + devID + "}:${DEV_GID:-" + devID + "}"
	devID   = "1000"
	// devHome is HOME for the developer's UID, which has no home in the image.
	devHome = "/tmp"
	// devDataVolume replaces production's app-data: the dev containers' user owns its files,
	// which production's app user could not write (and the other way round).
	devDataVolume = "app-dev-data"
	// mailUIPort is the mail catcher's web interface.
	mailUIPort = 8025
)

// dev decides the development environment from the production decisions.
func dev(f *facts, pl *Plan) (Dev, []string, error) {
	rt, s := pl.Image.Runtime, pl.Compose
	d := Dev{Image: pl.Name + ":dev", User: devUser, Target: devTarget, Env: []string{"HOME=" + devHome},
		Mount: ".", Tools: []string{}, WritableDirs: []string{}, VolumeNames: []string{}, Environment: []EnvVar{}}
	if rt.SourceDir != "." {
		d.Mount = "./" + rt.SourceDir
	}
	d.Volumes = []string{d.Mount + ":" + d.Target}
	for _, v := range s.AppVolumes {
		name, target, _ := strings.Cut(v, ":")
		switch name {
		case "app-data":
			name = devDataVolume
		default:
			name += "-dev"
		}
		d.VolumeNames = append(d.VolumeNames, name)
		d.Volumes = append(d.Volumes, name+":"+target)
		if strings.HasPrefix(target, d.Target+"/") {
			// Under the source mount: the image's folder (made by runtime-base) seeds the
			// new volume, so it must be writable by the developer's ids too.
			d.WritableDirs = append(d.WritableDirs, target)
		}
	}
	if a := pl.Image.Assets; a != nil && a.Watch != nil {
		d.VolumeNames = append(d.VolumeNames, a.NodeModules)
	}
	for _, dir := range rt.OwnedDirs {
		if dir != d.Target && !strings.HasPrefix(dir, d.Target+"/") {
			d.WritableDirs = append(d.WritableDirs, dir)
		}
	}
	install, installed, notes, err := devInstall(f, pl.Image.Dependencies)
	if err != nil {
		return d, nil, err
	}
	d.Install = install
	declared := func(names ...string) bool {
		return f.has(names...) || slices.ContainsFunc(installed, func(s detect.DevSource) bool {
			return slices.ContainsFunc(names, func(n string) bool { return slices.Contains(s.Packages, n) })
		})
	}
	d.Watch = watchFiles(f.p, installed)

	devModule, devSource := devSettings(f.d)
	// DEBUG on, with the variable and value the settings read.
	switch {
	case f.c.SettingsPatch:
		d.Environment, d.Debug = append(d.Environment, EnvVar{"DEBUG", `"1"`}), true
	case f.d.DebugEnv != "":
		on := f.d.DebugOn
		if on == "" {
			on = "1" // taken as it is: "1" is true to bool casts, int() and env.bool alike
		}
		d.Environment, d.Debug = append(d.Environment, EnvVar{f.d.DebugEnv, `"` + on + `"`}), true
	case devModule != "":
		// The development settings set DEBUG themselves, as they do for runserver.
	default:
		notes = append(notes, fmt.Sprintf("DEBUG is not read from the environment (%s): the development environment runs with the settings' own DEBUG; accept the settings block to switch it on there", orUnknown(f.d.DebugSource)))
	}
	off := devRedirectsOff(f)
	d.Environment, d.RedirectsOff = append(d.Environment, off...), len(off)
	if n := redirectNote(f); n != "" {
		notes = append(notes, n)
	}

	if devModule != "" {
		d.Settings = devModule
		d.Environment = append(d.Environment, EnvVar{"DJANGO_SETTINGS_MODULE", devModule})
		notes = append(notes, fmt.Sprintf("the development environment runs %s, the settings manage.py defaults to (%s), as manage.py runserver does; the image runs %s", devModule, devSource, f.d.SettingsModule))
	}

	usesWatchdog := false
	restarting := func(cmd []string) []string {
		usesWatchdog = true
		return restartOnChange(d.Target, pl.Ignore.Virtualenvs, rt.SourceDir, cmd)
	}
	d.Command, d.Reload = devServer(f, rt, restarting)
	// Every worker restarts on code changes; beat first removes the pidfile a stopped
	// container leaves behind (its pid may be taken).
	for i := range pl.Compose.Workers {
		w := &pl.Compose.Workers[i]
		w.DevCommand = restarting(w.Command)
		if slices.Contains(w.Command, beatPidfile) {
			w.DevCommand = []string{"sh", "-c", "rm -f " + beatPidfile + " && exec " + shellJoin(w.DevCommand)}
		}
	}
	if usesWatchdog && !declared("watchdog") {
		d.Tools = append(d.Tools, "watchdog")
		notes = append(notes, "the dev image adds watchdog (watchmedo restarts the workers on code changes), which the project does not declare; add it to the development dependencies to pin its version")
	}

	// pytest runs a Django project's tests only through pytest-django, or a configuration
	// that sets it up (conftest.py, pytest.ini …); pytest alone collects none of them.
	d.TestRunner, d.Test, d.TestRunnerWhy = "django", []string{"python", "manage.py", "test"}, "no pytest among the dependencies"
	cfg := f.p.Tests.PytestConfig
	switch {
	case declared("pytest-django"):
		d.TestRunner, d.Test, d.TestRunnerWhy = "pytest", []string{"pytest"}, "pytest-django is among the dependencies"
		if len(cfg) > 0 {
			d.TestRunnerWhy += "; configured in " + cfg[0].Source
		}
	case declared("pytest") && len(cfg) > 0:
		d.TestRunner, d.Test, d.TestRunnerWhy = "pytest", []string{"pytest"}, "pytest is among the dependencies and configured in "+cfg[0].Source
	case declared("pytest"):
		d.TestRunnerWhy = "pytest is among the dependencies, but neither pytest-django nor a pytest configuration"
		notes = append(notes, "pytest is declared, but neither pytest-django nor a pytest configuration sets it up for Django: the tests run with `python manage.py test`; add pytest-django to run them with pytest")
	case len(cfg) > 0:
		notes = append(notes, fmt.Sprintf("%s configures pytest, but no dependency installs it: the tests run with `python manage.py test`; add pytest-django to the development dependencies to run them with pytest", cfg[0].Source))
	}
	if s.MySQL {
		notes = append(notes, "Django's test runner creates the database test_<MYSQL_DATABASE>, which MYSQL_USER may not: grant it (GRANT ALL ON `test\\_%`.* TO the user) before running the tests in the container")
	}

	d.VenvFrom = "build"
	if d.Install.Export != "" || d.Install.Command != "" || len(d.Tools) > 0 {
		d.VenvFrom = "build-dev"
	}
	d.Ports = []int{rt.Port}
	if s.Mail {
		d.Ports = append(d.Ports, mailUIPort)
	}
	return d, notes, nil
}

func orUnknown(source string) string {
	if source == "" {
		return "DEBUG is not set in the settings"
	}
	return source
}

// devServer is the web service's command in development: Django's autoreloading runserver,
// uvicorn --reload for the uvicorn server, and daphne restarted on change when runserver
// would not serve ASGI (daphne is not in INSTALLED_APPS, so runserver is Django's own).
func devServer(f *facts, rt Runtime, restarting func([]string) []string) ([]string, string) {
	runserver := []string{"python", "manage.py", "runserver", fmt.Sprintf("0.0.0.0:%d", f.c.Port)}
	switch f.c.Server {
	case config.ServerUvicorn:
		cmd := []string{"uvicorn", *f.d.ASGIApplication, "--reload", "--host", "0.0.0.0", "--port", fmt.Sprint(f.c.Port)}
		if rt.WorkDir != devTarget {
			cmd = append(cmd, "--reload-dir", devTarget)
		}
		return cmd, "uvicorn reloads on every edit"
	case config.ServerDaphne:
		// Daphne's app replaces runserver with one that serves ASGI (Channels 4).
		if !slices.Contains(f.d.InstalledApps, "daphne") {
			return restarting(rt.Command), "daphne restarts whenever a Python file changes"
		}
		return runserver, "Django's runserver (daphne's, serving ASGI) reloads on every edit"
	}
	return runserver, "Django's runserver reloads on every edit"
}

// restartOnChange wraps a command in watchmedo, which restarts it when a Python file under
// dir changes; the project's virtualenvs (in the source mount) are not watched.
func restartOnChange(dir string, venvs []string, sourceDir string, cmd []string) []string {
	out := []string{"watchmedo", "auto-restart", "--directory", dir, "--patterns", "*.py", "--recursive"}
	var ignore []string
	for _, v := range venvs {
		if rel := relTo(sourceDir, v); sourceDir == "." || strings.HasPrefix(v, sourceDir+"/") {
			ignore = append(ignore, path.Join(dir, rel)+"/*")
		}
	}
	if len(ignore) > 0 {
		out = append(out, "--ignore-patterns", strings.Join(ignore, ";"))
	}
	return append(append(out, "--"), cmd...)
}

// devInstall decides how the build-dev stage installs the development dependencies the
// package manager can install, and notes those it cannot.
func devInstall(f *facts, deps Dependencies) (DevInstall, []detect.DevSource, []string, error) {
	in, ok := installers[f.p.PackageManager]
	if !ok {
		return DevInstall{}, nil, nil, fmt.Errorf("unknown package manager %q", f.p.PackageManager)
	}
	var installed []detect.DevSource
	var notes []string
	inst := DevInstall{Sources: []string{}, Copies: []string{}}
	for _, s := range f.p.DevDependencies {
		if !slices.Contains(in.devKinds, s.Kind) {
			notes = append(notes, fmt.Sprintf("%s (%s) lists development dependencies that %s does not install; the dev image leaves them out", devLabel(s), s.Source, f.p.PackageManager))
			continue
		}
		installed = append(installed, s)
		inst.Sources = append(inst.Sources, fmt.Sprintf("%s (%s)", devLabel(s), s.Source))
	}
	if len(installed) == 0 {
		inst.Why = "The project declares no development dependencies: the dev image has the production ones."
		return inst, nil, notes, nil
	}
	names := make([]string, len(installed))
	for i, s := range installed {
		names[i] = devLabel(s)
	}
	if len(in.tools) > 0 {
		var sel []string
		for _, s := range installed {
			flag := in.devGroup
			if s.Kind == detect.DevExtra {
				flag = in.devExtra
			}
			if flag != "" {
				sel = append(sel, flag+" "+s.Name)
			}
		}
		// Without a lockfile the build stage locked (pipenv, Poetry, PDM) or uv's export
		// locked on its own; the dev export reads that lock as production's did.
		frozen := ""
		if f.p.Lockfile != "" {
			frozen = in.frozen
		}
		args := strings.Join(append(sel, in.devArgs), " ")
		inst.Export = in.env + "/opt/tools/bin/" + in.tools[0] + " " + in.export + " " + frozen + args
		inst.Why = fmt.Sprintf("Add the development dependencies (%s) from the same lock, checking every hash.", strings.Join(names, ", "))
		return inst, installed, notes, nil
	}
	var args, files []string
	for _, s := range installed {
		if s.Kind == detect.DevRequirements {
			args = append(args, "-r "+relTo(deps.Dir, s.Name))
			for _, file := range s.Files {
				if !slices.Contains(deps.Files, file) && !slices.Contains(files, file) {
					files = append(files, file)
				}
			}
			continue
		}
		for _, r := range s.Requirements {
			args = append(args, shellQuote(r))
		}
	}
	inst.Copies = copyLinesTo(files, "/src/")
	inst.Command = "pip install " + strings.Join(args, " ")
	inst.Why = fmt.Sprintf("Add the development dependencies (%s).", strings.Join(names, ", "))
	return inst, installed, notes, nil
}

// devLabel names a set of development dependencies for people.
func devLabel(s detect.DevSource) string {
	switch s.Kind {
	case detect.DevPipfile:
		return "Pipfile [" + s.Name + "]"
	case detect.DevPoetryGroup, detect.DevGroup:
		return "group " + s.Name
	case detect.DevExtra:
		return "extra " + s.Name
	}
	return s.Name
}

// watchFiles are the files whose change needs a new dev image: what the production
// dependencies and the installed development ones are read from.
func watchFiles(p *detect.Project, installed []detect.DevSource) []string {
	out := slices.Clone(p.DependencyFiles)
	for _, s := range installed {
		for _, file := range s.Files {
			if !slices.Contains(out, file) {
				out = append(out, file)
			}
		}
	}
	return out
}

// shellJoin joins words into a sh command line.
func shellJoin(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	return strings.Join(quoted, " ")
}

// shellQuote quotes a word for sh when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.,/=+:@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// devSettings is the settings module manage.py defaults to when the image runs another one
// (and it is not production settings), with where manage.py names it; "" when there is
// none. The development environment runs it because that is what the developers run today
// (manage.py runserver): production settings would break it on http://localhost (SSL
// redirects, secure cookies, strict hosts) and lack the development apps (debug toolbar)
// the dev image installs.
func devSettings(d *django.Info) (module, source string) {
	for _, c := range d.SettingsCandidates {
		if c.Chosen || c.Role == django.RoleProduction {
			continue
		}
		for _, e := range c.Evidence {
			if strings.HasPrefix(e, d.ManagePy+":") {
				return c.Module, e
			}
		}
	}
	return "", ""
}
