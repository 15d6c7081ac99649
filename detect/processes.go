package detect

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/internal/ownfile"
	"go.yaml.in/yaml/v4"
)

// ProcessKind says what a command of the project's own does.
type ProcessKind string

// The kinds of process commands.
const (
	// ProcessWorker runs for as long as the application does, beside the web server.
	ProcessWorker ProcessKind = "worker"
	// ProcessWeb serves the application (a Procfile's web:, a supervisor gunicorn).
	ProcessWeb ProcessKind = "web"
	// ProcessRelease runs once per release before the servers (a Procfile's release:).
	ProcessRelease ProcessKind = "release"
)

// Process is a command the project runs: a background worker (other than Celery's, which
// is a service), its web command, or its release step, with the evidence it came from.
type Process struct {
	// Name is the process's name where it was found ("rqworker", a Procfile's "worker").
	Name string      `json:"name"`
	Kind ProcessKind `json:"kind"`
	// Command is the command as words; a command that needs a shell (&&, $VAR, cd) is
	// ["sh", "-c", "…"].
	Command []string `json:"command"`
	Source  string   `json:"source"`
	Detail  string   `json:"detail"`
	// Needs are the services it cannot run without (redis for RQ).
	Needs []Service `json:"needs,omitempty"`
}

// findProcesses lists the project's own processes: task queue workers the settings
// configure, then the commands its Procfile, supervisor configuration and compose file
// run. One management command is listed once, from the first source that names it.
func findProcesses(t *tree, p *Project) error {
	add := func(pr Process) {
		if pr.Kind == "" {
			celeryAppFrom(p, pr)
			celeryBeatFrom(p, pr)
			return
		}
		key := processKey(pr.Command)
		if pr.Kind == ProcessWorker && slices.ContainsFunc(p.Processes, func(o Process) bool {
			return o.Kind == ProcessWorker && processKey(o.Command) == key
		}) {
			return
		}
		p.Processes = append(p.Processes, pr)
	}
	manage := func(args ...string) []string { return append([]string{"python", "manage.py"}, args...) }
	if d := p.Django; d != nil {
		tk := d.Tasks
		if tk.RQ != "" {
			add(Process{Name: "rqworker", Kind: ProcessWorker, Command: manage(append([]string{"rqworker"}, tk.RQQueues...)...),
				Source: tk.RQ, Detail: "django-rq runs its jobs in rqworker (queues " + strings.Join(tk.RQQueues, ", ") + ")",
				Needs: []Service{ServiceRedis}})
			if dep, ok := p.dependency("rq-scheduler"); ok {
				add(Process{Name: "rqscheduler", Kind: ProcessWorker, Command: manage("rqscheduler"), Source: dep.Source,
					Detail: "rq-scheduler queues scheduled jobs from rqscheduler", Needs: []Service{ServiceRedis}})
			}
		}
		if tk.Q != "" {
			add(Process{Name: "qcluster", Kind: ProcessWorker, Command: manage("qcluster"), Source: tk.Q,
				Detail: "django-q runs its tasks in qcluster"})
		}
		if tk.Huey != "" {
			add(Process{Name: "huey", Kind: ProcessWorker, Command: manage("run_huey"), Source: tk.Huey,
				Detail: "huey runs its tasks in run_huey"})
		}
		if tk.Dramatiq != "" {
			add(Process{Name: "dramatiq", Kind: ProcessWorker, Command: manage("rundramatiq"), Source: tk.Dramatiq,
				Detail: "django_dramatiq runs its actors in rundramatiq"})
		}
	}
	for _, dir := range uniq(".", p.AppRoot) {
		if err := readProcfile(t, path.Join(dir, "Procfile"), add); err != nil {
			return err
		}
	}
	for _, f := range sortedFiles(t) {
		if strings.HasSuffix(f, ".conf") || path.Base(f) == "supervisord.conf" {
			if err := readSupervisor(t, f, add); err != nil {
				return err
			}
		}
	}
	// The compose file Compose loads first, then the project's other compose files
	// (docker-compose.production.yml, compose/local.yaml …).
	composeFiles := []string{}
	if p.Docker.Compose != "" {
		composeFiles = append(composeFiles, p.Docker.Compose)
	}
	for _, f := range sortedFiles(t) {
		if composeFileName().MatchString(path.Base(f)) && f != p.Docker.Compose {
			composeFiles = append(composeFiles, f)
		}
	}
	for _, f := range composeFiles {
		if err := readComposeCommands(t, f, add); err != nil {
			return err
		}
	}
	var err error
	if p.composeRedis, err = readComposeRedisEnv(t, composeFiles); err != nil {
		return err
	}
	return readScripts(t, add)
}

