// Package generate renders the container files for a project from its detected facts and
// the chosen answers, and validates every file with the real tools' parsers before anyone
// writes it. It knows nothing about terminals or the file system.
package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"text/template"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
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
	// Env is a fresh .env with new secrets. It is among Files when the project has no .env;
	// otherwise MergeEnv adds what the existing one lacks.
	Env []byte
	// Notes tell the user what the generated files do that they may not expect.
	Notes []string
}

// MergeEnv returns existing with every variable of fresh that it does not define appended
// under a comment, and the names added; existing values are never changed.
func MergeEnv(existing, fresh []byte) ([]byte, []string) {
	defined := map[string]bool{}
	for _, line := range strings.Split(string(existing), "\n") {
		if k, ok := envKey(line); ok {
			defined[k] = true
		}
	}
	var add []string
	var names []string
	for _, line := range strings.Split(string(fresh), "\n") {
		if k, ok := envKey(line); ok && !defined[k] {
			add = append(add, strings.TrimSpace(line))
			names = append(names, k)
			defined[k] = true
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

// envKey reads the variable a .env line defines ("KEY=value", "export KEY=value").
func envKey(line string) (string, bool) {
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "export "))
	if line == "" || strings.HasPrefix(line, "#") {
		return "", false
	}
	k, _, ok := strings.Cut(line, "=")
	k = strings.TrimSpace(k)
	return k, ok && k != ""
}

// Options are the inputs that are not facts or decisions.
type Options struct {
	// Rand supplies the randomness for fresh secrets in .env (crypto/rand in the CLI).
	Rand io.Reader
}

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"join":      strings.Join,
	"execArray": execArray,
}).ParseFS(templates.FS, "*.tmpl"))

// execArray renders a command in a Dockerfile's exec (JSON) form: ["a", "b"].
func execArray(args []string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep ">=" readable
	enc.Encode(args)
	return strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), `","`, `", "`)
}

// Generate renders and validates the files for (p, c).
func Generate(p *detect.Project, c config.Config, opts Options) (*Output, error) {
	if p.Django == nil {
		return nil, fmt.Errorf("no manage.py found in %s: containerize init sets up Django projects; run it in the repository that holds manage.py", p.Root)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	v, err := newView(p, c)
	if err != nil {
		return nil, err
	}
	out := &Output{Notes: v.Notes}

	render := func(name, file string, data any) ([]byte, error) {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
			return nil, fmt.Errorf("render %s: %w", file, err)
		}
		return b.Bytes(), nil
	}
	dockerfile, err := render("Dockerfile.tmpl", "Dockerfile", v)
	if err != nil {
		return nil, err
	}
	compose, err := render("docker-compose.yml.tmpl", "docker-compose.yml", v)
	if err != nil {
		return nil, err
	}
	dockerignore, err := render("dockerignore.tmpl", ".dockerignore", v)
	if err != nil {
		return nil, err
	}
	envExample, err := render("env.example.tmpl", ".env.example", envView{Groups: v.EnvGroups})
	if err != nil {
		return nil, err
	}

	if err := validate.Dockerfile("Dockerfile", dockerfile); err != nil {
		return nil, fmt.Errorf("generated Dockerfile is invalid (a bug in containerize; please report it):\n%w", err)
	}
	if err := validate.DockerignoreCopies("Dockerfile", dockerfile, dockerignore); err != nil {
		return nil, fmt.Errorf("generated .dockerignore hides files the Dockerfile copies (a bug in containerize; please report it):\n%w", err)
	}
	if err := validate.Compose(context.Background(), "docker-compose.yml", compose, p.Root, v.exampleEnv()); err != nil {
		return nil, fmt.Errorf("generated docker-compose.yml is invalid (a bug in containerize; please report it):\n%w", err)
	}

	out.Files = append(out.Files,
		File{Path: "Dockerfile", Data: dockerfile},
		File{Path: "docker-compose.yml", Data: compose},
		File{Path: ".dockerignore", Data: dockerignore},
		File{Path: ".env.example", Data: envExample},
	)
	env, err := v.freshEnv(opts.Rand)
	if err != nil {
		return nil, err
	}
	if out.Env, err = render("env.example.tmpl", ".env", env); err != nil {
		return nil, err
	}
	if !p.HasDotEnv {
		out.Files = append(out.Files, File{Path: ".env", Data: out.Env})
	}
	out.Files = append(out.Files, File{Path: config.FileName, Data: config.Marshal(&c)})
	out.Lines = append(out.Lines, Lines{Path: ".gitignore", Lines: []string{".env"}})

	if c.SettingsPatch {
		body, err := render("settings_patch.py.tmpl", v.Patch.Path, v.Patch)
		if err != nil {
			return nil, err
		}
		out.Blocks = append(out.Blocks, Block{Path: v.Patch.Path, Begin: django.OwnBlockBegin, End: django.OwnBlockEnd, Body: body})
	}
	return out, nil
}

// commonDir is the deepest folder containing both a and b (slash paths, "." for the root).
func commonDir(a, b string) string {
	if a == "." || b == "." {
		return "."
	}
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	var common []string
	for i := 0; i < len(as) && i < len(bs) && as[i] == bs[i]; i++ {
		common = append(common, as[i])
	}
	if len(common) == 0 {
		return "."
	}
	return path.Join(common...)
}

// relTo makes p relative to dir (both slash paths below the root, p inside dir).
func relTo(dir, p string) string {
	if dir == "." {
		return p
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
}
