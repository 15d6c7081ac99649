// Package generate renders the container files of a plan.Plan from the templates and
// validates every file with the real tools' parsers before anyone writes it. It decides
// nothing the plan did not, and knows nothing about terminals or the file system.
package generate

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/jsonline"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/templates"
	"github.com/containerize/containerize/validate"
)

// File is a whole file to write, relative to the project root.
type File struct {
	Path string
	Data []byte
}

// Block is a marked block to append to an existing file, or to replace in place when the
// markers are already there (the settings patch).
type Block struct {
	Path       string
	Begin, End string
	Body       []byte
}

// Lines are lines an existing (or new) file must contain, appended when missing (.gitignore).
type Lines struct {
	Path  string
	Lines []string
}

// Output is everything init writes.
type Output struct {
	Files  []File
	Blocks []Block
	Lines  []Lines
	// Env is a fresh .env with new secrets and this machine's user, for a project that has
	// none; for one that has, MergeEnv adds what the existing file lacks.
	Env []byte
	// Notes tell the user what the generated files do that they may not expect.
	Notes []string
	// Commands are the one-liners the files document, for printing after a write.
	Commands Commands
}

// Options are the inputs that are not in the plan: what differs between machines.
type Options struct {
	// Rand supplies the randomness for fresh secrets in .env; nil means crypto/rand.
	Rand io.Reader
	// HostUser is this machine's user, whom the development containers run as.
	HostUser HostUser
}

// HostUser is a user and group id of the machine init runs on (os.Getuid, os.Getgid). An
// id that is not a positive number (root's 0, Windows' -1) leaves .env.example's value:
// Docker Desktop maps the ids it gets, and files written as root are no one's to edit.
type HostUser struct {
	UID, GID int
}

// Records says whether a new .env records id, the host's user or group id, for the
// development containers: only a positive one (see HostUser). containerize doctor holds a
// native Linux engine's containers to the same ids.
func Records(id int) bool { return id > 0 }

// Names are the paths of the files init writes, relative to the project root, decided in
// this one place.
type Names struct {
	Dockerfile, Compose, Override, Dockerignore, EnvExample, Env, Devcontainer, Config string
}

// FileNames are the files written for the plan: the container files where the plan puts
// them (the project's own, adopted, or the usual names), the others here.
func FileNames(p *plan.Plan) Names {
	return Names{
		Dockerfile:   p.Files.Dockerfile,
		Compose:      p.Files.Compose,
		Override:     p.Files.Override,
		Dockerignore: p.Files.Dockerignore,
		EnvExample:   ".env.example",
		Env:          ".env",
		Devcontainer: ".devcontainer/devcontainer.json",
		Config:       config.FileName,
	}
}

// Commands are the documented one-liners: the development environment (Compose reads the
// override without -f), with watch, the tests in it, and production without the override.
type Commands struct {
	Up, Watch, Test, Production string
}

func commands(p *plan.Plan, n Names) Commands {
	compose := "docker compose"
	if path.Dir(n.Compose) != "." || !slices.Contains(detect.ComposeNames, n.Compose) {
		compose += " -f " + n.Compose + " -f " + n.Override
	}
	return Commands{
		Up:         compose + " up --build",
		Watch:      compose + " up --build --watch",
		Test:       compose + " run --rm web " + strings.Join(p.Dev.Test, " "),
		Production: "docker compose -f " + n.Compose + " up --build",
	}
}

// view is what the templates render: the plan, the file names and the commands.
type view struct {
	*plan.Plan
	Files    Names
	Commands Commands
	// DevcontainerCompose are the compose files as devcontainer.json names them (relative
	// to its folder).
	DevcontainerCompose []string
	// Exclusions are the build context's fixed exclusions (.dockerignore).
	Exclusions []plan.ExclusionGroup
}

// parsed are the templates, parsed on first use: the CLI's other commands never pay for it.
var parsed = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"join":         strings.Join,
		"execArray":    execArray,
		"composeArray": composeArray,
		"json":         jsonline.String,
		"dir":          path.Dir,
	}).ParseFS(templates.FS, "*.tmpl"))
})

// execArray renders a command in a Dockerfile's exec (JSON) form: ["a", "b"].
func execArray(args []string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep ">=" readable
	enc.Encode(args)
	return strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), `","`, `", "`)
}

// composeArray renders a command for a compose file: the exec form with each $ doubled, so
// that Compose leaves the shell's variables to the shell instead of interpolating them.
func composeArray(args []string) string {
	return strings.ReplaceAll(execArray(args), "$", "$$")
}

