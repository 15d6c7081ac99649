package plan

import (
	"fmt"
	"path"
	"strings"

	"github.com/containerize/containerize/detect"
)

// Files are where the outputs go: the container files the project already has, adopted so
// that Compose and BuildKit load what init wrote, else the usual names.
type Files struct {
	Dockerfile string `json:"dockerfile"`
	// Dockerignore is the ignore file BuildKit reads for Dockerfile.
	Dockerignore string `json:"dockerignore"`
	// Compose is the file `docker compose` loads without -f; Override the development
	// environment, which Compose loads with it.
	Compose  string `json:"compose"`
	Override string `json:"override"`
}

// files adopts the project's own compose file, override file and the Dockerfile its
// compose file builds (replacing them needs consent, which names them), and names the
// compose files Compose does not load.
func files(d detect.DockerFiles) (Files, []string) {
	f := Files{Dockerfile: "Dockerfile", Dockerignore: ".dockerignore", Compose: "docker-compose.yml"}
	var notes []string
	if d.Compose != "" {
		f.Compose = d.Compose
	}
	f.Override = d.Override
	if f.Override == "" {
		ext := path.Ext(f.Compose)
		f.Override = strings.TrimSuffix(f.Compose, ext) + ".override" + ext
	}
	for _, u := range d.Unused {
		notes = append(notes, fmt.Sprintf("Compose does not load %s (it loads %s and %s): delete it, so nobody edits a file that is not used", u, f.Compose, f.Override))
	}
	if d.Dockerfile != "" {
		f.Dockerfile = d.Dockerfile
	}
	if d.Dockerignore != "" {
		f.Dockerignore = d.Dockerignore
	}
	return f, notes
}
