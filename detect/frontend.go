package detect

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
)

// Frontend is the project's own Node build of static assets: a package.json whose build
// script runs a bundler or CSS tool, and where that build writes.
type Frontend struct {
	// Dir is the folder holding package.json, relative to the root ("." for the root).
	Dir string `json:"dir"`
	// Build is the build script as written, Tool the bundler it runs (vite, webpack …),
	// BuildSource where the script is.
	Build       string `json:"build"`
	Tool        string `json:"tool"`
	BuildSource string `json:"build_source"`
	// Watch is the script that rebuilds on change in development ("watch" or "dev"), "" for none.
	Watch string `json:"watch,omitempty"`
	// Manager is npm, yarn or pnpm, from the lockfile (Lockfile, "" when there is none).
	Manager  string `json:"manager"`
	Lockfile string `json:"lockfile,omitempty"`
	// YarnBerry is true for Yarn 2 or later (a .yarnrc.yml beside package.json).
	YarnBerry bool `json:"yarn_berry,omitempty"`
	// Node is the Node.js major version the project names (.nvmrc, .node-version, an exact
	// engines.node), "" when it names none; NodeSource where.
	Node       string `json:"node,omitempty"`
	NodeSource string `json:"node_source,omitempty"`
	// Output is the folder the build writes to, relative to the root, and OutputSource
	// where that is said; "" when it cannot be read.
	Output       string `json:"output,omitempty"`
	OutputSource string `json:"output_source,omitempty"`
}

// frontendTools are the build tools whose output is static files, in the order a script
// naming several is attributed (a bundler before the CSS tool it calls).
var frontendTools = []string{"vite", "webpack", "esbuild", "rollup", "parcel", "tailwindcss", "sass", "gulp", "grunt"}

// buildTool is the first of frontendTools the script runs ("" for none): a word of the
// script, or its file name (node_modules/.bin/webpack).
func buildTool(script string) string {
	words := strings.FieldsFunc(script, func(r rune) bool { return strings.ContainsRune(" \t&;|()", r) })
	for _, name := range frontendTools {
		if slices.ContainsFunc(words, func(w string) bool { return path.Base(w) == name }) {
			return name
		}
	}
	return ""
}

type packageJSON struct {
	Scripts map[string]string `json:"scripts"`
	Engines struct {
		Node string `json:"node"`
	} `json:"engines"`
}

