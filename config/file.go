package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/excerpt"
)

// ComposeServices are the services the compose file can add next to web, in the order they
// are written and offered. Treat it as read-only.
var ComposeServices = []detect.Service{
	detect.ServicePostgres, detect.ServiceMySQL, detect.ServiceRedis,
	detect.ServiceCeleryWorker, detect.ServiceCeleryBeat, detect.ServiceMail,
}

// Servers lists the valid Server values.
var Servers = []string{ServerGunicorn, ServerUvicorn, ServerDaphne}

// header opens every file Marshal writes.
const header = "# containerize.toml: the answers containerize init used. Edit a value or delete the file to be asked again."

// keys are the file's keys in the order Marshal writes them.
var keys = []string{"name", "python", "port", "server", "services", "settings", "settings_patch", "keep"}

// optional reports the keys a file may lack: files written before they existed are still
// read (init then saves the value it decided).
func optional(key string) bool { return key == "name" || key == "keep" || key == "settings" }

// problem is one invalid value, named by its key so Parse can add the line.
type problem struct {
	key string
	msg string
}

// Validate checks every value: a Python minor the policy supports (Python.Check), a port in 1-65535, a known server,
// and a consistent set of services. The error lists every problem, one per line.
func (c *Config) Validate() error {
	var errs []error
	if c.Name == "" {
		errs = append(errs, errors.New("name is empty: the project needs a name"))
	}
	for _, p := range c.problems() {
		errs = append(errs, errors.New(p.msg))
	}
	return errors.Join(errs...)
}

func (c *Config) problems() []problem {
	var ps []problem
	add := func(key, prefix string, err error) {
		if err == nil {
			return
		}
		// CheckServices joins one error per problem; each gets its own line (and line number).
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				ps = append(ps, problem{key, prefix + e.Error()})
			}
			return
		}
		ps = append(ps, problem{key, prefix + err.Error()})
	}
	if c.Name != "" { // a file written before names were saved has none; Validate needs one
		add("name", "", CheckName(c.Name))
	}
	add("python", "", Python.Check(c.Python))
	add("port", "", CheckPort(c.Port))
	add("server", "", CheckServer(c.Server))
	add("services", "services: ", CheckServices(c.Services))
	if c.Settings != "" {
		add("settings", "", CheckSettings(c.Settings))
	}
	add("keep", "keep: ", CheckKeep(c.Keep))
	return ps
}

// CheckName accepts what Compose accepts as a project name (lower-case letters, digits,
// dashes and underscores, starting with a letter or digit); an image may be named so too.
func CheckName(name string) error {
	if name == "" || name != ProjectName(name) {
		return fmt.Errorf("name must be lower-case letters, digits, '-' and '_', starting with a letter or digit (like %q), got %s", ProjectName(name), excerpt.Quote(name))
	}
	return nil
}

// ProjectName turns what a project calls itself into a valid name (see CheckName):
// lower case, other characters replaced by '-', "app" when nothing is left.
func ProjectName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || (r == '_' || r == '-') && b.Len() > 0
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimRight(b.String(), "-_")
	if out == "" {
		return "app"
	}
	return out
}

// CheckKeep accepts slash paths inside the project, each once.
func CheckKeep(paths []string) error {
	var errs []error
	for i, p := range paths {
		switch {
		case p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || p != path.Clean(p) || p == ".." || strings.HasPrefix(p, "../"):
			errs = append(errs, fmt.Errorf("%s is not a clean slash path inside the project, like \"Dockerfile\" or \"docker/compose.yaml\"", excerpt.Quote(p)))
		case slices.Contains(paths[:i], p):
			errs = append(errs, fmt.Errorf("%s is listed twice: remove one", excerpt.Quote(p)))
		}
	}
	return errors.Join(errs...)
}

// CheckSettings accepts what can be a dotted Python module name ("config.settings.production");
// whether the project has that module is for detection to say.
func CheckSettings(module string) error {
	for _, part := range strings.Split(module, ".") {
		if !identifier(part) {
			return fmt.Errorf("settings must be a dotted Python module like \"config.settings.production\", got %s", excerpt.Quote(module))
		}
	}
	return nil
}

func identifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// KeyLine is the line of a top-level key in a containerize.toml, 0 when it has none: for
// messages about a value that only a later step finds wrong.
func KeyLine(data []byte, key string) int {
	for _, e := range scan(data) {
		if len(e.key) == 1 && e.key[0] == key {
			return e.line
		}
	}
	return 0
}

// CheckPort accepts 1-65535.
func CheckPort(port int) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("port must be between 1 and 65535, got %d", port)
	}
	return nil
}

// CheckServer accepts one of Servers.
func CheckServer(server string) error {
	if !slices.Contains(Servers, server) {
		return fmt.Errorf("server must be one of %s, got %s", strings.Join(Servers, ", "), excerpt.Quote(server))
	}
	return nil
}

