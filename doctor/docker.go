package doctor

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// dockerFacts is what the docker CLI said about the client, the engine and Compose.
type dockerFacts struct {
	// version is `docker version --format '{{json .}}'`: the client always, the engine when
	// it answers (Server), and on stderr why it does not.
	version Result
	client  versionJSON
	info    infoJSON // `docker info --format '{{json .}}'`: the engine's OS, plugins, context
	compose composeFacts
	// project is what the engine has of the project's Compose project name; nil when the
	// engine does not answer or the project has no compose file.
	project *projectFacts
}

type versionJSON struct {
	Client struct {
		Version, APIVersion, Context string
	}
	Server *struct {
		Version, APIVersion, Os, Arch string
		Platform                      struct{ Name string }
	}
}

type infoJSON struct {
	ServerVersion, OperatingSystem, OSType, Name string
	SecurityOptions                              []string
	ServerErrors                                 []string
	ClientInfo                                   struct {
		Context string
		Plugins []struct{ Name, Version, Path, Err string }
	}
}

// composeFacts is which Compose is installed: `docker compose version`, or when the CLI has
// no compose plugin, `docker-compose version`.
type composeFacts struct {
	plugin, standalone Result
	// via is the command that answered ("docker compose" or "docker-compose"); "" for none.
	via     string
	version version
}

// gatherDocker asks the docker CLI its three questions at once; once the engine has
// answered and the project is read (it comes on project), the containers and volumes of the
// project's Compose project name too, while the other two are under way.
func gatherDocker(ctx context.Context, o Options, project <-chan *project) *dockerFacts {
	run := func(name string, args ...string) Result {
		ctx, cancel := context.WithTimeout(ctx, o.Timeout)
		defer cancel()
		return o.Run(ctx, Command{Name: name, Args: args})
	}
	d := &dockerFacts{}
	var info Result
	var wg sync.WaitGroup
	wg.Go(func() {
		d.version = run("docker", "version", "--format", "{{json .}}")
		// Partial output is normal: the client half when the engine does not answer.
		json.Unmarshal(d.version.Stdout, &d.client)
		if d.reachable() {
			d.project = gatherProject(run, <-project)
		}
	})
	wg.Go(func() { info = run("docker", "info", "--format", "{{json .}}") })
	wg.Go(func() { d.compose.plugin = run("docker", "compose", "version") })
	wg.Wait()
	json.Unmarshal(info.Stdout, &d.info)

	c := &d.compose
	if v, ok := parseVersion(firstLine(c.plugin.Stdout)); ok && c.plugin.Err == nil && c.plugin.ExitCode == 0 {
		c.via, c.version = "docker compose", v
	} else {
		c.standalone = run("docker-compose", "version")
		if v, ok := parseVersion(firstLine(c.standalone.Stdout)); ok && c.standalone.Err == nil && c.standalone.ExitCode == 0 {
			c.via, c.version = "docker-compose", v
		}
	}
	return d
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(s)
}

// reachable says the engine answered.
func (d *dockerFacts) reachable() bool { return d.client.Server != nil }

func (d *dockerFacts) engineVersion() version {
	if d.client.Server == nil {
		return version{}
	}
	v, _ := parseVersion(d.client.Server.Version)
	return v
}

func (d *dockerFacts) clientVersion() (version, bool) { return parseVersion(d.client.Client.Version) }

// context is the docker context the CLI used.
func (d *dockerFacts) context() string {
	return cmp.Or(d.info.ClientInfo.Context, d.client.Client.Context)
}

// plugin is the version of the docker CLI plugin name, "" when it is not installed.
func (d *dockerFacts) plugin(name string) (string, bool) {
	for _, p := range d.info.ClientInfo.Plugins {
		if p.Name == name && p.Err == "" {
			return p.Version, true
		}
	}
	return "", false
}