// findFrontend finds the shallowest package.json whose build script runs a known tool.
func findFrontend(t *tree, p *Project) (*Frontend, error) {
	var pkgs []string
	for f := range t.files {
		if path.Base(f) == "package.json" {
			pkgs = append(pkgs, f)
		}
	}
	slices.SortFunc(pkgs, func(a, b string) int {
		if d := strings.Count(a, "/") - strings.Count(b, "/"); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, f := range pkgs {
		b, err := t.readFile(f)
		if err != nil {
			return nil, err
		}
		var pj packageJSON
		if err := json.Unmarshal(b, &pj); err != nil {
			p.warn("package-json", f, fmt.Sprintf("not valid JSON, so its build is not run: %v", err))
			continue
		}
		build := pj.Scripts["build"]
		tool := buildTool(build)
		if tool == "" {
			continue
		}
		dir := path.Dir(f)
		fe := &Frontend{Dir: dir, Build: build, Tool: tool, BuildSource: f + ":" + fmt.Sprint(lineOf(b, `"build"`)), Manager: "npm"}
		for _, s := range []string{"watch", "dev"} {
			if pj.Scripts[s] != "" {
				fe.Watch = s
				break
			}
		}
		for _, l := range []struct{ file, manager string }{{"package-lock.json", "npm"}, {"yarn.lock", "yarn"}, {"pnpm-lock.yaml", "pnpm"}, {"npm-shrinkwrap.json", "npm"}} {
			if t.files[path.Join(dir, l.file)] {
				fe.Manager, fe.Lockfile = l.manager, path.Join(dir, l.file)
				break
			}
		}
		fe.YarnBerry = fe.Manager == "yarn" && t.files[path.Join(dir, ".yarnrc.yml")]
		if err := fe.nodeVersion(t, p, pj); err != nil {
			return nil, err
		}
		if err := fe.output(t); err != nil {
			return nil, err
		}
		if d := p.Django; fe.Output != "" && d != nil && d.Tasks.StaticDirsSource != "" && !slices.Contains(d.Tasks.StaticDirs, path.Base(fe.Output)) {
			p.warn("frontend-output", fe.OutputSource, fmt.Sprintf("the %s build writes %s, which STATICFILES_DIRS (%s) does not list, so collectstatic will not gather it unless an app's static folder holds it", tool, fe.Output, d.Tasks.StaticDirsSource))
		}
		if fe.Output == "" {
			p.warn("frontend-output", fe.BuildSource, fmt.Sprintf("the %s build's output folder cannot be read from its script or configuration, so the image does not build it; run the build before `docker build`, or set the output folder in the script (--outdir, -o)", tool))
		}
		return fe, nil
	}
	return nil, nil
}

// lineOf is the 1-based line of the first occurrence of needle (1 when absent).
func lineOf(b []byte, needle string) int {
	i := strings.Index(string(b), needle)
	if i < 0 {
		return 1
	}
	return strings.Count(string(b[:i]), "\n") + 1
}

var nodeMajor = lazy.Regexp(`^v?(\d+)(\.\d+){0,2}$`)

// nodeVersion reads the Node.js major version from .nvmrc or .node-version (beside
// package.json, then at the root) or an exact engines.node.
func (fe *Frontend) nodeVersion(t *tree, p *Project, pj packageJSON) error {
	for _, dir := range uniq(fe.Dir, ".") {
		for _, name := range []string{".nvmrc", ".node-version"} {
			f := path.Join(dir, name)
			if !t.files[f] {
				continue
			}
			b, err := t.readFile(f)
			if err != nil {
				return err
			}
			v := strings.TrimSpace(string(b))
			if m := nodeMajor().FindStringSubmatch(v); m != nil {
				fe.Node, fe.NodeSource = m[1], f+":1"
				return nil
			}
			p.warn("node-version", f+":1", fmt.Sprintf("%q is not a Node.js version the image can be chosen by; the current LTS is used", v))
		}
	}
	if m := nodeMajor().FindStringSubmatch(strings.TrimSpace(pj.Engines.Node)); m != nil {
		fe.Node, fe.NodeSource = m[1], path.Join(fe.Dir, "package.json")
	}
	return nil
}

// Output flags of the build tools' command lines, and the output settings of their
// configuration files.
var (
	outFlag   = lazy.Regexp(`(?:--outdir|--out-dir|--dist-dir|--output-path|--output|-o)[= ]+['"]?([^\s'"]+)`)
	sassPair  = lazy.Regexp(`\S+\.s?[ac]ss:(\S+)|\s[^\s:]+:([^\s:]+/)`)
	configOut = []struct {
		files []string
		re    func() *regexp.Regexp
	}{
		{[]string{"vite.config.js", "vite.config.ts", "vite.config.mjs", "vite.config.mts"}, lazy.Regexp(`outDir\s*:\s*(?:resolve\([^'"]*)?['"]([^'"]+)['"]`)},
		{[]string{"webpack.config.js", "webpack.config.cjs", "webpack.config.mjs", "webpack.config.ts"}, lazy.Regexp(`(?s)output\s*:\s*\{.*?path\s*:\s*[^'"]*['"]([^'"]+)['"]`)},
		{[]string{"rollup.config.js", "rollup.config.mjs"}, lazy.Regexp(`dir\s*:\s*['"]([^'"]+)['"]`)},
	}
)

// output finds the build's output folder: a flag of the build script, else the tool's
// configuration file. A file path (-o static/css/app.css) gives its folder.
func (fe *Frontend) output(t *tree) error {
	set := func(p, src string) {
		p = strings.TrimPrefix(p, "./")
		if path.Ext(p) != "" {
			p = path.Dir(p)
		}
		if p == "" || p == "." || strings.HasPrefix(path.Clean(path.Join(fe.Dir, p)), "..") {
			return
		}
		fe.Output, fe.OutputSource = path.Clean(path.Join(fe.Dir, p)), src
	}
	if m := outFlag().FindStringSubmatch(fe.Build); m != nil {
		set(m[1], fe.BuildSource)
		return nil
	}
	if m := sassPair().FindStringSubmatch(fe.Build); fe.Tool == "sass" && m != nil {
		set(m[1]+m[2], fe.BuildSource)
		return nil
	}
	for _, c := range configOut {
		for _, name := range c.files {
			f := path.Join(fe.Dir, name)
			if !t.files[f] {
				continue
			}
			b, err := t.readFile(f)
			if err != nil {
				return err
			}
			if m := c.re().FindSubmatchIndex(b); m != nil {
				set(string(b[m[2]:m[3]]), fmt.Sprintf("%s:%d", f, strings.Count(string(b[:m[2]]), "\n")+1))
				return nil
			}
		}
	}
	switch fe.Tool {
	case "vite":
		set("dist", fe.BuildSource+" (vite's default outDir)")
	case "webpack":
		set("dist", fe.BuildSource+" (webpack's default output.path)")
	}
	return nil
}