// CheckServices accepts known, distinct services that work together: one database at most,
// and Celery only with the redis broker (and beat only with a worker). It reports every
// problem, joined with errors.Join.
func CheckServices(services []detect.Service) error {
	var errs []error
	seen := map[detect.Service]bool{}
	for _, s := range services {
		switch {
		case s == "none":
			// --services none means none; in the file, none is the empty list.
			errs = append(errs, errors.New(`"none" is not a service: write services = [] for no services`))
		case s == detect.ServiceSQLite || s == detect.ServiceChannels:
			errs = append(errs, fmt.Errorf("%s needs no container of its own: leave it out", s))
		case !slices.Contains(ComposeServices, s):
			errs = append(errs, fmt.Errorf("unknown service %s: use %s", excerpt.Quote(string(s)), strings.Join(detect.Strings(ComposeServices), ", ")))
		case seen[s]:
			errs = append(errs, fmt.Errorf("%s is listed twice: remove one", excerpt.Quote(string(s))))
		}
		seen[s] = true
	}
	if seen[detect.ServicePostgres] && seen[detect.ServiceMySQL] {
		errs = append(errs, errors.New("choose postgres or mysql, not both"))
	}
	for _, celery := range []detect.Service{detect.ServiceCeleryWorker, detect.ServiceCeleryBeat} {
		if seen[celery] && !seen[detect.ServiceRedis] {
			errs = append(errs, fmt.Errorf("%s needs redis, the broker the generated setup provides: add redis", celery))
		}
	}
	if seen[detect.ServiceCeleryBeat] && !seen[detect.ServiceCeleryWorker] {
		errs = append(errs, errors.New("celery-beat needs celery-worker to run the tasks it schedules: add celery-worker"))
	}
	return errors.Join(errs...)
}

