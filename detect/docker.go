package detect

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"go.yaml.in/yaml/v4"
)

// DockerFiles are the container files a project already has, found as Compose and
// BuildKit find them, so init can update them instead of writing siblings that nothing
// loads.
type DockerFiles struct {
	// Compose is the file `docker compose` loads without -f: the first of compose.yaml,
	// compose.yml, docker-compose.yml, docker-compose.yaml at the root ("" when none).
	Compose string `json:"compose,omitempty"`
	// Override is the override file Compose loads with it: the first of
	// compose.override.yml, compose.override.yaml, docker-compose.override.yml,
	// docker-compose.override.yaml.
	Override string `json:"override,omitempty"`
	// Unused are the other files with those names, which Compose does not load.
	Unused []string `json:"unused,omitempty"`
	// Dockerfile is the Dockerfile the compose file's first service with a build builds
	// (its context joined with its dockerfile), else Dockerfile at the root when it exists.
	Dockerfile       string `json:"dockerfile,omitempty"`
	DockerfileSource string `json:"dockerfile_source,omitempty"`
	// Dockerignore is the ignore file BuildKit reads for that Dockerfile when it is not the
	// root's .dockerignore: "<Dockerfile>.dockerignore", when it exists.
	Dockerignore string `json:"dockerignore,omitempty"`
}

// ComposeNames and ComposeOverrideNames are the names Compose looks for, in its order of
// preference (compose-go's cli.DefaultFileNames and DefaultOverrideFileNames).
var (
	ComposeNames         = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}
	ComposeOverrideNames = []string{"compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"}
)

// findDockerFiles reads the root of fsys for the container files Compose and BuildKit
// would use. A compose file that is not valid YAML is an error naming its line: init
// would otherwise replace a file it cannot read.
func findDockerFiles(fsys fs.FS) (DockerFiles, error) {
	var d DockerFiles
	exists := func(name string) bool {
		st, err := fs.Stat(fsys, name)
		return err == nil && st.Mode().IsRegular()
	}
	for _, names := range [][]string{ComposeNames, ComposeOverrideNames} {
		winner := ""
		for _, n := range names {
			switch {
			case !exists(n):
			case winner == "":
				winner = n
			default:
				d.Unused = append(d.Unused, n)
			}
		}
		if d.Compose == "" {
			d.Compose = winner
		} else {
			d.Override = winner
		}
		if d.Compose == "" {
			break // without a compose file Compose loads no override either
		}
	}
	if d.Compose != "" {
		df, line, err := builtDockerfile(fsys, d.Compose)
		if err != nil {
			return d, err
		}
		if df != "" && exists(df) {
			d.Dockerfile, d.DockerfileSource = df, fmt.Sprintf("%s:%d", d.Compose, line)
		}
	}
	if d.Dockerfile == "" && exists("Dockerfile") {
		d.Dockerfile = "Dockerfile"
	}
	if d.Dockerfile != "" && exists(d.Dockerfile+".dockerignore") {
		d.Dockerignore = d.Dockerfile + ".dockerignore"
	}
	return d, nil
}

// builtDockerfile reads a compose file and returns the Dockerfile its first service with a
// build section builds, as a slash path from the root, with the line of that build; "" when
// no service builds inside the project.
func builtDockerfile(fsys fs.FS, name string) (string, int, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", 0, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return "", 0, fmt.Errorf("%s: %s: fix the file, or move it aside, and run again", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	services := mapValue(&doc, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return "", 0, nil
	}
	for i := 1; i < len(services.Content); i += 2 {
		key, build := mapEntry(services.Content[i], "build")
		if build == nil {
			continue
		}
		context, dockerfile := ".", "Dockerfile"
		switch build.Kind {
		case yaml.ScalarNode:
			context = build.Value
		case yaml.MappingNode:
			if c := mapValue(build, "context"); c != nil && c.Kind == yaml.ScalarNode {
				context = c.Value
			}
			if f := mapValue(build, "dockerfile"); f != nil && f.Kind == yaml.ScalarNode {
				dockerfile = f.Value
			}
		}
		p := path.Clean(path.Join(strings.ReplaceAll(context, "\\", "/"), strings.ReplaceAll(dockerfile, "\\", "/")))
		if strings.Contains(context, "://") || strings.Contains(p, "$") || p == ".." || strings.HasPrefix(p, "../") || path.IsAbs(p) {
			continue // a remote or interpolated context, or outside the project: not ours to write
		}
		return p, key.Line, nil
	}
	return "", 0, nil
}

// mapValue is the value of key in a YAML mapping (the document's root mapping for a
// document node), nil when absent.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	_, v := mapEntry(n, key)
	return v
}

// mapEntry is the key node and value of key in a YAML mapping; nils when absent.
func mapEntry(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}
