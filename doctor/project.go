package doctor

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/generate"
	"github.com/containerize/containerize/validate"
)

// project is what the checks read of the project: its compose files as Compose would load
// them in its directory, with the variables it would interpolate them with.
type project struct {
	dir string
	// composeFiles are the files `docker compose` loads in dir, in order, as named (relative
	// to dir unless COMPOSE_FILE gave them absolute); composeFrom says how they were chosen.
	composeFiles []string
	composeFrom  string
	// composeErr is the first file that could not be read or parsed.
	composeErr error
	services   []*service
	// usesWatch says a service has develop.watch rules; rebuildInMount, that one of them
	// rebuilds on a path inside a bind mount of the project (Compose 2.29.3 honours those).
	usesWatch, rebuildInMount bool
	// unset are the variables the compose files use with no value and no default.
	unset map[string]bool
	// name is the top-level name: of the last compose file that has one, as written (Compose
	// interpolates it), and that file; "" when none has one.
	name, nameFile string

	env, example       []generate.EnvVar
	hasEnv, hasExample bool
	envErr             error
	getenv             func(string) string
}

type service struct {
	name    string
	ports   []published
	profile []string
	// user is the service's `user:` after interpolation, and the variables it named.
	user     string
	userVars []string
}

// published is one host port a service publishes.
type published struct {
	service string
	hostIP  string // "" for every interface
	port    int
	proto   string // "tcp" or "udp"
	// variable is the one that sets the port ("POSTGRES_PUBLISH_PORT"), "" when none does.
	variable string
	file     string
}

func (p published) String() string {
	ip := cmp.Or(p.hostIP, "0.0.0.0")
	if strings.Contains(ip, ":") {
		ip = "[" + ip + "]"
	}
	return fmt.Sprintf("%s:%d/%s", ip, p.port, p.proto)
}

// readProject reads .env, .env.example and the compose files in dir. What it cannot read is
// recorded for the checks to report.
func readProject(dir string, getenv func(string) string) *project {
	p := &project{dir: dir, getenv: getenv, unset: map[string]bool{}}
	var b []byte
	if b, p.hasEnv, p.envErr = readFile(dir, ".env"); p.hasEnv {
		p.env = generate.ParseEnv(b)
	}
	if b, p.hasExample, _ = readFile(dir, ".env.example"); p.hasExample {
		p.example = generate.ParseEnv(b)
	}
	p.composeFiles, p.composeFrom = p.findComposeFiles()
	byName := map[string]*service{}
	for _, name := range p.composeFiles {
		if err := p.readCompose(name, byName); err != nil && p.composeErr == nil {
			p.composeErr = err
		}
	}
	return p
}

