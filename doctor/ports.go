package doctor

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/detect"
)

// composeFileFinding says which compose files `docker compose up` would load (compose.file).
func composeFileFinding(p *project) Finding {
	f := Finding{ID: "compose.file"}
	switch {
	case len(p.composeFiles) == 0:
		f.Severity = Blocking
		f.Summary = "no compose file: `docker compose up` has nothing to start"
		f.Detail = "looked for " + strings.Join(detect.ComposeNames, ", ") + " in " + p.dir
		f.Fix = "containerize init writes docker-compose.yml"
	case p.composeErr != nil:
		f.Severity = Blocking
		f.Summary = "a compose file cannot be read"
		f.Detail = p.composeErr.Error()
		f.Fix = "fix the file (`docker compose config` shows how Compose reads it), or run containerize init to regenerate it"
	default:
		f.Severity = OK
		f.Summary = "docker compose loads " + strings.Join(p.composeFiles, ", ")
		if p.composeFrom == "COMPOSE_FILE" {
			f.Summary += " (COMPOSE_FILE)"
		}
	}
	return f
}

// portFindings checks every host port an active service publishes (ports): free on the
// addresses it is published on (127.0.0.1 always, 0.0.0.0 too where published on every
// interface), or held by this project's own running containers.
func portFindings(ctx context.Context, o Options, d *dockerFacts, p *project) []Finding {
	var all []published
	for _, s := range p.services {
		if p.active(s) {
			all = append(all, s.ports...)
		}
	}
	var owned map[string][]string // "5432/tcp" → the services of this project publishing it
	var ownedErr error
	ownership := func() (map[string][]string, error) {
		if owned == nil && ownedErr == nil {
			owned, ownedErr = projectPorts(ctx, o, d, p.dir)
		}
		return owned, ownedErr
	}
	var out []Finding
	seen := map[string]bool{}
	for _, pub := range all {
		if seen[pub.String()] {
			continue
		}
		seen[pub.String()] = true
		out = append(out, portFinding(portOptions{o, ctx, d}, p, pub, all, ownership))
	}
	return out
}

func portFinding(o portOptions, p *project, pub published, all []published, ownership func() (map[string][]string, error)) Finding {
	f := Finding{ID: "ports", Subject: pub.String(), Severity: OK}
	what := fmt.Sprintf("port %d (%s", pub.port, pub.service)
	if pub.variable != "" {
		what += ", " + pub.variable
	}
	what += ")"
	addr, err := tryListen(o.Listen, pub, pub.port)
	kind := portError(err)
	switch {
	case err == nil:
		f.Summary = what + " is free"
		return f
	case kind == errPermission:
		f.Summary = what + ": not tested (opening it needs privileges); the engine opens it itself"
		f.Detail = err.Error()
		return f
	case kind == errNotAvailable:
		f.Severity = Blocking
		f.Summary = fmt.Sprintf("%s is published on %s, which is not an address of this machine", what, pub.hostIP)
		f.Detail = err.Error()
		f.Fix = fmt.Sprintf("publish it on 127.0.0.1 or on every interface: change services.%s.ports in %s", pub.service, pub.file)
		return f
	case kind == errOther:
		f.Severity = Warning
		f.Summary = what + ": could not be tested"
		f.Detail = err.Error()
		return f
	}
	f.Detail = fmt.Sprintf("%s cannot be opened: %v", addr, err)
	stop := fmt.Sprintf("stop the program listening on %s (%s)", addr, whoListens(o.Host.GOOS, pub))
	if kind == errReserved {
		f.Summary = fmt.Sprintf("%s is reserved by Windows (an excluded port range)", what)
		stop = "`netsh interface ipv4 show excludedportrange protocol=tcp` lists the reserved ranges"
	} else {
		owners, oerr := ownership()
		if svcs := owners[fmt.Sprintf("%d/%s", pub.port, pub.proto)]; len(svcs) > 0 {
			f.Detail = ""
			f.Summary = fmt.Sprintf("%s is held by this project's running %s", what, strings.Join(svcs, ", "))
			return f
		}
		f.Summary = fmt.Sprintf("%s is in use by another program", what)
		if oerr != nil {
			f.Detail += fmt.Sprintf("\nwhether this project's containers hold it could not be told: %v", oerr)
		} else if name, project := o.holder(pub); name != "" {
			f.Summary = fmt.Sprintf("%s is in use by the container %s", what, name)
			stop = "stop it: docker stop " + name
			if project != "" {
				f.Summary += fmt.Sprintf(" (Compose project %s)", project)
				stop = fmt.Sprintf("stop that project: docker compose -p %s stop", project)
			}
		}
	}
	f.Severity = Blocking
	if alt := freePort(o.Listen, pub, all); pub.variable != "" && alt > 0 {
		f.Fix = fmt.Sprintf("set %s=%d in .env (%d is free); or %s", pub.variable, alt, alt, stop)
	} else {
		f.Fix = fmt.Sprintf("change the published port of services.%s.ports in %s; or %s", pub.service, pub.file, stop)
	}
	return f
}

// listenAddrs are the addresses to open to tell whether Docker can publish pub on port.
func listenAddrs(pub published, port int) []string {
	n := strconv.Itoa(port)
	if pub.hostIP == "" || pub.hostIP == "0.0.0.0" {
		return []string{"127.0.0.1:" + n, "0.0.0.0:" + n}
	}
	return []string{net.JoinHostPort(pub.hostIP, n)}
}