// desktop says the engine is Docker Desktop's (macOS, Windows, or Linux), which shares
// files with its VM through a layer that maps ownership itself.
func (d *dockerFacts) desktop() bool {
	return (d.client.Server != nil && strings.Contains(d.client.Server.Platform.Name, "Docker Desktop")) ||
		d.info.OperatingSystem == "Docker Desktop" || strings.HasPrefix(d.context(), "desktop-")
}

// rootless says the engine runs without root: container root is the developer.
func (d *dockerFacts) rootless() bool {
	return slices.Contains(d.info.SecurityOptions, "name=rootless")
}

// engineKind is how the engine relates to this machine's files, which decides how the
// containers' user should be chosen.
type engineKind int

const (
	engineUnknown engineKind = iota // the engine did not answer
	engineNative                    // Docker Engine on this Linux machine: uids are shared as they are
	engineDesktop                   // Docker Desktop: its file sharing maps ownership
	engineVM                        // another VM (colima, OrbStack…) or a remote engine
)

func (d *dockerFacts) kind(h Host, getenv func(string) string) engineKind {
	switch {
	case !d.reachable():
		return engineUnknown
	case d.desktop():
		return engineDesktop
	case h.GOOS == "linux" && d.info.OSType != "windows" && !remoteHost(getenv("DOCKER_HOST")):
		return engineNative
	}
	return engineVM
}

// remoteHost says DOCKER_HOST names an engine on another machine.
func remoteHost(h string) bool {
	if strings.HasPrefix(h, "ssh://") {
		return true
	}
	rest, ok := strings.CutPrefix(h, "tcp://")
	if !ok {
		return false
	}
	host := rest
	if i := strings.LastIndex(rest, ":"); i >= 0 {
		host = rest[:i]
	}
	return host != "localhost" && host != "127.0.0.1" && host != "[::1]"
}

func (d *dockerFacts) describe(h Host, getenv func(string) string) string {
	switch d.kind(h, getenv) {
	case engineDesktop:
		return "Docker Desktop"
	case engineNative:
		if d.rootless() {
			return "native Linux engine, rootless"
		}
		return "native Linux engine"
	case engineVM:
		if remoteHost(getenv("DOCKER_HOST")) {
			return "remote engine at " + getenv("DOCKER_HOST")
		}
		return "engine in a VM: " + cmp.Or(d.info.OperatingSystem, "unknown system")
	}
	return ""
}

