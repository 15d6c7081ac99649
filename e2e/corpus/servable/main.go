// Command servable tells, for each corpus repository (testdata/corpus/repos), whether the
// e2e harness's local package index can serve what the image containerize generates for it
// installs. The index holds wheels repackaged from Debian bookworm's python3-* packages
// (one version a project, Python 3.11), so most real projects, which pin newer versions,
// cannot be installed from it; this says which can and, for the others, which requirements
// the index lacks (the version asked and the versions served).
//
// It exports each repository's recorded commit from the mirrors (internal/corpus), asks the
// containerize binary for the plan (`init --yes --dry-run --json --python PY`) and the
// dependencies (`detect --json`), and checks what the image installs:
//   - the package tools the Dockerfile installs first (uv, pipenv, poetry, pdm);
//   - the locked versions (lockfiles) or the declared requirements and their specifiers;
//   - the packages the plan adds (gunicorn, whitenoise …);
//   - for `pip install .`, the build backend pyproject.toml names;
//   - hash checking: a lockfile exported with --require-hashes, or a requirements file with
//     --hash, carries PyPI's sha256, which no wheel rebuilt from Debian can match.
//
// e2e/corpus/run.sh uses its -json output (with -work, the exported trees) to decide which
// repositories to run. See e2e/corpus/README.md.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/containerize/containerize/e2e/internal/pywheel"
	"github.com/containerize/containerize/internal/corpus"
	"github.com/containerize/containerize/pep"
)

func main() {
	data := flag.String("data", "testdata/corpus/repos", "folder of corpus entries (*.json)")
	mirrors := flag.String("mirrors", "/work/.mirror", "folder holding owner+name/repo git mirrors")
	bin := flag.String("bin", "", "the containerize binary (required)")
	wheels := flag.String("wheels", "", "the folder of wheels the index serves (required)")
	python := flag.String("python", "3.11", "the Python minor version of the stand-in python image")
	only := flag.String("only", "", "only repositories whose owner/name contains this")
	work := flag.String("work", "", "export each repository into WORK/owner+name and keep it (default: a temporary folder, removed)")
	asJSON := flag.Bool("json", false, "print the results as JSON")
	flag.Parse()
	if *bin == "" || *wheels == "" {
		fmt.Fprintln(os.Stderr, "servable: -bin and -wheels are required")
		os.Exit(2)
	}
	entries, err := corpus.Load(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "servable:", err)
		os.Exit(2)
	}
	served, err := loadServed(*wheels)
	if err != nil {
		fmt.Fprintln(os.Stderr, "servable:", err)
		os.Exit(2)
	}
	var results []Result
	for _, e := range entries {
		if *only != "" && !strings.Contains(e.Repo, *only) {
			continue
		}
		results = append(results, examine(e, *mirrors, *bin, *python, *work, served))
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(results)
		return
	}
	printTable(os.Stdout, results)
}

// Result is one repository's answer.
type Result struct {
	Repo       string `json:"repo"`
	Commit     string `json:"commit"`
	Dir        string `json:"dir,omitempty"` // the exported tree (with -work)
	Manager    string `json:"manager,omitempty"`
	Python     string `json:"python_declared,omitempty"` // what detect read; the image gets -python
	AdminURL   string `json:"admin_url"`
	Servable   bool   `json:"servable"`
	InitError  string `json:"init_error,omitempty"` // init --dry-run failed: nothing to install
	Hashes     string `json:"hashes,omitempty"`     // why the install is hash-checked, if it is
	Checked    int    `json:"checked"`
	Unservable []Miss `json:"unservable,omitempty"`
	WhyNot     string `json:"why_not,omitempty"` // Reason(), for scripts
}

// Miss is a requirement the index cannot serve.
type Miss struct {
	Name   string   `json:"name"`
	Asked  string   `json:"asked"`  // "==6.0.5", ">=4.2", "" (any)
	Served []string `json:"served"` // the versions the index has, none when it lacks the project
	From   string   `json:"from"`   // where the image gets the requirement
}

func (m Miss) String() string {
	served := "not served"
	if len(m.Served) > 0 {
		served = "served " + strings.Join(m.Served, ", ")
	}
	asked := m.Asked
	if asked == "" {
		asked = " (any)"
	}
	return m.Name + asked + ": " + served
}

// Reason is the first reason the repository cannot be installed from the index.
func (r Result) Reason() string {
	switch {
	case r.InitError != "":
		return "init: " + r.InitError
	case len(r.Unservable) > 0:
		return fmt.Sprintf("%d of %d requirements unservable, first %s", len(r.Unservable), r.Checked, r.Unservable[0])
	case r.Hashes != "":
		return r.Hashes
	}
	return ""
}

