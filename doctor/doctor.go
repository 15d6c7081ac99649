// Package doctor checks whether this machine can run a project's container setup, for
// `containerize doctor` and onboarding scripts: the Docker engine and how it maps the
// developer's user, Compose and its watch support, BuildKit, where the project lives under
// WSL, the ports the stack publishes, .env against .env.example, and whether the generated
// files are in step with containerize.toml. Each check gives findings: a severity, what was
// seen, and a concrete fix.
//
// The machine is reached only through Options: a Runner for the docker CLI (so DOCKER_HOST,
// DOCKER_CONTEXT and DOCKER_CONFIG apply exactly as they do to the user's own docker), a
// Listen function for ports, Getenv, and the Host's facts. Tests hand in recorded outputs of
// the real binaries.
package doctor

import (
	"context"
	"io"
	"time"
)

// Severity says what a finding means for `docker compose up`.
type Severity string

const (
	// OK: checked, nothing to do.
	OK Severity = "ok"
	// Warning: the stack comes up, but something will bite (slow mounts, files owned by
	// another user, generated files behind containerize.toml).
	Warning Severity = "warning"
	// Blocking: `docker compose up` fails until it is fixed.
	Blocking Severity = "blocking"
)

// Finding is one result of a check.
type Finding struct {
	// ID names the check (see Check); stable.
	ID string `json:"id"`
	// Subject tells apart the findings of a check that looks at several things: the port
	// ("127.0.0.1:5432/tcp") for "ports". Empty otherwise.
	Subject  string   `json:"subject,omitempty"`
	Severity Severity `json:"severity"`
	// Summary is one line: what was found.
	Summary string `json:"summary"`
	// Detail is what was seen, and why it matters; may span lines.
	Detail string `json:"detail,omitempty"`
	// Fix is what to do; empty for OK findings.
	Fix string `json:"fix,omitempty"`
}

// Report is the result of Check.
type Report struct {
	// Dir is the project directory checked.
	Dir      string
	Findings []Finding
}

// Blocking is the number of findings that block `docker compose up`.
func (r *Report) Blocking() int { return r.count(Blocking) }

// Warnings is the number of warnings.
func (r *Report) Warnings() int { return r.count(Warning) }

func (r *Report) count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Options are what Check needs of the machine.
type Options struct {
	// Dir is the project directory (absolute).
	Dir string
	// Run runs the docker CLI (Exec, or recorded outputs in tests); required.
	Run Runner
	// Listen opens a listener on address ("127.0.0.1:5432") for network "tcp" or "udp", to
	// tell whether a port is free (ListenLocal, or a stand-in in tests); required.
	Listen func(network, address string) (io.Closer, error)
	// Getenv reads the environment Compose interpolates with (before .env), DOCKER_HOST and
	// DOCKER_BUILDKIT; nil is an empty environment.
	Getenv func(string) string
	// Host are the facts about this machine (ThisHost).
	Host Host
	// Timeout bounds each docker command; 0 means 15 seconds.
	Timeout time.Duration
}

// Check runs every check on the project in o.Dir and returns the findings, in this order
// (IDs in parentheses; a check that does not apply reports nothing):
//
//   - the Docker engine answers (docker.engine);
//   - BuildKit builds the Dockerfile (docker.buildkit);
//   - Compose v2 is installed (compose.version), and which of develop.watch, `up --watch`
//     and rebuild rules inside the source mount it has (compose.watch);
//   - the containers' user fits the engine: DEV_UID/DEV_GID against the developer's own
//     ids on a native Linux engine (host.user; when a compose file sets `user:` from variables);
//   - under WSL, the project is on the Linux file system (host.wsl);
//   - the compose files `docker compose` loads in the directory can be read (compose.file);
//   - no container of the project's Compose project name (COMPOSE_PROJECT_NAME, the compose
//     files' name:, the folder's name) was started from another folder, as a second clone
//     of the project would find (compose.project); volumes of it without containers are a
//     warning;
//   - .env exists and defines every key of .env.example (env.file);
//   - every port the stack publishes is free or held by this project's own containers
//     (ports, one finding per port);
//   - `containerize init --yes` would change no file (files.in-step).
//
// Problems of the machine or the project are findings, never errors.
func Check(ctx context.Context, o Options) *Report {
	if o.Timeout == 0 {
		o.Timeout = 15 * time.Second
	}
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	// The docker CLI answers while the project is read; what it is asked about the project's
	// Compose project waits for the project.
	dockerDone := make(chan *dockerFacts, 1)
	projectRead := make(chan *project, 1)
	go func() { dockerDone <- gatherDocker(ctx, o, projectRead) }()
	p := readProject(o.Dir, o.Getenv)
	projectRead <- p
	inStep := filesInStep(o.Dir, o.Host, o.Getenv)
	d := <-dockerDone

	r := &Report{Dir: o.Dir}
	add := func(fs ...Finding) { r.Findings = append(r.Findings, fs...) }
	add(engineFinding(d, o.Host, o.Getenv))
	if d.reachable() {
		add(buildkitFinding(d, o.Getenv))
	}
	add(composeFindings(d, p)...)
	add(userFindings(d, p, o.Host, o.Getenv)...)
	add(wslFindings(o.Dir, o.Host)...)
	add(composeFileFinding(p))
	add(projectFindings(d, p, o.Host)...)
	add(envFindings(p)...)
	add(portFindings(ctx, o, d, p)...)
	add(inStep)
	return r
}