func engineFinding(d *dockerFacts, h Host, getenv func(string) string) Finding {
	f := Finding{ID: "docker.engine"}
	if d.reachable() {
		s := d.client.Server
		f.Severity = OK
		f.Summary = fmt.Sprintf("Docker Engine %s answers (%s, context %s)", s.Version, d.describe(h, getenv), cmp.Or(d.context(), "default"))
		f.Detail = fmt.Sprintf("client %s, engine %s on %s", d.client.Client.Version, s.Version, cmp.Or(d.info.OperatingSystem, s.Os))
		return f
	}
	f.Severity = Blocking
	r := d.version
	stderr := firstLine(r.Stderr)
	if len(d.info.ServerErrors) > 0 && stderr == "" {
		stderr = d.info.ServerErrors[0]
	}
	desktopOS := h.GOOS == "darwin" || h.GOOS == "windows" || strings.HasPrefix(d.context(), "desktop-")
	switch {
	case errors.Is(r.Err, exec.ErrNotFound):
		f.Summary = "the docker command is not installed (or not on PATH)"
		if desktopOS {
			f.Fix = "install Docker Desktop (https://docs.docker.com/desktop/), start it, and open a new terminal"
		} else {
			f.Fix = "install Docker Engine and the Compose plugin (https://docs.docker.com/engine/install/, packages docker-ce and docker-compose-plugin), or Docker Desktop"
		}
	case errors.Is(r.Err, context.DeadlineExceeded):
		f.Summary = "docker did not answer in time"
		f.Fix = "check the engine the CLI talks to: `docker context ls`, and DOCKER_HOST if it is set"
	case r.Err != nil:
		f.Summary = "could not run docker: " + r.Err.Error()
		f.Fix = "check that `docker version` runs in this terminal"
	case strings.Contains(stderr, "permission denied"):
		f.Summary = "permission denied on the Docker engine's socket"
		f.Fix = "add yourself to the docker group: `sudo usermod -aG docker $USER`, then log out and back in (or run `newgrp docker`); or use rootless Docker"
	case strings.Contains(stderr, "context") && (strings.Contains(stderr, "not found") || strings.Contains(stderr, "Failed to initialize")):
		f.Summary = "the docker context the CLI is set to does not exist"
		f.Fix = "`docker context ls` lists them; `docker context use default` (and unset DOCKER_CONTEXT if it is set)"
	case strings.Contains(stderr, "Cannot connect to the Docker daemon"), strings.Contains(stderr, "Is the docker daemon running"),
		strings.Contains(stderr, "error during connect"):
		f.Summary = "the Docker engine is not running"
		switch {
		case getenv("DOCKER_HOST") != "":
			f.Fix = fmt.Sprintf("DOCKER_HOST=%s names an engine that does not answer: start it, or unset DOCKER_HOST to use the current context", getenv("DOCKER_HOST"))
		case desktopOS:
			f.Fix = "start Docker Desktop and wait until it says the engine is running"
		default:
			f.Fix = "start it: `sudo systemctl start docker` (and `sudo systemctl enable docker` to start it at boot)"
		}
	default:
		f.Summary = "the Docker engine does not answer"
		f.Fix = "run `docker version` and fix what it reports"
	}
	f.Detail = strings.TrimSpace("docker version: " + cmp.Or(stderr, fmt.Sprintf("exit status %d", r.ExitCode)))
	return f
}

// buildkitFinding: the generated Dockerfile uses RUN --mount, which only BuildKit builds.
// `docker compose` builds with BuildKit itself unless DOCKER_BUILDKIT turns it off; plain
// `docker build` depends on the CLI and the engine.
func buildkitFinding(d *dockerFacts, getenv func(string) string) Finding {
	f := Finding{ID: "docker.buildkit", Severity: OK}
	env := getenv("DOCKER_BUILDKIT")
	on, err := strconv.ParseBool(env)
	set := env != "" && err == nil
	engine := d.engineVersion()
	client, _ := d.clientVersion()
	buildx, hasBuildx := d.plugin("buildx")
	switch {
	case set && !on:
		f.Severity = Blocking
		f.Summary = fmt.Sprintf("DOCKER_BUILDKIT=%s turns BuildKit off", env)
		f.Detail = "the generated Dockerfile caches downloads with RUN --mount, which the legacy builder cannot build; docker compose honours DOCKER_BUILDKIT too"
		f.Fix = "unset DOCKER_BUILDKIT (and remove it from your shell profile)"
	case !engine.atLeast(18, 9, 0):
		f.Severity = Blocking
		f.Summary = fmt.Sprintf("Docker Engine %s predates BuildKit (18.09)", engine)
		f.Fix = "upgrade Docker Engine"
	case hasBuildx:
		f.Summary = "BuildKit builds the Dockerfile (buildx " + buildx + ")"
	case client.Major >= 23:
		f.Severity = Warning
		f.Summary = fmt.Sprintf("the docker CLI %s has no buildx plugin: `docker build` cannot build the Dockerfile", client)
		f.Detail = "without buildx, `docker build` falls back to the legacy builder (or fails when DOCKER_BUILDKIT=1); docker compose builds with its own BuildKit client and is not affected"
		f.Fix = "install the buildx plugin (package docker-buildx-plugin, or Docker Desktop)"
	case set && on:
		f.Summary = "BuildKit builds the Dockerfile (DOCKER_BUILDKIT=" + env + ")"
	case engine.Major >= 23:
		f.Summary = fmt.Sprintf("BuildKit builds the Dockerfile (the default of engine %s)", engine)
	default:
		f.Severity = Warning
		f.Summary = fmt.Sprintf("`docker build` uses the legacy builder on engine %s", engine)
		f.Detail = "docker compose builds with BuildKit and is not affected; a plain `docker build` cannot build the generated Dockerfile's RUN --mount"
		f.Fix = "export DOCKER_BUILDKIT=1 (in your shell profile), or install the buildx plugin"
	}
	return f
}