// Want is one thing the image installs: a project and the versions it accepts.
type Want struct {
	Name      string // as written
	Specifier string // a specifier set, "" for any version
	From      string // the plan's tools, the lockfile, requirements.txt:3, extra packages …
}

// served maps a normalized project name to the versions of its wheels compatible with the
// stand-in python image.
type servedSet map[string][]string

// loadServed reads the wheel file names of dir: a wheel is served to the image when its
// tags fit CPython pyver on Linux x86_64 (py3/cp3XX, none/abi3/cp3XX, any/linux_x86_64).
func loadServed(dir string) (servedSet, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.whl"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no wheels in %s (run e2e/setup.sh wheels)", dir)
	}
	out := servedSet{}
	for _, p := range paths {
		w, err := pep.ParseWheelFilename(filepath.Base(p))
		if err != nil {
			return nil, err
		}
		if !fitsImage(w.Tags) {
			continue
		}
		n := pep.NormalizeName(w.Name)
		out[n] = append(out[n], w.Version)
	}
	return out, nil
}

// fitsImage: some tag is one CPython 3.11 on Linux x86_64 installs.
func fitsImage(tags []pep.Tag) bool {
	for _, t := range tags {
		py := t.Python == "py3" || t.Python == "cp311" || t.Python == "py311"
		abi := t.ABI == "none" || t.ABI == "abi3" || t.ABI == "cp311"
		plat := t.Platform == "any" || t.Platform == "linux_x86_64"
		if py && abi && plat {
			return true
		}
	}
	return false
}

// check returns the wants the index cannot serve.
func (s servedSet) check(wants []Want) []Miss {
	var misses []Miss
	for _, w := range wants {
		versions := s[pep.NormalizeName(w.Name)]
		ok := false
		for _, v := range versions {
			if sat, err := pywheel.Satisfies(v, w.Specifier); err == nil && sat {
				ok = true
				break
			}
		}
		if !ok {
			misses = append(misses, Miss{Name: w.Name, Asked: w.Specifier, Served: versions, From: w.From})
		}
	}
	return misses
}

// plan is the part of `init --dry-run --json` this reads.
type plan struct {
	Plan struct {
		Image struct {
			Python       string   `json:"python"`
			ExtraPackage []string `json:"extra_packages"`
			Dependencies struct {
				Manager          string   `json:"manager"`
				Dir              string   `json:"dir"`
				Lockfile         string   `json:"lockfile"`
				RequirementsFile string   `json:"requirements_file"`
				Tools            []string `json:"tools"`
				Command          string   `json:"command"`
			} `json:"dependencies"`
		} `json:"image"`
	} `json:"plan"`
}

// detected is the part of `detect --json` this reads.
type detected struct {
	PackageManager string `json:"package_manager"`
	Python         struct {
		Version string `json:"version"`
	} `json:"python"`
	Dependencies []struct {
		Name      string `json:"name"`
		Specifier string `json:"specifier"`
		Version   string `json:"version"`
		Source    string `json:"source"`
	} `json:"dependencies"`
}

// wants lists what the image installs, from the plan and detect's dependencies.
func wants(p plan, d detected, tree string) []Want {
	img := p.Plan.Image
	var out []Want
	for _, t := range img.Dependencies.Tools {
		out = append(out, Want{Name: t, From: "the Dockerfile's package tools"})
	}
	for _, dep := range d.Dependencies {
		w := Want{Name: dep.Name, Specifier: dep.Specifier, From: dep.Source}
		if dep.Version != "" {
			w.Specifier = "==" + dep.Version
		}
		out = append(out, w)
	}
	if strings.Contains(img.Dependencies.Command, "install .") {
		for _, r := range buildRequires(filepath.Join(tree, img.Dependencies.Dir, "pyproject.toml")) {
			out = append(out, Want{Name: r.Name, Specifier: r.Specifier, From: "pyproject.toml [build-system] requires"})
		}
	}
	for _, x := range img.ExtraPackage {
		out = append(out, Want{Name: x, From: "the plan's extra packages"})
	}
	return out
}

// buildRequires is what pip needs to build the project itself: pyproject.toml's
// [build-system] requires, or setuptools' legacy default when there is none.
func buildRequires(pyproject string) []pep.Requirement {
	legacy := []pep.Requirement{{Name: "setuptools", RawName: "setuptools", Specifier: ">=40.8.0"}, {Name: "wheel", RawName: "wheel"}}
	var doc struct {
		BuildSystem struct {
			Requires []string `toml:"requires"`
		} `toml:"build-system"`
	}
	if _, err := toml.DecodeFile(pyproject, &doc); err != nil || doc.BuildSystem.Requires == nil {
		return legacy
	}
	var out []pep.Requirement
	for _, s := range doc.BuildSystem.Requires {
		if r, err := pep.ParseRequirement(s); err == nil {
			out = append(out, r)
		}
	}
	return out
}

