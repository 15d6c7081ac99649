package doctor

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/containerize/containerize/validate"
)

// composeName is the Compose project name `docker compose` gives the project in its
// directory, and where it comes from.
type composeName struct {
	name   string
	source nameSource
	// file is the compose file whose name: it is (nameFile).
	file string
	// invalid: COMPOSE_PROJECT_NAME is set to a name Compose refuses (Compose normalises only
	// the names it derives itself).
	invalid bool
}

type nameSource int

const (
	nameEnv    nameSource = iota // COMPOSE_PROJECT_NAME in the environment
	nameDotenv                   // COMPOSE_PROJECT_NAME in .env
	nameFile                     // a compose file's top-level name:
	nameFolder                   // the working directory's name
)

// from says where the name comes from, for people.
func (n composeName) from() string {
	switch n.source {
	case nameEnv:
		return "COMPOSE_PROJECT_NAME in your environment"
	case nameDotenv:
		return "COMPOSE_PROJECT_NAME in .env"
	case nameFile:
		return "the name: of " + n.file
	}
	return "the folder's name"
}

// composeName resolves the project name as Compose does (compose-go's
// withNamePrecedenceLoad and projectName): COMPOSE_PROJECT_NAME from the environment, then
// from .env (an empty value counts as unset), refused unless already a valid name; then the
// top-level name: of the compose files (the last one that has one), interpolated and
// normalised; then the name of the working directory, normalised.
func (p *project) composeName() composeName {
	for _, n := range []composeName{{name: p.getenv("COMPOSE_PROJECT_NAME"), source: nameEnv}, {name: p.dotenv("COMPOSE_PROJECT_NAME"), source: nameDotenv}} {
		if n.name != "" {
			n.invalid = normalizeProjectName(n.name) != n.name
			return n
		}
	}
	if p.name != "" {
		in, _ := validate.Interpolate(p.name, p.lookup) // an error is compose.file's to report
		return composeName{name: normalizeProjectName(in.Value), source: nameFile, file: p.nameFile}
	}
	return composeName{name: normalizeProjectName(filepath.Base(p.workingDir())), source: nameFolder}
}

// dotenv is the value .env gives k (its last definition), "" when none.
func (p *project) dotenv(k string) string {
	for i := len(p.env) - 1; i >= 0; i-- {
		if p.env[i].Key == k {
			return p.env[i].Value
		}
	}
	return ""
}

// workingDir is the project directory Compose records on the containers it starts
// (com.docker.compose.project.working_dir): the folder of the first compose file.
func (p *project) workingDir() string {
	if len(p.composeFiles) == 0 {
		return p.dir
	}
	first := p.composeFiles[0]
	if !filepath.IsAbs(first) {
		first = filepath.Join(p.dir, filepath.FromSlash(first))
	}
	return filepath.Dir(first)
}

// normalizeProjectName is compose-go's NormalizeProjectName: lower case, only a-z, 0-9, _
// and -, starting with neither _ nor -.
func normalizeProjectName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
		}
	}
	return strings.TrimLeft(b.String(), "_-")
}

// projectFacts is what the engine has of the project's Compose project name: its containers
// from every folder, and its volumes.
type projectFacts struct {
	name             composeName
	ps, volumes      Result
	containers       []projectContainer
	volumeNames      []string
	psErr, volumeErr error
}

// projectContainer is one line of `docker ps` with psFormat.
type projectContainer struct {
	Name, State, Service string
	// Dir is the folder Compose ran in (its project directory); "" when not recorded.
	Dir string
}

// psFormat has `docker ps` print each container as a JSON object: the working directory as
// its own label, so a path with commas stays whole (the Labels column joins with commas).
const psFormat = `{"name":{{json .Names}},"state":{{json .State}},"service":{{json (.Label "com.docker.compose.service")}},"dir":{{json (.Label "com.docker.compose.project.working_dir")}}}`

