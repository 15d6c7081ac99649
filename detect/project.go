// Package detect reads a Python project tree into a Project: the facts a container setup
// depends on, each with the evidence (path:line) it was read from. It never prompts, writes,
// or runs Python.
package detect

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/containerize/containerize/django"
)

// Project is everything detection found. Field names in JSON are a public contract
// (`containerize detect --json`); add fields, do not rename them.
type Project struct {
	// Root is the directory that was scanned, as the caller named it.
	Root string `json:"root"`
	// Name is what the project calls itself: [project] name in pyproject.toml, else the
	// Django project's package unless it is a generic one ("config"), else the root folder's.
	Name string `json:"name"`
	// NameSource says where Name came from (a file, or "the folder's name").
	NameSource string `json:"name_source"`
	// AppRoot is the folder holding manage.py, relative to Root ("." for Root itself).
	AppRoot string `json:"app_root"`
	// PackageManager is one of PackageManagers.
	PackageManager PackageManager `json:"package_manager"`
	// PackageManagerSource says why that manager was chosen.
	PackageManagerSource string `json:"package_manager_source"`
	// DependencyDir is the folder holding the dependency files, relative to Root: the app
	// root or the nearest parent of it that has any.
	DependencyDir string `json:"dependency_dir"`
	// DependencyFiles are the files the chosen manager installs from, relative to Root.
	DependencyFiles []string `json:"dependency_files"`
	// Lockfile is the lockfile among DependencyFiles, "" when the project has none.
	Lockfile string `json:"lockfile"`
	// RequirementsFile is the requirements file a pip project installs (pip only).
	RequirementsFile string `json:"requirements_file,omitempty"`
	// DependencyGroup is the PEP 735 dependency group a pip project installs (pip install
	// --group NAME) when its pyproject.toml declares its dependencies only in groups.
	DependencyGroup string `json:"dependency_group,omitempty"`
	// OtherDependencyFiles were found but not chosen, with the reason.
	OtherDependencyFiles []Finding `json:"other_dependency_files"`
	// Dependencies are the runtime dependencies declared by the chosen files.
	Dependencies []Dependency `json:"dependencies"`
	// DevDependencies are what the dependency folder's files declare for development
	// besides them, whichever package manager reads them.
	DevDependencies []DevSource `json:"dev_dependencies"`
	// Tests says how the project's tests run.
	Tests Tests `json:"tests"`

	Python Python `json:"python"`
	// Django is nil when the project is not a Django project (no manage.py).
	Django *django.Info `json:"django"`

	// Services found, in the order of Services.
	Services        []Service `json:"services"`
	ServiceEvidence []Finding `json:"service_evidence"`

	SystemPackages SystemPackages `json:"system_packages"`

	// Processes are the project's own commands besides Celery's: task queue workers its
	// settings configure, and the web, release and worker commands of its Procfile,
	// supervisor configuration or compose file.
	Processes []Process `json:"processes"`
	// beatCommand is the first command of the project's that runs Celery beat (findServices
	// makes it the celery-beat service).
	beatCommand *Process
	// composeRedis are the variables the project's compose files set to a redis address,
	// with where.
	composeRedis map[string]string
	// Frontend is the project's Node build of static assets, nil when it has none.
	Frontend *Frontend `json:"frontend"`

	// Virtualenvs are folders (relative to Root) that hold a virtualenv.
	Virtualenvs []string `json:"virtualenvs"`
	// VenvPackages are the distributions installed in VenvPackagesFrom, read only when no
	// dependency file declares anything (a legacy virtualenv project).
	VenvPackages     []Dependency `json:"venv_packages"`
	VenvPackagesFrom string       `json:"venv_packages_from,omitempty"`
	// HasGitignore and Env files matter to the generated ignore files.
	// Docker are the container files the project already has (init adopts them).
	Docker DockerFiles `json:"docker"`

	HasGitignore bool `json:"has_gitignore"`
	HasDotEnv    bool `json:"has_dotenv"`
	// DotEnvTracked is true when git tracks .env (it is in .git/index), so that whatever
	// is written into it is committed with the next commit.
	DotEnvTracked bool      `json:"dotenv_tracked"`
	Warnings      []Finding `json:"warnings"`
}