func readFile(dir, name string) ([]byte, bool, error) {
	if !filepath.IsAbs(name) {
		name = filepath.Join(dir, filepath.FromSlash(name))
	}
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// lookup is a variable as Compose interpolates it: the shell's environment first, then .env
// (its last definition). An empty shell variable counts as unset.
func (p *project) lookup(k string) (string, bool) {
	if v := p.getenv(k); v != "" {
		return v, true
	}
	for i := len(p.env) - 1; i >= 0; i-- {
		if p.env[i].Key == k {
			return p.env[i].Value, true
		}
	}
	return "", false
}

// findComposeFiles chooses the files as `docker compose` does in dir without -f:
// COMPOSE_FILE (separated by COMPOSE_PATH_SEPARATOR, else the system's path list
// separator) when set, otherwise the first default name that exists plus the first override
// file beside it (detect's lists, Compose's order). Compose would also look in the parent
// folders; doctor checks DIR itself.
func (p *project) findComposeFiles() ([]string, string) {
	if list, ok := p.lookup("COMPOSE_FILE"); ok {
		sep := string(os.PathListSeparator)
		if s, ok := p.lookup("COMPOSE_PATH_SEPARATOR"); ok && s != "" {
			sep = s
		}
		return strings.Split(list, sep), "COMPOSE_FILE"
	}
	var files []string
	for _, names := range [][]string{detect.ComposeNames, detect.ComposeOverrideNames} {
		for _, n := range names {
			if st, err := os.Stat(filepath.Join(p.dir, n)); err == nil && st.Mode().IsRegular() {
				files = append(files, n)
				break
			}
		}
		if len(files) == 0 {
			return nil, ""
		}
	}
	return files, "default file names"
}

// readCompose reads one compose file into the services (ports add up across files, `user`
// and `profiles` are replaced, as Compose merges them).
func (p *project) readCompose(name string, byName map[string]*service) error {
	b, ok, err := readFile(p.dir, name)
	if err == nil && !ok {
		err = fs.ErrNotExist
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("%s: %s", name, strings.Join(strings.Fields(err.Error()), " "))
	}
	var errs []error
	interpolate := func(s string) validate.Interpolated {
		in, err := validate.Interpolate(s, p.lookup)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
		return in
	}
	if n, ok := doc["name"]; ok && n != nil && fmt.Sprint(n) != "" {
		p.name, p.nameFile = fmt.Sprint(n), name
	}
	walkStrings(doc, func(s string) {
		for _, v := range interpolate(s).Unset {
			p.unset[v] = true
		}
	})
	services, _ := doc["services"].(map[string]any)
	for _, n := range serviceOrder(b, services) {
		def, _ := services[n].(map[string]any)
		s := byName[n]
		if s == nil {
			s = &service{name: n}
			byName[n] = s
			p.services = append(p.services, s)
		}
		if d, ok := def["develop"].(map[string]any); ok && d["watch"] != nil {
			p.usesWatch = true
			rules, _ := d["watch"].([]any)
			p.rebuildInMount = p.rebuildInMount || rebuildsInMount(rules, def["volumes"], interpolate)
		}
		if u, ok := def["user"]; ok {
			in := interpolate(fmt.Sprint(u))
			s.user, s.userVars = in.Value, in.Used
		}
		if pr, ok := def["profiles"].([]any); ok {
			s.profile = nil
			for _, x := range pr {
				s.profile = append(s.profile, interpolate(fmt.Sprint(x)).Value)
			}
		}
		ports, _ := def["ports"].([]any)
		for _, entry := range ports {
			pub, err := p.publishedPorts(n, name, entry, interpolate)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: services.%s.ports: %w", name, n, err))
			}
			s.ports = append(s.ports, pub...)
		}
	}
	return errors.Join(errs...)
}

// rebuildsInMount says a rebuild rule watches a path under a bind mount of the service's
// (short syntax "SOURCE:TARGET", or type bind) whose source is a folder of the project.
func rebuildsInMount(rules []any, volumes any, interpolate func(string) validate.Interpolated) bool {
	var mounts []string
	list, _ := volumes.([]any)
	for _, v := range list {
		src := ""
		switch v := v.(type) {
		case string:
			if s, _, ok := strings.Cut(interpolate(v).Value, ":"); ok {
				src = s
			}
		case map[string]any:
			if v["type"] == "bind" {
				src = interpolate(fmt.Sprint(v["source"])).Value
			}
		}
		if src == "." || strings.HasPrefix(src, "./") {
			mounts = append(mounts, path.Clean(src))
		}
	}
	for _, r := range rules {
		rule, _ := r.(map[string]any)
		if rule["action"] != "rebuild" {
			continue
		}
		watched := path.Clean(interpolate(fmt.Sprint(rule["path"])).Value)
		for _, m := range mounts {
			if m == "." || watched == m || strings.HasPrefix(watched, m+"/") {
				return true
			}
		}
	}
	return false
}

