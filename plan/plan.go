// Package plan turns what detection found (detect.Project) and what was decided
// (config.Config) into one Plan: every decision every output needs — the image and its two
// stages, the compose stack, the environment, the settings block, the notes. Make validates
// once; the outputs (generate's templates, the daemonless image builder, later the
// Kubernetes manifests) read the Plan and decide nothing, so they agree by construction.
// The package renders no text and touches no file.
package plan

import (
	"encoding/json"
	"path"
	"slices"
	"time"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

// Plan is every decision the outputs need. Its JSON form is what the snapshot tests show a
// reviewer (plan/testdata).
type Plan struct {
	// Name is the image and compose project name.
	Name string `json:"name"`
	// Answers are the decisions the plan was made from; containerize.toml saves them.
	Answers config.Config `json:"answers"`
	// Files are the paths the outputs are written to.
	Files   Files   `json:"files"`
	Image   Image   `json:"image"`
	Compose Compose `json:"compose"`
	// Env lists the variables .env defines, in groups; .env.example shows their examples.
	Env []EnvGroup `json:"env"`
	// Patch is the block appended to the settings module; nil leaves the settings alone.
	Patch *Patch `json:"settings_patch"`
	// Ignore is what the build context leaves out besides the fixed list.
	Ignore Ignore `json:"ignore"`
	// Dev is the development environment beside the production setup.
	Dev Dev `json:"dev"`
	// Notes tell the user what the setup does that they may not expect.
	Notes []string `json:"notes"`
}

// Image is the application image: a build stage that installs the dependencies into
// /opt/venv and a runtime stage that runs the code.
type Image struct {
	// Python is the base image's minor version; Base the image both stages start from.
	Python string `json:"python"`
	Base   string `json:"base"`
	// Dependencies says what the build stage installs from and how.
	Dependencies Dependencies `json:"dependencies"`
	// Extra are installed beside the project's dependencies because serving it needs them
	// (the server, a database driver, whitenoise); the project does not declare them.
	Extra []string `json:"extra_packages"`
	// BuildPackages and RuntimePackages are the Debian packages each stage installs.
	BuildPackages   DebianPackages `json:"build_packages"`
	RuntimePackages DebianPackages `json:"runtime_packages"`
	// SystemEvidence are the dependencies behind the Debian packages, as detected.
	SystemEvidence []detect.Finding `json:"system_evidence"`
	// Assets is the Node stage that builds the project's static assets; nil for none.
	Assets  *Assets `json:"assets"`
	Runtime Runtime `json:"runtime"`
}

// DebianPackages are Debian packages one stage installs, and whom they are for.
type DebianPackages struct {
	Names []string `json:"names"`
	// For names the dependencies that need them ("psycopg2", "GeoDjango").
	For []string `json:"for"`
}

// Dependencies is how the build stage installs the project's dependencies.
type Dependencies struct {
	// Manager is the package manager the project uses (detect's vocabulary).
	Manager detect.PackageManager `json:"manager"`
	// Files are the files installed from, relative to the project root; Dir is their
	// folder, Lockfile the lockfile among them, RequirementsFile a pip project's file.
	Files            []string `json:"files"`
	Dir              string   `json:"dir"`
	Lockfile         string   `json:"lockfile"`
	RequirementsFile string   `json:"requirements_file"`
	// Declared are the distributions the dependency files list (normalised names); the
	// image marks them as requested by the user, as pip does.
	Declared []string `json:"declared"`
	// Copies are the build stage's COPY operands ("SRC... DEST", relative to /src), in order.
	Copies []string `json:"copies"`
	// WorkDir is where the install runs when it is not /src.
	WorkDir string `json:"workdir"`
	// Why says what the install does, for the Dockerfile.
	Why string `json:"why"`
	// Tools are installed into a throwaway /opt/tools virtualenv to export the lock to
	// /tmp/requirements.txt with Export; without tools, Command installs directly.
	Tools   []string `json:"tools"`
	Export  string   `json:"export"`
	Command string   `json:"command"`
}

// Runtime is what the image's runtime stage sets up: the Dockerfile's last stage, and the
// image the daemonless builder assembles.
type Runtime struct {
	// Command is the CMD: the server command, behind the start check when RequiredEnv is set.
	Command []string `json:"command"`
	// RequiredEnv is the variable the start check requires, set and not empty, before it
	// execs the server: the one the settings read SECRET_KEY from ("" when they read none).
	RequiredEnv string `json:"required_env,omitempty"`
	// Env are the KEY=VALUE pairs set besides PATH and VIRTUAL_ENV, in Dockerfile order.
	Env []string `json:"env"`
	// SourceDir is the folder copied to /app, relative to the project root ("." for the root).
	SourceDir string `json:"source_dir"`
	// WorkDir is the container's working directory: /app, or below it where manage.py lives.
	WorkDir string `json:"workdir"`
	// Copies are files of the project the image also puts at another path, after the
	// code: the settings module the project's own image makes by copying a file.
	Copies []Copy `json:"copies,omitempty"`
	// OwnedDirs are created and owned by the app user (/app first).
	OwnedDirs []string `json:"owned_dirs"`
	// Port is the exposed port.
	Port int `json:"port"`
	// User is the numeric user:group the container runs as; UserName names both in
	// /etc/passwd and /etc/group; UID and GID are User's numbers.
	User     string `json:"user"`
	UserName string `json:"user_name"`
	UID      int    `json:"uid"`
	GID      int    `json:"gid"`
	// Collectstatic says whether the image collects static files, with CollectstaticEnv
	// set for that one command (the settings may insist on a key at import time).
	Collectstatic    bool   `json:"collectstatic"`
	CollectstaticEnv string `json:"collectstatic_env"`
	// Compress runs django-compressor's offline compression after collectstatic
	// (COMPRESS_OFFLINE = True: the templates' {% compress %} blocks are built ahead).
	Compress bool `json:"compress"`
	// Healthcheck is the HEALTHCHECK.
	Healthcheck Healthcheck `json:"healthcheck"`
}

// Copy is one file of the project (From, relative to the project root, the build context)
// put at an absolute path of the image (To), with the evidence it is needed.
type Copy struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Source string `json:"source"`
}