// OrderServices returns services in ComposeServices order, unknown names last in the order
// given, so that files and prompts do not depend on the order answers arrived in.
func OrderServices(services []detect.Service) []detect.Service {
	rank := func(s detect.Service) int {
		if i := slices.Index(ComposeServices, s); i >= 0 {
			return i
		}
		return len(ComposeServices)
	}
	out := slices.Clone(services)
	if out == nil {
		out = []detect.Service{}
	}
	slices.SortStableFunc(out, func(a, b detect.Service) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// Parse reads a containerize.toml strictly: unknown keys, values of the wrong type, missing
// keys and invalid values are errors that name path:line and say what to do. path is only
// used in messages. Services come back in ComposeServices order.
func Parse(data []byte, path string) (*Config, error) {
	var c Config
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, decodeError(data, path, err)
	}

	lines := map[string]int{}
	for _, e := range scan(data) {
		if len(e.key) == 1 {
			lines[e.key[0]] = e.line
		}
	}
	var missing []string
	for _, k := range keys {
		if _, ok := lines[k]; !ok && !optional(k) {
			missing = append(missing, strconv.Quote(k))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: missing %s %s: add %s or delete the file to be asked again",
			path, plural(len(missing), "key", "keys"), strings.Join(missing, ", "), plural(len(missing), "it", "them"))
	}

	var errs []error
	for _, p := range c.problems() {
		errs = append(errs, fmt.Errorf("%s:%d: %s", path, lines[p.key], p.msg))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c.Services = OrderServices(c.Services)
	if c.Keep == nil {
		c.Keep = []string{}
	}
	return &c, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// decodeError turns go-toml's errors into messages with path:line and a remedy.
func decodeError(data []byte, path string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		errs := make([]error, 0, len(strict.Errors))
		for _, e := range strict.Errors {
			row, _ := e.Position()
			errs = append(errs, fmt.Errorf("%s:%d: unknown key %s: remove it or fix the spelling (known keys: %s)",
				path, row, excerpt.Quote(strings.Join(e.Key(), ".")), strings.Join(keys, ", ")))
		}
		return errors.Join(errs...)
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		if msg, ok := typeMismatch(data, de.Key()); ok {
			return fmt.Errorf("%s:%d: %s", path, row, msg)
		}
		return fmt.Errorf("%s:%d:%d: %s: fix the file or delete it to be asked again",
			path, row, col, strings.TrimPrefix(de.Error(), "toml: "))
	}
	return fmt.Errorf("read %s: %w", path, err)
}

// wants says what the value of a key must look like; "" for an unknown key.
func wants(key string) string {
	switch key {
	case "python":
		return `a quoted version like "3.12"`
	case "port":
		return "a number"
	case "server":
		return `a quoted name like "gunicorn"`
	case "services":
		return `a list of quoted names like ["postgres", "redis"]`
	case "settings_patch":
		return "true or false"
	case "name":
		return `a quoted name like "library"`
	case "settings":
		return `a quoted module like "config.settings.production"`
	case "keep":
		return `a list of quoted paths like ["Dockerfile"]`
	}
	return ""
}

// typeMismatch explains a decode error at key when the value written there has the wrong
// TOML type; ok is false when the error is something else (syntax, overflow).
func typeMismatch(data []byte, key []string) (msg string, ok bool) {
	if len(key) == 0 || wants(key[0]) == "" {
		return "", false
	}
	for _, e := range scan(data) {
		if len(e.key) == 0 || e.key[0] != key[0] {
			continue
		}
		got := e.value
		if len(e.key) > 1 || e.table {
			got = "a table"
		} else if e.fits {
			continue
		}
		return fmt.Sprintf("%s must be %s, got %s", key[0], wants(key[0]), got), true
	}
	return "", false
}

// entry is one key found in the document.
type entry struct {
	key   []string // full dotted key, including the table header it sits under
	line  int
	table bool   // a [table] or [[array table]] header
	value string // the value as written
	fits  bool   // the value's TOML type is the one the key needs
}

// scan lists the document's keys with their lines, stopping at the first syntax error (the
// decoder reports that one).
func scan(data []byte) []entry {
	var (
		p       unstable.Parser
		out     []entry
		current []string
	)
	p.Reset(data)
	for p.NextExpression() {
		expr := p.Expression()
		var (
			parts []string
			line  int
		)
		for it := expr.Key(); it.Next(); {
			n := it.Node()
			if len(parts) == 0 {
				line = 1 + bytes.Count(data[:min(int(n.Raw.Offset), len(data))], []byte("\n"))
			}
			parts = append(parts, string(n.Data))
		}
		switch expr.Kind {
		case unstable.Table, unstable.ArrayTable:
			current = parts
			out = append(out, entry{key: parts, line: line, table: true})
		case unstable.KeyValue:
			full := append(slices.Clone(current), parts...)
			v := expr.Value()
			out = append(out, entry{key: full, line: line, value: render(&p, v), fits: len(full) == 1 && fits(full[0], v)})
		}
	}
	return out
}

// fits reports whether the node has the TOML type key needs.
func fits(key string, n *unstable.Node) bool {
	switch key {
	case "name", "python", "server", "settings":
		return n.Kind == unstable.String
	case "port":
		return n.Kind == unstable.Integer
	case "settings_patch":
		return n.Kind == unstable.Bool
	case "services", "keep":
		if n.Kind != unstable.Array {
			return false
		}
		for it := n.Children(); it.Next(); {
			if it.Node().Kind != unstable.String {
				return false
			}
		}
		return true
	}
	return false
}

// render gives a value as written; arrays and inline tables carry no raw range of their own,
// so they are rebuilt from their elements.
func render(p *unstable.Parser, n *unstable.Node) string {
	switch n.Kind {
	case unstable.Array:
		var parts []string
		for it := n.Children(); it.Next(); {
			parts = append(parts, render(p, it.Node()))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case unstable.InlineTable:
		return "an inline table"
	}
	return string(p.Raw(n.Raw))
}

// Marshal writes the config as containerize.toml: a header, then one commented key per
// line in a fixed order, services in ComposeServices order. The output is deterministic
// and Parse reads a valid config back unchanged.
func Marshal(c *Config) []byte {
	var b bytes.Buffer
	b.WriteString(header + "\n\n")
	b.WriteString("# The image, compose project and default database name (the same in every clone)\n")
	fmt.Fprintf(&b, "name = %s\n", quote(c.Name))
	fmt.Fprintf(&b, "# Python minor version of the base image: %s\n", strings.Join(Python.Supported, ", "))
	fmt.Fprintf(&b, "python = %s\n", quote(c.Python))
	b.WriteString("# Port the web server listens on, in the container and on the host\n")
	fmt.Fprintf(&b, "port = %d\n", c.Port)
	b.WriteString("# Web server: gunicorn (WSGI), uvicorn or daphne (ASGI)\n")
	fmt.Fprintf(&b, "server = %s\n", quote(c.Server))
	fmt.Fprintf(&b, "# Compose services next to web, any of: %s\n", strings.Join(detect.Strings(ComposeServices), ", "))
	fmt.Fprintf(&b, "services = [%s]\n", strings.Join(quoteAll(detect.Strings(OrderServices(c.Services))), ", "))
	b.WriteString("# The Django settings module the image runs (DJANGO_SETTINGS_MODULE); containerize detect lists the candidates\n")
	fmt.Fprintf(&b, "settings = %s\n", quote(c.Settings))
	b.WriteString("# Append the block that reads DATABASE_URL, SECRET_KEY, DEBUG and ALLOWED_HOSTS from the environment to the settings\n")
	fmt.Fprintf(&b, "settings_patch = %t\n", c.SettingsPatch)
	b.WriteString("# Generated files you edit by hand, which containerize init leaves alone, e.g. [\"Dockerfile\"]\n")
	fmt.Fprintf(&b, "keep = [%s]\n", strings.Join(quoteAll(c.Keep), ", "))
	return b.Bytes()
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}

// quote writes s as a TOML basic string. Go's strconv.Quote is not used because TOML has no
// \x, \a or \v escapes. Invalid UTF-8 becomes U+FFFD: TOML documents are UTF-8.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		case r == utf8.RuneError:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