var composeFileName = lazy.Regexp(`^(docker-)?compose([._-][A-Za-z0-9_.-]+)?\.ya?ml$`)

// runsCelery reports whether a command runs celery (a worker or beat: the celery services').
func runsCelery(cmd []string) bool {
	return slices.ContainsFunc(celeryWords(cmd), func(w string) bool { return path.Base(w) == "celery" })
}

// celeryAppFrom takes the Celery app from a celery command's --app (-A) when the
// settings and the project's files did not tell it.
func celeryAppFrom(p *Project, pr Process) {
	d := p.Django
	if d == nil || d.CeleryApp != "" {
		return
	}
	words := strings.Fields(strings.Join(pr.Command, " "))
	for i, w := range words {
		app := ""
		switch {
		case (w == "-A" || w == "--app") && i+1 < len(words):
			app = words[i+1]
		case strings.HasPrefix(w, "--app="):
			app = strings.TrimPrefix(w, "--app=")
		case strings.HasPrefix(w, "-A") && len(w) > 2:
			app = w[2:]
		}
		if app = strings.Trim(app, `"'`); app != "" {
			d.CeleryApp, d.CeleryAppSource = app, pr.Source
			return
		}
	}
}

// classify tells a command's kind, and whether it is someone else's to run: a Celery
// process is the celery services', a one-off management command is nobody's service.
func classify(name string, cmd []string) (ProcessKind, bool) {
	words := strings.Fields(strings.Join(cmd, " "))
	if runsCelery(cmd) {
		return "", false
	}
	if sub := manageCommand(words); sub != "" {
		switch sub {
		case "runserver", "runserver_plus":
			return ProcessWeb, true
		case "migrate", "collectstatic", "compress", "check", "createsuperuser", "shell", "test",
			"makemigrations", "loaddata", "dbshell", "createcachetable":
			if name == "release" {
				return ProcessRelease, true
			}
			return "", false
		}
	}
	if servesPython(words) || slices.ContainsFunc(words, func(w string) bool { return path.Base(w) == "nginx" }) {
		return ProcessWeb, true
	}
	switch name {
	case "web":
		return ProcessWeb, true
	case "release":
		return ProcessRelease, true
	}
	return ProcessWorker, true
}

// servesPython reports whether a command runs a Python web server.
func servesPython(cmd []string) bool {
	return slices.ContainsFunc(strings.Fields(strings.Join(cmd, " ")), func(w string) bool {
		switch path.Base(w) {
		case "gunicorn", "uwsgi", "daphne", "uvicorn", "hypercorn", "granian", "waitress-serve":
			return true
		}
		return false
	})
}

// manageCommand is the management command a command line runs ("" for none).
func manageCommand(words []string) string {
	for i, w := range words {
		if (path.Base(w) == "manage.py" || w == "django-admin") && i+1 < len(words) {
			for _, a := range words[i+1:] {
				if !strings.HasPrefix(a, "-") {
					return a
				}
			}
		}
	}
	return ""
}

// processKey is what makes two commands the same process: the management command, else
// the words after the start-check and shell wrappers.
func processKey(cmd []string) string {
	words := strings.Fields(strings.Join(cmd, " "))
	if sub := manageCommand(words); sub != "" {
		return "manage.py " + sub
	}
	return strings.Join(words, " ")
}

// shellNeeded matches what only a shell understands.
var shellNeeded = lazy.Regexp("[$&|;<>()`'\"*?~]|^cd |^export |^[A-Za-z_][A-Za-z0-9_]*=")

// commandWords splits a command line into words when no shell is needed, else wraps it.
// A program named by its path in a virtualenv or a deployment folder
// (/srv/app/venv/bin/gunicorn) is named by its name: the image has it on PATH.
func commandWords(line string) []string {
	line = strings.TrimSpace(line)
	if first, rest, _ := strings.Cut(line, " "); strings.Contains(first, "/bin/") {
		line = strings.TrimSpace(path.Base(first) + " " + rest)
	}
	if shellNeeded().MatchString(line) {
		return []string{"sh", "-c", line}
	}
	return strings.Fields(line)
}

