package detect

import (
	"bytes"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/internal/ownfile"
	"github.com/containerize/containerize/manifest"
)

var (
	// pipInstallRE finds `pip install -r FILE` (pip3, python -m pip, --requirement FILE,
	// --requirement=FILE) in a deployment file's line.
	pipInstallRE = lazy.Regexp(`\bpip[0-9.]*\s+install\b[^;&|\n]*?\s(?:-r\s*|--requirement[=\s]\s*)["']?([^\s"';&|]+)`)
	// pipInstallWordRE finds a pip install on a line.
	pipInstallWordRE = lazy.Regexp(`\bpip[0-9.]*\s+install\b`)
	// pipGroupRE finds each `--group NAME` of a pip install (pip 25.1's PEP 735 groups,
	// "--group pyproject.toml:NAME" too).
	pipGroupRE = lazy.Regexp(`\s--group[=\s]\s*["']?(?:[^\s"':]*:)?([A-Za-z0-9._-]+)`)
)

// installs is what the project's own deployment files (Dockerfiles, Procfiles, start
// scripts, then CI workflows; not development ones, not those containerize wrote) install
// with pip.
type installs struct {
	// file is where the folder's chosen requirements file is installed ("backend/Dockerfile:9").
	file string
	// groups are the dependency groups `pip install --group` installs, in order, each with
	// where.
	groups, groupSources []string
}

// deploymentInstalls reads what the deployment files install with pip; a requirements file
// is matched to m's chosen one by its name (the folder it is installed from is the
// deployment's own).
func deploymentInstalls(t *tree, m *manifests) (installs, error) {
	var in installs
	want := path.Base(m.reqPath)
	var files []string
	for _, f := range t.settingsEvidence {
		base := strings.ToLower(path.Base(f))
		if django.DockerfileName(f) || base == "procfile" || strings.HasPrefix(base, "procfile.") || strings.HasSuffix(base, ".sh") {
			files = append(files, f)
		}
	}
	deploy := len(files)
	files = append(files, ciFiles(t)...)
	for i, f := range files {
		// A development deployment file is not evidence; a CI workflow is for tests by
		// nature (tests.yml), and what it installs still counts.
		if i < deploy && django.DevFile(f) {
			continue
		}
		b, err := t.readFile(f)
		if err != nil {
			return in, err
		}
		if ownfile.Is(b) || !bytes.Contains(b, []byte("install")) {
			continue
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			src := fmt.Sprintf("%s:%d", f, i+1)
			for _, sm := range pipInstallRE().FindAllStringSubmatch(line, -1) {
				if m.reqPath != "" && in.file == "" && path.Base(sm[1]) == want {
					in.file = src
				}
			}
			if !pipInstallWordRE().MatchString(line) {
				continue
			}
			for _, sm := range pipGroupRE().FindAllStringSubmatch(line, -1) {
				if !slices.Contains(in.groups, sm[1]) {
					in.groups, in.groupSources = append(in.groups, sm[1]), append(in.groupSources, src)
				}
			}
		}
	}
	return in, nil
}

// runtimeGroup is the dependency group of a pyproject.toml that declares its dependencies
// only in PEP 735 groups (no [project] dependencies) which the image should install: the
// first group a deployment installs whose name is not a development one, else the only
// group whose name is not a development one; "" when there is none or several.
func runtimeGroup(pp *manifest.Pyproject, in installs) (group, why string) {
	for i, g := range in.groups {
		if _, ok := pp.DependencyGroups[g]; ok && !manifest.DevName(g) {
			return g, fmt.Sprintf("%s installs group %q with pip", in.groupSources[i], g)
		}
	}
	var runtime []string
	for g := range pp.DependencyGroups {
		if !manifest.DevName(g) {
			runtime = append(runtime, g)
		}
	}
	if len(runtime) == 1 {
		return runtime[0], fmt.Sprintf("%q is its only group not named for development", runtime[0])
	}
	return "", ""
}

// ciFiles are the project's CI workflows (GitHub Actions, GitLab CI), sorted: the steps
// that install the project say how it installs too.
func ciFiles(t *tree) []string {
	var out []string
	for f := range t.files {
		dir, base := path.Dir(f), strings.ToLower(path.Base(f))
		yaml := strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")
		if yaml && dir == ".github/workflows" || f == ".gitlab-ci.yml" {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}
