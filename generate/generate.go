// Package generate renders the container files of a plan.Plan from the templates and
// validates every file with the real tools' parsers before anyone writes it. It decides
// nothing the plan did not, and knows nothing about terminals or the file system.
package generate

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/template"

	"github.com/containerize/containerize/config"
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
	// Env is a fresh .env with new secrets, for a project that has none; for one that has,
	// MergeEnv adds what the existing file lacks.
	Env []byte
	// Notes tell the user what the generated files do that they may not expect.
	Notes []string
}

// Options are the inputs that are not in the plan.
type Options struct {
	// Rand supplies the randomness for fresh secrets in .env; nil means crypto/rand.
	Rand io.Reader
}

// parsed are the templates, parsed on first use: the CLI's other commands never pay for it.
var parsed = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"join":      strings.Join,
		"execArray": execArray,
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

func render(name, file string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := parsed().ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", file, err)
	}
	return b.Bytes(), nil
}

// Generate renders and validates the files of the plan.
func Generate(p *plan.Plan, opts Options) (*Output, error) {
	dockerfile, err := render("Dockerfile.tmpl", "Dockerfile", p)
	if err != nil {
		return nil, err
	}
	compose, err := render("docker-compose.yml.tmpl", "docker-compose.yml", p)
	if err != nil {
		return nil, err
	}
	dockerignore, err := render("dockerignore.tmpl", ".dockerignore", p)
	if err != nil {
		return nil, err
	}
	envExample, err := render("env.example.tmpl", ".env.example", p.Env)
	if err != nil {
		return nil, err
	}

	if err := validate.Dockerfile("Dockerfile", dockerfile); err != nil {
		return nil, fmt.Errorf("generated Dockerfile is invalid (a bug in containerize; please report it):\n%w", err)
	}
	if err := validate.DockerignoreCopies("Dockerfile", dockerfile, dockerignore); err != nil {
		return nil, fmt.Errorf("generated .dockerignore hides files the Dockerfile copies (a bug in containerize; please report it):\n%w", err)
	}
	if err := validate.Compose("docker-compose.yml", compose, exampleEnv(p.Env)); err != nil {
		return nil, fmt.Errorf("generated docker-compose.yml is invalid (a bug in containerize; please report it):\n%w", err)
	}

	env, err := freshEnv(p.Env, opts.Rand)
	if err != nil {
		return nil, err
	}
	out := &Output{Notes: p.Notes}
	if out.Env, err = render("env.example.tmpl", ".env", env); err != nil {
		return nil, err
	}
	out.Files = []File{
		{Path: "Dockerfile", Data: dockerfile},
		{Path: "docker-compose.yml", Data: compose},
		{Path: ".dockerignore", Data: dockerignore},
		{Path: ".env.example", Data: envExample},
		{Path: config.FileName, Data: config.Marshal(&p.Answers)},
	}
	out.Lines = []Lines{{Path: ".gitignore", Lines: []string{".env"}}}
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
			env[e.Key] = e.Example
		}
	}
	return env
}

// freshEnv is .env: the example with every secret replaced by a new random value.
func freshEnv(groups []plan.EnvGroup, r io.Reader) ([]plan.EnvGroup, error) {
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
	b.WriteString("\n# Added by containerize init: docker-compose.yml needs these.\n")
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