// readProcfile reads a Procfile's "name: command" lines.
func readProcfile(t *tree, name string, add func(Process)) error {
	if !t.files[name] {
		return nil
	}
	b, err := t.readFile(name)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		proc, cmd, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(cmd) == "" {
			continue
		}
		proc = strings.TrimSpace(proc)
		words := commandWords(cmd)
		kind, ok := classify(proc, words)
		if !ok && !runsCelery(words) {
			continue
		}
		add(Process{Name: proc, Kind: kind, Command: words, Source: fmt.Sprintf("%s:%d", name, n),
			Detail: "The Procfile's " + proc + " process"})
	}
	return sc.Err()
}

// readSupervisor reads supervisor's [program:x] sections and their command= lines.
func readSupervisor(t *tree, name string, add func(Process)) error {
	b, err := t.readFile(name)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte("[program:")) {
		return nil
	}
	program := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			program = ""
			if rest, ok := strings.CutPrefix(line, "[program:"); ok {
				program = strings.TrimSuffix(rest, "]")
			}
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if program == "" || !ok || strings.TrimSpace(key) != "command" {
			continue
		}
		words := commandWords(val)
		kind, ok := classify(program, words)
		if !ok && !runsCelery(words) || kind == ProcessRelease || kind == ProcessWeb && !servesPython(words) {
			continue
		}
		add(Process{Name: program, Kind: kind, Command: words, Source: fmt.Sprintf("%s:%d", name, n),
			Detail: "Supervisor's program " + program})
	}
	return sc.Err()
}

// readComposeCommands reads the commands of an existing compose file's services that run
// the project's code (their command runs manage.py).
func readComposeCommands(t *tree, name string, add func(Process)) error {
	b, err := t.readFile(name)
	if err != nil {
		return err
	}
	if ownfile.Is(b) {
		return nil // its workers came from the other sources, read again on every run
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) == 0 {
		return nil // findDockerFiles reports a compose file that is not YAML
	}
	services := mapValue(&doc, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(services.Content); i += 2 {
		svc, body := services.Content[i].Value, services.Content[i+1]
		c := mapValue(body, "command")
		if c == nil {
			continue
		}
		var words []string
		switch c.Kind {
		case yaml.ScalarNode:
			words = commandWords(c.Value)
		case yaml.SequenceNode:
			for _, w := range c.Content {
				words = append(words, w.Value)
			}
		}
		kind, ok := classify(svc, words)
		if !ok && !runsCelery(words) || kind == ProcessRelease {
			continue
		}
		if manageCommand(strings.Fields(strings.Join(words, " "))) == "" && !servesPython(words) && !runsCelery(words) {
			continue // another image's service (a database, a proxy)
		}
		add(Process{Name: svc, Kind: kind, Command: words, Source: fmt.Sprintf("%s:%d", name, c.Line),
			Detail: "The compose service " + svc})
	}
	return nil
}

func uniq(items ...string) []string {
	var out []string
	for _, it := range items {
		if !slices.Contains(out, it) {
			out = append(out, it)
		}
	}
	return out
}

func sortedFiles(t *tree) []string {
	out := make([]string, 0, len(t.files))
	for f := range t.files {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// dependency finds a declared (or, for a legacy project, installed) dependency.
func (p *Project) dependency(name string) (Dependency, bool) {
	deps := p.dependencies()
	if i := slices.IndexFunc(deps, func(d Dependency) bool { return d.Name == name }); i >= 0 {
		return deps[i], true
	}
	return Dependency{}, false
}

func (p *Project) hasDependency(name string) bool {
	_, ok := p.dependency(name)
	return ok
}

// brokerWarnings reports a broker whose client library is not installed: the workers
// would fail at their first connection.
func brokerWarnings(p *Project) {
	d := p.Django
	if d == nil {
		return
	}
	celery, ok := p.dependency("celery")
	hasRedis := func() bool {
		_, r := p.dependency("redis")
		return r || hasExtra(celery, "redis")
	}
	if ok && d.CeleryBroker == "redis" && !hasRedis() {
		p.warn("broker-client-missing", d.CeleryBrokerSource,
			"the Celery broker is redis but the redis package is not installed; add celery[redis] (or redis) to "+orList(p.DependencyFiles))
	}
	if ok && d.CeleryResultBackend == "redis" && !hasRedis() && d.CeleryBroker != "redis" {
		p.warn("broker-client-missing", d.CeleryResultBackendSource,
			"the Celery result backend is redis but the redis package is not installed; add celery[redis] (or redis) to "+orList(p.DependencyFiles))
	}
}

func orList(files []string) string {
	if len(files) == 0 {
		return "the dependencies"
	}
	return strings.Join(files, ", ")
}
