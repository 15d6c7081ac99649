package plan

import (
	"fmt"
	"path"
	"strings"
)

// Assets is the Dockerfile's Node stage: it builds the project's static assets with the
// project's own build script, and the runtime stage copies what it wrote before
// collectstatic runs.
type Assets struct {
	// Image is the Node.js image (node:MAJOR-slim), NodeWhy where its version comes from.
	Image   string `json:"image"`
	NodeWhy string `json:"node_why"`
	// Dir is package.json's folder inside the stage (/src/...); Manifests the COPY operand
	// of package.json and the lockfile, relative to the project root ("SRC... DEST").
	Dir       string `json:"dir"`
	Manifests string `json:"manifests"`
	// Install installs the packages as the lockfile pins them; Build runs the build script.
	Install string `json:"install"`
	Build   string `json:"build"`
	// From is the output folder in the stage, To where the runtime stage copies it.
	From string `json:"from"`
	To   string `json:"to"`
	// Source is the evidence of the build script, Tool the tool it runs.
	Source string `json:"source"`
	Tool   string `json:"tool"`
	// Watch is the development assets service's command (nil without a watch or dev
	// script); it runs in Dir with the project mounted at /src and node_modules in the
	// NodeModules volume, which the assets-dev stage seeds writable for the developer's ids.
	Watch       []string `json:"watch"`
	NodeModules string   `json:"node_modules"`
	// WatchPort is the port a dev server listens on (published on 127.0.0.1), 0 for none.
	WatchPort int `json:"watch_port,omitempty"`
}

// nodeLTS is the Node.js major version used when the project names none: the active LTS.
const nodeLTS = "24"

// assets decides the Node stage from the detected frontend build; nil without one, or when
// what it writes cannot be copied into the image (a note says why).
func assets(f *facts, rt *Runtime) (*Assets, []string) {
	fe := f.p.Frontend
	if fe == nil || fe.Output == "" {
		return nil, nil // detection warned about an output it could not read
	}
	if !inDir(rt.SourceDir, fe.Output) {
		return nil, []string{fmt.Sprintf("%s: the %s build writes to %s, outside %s which the image copies; run the build before `docker build` or move its output under %s", fe.BuildSource, fe.Tool, fe.Output, rt.SourceDir, rt.SourceDir)}
	}
	a := &Assets{Image: "node:" + nodeLTS + "-slim", NodeWhy: "no .nvmrc, .node-version or exact engines.node: the active LTS",
		Dir: path.Join("/src", fe.Dir), From: path.Join("/src", fe.Output), Source: fe.BuildSource, Tool: fe.Tool,
		To: path.Join("/app", relTo(rt.SourceDir, fe.Output))}
	if fe.Node != "" {
		a.Image, a.NodeWhy = "node:"+fe.Node+"-slim", fe.NodeSource
	}
	manifests := []string{path.Join(fe.Dir, "package.json")}
	if fe.Lockfile != "" {
		manifests = append(manifests, fe.Lockfile)
	}
	a.Manifests = strings.Join(manifests, " ") + " ./"
	run := "npm run"
	switch fe.Manager {
	case "yarn":
		// corepack provides the yarn the project's packageManager field names.
		a.Install, run = "corepack enable && yarn install --frozen-lockfile", "yarn run"
		if fe.YarnBerry {
			a.Install = "corepack enable && yarn install --immutable"
		}
	case "pnpm":
		a.Install, run = "corepack enable && pnpm install --frozen-lockfile", "pnpm run"
	default:
		a.Install = "npm ci"
		if fe.Lockfile == "" {
			a.Install = "npm install"
		}
	}
	a.Build = run + " build"
	if fe.Watch != "" {
		a.NodeModules = "node-modules"
		script := run + " " + fe.Watch
		if fe.Tool == "vite" && fe.Watch == "dev" {
			// Vite's dev server, which django-vite's dev mode points the browser at: it
			// must listen beyond the container's loopback, on its published port.
			script += " -- --host 0.0.0.0 --port 5173"
			a.WatchPort = 5173
		}
		a.Watch = []string{"sh", "-c", a.Install + " && exec " + script}
	}
	notes := []string{fmt.Sprintf("%s: the image builds the static assets with `%s` in a %s stage and copies %s to %s before collectstatic", fe.BuildSource, a.Build, a.Image, fe.Output, a.To)}
	if fe.Lockfile == "" {
		notes = append(notes, fmt.Sprintf("%s has no lockfile: the Node packages resolve at build time; commit one for reproducible builds", path.Join(fe.Dir, "package.json")))
	}
	return a, notes
}

// inDir reports whether p is dir or below it ("." holds everything).
func inDir(dir, p string) bool {
	return dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}
