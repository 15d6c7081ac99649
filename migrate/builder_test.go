package migrate

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/venv"
)

// The tests build projects and their virtualenvs from files, in a file
// system rooted at "/" with the project at /proj: no Python is needed.

const projDir = "/proj"

func text(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }

// world is a whole file system under construction.
type world fstest.MapFS

// project adds project files, given relative to /proj.
func (w world) project(files map[string]string) world {
	for name, content := range files {
		w["proj/"+name] = text(content)
	}
	return w
}

// pyvenv writes a `python -m venv` skeleton at dir (a name in the file
// system) and returns its site-packages.
func (w world) pyvenv(dir, python string) string {
	w[dir+"/pyvenv.cfg"] = text("home = /usr/bin\ninclude-system-site-packages = false\nversion = " + python + "\n")
	w[dir+"/bin/activate"] = text("# activate\n")
	short := strings.Join(strings.SplitN(python, ".", 3)[:2], ".")
	return dir + "/lib/python" + short + "/site-packages"
}

// legacyVirtualenv writes an old `virtualenv` layout (no pyvenv.cfg).
func (w world) legacyVirtualenv(dir, python string) string {
	w[dir+"/bin/activate"] = text("# activate\n")
	site := dir + "/lib/python" + python + "/site-packages"
	w[dir+"/lib/python"+python+"/orig-prefix.txt"] = text("/usr")
	return site
}

// dist describes one installed distribution.
type dist struct {
	name, version  string
	requires       []string // Requires-Dist values
	requiresPython string
	requested      bool
	topLevel       string   // top_level.txt; "" writes none, so RECORD decides
	modules        []string // top-level packages to install (written and in RECORD)
	directURL      string   // direct_url.json
	eggInfo        bool     // an .egg-info folder (setup.py install) instead of .dist-info
}

// add installs d into site.
func (w world) add(site string, d dist) world {
	var md strings.Builder
	fmt.Fprintf(&md, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", d.name, d.version)
	if d.requiresPython != "" {
		fmt.Fprintf(&md, "Requires-Python: %s\n", d.requiresPython)
	}
	if !d.eggInfo {
		for _, r := range d.requires {
			fmt.Fprintf(&md, "Requires-Dist: %s\n", r)
		}
	}
	stem := strings.ReplaceAll(d.name, "-", "_") + "-" + d.version
	var record []string
	for _, m := range d.modules {
		w[path.Join(site, m, "__init__.py")] = text("")
		record = append(record, m+"/__init__.py,sha256=x,0")
	}
	if d.eggInfo {
		ei := path.Join(site, stem+"-py2.7.egg-info")
		w[ei+"/PKG-INFO"] = text(md.String())
		if len(d.requires) > 0 {
			w[ei+"/requires.txt"] = text(strings.Join(d.requires, "\n") + "\n")
		}
		top := d.topLevel
		if top == "" {
			top = strings.Join(d.modules, "\n")
		}
		w[ei+"/top_level.txt"] = text(top + "\n")
		return w
	}
	di := path.Join(site, stem+".dist-info")
	w[di+"/METADATA"] = text(md.String())
	w[di+"/INSTALLER"] = text("pip\n")
	record = append(record, stem+".dist-info/METADATA,,", stem+".dist-info/RECORD,,")
	w[di+"/RECORD"] = text(strings.Join(record, "\n") + "\n")
	if d.requested {
		w[di+"/REQUESTED"] = text("")
	}
	if d.topLevel != "" {
		w[di+"/top_level.txt"] = text(d.topLevel + "\n")
	}
	if d.directURL != "" {
		w[di+"/direct_url.json"] = text(d.directURL)
	}
	return w
}

// eggLink writes a `setup.py develop` install of name from the source
// folder src (a name in the file system), with its egg-info there.
func (w world) eggLink(site, name, version, src, linkTarget string) world {
	w[path.Join(site, name+".egg-link")] = text(linkTarget + "\n.\n")
	ei := path.Join(src, strings.ReplaceAll(name, "-", "_")+".egg-info")
	w[ei+"/PKG-INFO"] = text(fmt.Sprintf("Metadata-Version: 1.1\nName: %s\nVersion: %s\n", name, version))
	w[ei+"/top_level.txt"] = text(strings.ReplaceAll(name, "-", "_") + "\n")
	w[path.Join(src, strings.ReplaceAll(name, "-", "_"), "__init__.py")] = text("")
	return w
}

// load detects the project at /proj, finds its first virtualenv and reads it.
func load(t *testing.T, w world) Input {
	t.Helper()
	return loadFS(t, fstest.MapFS(w), projDir)
}

// loadFS does what the command does: detect, find, read. root is "/" for fsys.
func loadFS(t *testing.T, fsys fs.FS, project string) Input {
	t.Helper()
	proj, err := fs.Sub(fsys, strings.TrimPrefix(project, "/"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := detect.Detect(proj, project)
	if err != nil {
		t.Fatalf("detect: %v", err)
	}
	loc := venv.Locator{Project: project, FS: fsys}
	found, err := loc.Find()
	if err != nil {
		t.Fatalf("find virtualenvs: %v", err)
	}
	if len(found) == 0 {
		t.Fatal("no virtualenv found")
	}
	dists, err := loc.Read(found[0])
	if err != nil {
		t.Fatalf("read %s: %v", found[0].Path, err)
	}
	return Input{Project: p, FS: proj, Venv: found[0], Dists: dists, Dir: project, Python: images}
}

// images stands in for config.Python, which migrate does not import: the
// image supports 3.10 to 3.14, and a project's version is its first pin.
var images = testPolicy{"3.10", "3.11", "3.12", "3.13", "3.14"}

type testPolicy []string

func (tp testPolicy) Version(py detect.Python) string {
	for _, c := range py.Candidates {
		if c.Pin != "" {
			return c.Pin
		}
	}
	return ""
}

func (tp testPolicy) Nearest(v string) string {
	want, ok := detect.ParsePythonMinor(v)
	if !ok {
		return ""
	}
	for _, s := range tp {
		if m, _ := detect.ParsePythonMinor(s); m.Compare(want) >= 0 {
			return s
		}
	}
	return tp[len(tp)-1]
}

// analyze runs Analyze and fails the test on error.
func analyze(t *testing.T, in Input) *Report {
	t.Helper()
	r, err := Analyze(in)
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	return r
}

// plan runs Plan and returns the files by path.
func plan(t *testing.T, in Input, r *Report, format string) map[string]string {
	t.Helper()
	files, err := Plan(in, r, format)
	if err != nil {
		t.Fatalf("plan %s: %v", format, err)
	}
	out := map[string]string{}
	for _, f := range files {
		out[f.Path] = string(f.Data)
	}
	return out
}

// apply writes planned files into the world's project.
func (w world) apply(files map[string]string) {
	for name, content := range files {
		w["proj/"+name] = text(content)
	}
}

// osFS is the real file system rooted at "/", as the CLI reads it.
func osFS() fs.FS { return venv.SystemFS() }