// CopySource is the COPY source of the application code: "." or "dir/".
func (r Runtime) CopySource() string {
	if r.SourceDir == "." {
		return "."
	}
	return r.SourceDir + "/"
}

// Healthcheck is a HEALTHCHECK instruction.
type Healthcheck struct {
	// Command is its CMD (exec form, without the leading "CMD").
	Command     []string      `json:"command"`
	Interval    time.Duration `json:"interval"`
	Timeout     time.Duration `json:"timeout"`
	StartPeriod time.Duration `json:"start_period"`
	Retries     int           `json:"retries"`
}

// MarshalJSON writes the durations as Go durations ("10s"), for people reading snapshots.
func (h Healthcheck) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Command     []string `json:"command"`
		Interval    string   `json:"interval"`
		Timeout     string   `json:"timeout"`
		StartPeriod string   `json:"start_period"`
		Retries     int      `json:"retries"`
	}{h.Command, h.Interval.String(), h.Timeout.String(), h.StartPeriod.String(), h.Retries})
}

// Compose is the compose stack: web, a one-shot migrate, and the chosen services.
type Compose struct {
	// Environment is what every application service sets beyond .env: the addresses of the
	// other services, under the names the settings read.
	Environment []EnvVar `json:"environment"`
	// AppVolumes are mounted into every application service ("app-data:/data").
	AppVolumes []string `json:"app_volumes"`
	// DependsOn are the services the application waits for (healthy).
	DependsOn []string `json:"depends_on"`
	// CeleryApp is what Celery's worker and beat take as --app; BeatScheduler is beat's
	// --scheduler.
	CeleryApp     string `json:"celery_app"`
	BeatScheduler string `json:"beat_scheduler"`
	// MigrateCommand runs the migrate service; it starts with the image's start check, as
	// the runtime's Command and every worker's do.
	MigrateCommand []string `json:"migrate_command"`
	// Workers are the services beside web that run the application image: Celery's worker
	// and beat, other task queues' workers, the project's own long-running commands.
	Workers []Worker `json:"workers"`
	// Media is the named volume MEDIA_ROOT is kept in, mounted into web and every worker
	// at MediaDir; "" when uploads are stored elsewhere or MEDIA_ROOT cannot be read.
	Media    string `json:"media"`
	MediaDir string `json:"media_dir,omitempty"`
	// The data services and their images.
	Postgres      bool   `json:"postgres"`
	PostgresImage string `json:"postgres_image"`
	MySQL         bool   `json:"mysql"`
	Redis         bool   `json:"redis"`
	Mail          bool   `json:"mail"`
	// Volumes are the named volumes, sorted.
	Volumes []string `json:"volumes"`
}