// Finding is one fact or message with its evidence.
type Finding struct {
	// Name is what was found: a service, a file, a package, a warning's code.
	Name string `json:"name"`
	// Source is "path:line" or "path" when the whole file is the evidence.
	Source string `json:"source"`
	// Detail explains the finding for people.
	Detail string `json:"detail"`
}

// Dependency is one declared requirement.
type Dependency struct {
	// Name is normalised (PEP 503): lower case, runs of -_. become -.
	Name      string   `json:"name"`
	Specifier string   `json:"specifier,omitempty"`
	Extras    []string `json:"extras,omitempty"`
	// Direct is true for a locked package the manifest names itself (not a transitive one).
	Direct bool `json:"direct,omitempty"`
	// Version is the locked version when a lockfile pins it.
	Version string `json:"version,omitempty"`
	Source  string `json:"source"`
}

// Python is what the project says of its Python version. Candidates (each source that
// names one) and Django (what its Django release supports) are facts. Version, Source,
// Conflicts and each candidate's Version and Note are decisions: detection leaves them
// empty, and the supported-Python policy (config.Python) fills them from the facts
// (PythonPolicy.Apply) before `containerize detect` prints them, as it always has.
type Python struct {
	// Version is the chosen minor version such as "3.11".
	Version string `json:"version"`
	// Source is the evidence of the candidate Version comes from.
	Source string `json:"source"`
	// Candidates are every source that names a version, in precedence order, the
	// project's virtualenvs last.
	Candidates []PythonCandidate `json:"candidates"`
	// Conflicts say which sources disagree with Version.
	Conflicts []string `json:"conflicts"`
	// Django is what the project's Django release supports; nil when that is unknown.
	Django *DjangoPython `json:"-"`
}

// PythonCandidate is what one source says about the Python version.
type PythonCandidate struct {
	// Version is the minor version the policy resolves this source to ("3.11"); a decision.
	Version string `json:"version"`
	// Spec is the text as written (">=3.10,<3.13", "3.11.4", "3.10.12.final.0").
	Spec   string `json:"spec"`
	Source string `json:"source"`
	// Note explains how the policy resolved a range; a decision.
	Note string `json:"note,omitempty"`
	// Range is true when Spec admits several versions (">=3.10", "^3.11", "3.*").
	Range bool `json:"-"`
	// Pin is the minor version an exact Spec names ("3.11" for "3.11.4"); "" for a range
	// or a text that names none.
	Pin string `json:"-"`
	// Image is true for the base image of the project's Dockerfile: a pin that gives way to
	// a range it contradicts (a Dockerfile left behind by a raised requires-python).
	Image bool `json:"-"`
}

// DjangoPython is what the project's Django release supports of Python: the union over
// every Django feature release its version or range admits (Django's FAQ).
type DjangoPython struct {
	// Spec is the Django version the lockfile pins, else the range the manifest declares.
	Spec string
	// Source is where that is written (path:line).
	Source string
	// Python are the supported minor versions, oldest first.
	Python []string
}

// SystemPackages are Debian packages the image needs: Build in the build stage (compilers,
// -dev headers), Runtime in the final stage (shared libraries).
type SystemPackages struct {
	Build    []string  `json:"build"`
	Runtime  []string  `json:"runtime"`
	Evidence []Finding `json:"evidence"`
}

// Has reports whether the project declares the dependency (normalised name).
func (p *Project) Has(name string) bool {
	return slices.ContainsFunc(p.Dependencies, func(d Dependency) bool { return d.Name == name })
}

// HasService reports whether detection found the service.
func (p *Project) HasService(s Service) bool { return slices.Contains(p.Services, s) }

// MarshalJSON writes an unknown Version or Source as null, not "": scripts reading `detect --json` test
// for a missing version, and "" is not a version.
func (py Python) MarshalJSON() ([]byte, error) {
	type plain Python // without this method
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // specs such as ">=3.11" stay readable; the caller's encoder decides escaping
	err := enc.Encode(struct {
		Version *string `json:"version"`
		Source  *string `json:"source"`
		plain
	}{nilIfEmpty(py.Version), nilIfEmpty(py.Source), plain(py)})
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), err
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