// hashChecked says why pip will check hashes, or "".
func hashChecked(p plan, tree string) string {
	deps := p.Plan.Image.Dependencies
	if len(deps.Tools) > 0 {
		what := deps.Lockfile + "'s pins"
		if deps.Lockfile == "" {
			what = "what " + deps.Tools[0] + " resolves (no lockfile)"
		}
		return fmt.Sprintf("hash-checked: the image installs %s with --require-hashes (PyPI's sha256; the index's wheels are rebuilt from Debian)", what)
	}
	if deps.RequirementsFile != "" {
		if data, err := os.ReadFile(filepath.Join(tree, deps.RequirementsFile)); err == nil && bytes.Contains(data, []byte("--hash")) {
			return fmt.Sprintf("hash-checked: %s pins PyPI's sha256 (--hash); the index's wheels are rebuilt from Debian", deps.RequirementsFile)
		}
	}
	return ""
}

// adminPattern finds the route of the admin site in a urls.py: path("admin/", admin.site.urls),
// url(r'^admin/', include(admin.site.urls)), re_path(...).
var adminPattern = regexp.MustCompile(`(?:path|url|re_path)\(\s*r?["']([^"']*)["']\s*,\s*(?:include\()?\s*admin\.site\.urls`)

// adminURL is the admin site's URL the project's urls.py files route, /admin/ when none
// routes it in a way a simple read finds (a route built from a setting, say).
func adminURL(tree string) string {
	var found string
	_ = filepath.WalkDir(tree, func(p string, d os.DirEntry, err error) error {
		if found != "" {
			return filepath.SkipAll
		}
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "tests", "venv", ".venv", "site-packages":
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() != "urls.py" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		if m := adminPattern.FindSubmatch(data); m != nil {
			found = "/" + strings.TrimPrefix(strings.TrimSuffix(strings.TrimPrefix(string(m[1]), "^"), "$"), "/")
		}
		return nil
	})
	if found == "" {
		return "/admin/"
	}
	return found
}

// examine exports one repository and checks it.
func examine(e corpus.Entry, mirrors, bin, python, work string, served servedSet) Result {
	r := Result{Repo: e.Repo, Commit: e.Commit}
	fail := func(err error) Result { r.InitError = err.Error(); r.WhyNot = r.Reason(); return r }
	gd, err := corpus.GitDir(mirrors, e.Repo)
	if err != nil {
		return fail(err)
	}
	var tree string
	if work != "" {
		tree = filepath.Join(work, strings.Replace(e.Repo, "/", "+", 1))
		if err := os.RemoveAll(tree); err != nil {
			return fail(err)
		}
		r.Dir = tree
	} else {
		tmp, err := os.MkdirTemp("", "servable-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(tmp)
		tree = filepath.Join(tmp, "tree")
	}
	if _, err := corpus.Export(gd, e.Commit, tree); err != nil {
		return fail(err)
	}
	r.AdminURL = adminURL(tree)

	var d detected
	if err := runJSON(bin, &d, "detect", "--json", tree); err != nil {
		return fail(err)
	}
	r.Manager, r.Python = d.PackageManager, d.Python.Version
	// The dry run writes nothing, so the exported tree stays as the repository has it.
	var p plan
	if err := runJSON(bin, &p, "init", "--yes", "--dry-run", "--json", "--python", python, tree); err != nil {
		return fail(err)
	}
	w := wants(p, d, tree)
	r.Checked = len(w)
	r.Unservable = served.check(w)
	r.Hashes = hashChecked(p, tree)
	r.Servable = len(r.Unservable) == 0 && r.Hashes == ""
	r.WhyNot = r.Reason()
	return r
}

// runJSON runs the binary and decodes its standard output; the error is the last line of its
// standard error.
func runJSON(bin string, v any, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		msg := strings.TrimPrefix(lines[len(lines)-1], "containerize: ")
		if msg == "" {
			msg = err.Error()
		}
		return errors.New(msg)
	}
	return json.Unmarshal(stdout.Bytes(), v)
}

func printTable(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REPOSITORY\tMANAGER\tCHECKED\tUNSERVABLE\tSERVABLE\tWHY NOT")
	n := 0
	for _, r := range results {
		s := "no"
		if r.Servable {
			s = "yes"
			n++
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", r.Repo, r.Manager, r.Checked, len(r.Unservable), s, r.Reason())
	}
	fmt.Fprintf(tw, "SERVABLE\t\t\t\t%d/%d\t\n", n, len(results))
	tw.Flush()
}