// EnvVar is one variable with its value as compose writes it.
type EnvVar struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// EnvGroup is a titled group of .env lines.
type EnvGroup struct {
	Title string     `json:"title"`
	Vars  []EnvEntry `json:"vars"`
}

// EnvEntry is one .env line; a Secret one gets a fresh random value in .env, a Host one
// this machine's user or group id (HostUID, HostGID).
type EnvEntry struct {
	Key     string `json:"key"`
	Example string `json:"example"`
	Secret  bool   `json:"secret,omitempty"`
	Host    string `json:"host,omitempty"`
	// Comment is written on the line above (what reads the variable, where).
	Comment string `json:"comment,omitempty"`
	// Optional lines are written commented out: the settings read the variable but run
	// without it, and an empty value would not be the same as none.
	Optional bool `json:"optional,omitempty"`
}

// The Host values of an EnvEntry.
const (
	HostUID = "uid"
	HostGID = "gid"
)

// Patch is the block appended to the settings module that reads the environment.
type Patch struct {
	// Path is the settings module's file, relative to the project root.
	Path string `json:"path"`
	// SecretKeyEnv and HostsEnv are the variables SECRET_KEY and ALLOWED_HOSTS are read from.
	SecretKeyEnv string `json:"secret_key_env"`
	HostsEnv     string `json:"hosts_env"`
	// FailClosedEnv is the variable the image sets (to 1) so that the block falls back to
	// nothing the settings above say: DEBUG is off unless set, and SECRET_KEY must be set.
	FailClosedEnv string `json:"fail_closed_env"`
	// BeginMarker and EndMarker delimit the block, so a re-run replaces it in place.
	BeginMarker string `json:"-"`
	EndMarker   string `json:"-"`
	// PostgresEngine is the backend a postgres:// URL selects.
	PostgresEngine string `json:"postgres_engine"`
	// Cache sets CACHES from REDIS_URL with CacheBackend.
	Cache        bool   `json:"cache"`
	CacheBackend string `json:"cache_backend"`
	Celery       bool   `json:"celery"`
	ChannelLayer bool   `json:"channel_layer"`
	Mail         bool   `json:"mail"`
	// StaticRoot sets STATIC_ROOT when the settings do not, SettingsDepth folders above
	// the settings file; Whitenoise adds its middleware.
	StaticRoot    bool `json:"static_root"`
	SettingsDepth int  `json:"settings_depth"`
	Whitenoise    bool `json:"whitenoise"`
}

// Ignore is what .dockerignore (and the daemonless build's context) leaves out besides
// the fixed list, Exclusions: the project's virtualenvs and its local data folders.
type Ignore struct {
	Virtualenvs []string `json:"virtualenvs"`
	LocalData   []string `json:"local_data"`
}

// VirtualenvLines are the found virtualenvs that need a .dockerignore line of their own: those
// no fixed exclusion ("**/.venv", "**/venv") already covers at any depth, so a .venv made
// between two runs changes nothing.
func (i Ignore) VirtualenvLines() []string {
	fixed := ExclusionPatterns()
	var out []string
	for _, v := range i.Virtualenvs {
		if !slices.Contains(fixed, "**/"+path.Base(v)) {
			out = append(out, v)
		}
	}
	return out
}

// Runtime user of the image.
const (
	runtimeUser = "app"
	runtimeUID  = 10001
)