// gatherProject asks the engine, both questions at once, for the containers (`docker ps -a`,
// any state, with the folder each was started from) and the volumes of the project's
// Compose project name; nil when the project has no compose file or no name Compose takes.
func gatherProject(run func(string, ...string) Result, p *project) *projectFacts {
	n := p.composeName()
	if len(p.composeFiles) == 0 || n.invalid || n.name == "" {
		return nil
	}
	f := &projectFacts{name: n}
	filter := "label=com.docker.compose.project=" + n.name
	var wg sync.WaitGroup
	wg.Go(func() { f.ps = run("docker", "ps", "-a", "--filter", filter, "--format", psFormat) })
	wg.Go(func() { f.volumes = run("docker", "volume", "ls", "--filter", filter, "--format", "{{.Name}}") })
	wg.Wait()
	if f.psErr = failed("docker ps", f.ps); f.psErr == nil {
		sc := bufio.NewScanner(bytes.NewReader(f.ps.Stdout))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var c projectContainer
			if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
				f.psErr = fmt.Errorf("docker ps: %w", err)
				break
			}
			f.containers = append(f.containers, c)
		}
	}
	if f.volumeErr = failed("docker volume ls", f.volumes); f.volumeErr == nil {
		f.volumeNames = strings.Fields(string(f.volumes.Stdout))
	}
	return f
}

// failed is why the command that gave r failed, nil when it did not.
func failed(what string, r Result) error {
	if r.Err == nil && r.ExitCode == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s", what, cmp.Or(firstLine(r.Stderr), errString(r.Err), fmt.Sprintf("exit status %d", r.ExitCode)))
}

// projectFindings (compose.project): the project's Compose project name is not also another
// folder's. Compose names the containers, the network and the volumes after the project
// name, not the folder, so two clones of a project with the same name (the generated
// compose file's name:) share them: `up` in one recreates the other's containers, and a
// database volume keeps the password of the .env that initialised it. Containers of the
// project started from another folder block when one is running (`up` would take them
// over) and are a warning otherwise; volumes without any container are a warning (Compose
// does not record which folder made a volume). An invalid COMPOSE_PROJECT_NAME blocks.
func projectFindings(d *dockerFacts, p *project, h Host) []Finding {
	if len(p.composeFiles) == 0 {
		return nil
	}
	n := p.composeName()
	f := Finding{ID: "compose.project"}
	if n.invalid {
		f.Severity = Blocking
		f.Summary = fmt.Sprintf("COMPOSE_PROJECT_NAME=%s (%s) is not a project name Compose accepts", n.name, n.from())
		f.Detail = "a Compose project name has only lowercase letters, digits, dashes and underscores, and starts with a letter or a digit"
		f.Fix = "set COMPOSE_PROJECT_NAME to a valid name"
		if s := normalizeProjectName(n.name); s != "" {
			f.Fix = fmt.Sprintf("set COMPOSE_PROJECT_NAME=%s", s)
		}
		if n.source == nameDotenv {
			f.Fix += " in .env"
		}
		return []Finding{f}
	}
	pf := d.project
	if !d.reachable() || pf == nil {
		return nil
	}
	if pf.psErr != nil {
		f.Severity = Warning
		f.Summary = fmt.Sprintf("which folders the containers of Compose project %s come from could not be told", n.name)
		f.Detail = pf.psErr.Error()
		f.Fix = fmt.Sprintf("run `docker ps -a --filter label=com.docker.compose.project=%s` and fix what it reports", n.name)
		return []Finding{f}
	}

	wd := p.workingDir()
	own := 0
	others := map[string][]projectContainer{}
	running := false
	for _, c := range pf.containers {
		if sameDir(c.Dir, wd, h.GOOS) {
			own++
			continue
		}
		others[c.Dir] = append(others[c.Dir], c)
		running = running || up(c.State)
	}
	volumes := strings.Join(pf.volumeNames, ", ")
	shared := fmt.Sprintf("the containers, network and volumes are named after the project name (from %s), not the folder, so clones of the project share them", n.from())
	password := "a database volume keeps the password of the .env it was first started with"

	switch {
	case len(others) > 0:
		dirs := slices.Sorted(maps.Keys(others))
		var where, lines []string
		for _, dir := range dirs {
			where = append(where, describeDir(dir))
			lines = append(lines, fmt.Sprintf("its containers in %s: %s", describeDir(dir), describeContainers(others[dir])))
		}
		folders := "another folder, " + where[0]
		if len(dirs) == 1 {
			lines[0] = "its containers: " + describeContainers(others[dirs[0]])
		} else {
			folders = "other folders, " + strings.Join(where, " and ")
		}
		if running {
			f.Severity = Blocking
			f.Summary = fmt.Sprintf("Compose project %s is running from %s: `docker compose up` here would take over its containers", n.name, folders)
		} else {
			f.Severity = Warning
			f.Summary = fmt.Sprintf("Compose project %s has stopped containers from %s: `docker compose up` here would replace them", n.name, folders)
		}
		if volumes != "" {
			lines = append(lines, "its volumes: "+volumes)
		}
		lines = append(lines, shared+": `up` here would recreate the containers from this folder, and "+password+" (the other clone's): migrate would fail with an authentication error")
		f.Detail = strings.Join(lines, "\n")
		f.Fix = "give this clone a project name of its own: " + ownName(n, wd) +
			fmt.Sprintf("; or remove the other clone's stack: `docker compose -p %s down -v` (-v deletes its volumes, the database included; without it, `up` here meets that database and its password)", n.name)
	case own == 0 && volumes != "":
		// Most often this folder's own stack after a plain `down`; Compose cannot tell, so
		// it is said, not warned about.
		f.Severity = OK
		f.Summary = fmt.Sprintf("Compose project %s has volumes but no containers: %s (made by an earlier `up` here, or by another clone)", n.name, volumes)
		f.Detail = "Compose does not record which folder made a volume, and " + shared + "; " + password + ": if it was another clone's, migrate fails here with an authentication error"
		f.Fix = "if another clone made them, give this clone a project name of its own: " + ownName(n, wd) +
			fmt.Sprintf("; or delete them, their data with them: `docker compose -p %s down -v`. If this folder made them, nothing to do", n.name)
	default:
		f.Severity = OK
		switch {
		case own > 0:
			f.Summary = fmt.Sprintf("Compose project %s (from %s): its containers were started in this folder", n.name, n.from())
		case pf.volumeErr != nil:
			f.Summary = fmt.Sprintf("Compose project %s (from %s) has no containers yet", n.name, n.from())
			f.Detail = "its volumes could not be listed: " + pf.volumeErr.Error()
		default:
			f.Summary = fmt.Sprintf("Compose project %s (from %s) has no containers or volumes yet", n.name, n.from())
		}
	}
	return []Finding{f}
}