func render(name, file string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := parsed().ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", file, err)
	}
	return b.Bytes(), nil
}

// Generate renders and validates the files of the plan.
func Generate(p *plan.Plan, opts Options) (*Output, error) {
	n := FileNames(p)
	v := view{Plan: p, Files: n, Commands: commands(p, n), Exclusions: plan.Exclusions()}
	for _, f := range []string{n.Compose, n.Override} {
		v.DevcontainerCompose = append(v.DevcontainerCompose, relFrom(path.Dir(n.Devcontainer), f))
	}
	var dockerfile, compose, override, dockerignore, envExample, devcontainer []byte
	for _, r := range []struct {
		out  *[]byte
		tmpl string
		file string
		data any
	}{
		{&dockerfile, "Dockerfile.tmpl", n.Dockerfile, v},
		{&compose, "docker-compose.yml.tmpl", n.Compose, v},
		{&override, "docker-compose.override.yml.tmpl", n.Override, v},
		{&dockerignore, "dockerignore.tmpl", n.Dockerignore, v},
		{&envExample, "env.example.tmpl", n.EnvExample, p.Env},
		{&devcontainer, "devcontainer.json.tmpl", n.Devcontainer, v},
	} {
		var err error
		if *r.out, err = render(r.tmpl, r.file, r.data); err != nil {
			return nil, err
		}
	}

	bug := func(what string, err error) error {
		return fmt.Errorf("generated %s (a bug in containerize; please report it):\n%w", what, err)
	}
	if err := validate.Dockerfile(n.Dockerfile, dockerfile); err != nil {
		return nil, bug(n.Dockerfile+" is invalid", err)
	}
	if err := validate.DockerignoreCopies(n.Dockerfile, dockerfile, dockerignore); err != nil {
		return nil, bug(n.Dockerignore+" hides files the Dockerfile copies", err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{{n.Compose, compose}, {n.Override, override}} {
		if err := validate.Compose(c.name, c.data, exampleEnv(p.Env)); err != nil {
			return nil, bug(c.name+" is invalid", err)
		}
	}
	if !json.Valid(devcontainer) {
		return nil, bug(n.Devcontainer+" is invalid", errors.New("not JSON"))
	}

	env, err := freshEnv(p.Env, opts.Rand, opts.HostUser)
	if err != nil {
		return nil, err
	}
	out := &Output{Notes: p.Notes, Commands: v.Commands}
	if out.Env, err = render("env.example.tmpl", n.Env, env); err != nil {
		return nil, err
	}
	out.Files = []File{
		{Path: n.Dockerfile, Data: dockerfile},
		{Path: n.Compose, Data: compose},
		{Path: n.Override, Data: override},
		{Path: n.Dockerignore, Data: dockerignore},
		{Path: n.EnvExample, Data: envExample},
		{Path: n.Devcontainer, Data: devcontainer},
		{Path: n.Config, Data: config.Marshal(&p.Answers)},
	}
	out.Lines = []Lines{{Path: ".gitignore", Lines: plan.Gitignore()}}
	if pt := p.Patch; pt != nil {
		body, err := render("settings_patch.py.tmpl", pt.Path, pt)
		if err != nil {
			return nil, err
		}
		out.Blocks = []Block{{Path: pt.Path, Begin: pt.BeginMarker, End: pt.EndMarker, Body: body}}
	}
	return out, nil
}

// exampleEnv is the environment compose sees when validating with .env.example.
func exampleEnv(groups []plan.EnvGroup) map[string]string {
	env := map[string]string{}
	for _, g := range groups {
		for _, e := range g.Vars {
			if e.Optional {
				continue // written commented out
			}
			env[e.Key] = e.Example
		}
	}
	return env
}

// relFrom is the slash path of file (relative to the project root) as seen from dir.
func relFrom(dir, file string) string {
	if dir == "." {
		return file
	}
	return strings.Repeat("../", strings.Count(dir, "/")+1) + file
}

// freshEnv is .env: the example with every secret replaced by a new random value and the
// host user's ids where the development containers need them.
func freshEnv(groups []plan.EnvGroup, r io.Reader, host HostUser) ([]plan.EnvGroup, error) {
	if r == nil {
		r = rand.Reader
	}
	out := make([]plan.EnvGroup, 0, len(groups))
	for _, g := range groups {
		ng := plan.EnvGroup{Title: g.Title}
		for _, e := range g.Vars {
			if e.Secret {
				s, err := secret(r, 50)
				if err != nil {
					return nil, fmt.Errorf("generate secrets for .env: %w", err)
				}
				e.Example = s
			}
			switch {
			case e.Host == plan.HostUID && Records(host.UID):
				e.Example = strconv.Itoa(host.UID)
			case e.Host == plan.HostGID && Records(host.GID):
				e.Example = strconv.Itoa(host.GID)
			}
			ng.Vars = append(ng.Vars, e)
		}
		out = append(out, ng)
	}
	return out, nil
}

// secretAlphabet avoids characters that need quoting in .env files, URLs or shells.
const secretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func secret(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	out := make([]byte, 0, n)
	for len(out) < n {
		if _, err := io.ReadFull(r, b); err != nil {
			return "", err
		}
		for _, x := range b {
			// Rejection sampling keeps every character equally likely.
			if int(x) < 256-256%len(secretAlphabet) && len(out) < n {
				out = append(out, secretAlphabet[int(x)%len(secretAlphabet)])
			}
		}
	}
	return string(out), nil
}

// MergeEnv returns existing with every variable of fresh that it does not define appended
// under a comment, and the names added; existing values are never changed.
func MergeEnv(existing, fresh []byte) ([]byte, []string) {
	defined := map[string]bool{}
	for _, v := range ParseEnv(existing) {
		defined[v.Key] = true
	}
	var add []string
	var names []string
	for _, line := range strings.Split(string(fresh), "\n") {
		if v, ok := parseEnvLine(line); ok && !defined[v.Key] {
			add = append(add, strings.TrimSpace(line))
			names = append(names, v.Key)
			defined[v.Key] = true
		}
	}
	if len(add) == 0 {
		return existing, nil
	}
	var b bytes.Buffer
	b.Write(existing)
	if len(existing) > 0 && !bytes.HasSuffix(existing, []byte("\n")) {
		b.WriteString("\n")
	}
	b.WriteString("\n# Added by containerize init: the compose files need these.\n")
	b.WriteString(strings.Join(add, "\n") + "\n")
	return b.Bytes(), names
}

// EnvVar is one variable a .env file defines.
type EnvVar struct {
	Key, Value string
	// Line is its 1-based line number.
	Line int
}

// ParseEnv reads a .env file the way Compose reads the forms these files use, line by line:
// "KEY=value" and "export KEY=value"; blank lines and "#" comments are skipped. An unquoted
// value loses surrounding blanks and a " #" comment; a single-quoted value is literal; a
// double-quoted one has its backslash escapes (\n, \t, \", \\, \$) applied. Not read: values
// spanning lines, and ${VAR} inside values, which Compose would expand. A later definition of
// a key overrides an earlier one, as in Compose; both are returned, in file order.
func ParseEnv(data []byte) []EnvVar {
	var out []EnvVar
	for i, line := range strings.Split(string(data), "\n") {
		if v, ok := parseEnvLine(line); ok {
			v.Line = i + 1
			out = append(out, v)
		}
	}
	return out
}

// parseEnvLine reads the variable one .env line defines; false for blanks, comments and
// lines that define nothing.
func parseEnvLine(line string) (EnvVar, bool) {
	line = strings.TrimSpace(line)
	if rest, ok := strings.CutPrefix(line, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
		line = strings.TrimSpace(rest)
	}
	if line == "" || strings.HasPrefix(line, "#") {
		return EnvVar{}, false
	}
	k, v, ok := strings.Cut(line, "=")
	k = strings.TrimSpace(k)
	if !ok || k == "" {
		return EnvVar{}, false
	}
	return EnvVar{Key: k, Value: envValue(strings.TrimSpace(v))}, true
}

// envValue is a .env value as written after "=" (trimmed) with its quoting undone.
func envValue(v string) string {
	if len(v) == 0 || (v[0] != '"' && v[0] != '\'') {
		v, _, _ = strings.Cut(v, " #")
		return strings.TrimRight(v, " \t")
	}
	q := v[0]
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == q:
			return b.String()
		case c == '\\' && i+1 < len(v):
			next := v[i+1]
			switch {
			case next == q:
				b.WriteByte(q)
			case q == '\'':
				b.WriteByte(c) // single quotes keep every other backslash
				continue
			case next == 'n':
				b.WriteByte('\n')
			case next == 't':
				b.WriteByte('\t')
			case next == 'r':
				b.WriteByte('\r')
			case next == '\\', next == '$':
				b.WriteByte(next)
			default:
				b.WriteByte(c)
				continue
			}
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String() // no closing quote: the rest of the line
}
