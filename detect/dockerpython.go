package detect

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/internal/ownfile"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// imagePythonRE finds the Python an image that is not the official one names in its tag or
// name: ghcr.io/astral-sh/uv:0.11-python3.12-trixie-slim, nikolaik/python-nodejs:python3.12-nodejs22.
var imagePythonRE = lazy.Regexp(`(?:^|[^a-z])python-?(\d+\.\d+)`)

// readDockerfilePython is the Python of the project's own Dockerfile: the image its final
// stage builds on (through the stages it names, with the ARG defaults a FROM uses), else
// the last python image any stage uses. It is what the project runs on, so it narrows a
// range the manifests declare; an explicit version file still beats it (see pythonSources).
// The Dockerfiles are searched once, from the app root's turn: the one the compose file
// builds (or the root's), then the others of the tree, production ones first, development
// ones last, shallower first. Only the first that names a Python counts; a Dockerfile
// containerize wrote (its first line says so) is not the project's evidence.
func readDockerfilePython(t *tree, p *Project, dir string) ([]PythonCandidate, error) {
	if dir != p.AppRoot {
		return nil, nil // the tree's Dockerfiles are not per folder: searched once
	}
	for _, name := range projectDockerfiles(t, p) {
		b, err := t.readFile(name)
		if err != nil {
			return nil, err
		}
		if c, ok := dockerfilePython(name, b); ok {
			return []PythonCandidate{c}, nil
		}
	}
	return nil, nil
}

// projectDockerfiles are the Dockerfiles of the tree in the order readDockerfilePython
// reads them.
func projectDockerfiles(t *tree, p *Project) []string {
	var files []string
	for _, f := range t.settingsEvidence {
		if django.DockerfileName(f) {
			files = append(files, f)
		}
	}
	rank := func(f string) int {
		switch {
		case f == p.Docker.Dockerfile:
			return 0
		case django.DevFile(f):
			return 3
		case django.ProductionFile(f):
			return 1
		}
		return 2
	}
	slices.SortStableFunc(files, func(a, b string) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)),
			cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")),
			strings.Compare(a, b))
	})
	return files
}

// dockerfilePython reads the Python a Dockerfile's image runs: the final stage's base
// image, followed through the stages it builds on, else the last python image of any
// stage. Parsed with BuildKit's parser; FROM is expanded with the ARGs declared before
// the first FROM, as BuildKit does.
func dockerfilePython(name string, b []byte) (PythonCandidate, bool) {
	if ownfile.Is(b) {
		return PythonCandidate{}, false
	}
	res, err := parser.Parse(bytes.NewReader(b))
	if err != nil {
		return PythonCandidate{}, false // not a Dockerfile BuildKit reads: it names nothing
	}
	type stage struct {
		name, image string
		line        int
	}
	var stages []stage
	args := map[string]string{}
	lex := shell.NewLex(res.EscapeToken)
	for _, n := range res.AST.Children {
		switch strings.ToLower(n.Value) {
		case "arg":
			if len(stages) > 0 {
				continue // a stage's ARG does not reach FROM lines
			}
			for w := n.Next; w != nil; w = w.Next {
				if k, v, ok := strings.Cut(w.Value, "="); ok {
					args[k] = strings.Trim(v, `"'`)
				} else if _, seen := args[w.Value]; !seen {
					args[w.Value] = ""
				}
			}
		case "from":
			if n.Next == nil {
				continue
			}
			image, _, err := lex.ProcessWord(n.Next.Value, shell.EnvsFromSlice(envList(args)))
			if err != nil {
				image = n.Next.Value
			}
			s := stage{image: image, line: n.StartLine}
			if as := n.Next.Next; as != nil && strings.EqualFold(as.Value, "as") && as.Next != nil {
				s.name = strings.ToLower(as.Next.Value)
			}
			stages = append(stages, s)
		}
	}
	found := func(s stage) (PythonCandidate, bool) {
		minor, ok := imagePython(s.image)
		if !ok {
			return PythonCandidate{}, false
		}
		return PythonCandidate{Spec: s.image, Source: fmt.Sprintf("%s:%d", name, s.line), Pin: minor, Image: true}, true
	}
	// The final stage, through the stages it is built on.
	for i, seen := len(stages)-1, 0; i >= 0 && seen < len(stages); seen++ {
		if c, ok := found(stages[i]); ok {
			return c, true
		}
		from := strings.ToLower(stages[i].image)
		i = slices.IndexFunc(stages[:i], func(s stage) bool { return s.name != "" && s.name == from })
	}
	for _, s := range slices.Backward(stages) {
		if c, ok := found(s); ok {
			return c, true
		}
	}
	return PythonCandidate{}, false
}

func envList(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

// imagePython is the minor version of Python an image reference names: the tag of the
// official python image (python:3.12-slim, docker.io/library/python:3.12), or "pythonX.Y"
// in another image's tag or name (ghcr.io/astral-sh/uv:python3.12-bookworm-slim). A tag
// naming no minor (python:3, python:latest, python) names none.
func imagePython(ref string) (string, bool) {
	ref, _, _ = strings.Cut(ref, "@") // a digest pins the tag's image
	name, tag := ref, ""
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		name, tag = ref[:i], ref[i+1:]
	}
	if strings.ToLower(path.Base(name)) == "python" {
		v, ok := ParsePythonMinor(tag)
		if !ok || !strings.HasPrefix(tag, v.String()) {
			return "", false
		}
		return v.String(), true
	}
	for _, s := range []string{tag, path.Base(name)} {
		if m := imagePythonRE().FindStringSubmatch(strings.ToLower(s)); m != nil {
			return m[1], true
		}
	}
	return "", false
}