// serviceOrder is the services' names as the file lists them (a map has no order; the
// document, read again as nodes, does).
func serviceOrder(data []byte, services map[string]any) []string {
	var doc struct{ Services yaml.Node }
	yaml.Unmarshal(data, &doc)
	var names []string
	for i := 0; i+1 < len(doc.Services.Content); i += 2 {
		if n := doc.Services.Content[i].Value; services[n] != nil && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// walkStrings calls f for every string value (not mapping keys), as Compose interpolates.
func walkStrings(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case map[string]any:
		for _, x := range v {
			walkStrings(x, f)
		}
	case []any:
		for _, x := range v {
			walkStrings(x, f)
		}
	}
}

// publishedPorts reads one entry of a service's ports: the short syntax
// ("[HOST_IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL]", ranges "8000-8002:8000-8002") or the
// long one (target, published, host_ip, protocol). An entry that publishes no fixed host
// port ("8000", "127.0.0.1::8000") gives none.
func (p *project) publishedPorts(svc, file string, entry any, interpolate func(string) validate.Interpolated) ([]published, error) {
	var hostIP, hostPorts, proto, raw string
	var vars []string
	switch e := entry.(type) {
	case map[string]any:
		get := func(k string) validate.Interpolated {
			if v, ok := e[k]; ok && v != nil {
				return interpolate(fmt.Sprint(v))
			}
			return validate.Interpolated{}
		}
		pub := get("published")
		hostIP, hostPorts, proto = get("host_ip").Value, pub.Value, get("protocol").Value
		raw, vars = fmt.Sprint(e["published"]), pub.Used
	default:
		raw = fmt.Sprint(e)
		in := interpolate(raw)
		vars = in.Used
		var err error
		if hostIP, hostPorts, proto, err = splitPortSpec(in.Value); err != nil {
			return nil, err
		}
	}
	if hostPorts == "" {
		return nil, nil
	}
	ports, err := portRange(hostPorts)
	if err != nil {
		return nil, err
	}
	variable := ""
	if len(ports) == 1 {
		variable = p.portVariable(raw, vars, hostPorts)
	}
	out := make([]published, 0, len(ports))
	for _, n := range ports {
		out = append(out, published{service: svc, hostIP: hostIP, port: n, proto: cmp.Or(strings.ToLower(proto), "tcp"), variable: variable, file: file})
	}
	return out, nil
}

// splitPortSpec splits a short-syntax port after interpolation into its host IP, host
// port(s) and protocol; hostPorts is "" when the entry publishes no fixed port.
func splitPortSpec(s string) (hostIP, hostPorts, proto string, err error) {
	s, proto, _ = strings.Cut(s, "/")
	if rest, ok := strings.CutPrefix(s, "["); ok {
		ip, after, ok := strings.Cut(rest, "]")
		if !ok || !strings.HasPrefix(after, ":") {
			return "", "", "", fmt.Errorf("%q: an IPv6 host address in brackets must be followed by :HOST_PORT:CONTAINER_PORT", s)
		}
		hostIP, s = ip, after[1:]
		parts := strings.Split(s, ":")
		if len(parts) != 2 {
			return "", "", "", fmt.Errorf("%q is not [HOST_IP]:HOST_PORT:CONTAINER_PORT", s)
		}
		return hostIP, parts[0], proto, nil
	}
	parts := strings.Split(s, ":")
	switch n := len(parts); {
	case n == 1:
		return "", "", proto, nil // a container port only: Docker picks a host port
	case n == 2:
		return "", parts[0], proto, nil
	default: // HOST_IP:HOST:CONTAINER; an IPv6 address without brackets has colons of its own
		return strings.Join(parts[:n-2], ":"), parts[n-2], proto, nil
	}
}

// portRange reads "8000" or "8000-8002"; ranges are capped at 100 ports.
func portRange(s string) ([]int, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	b := a
	if err == nil && isRange {
		b, err = strconv.Atoi(strings.TrimSpace(hi))
	}
	if err != nil || a < 1 || b > 65535 || b < a || b-a >= 100 {
		return nil, fmt.Errorf("%q is not a host port (1-65535) or a range of up to 100 of them", s)
	}
	out := make([]int, 0, b-a+1)
	for n := a; n <= b; n++ {
		out = append(out, n)
	}
	return out, nil
}

// portVariable is the variable among vars whose value, or whose default in raw, is the
// published port: the one to change in .env to move the port.
func (p *project) portVariable(raw string, vars []string, port string) string {
	for _, v := range vars {
		if val, ok := p.lookup(v); ok && val == port {
			return v
		}
		for _, op := range []string{":-", "-"} {
			if strings.Contains(raw, "${"+v+op+port+"}") {
				return v
			}
		}
	}
	return ""
}

// active says Compose starts the service without naming it: it has no profiles, or one
// of them is in COMPOSE_PROFILES.
func (p *project) active(s *service) bool {
	if len(s.profile) == 0 {
		return true
	}
	list, _ := p.lookup("COMPOSE_PROFILES")
	for _, x := range strings.Split(list, ",") {
		if slices.Contains(s.profile, strings.TrimSpace(x)) || strings.TrimSpace(x) == "*" {
			return true
		}
	}
	return false
}