// tryListen opens and closes each address of pub with port; the first that fails is
// returned with its error.
func tryListen(listen func(string, string) (io.Closer, error), pub published, port int) (string, error) {
	for _, a := range listenAddrs(pub, port) {
		c, err := listen(pub.proto, a)
		if err != nil {
			return a, err
		}
		c.Close()
	}
	return "", nil
}

// freePort is a free port after pub's, within 100, that no other published port of the
// stack uses; 0 when there is none.
func freePort(listen func(string, string) (io.Closer, error), pub published, all []published) int {
	for n := pub.port + 1; n < pub.port+100 && n <= 65535; n++ {
		if slices.ContainsFunc(all, func(q published) bool { return q.port == n && q.proto == pub.proto }) {
			continue
		}
		if _, err := tryListen(listen, pub, n); err == nil {
			return n
		}
	}
	return 0
}

// whoListens is the command that shows which program holds pub's port on goos.
func whoListens(goos string, pub published) string {
	n := strconv.Itoa(pub.port)
	switch {
	case goos == "darwin":
		return fmt.Sprintf("`lsof -nP -i%s:%s` shows which", strings.ToUpper(pub.proto), n)
	case goos == "windows":
		return fmt.Sprintf("`netstat -ano | findstr :%s` shows which", n)
	case pub.proto == "udp":
		return fmt.Sprintf("`sudo ss -lunp 'sport = :%s'` shows which", n)
	}
	return fmt.Sprintf("`sudo ss -ltnp 'sport = :%s'` shows which", n)
}

type portErrorKind int

const (
	errOther        portErrorKind = iota
	errInUse                      // another socket has it
	errNotAvailable               // the host IP is not this machine's
	errPermission                 // a privileged port, for an unprivileged user
	errReserved                   // Windows: in an excluded port range; Docker cannot publish it either
)

// portError tells why a port could not be opened; the system's own error numbers are read
// by sysPortError (errno_*.go).
func portError(err error) portErrorKind {
	if k := sysPortError(err); k != errOther {
		return k
	}
	if errors.Is(err, fs.ErrPermission) {
		return errPermission
	}
	return errOther
}

// projectPorts asks Compose which host ports this project's running containers publish:
// `docker compose ps --format json` in dir (one JSON object a line; a JSON array before
// Compose 2.21), so Compose decides what "this project" is as `up` does (name:,
// COMPOSE_PROJECT_NAME, the folder).
func projectPorts(ctx context.Context, o Options, d *dockerFacts, dir string) (map[string][]string, error) {
	switch {
	case !d.reachable():
		return nil, errors.New("the Docker engine does not answer")
	case d.compose.via == "":
		return nil, errors.New("Compose is not installed")
	}
	name, args := "docker", []string{"compose", "ps", "--format", "json"}
	if d.compose.via == "docker-compose" {
		name, args = "docker-compose", args[1:]
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	r := o.Run(ctx, Command{Name: name, Args: args, Dir: dir})
	if r.Err != nil || r.ExitCode != 0 {
		return nil, fmt.Errorf("%s %s: %s", name, strings.Join(args, " "), cmp.Or(firstLine(r.Stderr), errString(r.Err), fmt.Sprintf("exit status %d", r.ExitCode)))
	}
	type container struct {
		Service    string
		Publishers []struct {
			PublishedPort int
			Protocol      string
		}
	}
	var cs []container
	out := bytes.TrimSpace(r.Stdout)
	if bytes.HasPrefix(out, []byte("[")) {
		if err := json.Unmarshal(out, &cs); err != nil {
			return nil, fmt.Errorf("docker compose ps: %w", err)
		}
	} else {
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var c container
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				return nil, fmt.Errorf("docker compose ps: %w", err)
			}
			cs = append(cs, c)
		}
	}
	owned := map[string][]string{}
	for _, c := range cs {
		for _, pub := range c.Publishers {
			key := fmt.Sprintf("%d/%s", pub.PublishedPort, cmp.Or(pub.Protocol, "tcp"))
			if pub.PublishedPort > 0 && !slices.Contains(owned[key], c.Service) {
				owned[key] = append(owned[key], c.Service)
			}
		}
	}
	return owned, nil
}

// portOptions are what a port's check needs besides the project.
type portOptions struct {
	Options
	ctx    context.Context
	docker *dockerFacts
}

// holder names the container that publishes pub's port, and its Compose project: `docker
// ps --filter publish=PORT/PROTO`; "" when none does (another program holds it) or the
// engine cannot tell.
func (o portOptions) holder(pub published) (name, project string) {
	if !o.docker.reachable() {
		return "", ""
	}
	ctx, cancel := context.WithTimeout(o.ctx, o.Timeout)
	defer cancel()
	r := o.Run(ctx, Command{Name: "docker", Args: []string{"ps", "--filter", fmt.Sprintf("publish=%d/%s", pub.port, pub.proto), "--format", "{{json .}}"}})
	if r.Err != nil || r.ExitCode != 0 {
		return "", ""
	}
	var c struct{ Names, Labels string }
	if json.Unmarshal([]byte(firstLine(r.Stdout)), &c) != nil {
		return "", ""
	}
	for _, l := range strings.Split(c.Labels, ",") {
		if v, ok := strings.CutPrefix(l, "com.docker.compose.project="); ok {
			project = v
		}
	}
	name, _, _ = strings.Cut(c.Names, ",")
	return name, project
}
