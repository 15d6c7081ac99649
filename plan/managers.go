package plan

import (
	"fmt"
	"path"
	"strings"

	"github.com/containerize/containerize/detect"
)

// installer is how the build stage installs a project of one package manager: managers
// with a lockfile format export it to a hashed requirements list in a throwaway /opt/tools
// virtualenv, which pip then installs into /opt/venv (one install path, and
// PIP_INDEX_URL works for all of them); pip and setuptools projects pip-install directly.
type installer struct {
	// tools are pip-installed into /opt/tools; the first is the command.
	tools []string
	// env prefixes every tool command.
	env string
	// export is the subcommand, args its arguments, that write /tmp/requirements.txt from
	// the lock; frozen comes first among them when a lockfile exists (uv would lock first).
	export, args, frozen string
	// lockFirst runs `TOOL lock` before the export when there is no lockfile.
	lockFirst bool

	// devKinds are the development dependencies the manager installs (detect's kinds). A
	// tool exports them from the same lock (the build stage locked when the project had no
	// lockfile), selecting each group with devGroup NAME and each extra with devExtra NAME,
	// then devArgs; pip installs them directly.
	devKinds                    []detect.DevKind
	devGroup, devExtra, devArgs string
}

// installers is the one table of package managers the image can install for.
var installers = map[detect.PackageManager]installer{
	// PIPENV_VERBOSITY=-1: pipenv would remark on running inside the active /opt/venv.
	detect.ManagerPipenv: {tools: []string{"pipenv"}, env: "PIPENV_VERBOSITY=-1 ", lockFirst: true,
		export: "requirements", args: "--hash > /tmp/requirements.txt",
		devKinds: []detect.DevKind{detect.DevPipfile}, devArgs: "--dev --hash > /tmp/requirements-dev.txt"},
	detect.ManagerPoetry: {tools: []string{"poetry", "poetry-plugin-export"}, lockFirst: true,
		export: "export", args: "--only main --format requirements.txt --output /tmp/requirements.txt",
		devKinds: []detect.DevKind{detect.DevPoetryGroup}, devGroup: "--with",
		devArgs: "--format requirements.txt --output /tmp/requirements-dev.txt"},
	detect.ManagerUV: {tools: []string{"uv"}, frozen: "--frozen ",
		export: "export", args: "--no-dev --no-emit-project --format requirements-txt --output-file /tmp/requirements.txt",
		devKinds: []detect.DevKind{detect.DevGroup, detect.DevExtra}, devGroup: "--group", devExtra: "--extra",
		devArgs: "--no-emit-project --format requirements-txt --output-file /tmp/requirements-dev.txt"},
	// PDM_CHECK_UPDATE=false: pdm would ask pypi.org for a newer pdm, which fails behind a
	// private index or offline. Its --group takes dev groups and extras alike.
	detect.ManagerPDM: {tools: []string{"pdm"}, env: "PDM_CHECK_UPDATE=false ", lockFirst: true,
		export: "export", args: "--prod --format requirements --output /tmp/requirements.txt",
		devKinds: []detect.DevKind{detect.DevGroup, detect.DevExtra}, devGroup: "--group", devExtra: "--group",
		devArgs: "--format requirements --output /tmp/requirements-dev.txt"},
	// pip installs requirements files with -r and the requirements of groups and extras as
	// they are written (pip install .[dev] would build the project again).
	detect.ManagerPip:        {devKinds: []detect.DevKind{detect.DevRequirements, detect.DevGroup, detect.DevExtra}},
	detect.ManagerSetuptools: {devKinds: []detect.DevKind{detect.DevRequirements, detect.DevGroup, detect.DevExtra}},
}

// exportCommand is the shell command that leaves the locked set in /tmp/requirements.txt.
func (in installer) exportCommand(locked bool) string {
	bin := in.env + "/opt/tools/bin/" + in.tools[0]
	export := bin + " " + in.export + " " + in.args
	if locked {
		export = bin + " " + in.export + " " + in.frozen + in.args
	}
	if !locked && in.lockFirst {
		return bin + " lock && " + export
	}
	return export
}