// ownName says how to give this clone a project name of its own.
func ownName(n composeName, wd string) string {
	s := cloneName(n.name, wd)
	const what = "only this clone's containers, network and volumes take the new name; to run both stacks at once, their published ports must differ too"
	switch n.source {
	case nameEnv:
		return fmt.Sprintf("your environment sets COMPOSE_PROJECT_NAME=%s, which wins over .env: set COMPOSE_PROJECT_NAME=%s in this clone's shell, or unset it and add that line to .env (%s)", n.name, s, what)
	case nameDotenv:
		return fmt.Sprintf("change COMPOSE_PROJECT_NAME in .env to %s (%s)", s, what)
	}
	return fmt.Sprintf("add COMPOSE_PROJECT_NAME=%s to .env (Compose reads it there; %s)", s, what)
}

// cloneName is a project name for the clone in dir: name and the folder's name (or its
// parent's, when the folder has the project's name), as a valid project name.
func cloneName(name, dir string) string {
	for _, d := range []string{filepath.Base(dir), filepath.Base(filepath.Dir(dir))} {
		s := normalizeProjectName(d)
		switch {
		case s == "" || s == name:
			continue
		case strings.HasPrefix(s, name+"-"), strings.HasPrefix(s, name+"_"):
			return s
		}
		return name + "-" + s
	}
	return name + "-2"
}

// up says a container in state s is running (paused and restarting included).
func up(s string) bool { return s == "running" || s == "restarting" || s == "paused" }

// describeDir names a folder containers were started from.
func describeDir(dir string) string {
	if dir == "" {
		return "a folder Compose did not record"
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return dir + " (not found on this machine)"
	}
	return dir
}

// describeContainers lists containers by service and state: "db (running), web (exited)".
func describeContainers(cs []projectContainer) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s (%s)", cmp.Or(c.Service, c.Name), c.State))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// sameDir says a and b name the same folder: equal paths (ignoring case where the file
// system usually does), or the same folder through a link.
func sameDir(a, b, goos string) bool {
	if a == "" || b == "" {
		return false
	}
	ca, cb := filepath.Clean(a), filepath.Clean(b)
	if ca == cb || ((goos == "windows" || goos == "darwin") && strings.EqualFold(ca, cb)) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