// composeFindings: Compose v2 present (compose.version), and its watch features
// (compose.watch): develop.watch since 2.22, `docker compose up --watch` since 2.24.7.
func composeFindings(d *dockerFacts, p *project) []Finding {
	c := d.compose
	f := Finding{ID: "compose.version"}
	switch {
	case c.via == "":
		f.Severity = Blocking
		f.Summary = "Docker Compose is not installed"
		f.Detail = "docker compose version: " + cmp.Or(firstLine(c.plugin.Stderr), errString(c.plugin.Err))
		f.Fix = "install the Compose v2 plugin (package docker-compose-plugin, https://docs.docker.com/compose/install/), or Docker Desktop"
		return []Finding{f}
	case c.version.Major < 2:
		f.Severity = Blocking
		f.Summary = fmt.Sprintf("only Compose v1 is installed (docker-compose %s)", c.version)
		f.Detail = "Compose v1 is end of life; the generated files and the commands containerize prints are for Compose v2 (`docker compose`)"
		f.Fix = "install the Compose v2 plugin (package docker-compose-plugin, https://docs.docker.com/compose/install/), or Docker Desktop"
		return []Finding{f}
	case c.via == "docker-compose":
		f.Severity = Warning
		f.Summary = fmt.Sprintf("Compose v%s is installed as docker-compose only: `docker compose` is missing", c.version)
		f.Detail = "docker compose version: " + cmp.Or(firstLine(c.plugin.Stderr), errString(c.plugin.Err))
		f.Fix = "make it a docker CLI plugin: mkdir -p ~/.docker/cli-plugins && ln -s \"$(command -v docker-compose)\" ~/.docker/cli-plugins/docker-compose"
	default:
		f.Severity = OK
		f.Summary = "Docker Compose v" + c.version.String()
	}

	w := Finding{ID: "compose.watch", Severity: OK}
	type feature struct {
		major, minor, patch int
		what, without       string
	}
	needs := []feature{
		{2, 22, 0, "develop.watch", "a change to the dependency files does not rebuild the development image"},
		{2, 24, 7, "`docker compose up --watch`", "`docker compose up --build --watch` fails; `docker compose watch` beside `docker compose up` does the same"},
	}
	if p.rebuildInMount {
		needs = append(needs, feature{2, 29, 3, "rebuild rules inside the source mount",
			"Compose skips the project's rebuild rules (their paths are inside the source mount) with a warning: a change to the dependency files does not rebuild the development image"})
	}
	var have, lack []string
	var first *feature
	for i, n := range needs {
		if c.version.atLeast(n.major, n.minor, n.patch) {
			have = append(have, n.what)
			continue
		}
		lack = append(lack, fmt.Sprintf("%s (%d.%d.%d)", n.what, n.major, n.minor, n.patch))
		if first == nil {
			first = &needs[i]
		}
	}
	if len(lack) == 0 {
		w.Summary = strings.Join(have, ", ") + " work"
		return []Finding{f, w}
	}
	last := needs[len(needs)-1]
	w.Summary = fmt.Sprintf("Compose %s lacks %s", c.version, strings.Join(lack, ", "))
	w.Detail = first.without
	if p.usesWatch {
		w.Severity = Warning
		w.Fix = fmt.Sprintf("upgrade Compose to %d.%d.%d or newer (until then, run `docker compose up --build` after changing the dependencies)", last.major, last.minor, last.patch)
	}
	return []Finding{f, w}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