// dependencies decides how the build stage installs what the project declares, and notes
// what the user should know about it.
func dependencies(f *facts) (Dependencies, []string, error) {
	p := f.p
	d := Dependencies{Manager: p.PackageManager, Files: p.DependencyFiles, Dir: p.DependencyDir,
		Lockfile: p.Lockfile, RequirementsFile: p.RequirementsFile}
	for _, dep := range p.Dependencies {
		d.Declared = append(d.Declared, dep.Name)
	}
	if d.Dir != "." {
		d.WorkDir = "/src/" + d.Dir
	}
	if p.PackageManager == detect.ManagerNone {
		hint := "add a requirements.txt, Pipfile or pyproject.toml"
		if len(p.Virtualenvs) > 0 {
			hint = "run containerize migrate to declare what " + p.Virtualenvs[0] + "/ has installed"
		}
		return d, nil, fmt.Errorf("%s declares no dependencies: %s, then run init again", p.Root, hint)
	}
	in, ok := installers[p.PackageManager]
	if !ok {
		return d, nil, fmt.Errorf("unknown package manager %q", p.PackageManager)
	}
	var notes []string
	switch {
	case len(in.tools) > 0:
		d.Tools = in.tools
		d.Export = in.exportCommand(p.Lockfile != "")
		d.Why = fmt.Sprintf("Install exactly what %s pins, checking every hash.", p.Lockfile)
		if p.Lockfile == "" {
			d.Why = "No lockfile: resolve the dependencies now (commit a lockfile for reproducible builds)."
			notes = append(notes, fmt.Sprintf("%s has no lockfile: the image resolves versions at build time; commit one (%s lock) for reproducible builds", p.PackageManager, in.tools[0]))
		}
	case p.PackageManager == detect.ManagerPip && p.RequirementsFile != "":
		req := relTo(d.Dir, p.RequirementsFile)
		d.Why = fmt.Sprintf("Install the dependencies %s declares.", path.Join(d.Dir, req))
		d.Command = "pip install -r " + req
	case p.PackageManager == detect.ManagerPip && p.DependencyGroup != "":
		// pip reads PEP 735 groups from ./pyproject.toml since 25.1, without building the
		// project; the base image's pip may be older.
		d.Why = fmt.Sprintf("Install the dependency group %q that %s declares (pip 25.1 reads PEP 735 groups).",
			p.DependencyGroup, path.Join(d.Dir, "pyproject.toml"))
		d.Command = `pip install "pip>=25.1" && pip install --group ` + p.DependencyGroup
	default:
		// setup.py and PEP 621 projects install themselves; that needs the whole source.
		d.Why = "Install the project and its dependencies (setup.py / pyproject.toml need the whole source)."
		d.Command = "pip install ."
		notes = append(notes, "the dependency layer is rebuilt whenever code changes: declare dependencies in a requirements file or lockfile to cache them")
		src := "."
		if d.Dir != "." {
			src = d.Dir + "/"
		}
		d.Copies = []string{src + " ./"}
		return d, notes, nil
	}
	d.Copies = copyLines(p.DependencyFiles)
	return d, notes, nil
}

// copyLines groups files by folder into COPY operands that keep their relative paths
// below the working directory.
func copyLines(files []string) []string { return copyLinesTo(files, "./") }

// copyLinesTo groups files by folder into COPY operands that keep their relative paths below
// the folder root ("./", "/src/").
func copyLinesTo(files []string, root string) []string {
	byDir := map[string][]string{}
	var dirs []string
	for _, f := range files {
		d := path.Dir(f)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], f)
	}
	lines := []string{}
	for _, d := range dirs {
		dest := root
		if d != "." {
			dest = root + d + "/"
		}
		lines = append(lines, strings.Join(byDir[d], " ")+" "+dest)
	}
	return lines
}
