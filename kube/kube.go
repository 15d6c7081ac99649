// Package kube writes the Kubernetes configuration of a plan.Plan: deploy/kubernetes as
// kustomize (a base, components for the in-cluster data services, a staging and a production
// overlay), so `kubectl apply -k` runs the app with no other tool. It reads the same plan as
// the Dockerfile and compose file and decides only what is Kubernetes' own (probes, rollout,
// security context, claims, the per-release migrations Job); it renders embedded templates
// and touches no file. The Kubernetes libraries that check its output are imported by its
// tests only: the CLI does not link their scheme.
package kube

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/containerize/containerize/internal/jsonline"
	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/templates"
)

// Dir is where the configuration is written, relative to the project root.
const Dir = "deploy/kubernetes"

// File is a whole file to write, relative to the project root.
type File struct {
	Path string
	Data []byte
}

// Options are the inputs that are not in the plan.
type Options struct {
	// Host is the public host name; an Ingress for it is written when it is set, and
	// ALLOWED_HOSTS lists it.
	Host string
	// Image is what the overlays run: a repository ("registry.example.com/shop", then
	// tagged latest), REPOSITORY:TAG or REPOSITORY@sha256:DIGEST; empty means the plan's
	// name, the image `containerize build` makes locally. SetImage changes it later.
	Image string
}

// Overlays are the environments written, each a folder of overlays/.
var Overlays = []string{"staging", "production"}

// Generate renders deploy/kubernetes for the plan.
func Generate(p *plan.Plan, opts Options) ([]File, error) {
	if err := validHost(opts.Host); err != nil {
		return nil, err
	}
	v, err := newView(p, opts)
	if err != nil {
		return nil, err
	}
	var files []File
	add := func(tmpl, file string, data any) error {
		b, err := render(tmpl, file, data)
		if err != nil {
			return err
		}
		files = append(files, File{Path: path.Join(Dir, file), Data: b})
		return nil
	}
	type job struct {
		tmpl, file string
		data       any
	}
	jobs := []job{
		{"gitignore.tmpl", ".gitignore", v},
		{"base.kustomization.yaml.tmpl", "base/kustomization.yaml", v},
		{"config.env.tmpl", "base/config.env", v},
		{"web.yaml.tmpl", "base/web.yaml", v.Web},
		{"migrate.yaml.tmpl", "base/migrate.yaml", v.Migrate},
	}
	for _, w := range v.Workers {
		jobs = append(jobs, job{"worker.yaml.tmpl", "base/" + w.Component + ".yaml", w})
	}
	if len(v.Claims) > 0 {
		jobs = append(jobs, job{"volumes.yaml.tmpl", "base/volumes.yaml", v})
	}
	if v.Host != "" {
		jobs = append(jobs, job{"ingress.yaml.tmpl", "base/ingress.yaml", v})
	}
	for _, s := range v.Services {
		sv := serviceView{view: *v, Service: s}
		jobs = append(jobs,
			job{"component.kustomization.yaml.tmpl", "components/" + s.Component + "/kustomization.yaml", sv},
			job{s.Component + ".yaml.tmpl", "components/" + s.Component + "/" + s.Host + ".yaml", sv})
	}
	for _, o := range v.Overlays {
		ov := overlayView{view: *v, Overlay: o}
		dir := "overlays/" + o.Name + "/"
		jobs = append(jobs,
			job{"overlay.kustomization.yaml.tmpl", dir + "kustomization.yaml", ov},
			job{"namespace.yaml.tmpl", dir + "namespace.yaml", ov},
			job{"secret.env.example.tmpl", dir + "secret.env.example", ov})
	}
	for _, j := range jobs {
		if err := add(j.tmpl, j.file, j.data); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// parsed are the templates, parsed on first use: the CLI's other commands never pay for it.
var parsed = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("").Funcs(template.FuncMap{
		"json": jsonline.String,
	}).ParseFS(templates.Kubernetes, "kubernetes/*.tmpl"))
})

func render(name, file string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := parsed().ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("render %s/%s (a bug in containerize; please report it): %w", Dir, file, err)
	}
	return b.Bytes(), nil
}

var hostRE = lazy.Regexp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// validHost checks an Ingress host as the API server will (a DNS name, lower case).
func validHost(h string) error {
	if h == "" || (len(h) <= 253 && hostRE().MatchString(h)) {
		return nil
	}
	return fmt.Errorf("the Ingress host %q is not a DNS name Kubernetes accepts: lower-case letters, digits, '-' and '.', such as shop.example.com", h)
}

// view is what the templates render.
type view struct {
	Name string
	Dir  string
	Host string
	// Config are base/config.env's lines.
	Config  []envLine
	Web     workload
	Migrate workload
	Workers []workload
	// Claims are the persistent volume claims the app's pods mount.
	Claims   []claim
	Services []service
	Overlays []overlay
	Release  release
}

// envLine is one line of an env file, with the comment above it.
type envLine struct {
	Key, Value, Comment string
	Optional            bool
}

// claim is a persistent volume claim of the app: a compose named volume of the app's.
type claim struct {
	Name, Path, Size, Why string
}

// workload is one Deployment or Job of the application image.
type workload struct {
	App, Component string
	// Config and Secret are the ConfigMap and Secret its containers read.
	Config, Secret string
	User           string
	UID, GID       int
	Claims         []claim
	// InitContainer waits for the migrations (every Deployment, not the Job).
	InitContainer bool
	WaitCommand   []string
	Command       []string
	CPURequest    string
	MemoryRequest string
	MemoryLimit   string

	// Web only.
	WebCommand                    string
	Port                          int
	HealthCommand                 []string
	HealthInterval, HealthTimeout int
	StartupFailures               int
	StartupSeconds                int
	MinReplicas, MaxReplicas      int

	// Workers only.
	Why, Source    string
	Singleton      bool
	SingletonWhy   []string
	Ping, Liveness []string
}

// service is an in-cluster data service, a kustomize component.
type service struct {
	Component, Title, Host, Image string
	// Env are the app's variables that point at it (compose's values, with kubelet's
	// $(VAR) for compose's ${VAR}).
	Env []envLine
}

type serviceView struct {
	view
	Service service
}

// overlay is one environment.
type overlay struct {
	Name, Title, Dir, Namespace string
	Components                  []string
	Secrets                     []envLine
}

type overlayView struct {
	view
	Overlay overlay
}

// release is the image an overlay runs and the name of its migrations Job.
type release struct {
	Image, Tag, Digest string
	// ID names the release's migrations Job: migrate-ID.
	ID string
}

// composeRef is compose's ${VAR} (or ${VAR:-...}) in a value.
var composeRef = lazy.Regexp(`\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}`)

// serviceHost finds the compose service a value points at: a URL's host or the whole value.
var serviceHost = lazy.Regexp(`^(db|redis|mail)$|(?://|@)(db|redis|mail)(?::|/|$)`)

func newView(p *plan.Plan, opts Options) (*view, error) {
	rt := p.Image.Runtime
	c := p.Compose
	v := &view{Name: p.Name, Dir: Dir, Host: opts.Host}
	v.Release = release{Image: cmp.Or(opts.Image, p.Name), Tag: "latest", ID: "latest"}
	if r, err := parseRelease(opts.Image); err == nil {
		v.Release = r // the image came with its tag or digest
	}

	// The app's volumes: compose's named volumes mounted into every app service.
	for _, av := range c.AppVolumes {
		name, dir, ok := strings.Cut(av, ":")
		if !ok {
			return nil, fmt.Errorf("plan: app volume %q is not NAME:PATH (a bug in containerize; please report it)", av)
		}
		cl := claim{Name: name, Path: dir, Size: "5Gi", Why: "The app's data (" + name + ")"}
		if name == c.Media {
			cl.Size, cl.Why = "10Gi", "Uploaded files (MEDIA_ROOT)"
		}
		if strings.HasPrefix(dir, "/data") {
			cl.Why = "The app's local data (the SQLite database of DATABASE_URL)"
		}
		v.Claims = append(v.Claims, cl)
	}

	base := workload{App: p.Name, Config: "app-config", Secret: "app-secret", User: rt.UserName, UID: rt.UID, GID: rt.GID, Claims: v.Claims,
		CPURequest: "100m", MemoryRequest: "256Mi", MemoryLimit: "512Mi"}
	wait := waitCommand(rt.RequiredEnv)

	web := base
	web.Component, web.InitContainer, web.WaitCommand = "web", true, wait
	web.WebCommand = strings.Join(serverCommand(rt.Command), " ")
	web.Port = rt.Port
	h := rt.Healthcheck
	web.HealthCommand = h.Command
	web.HealthInterval = max(1, int(h.Interval.Seconds()))
	web.HealthTimeout = max(1, int(h.Timeout.Seconds()))
	web.StartupFailures = 60
	web.StartupSeconds = 5 * web.StartupFailures
	web.MinReplicas, web.MaxReplicas = 3, 10
	web.MemoryLimit = "1Gi"
	v.Web = web

	mig := base
	mig.Component, mig.Command = "migrate", c.MigrateCommand
	mig.Config, mig.Secret = "migrate-config", "migrate-secret"
	v.Migrate = mig

	for _, w := range c.Workers {
		wl := base
		wl.Component, wl.InitContainer, wl.WaitCommand = ObjectName(w.Name), true, wait
		wl.Command, wl.Why, wl.Source = w.Command, w.Why, w.Source
		check := strings.ReplaceAll(w.Healthcheck, "$$", "$") // compose's escape
		switch {
		case strings.Contains(check, " inspect ping"):
			wl.Ping = []string{"sh", "-c", check}
			// Cheap: the worker (PID 1, exec'd by the start check) still answers signals.
			wl.Liveness = []string{"sh", "-c", "kill -0 1"}
			wl.MemoryLimit = "1Gi"
		case slices.Contains(w.Command, "beat"):
			wl.Singleton = true
			wl.SingletonWhy = []string{"a second beat would send every periodic task twice (Celery's docs)."}
			if check != "" {
				wl.Liveness = []string{"sh", "-c", check}
			}
		default:
			wl.Singleton = true
			wl.SingletonWhy = []string{"containerize cannot tell whether two copies may run at once (a scheduler may",
				"not); if they may, use RollingUpdate (maxUnavailable 0) and raise replicas."}
			if check != "" {
				wl.Liveness = []string{"sh", "-c", check}
			}
		}
		v.Workers = append(v.Workers, wl)
	}

	// The settings: .env's names. The plain ones go to the ConfigMap, the secret ones to
	// each overlay's Secret; the development-only ones (published ports, the developer's
	// ids) nowhere.
	var secrets []envLine
	for _, g := range p.Env {
		for _, e := range g.Vars {
			if e.Host != "" || strings.HasSuffix(e.Key, "_PUBLISH_PORT") {
				continue
			}
			l := envLine{Key: e.Key, Value: envFileValue(e.Example), Comment: e.Comment, Optional: e.Optional}
			if e.Secret {
				secrets = append(secrets, l)
				continue
			}
			if e.Key == hostsKey(p) && opts.Host != "" {
				l.Value = addHost(l.Value, opts.Host)
			}
			v.Config = append(v.Config, l)
		}
	}
	// Compose's environment: the addresses of the data services go to the staging
	// components (in the cluster) and to production's Secret (a managed service's URL
	// carries its password); the rest is plain.
	byService := map[string][]envLine{}
	var external []envLine
	for _, e := range c.Environment {
		val := unquote(e.Value)
		m := serviceHost().FindStringSubmatch(val)
		if m == nil {
			v.Config = append(v.Config, envLine{Key: e.Key, Value: val})
			continue
		}
		svc := m[1] + m[2]
		if svc != "mail" {
			byService[svc] = append(byService[svc], envLine{Key: e.Key, Value: composeRef().ReplaceAllString(val, "$$($1)")})
		}
		ext := composeRef().ReplaceAllString(val, "$1")
		ext = serviceHost().ReplaceAllStringFunc(ext, func(s string) string {
			return strings.Replace(s, svc, svc+".example.com", 1) // the host, not a scheme
		})
		external = append(external, envLine{Key: e.Key, Value: ext, Comment: map[string]string{"db": "The managed database", "redis": "The managed Redis", "mail": "The mail server"}[svc] + " (staging: the in-cluster " + svc + " service)"})
	}
	var staging []string
	if c.Postgres {
		v.Services = append(v.Services, service{Component: "postgres", Title: "PostgreSQL", Host: "db", Image: c.PostgresImage, Env: byService["db"]})
	} else if c.MySQL {
		v.Services = append(v.Services, service{Component: "mysql", Title: "MySQL", Host: "db", Image: "mysql:8.4", Env: byService["db"]})
	}
	if c.Redis {
		v.Services = append(v.Services, service{Component: "redis", Title: "Redis", Host: "redis", Image: "redis:7", Env: byService["redis"]})
	}
	var stagingSecrets []envLine
	stagingSecrets = append(stagingSecrets, secrets...)
	for _, s := range v.Services {
		staging = append(staging, s.Component)
	}
	for _, e := range external {
		if !slices.ContainsFunc(v.Services, func(s service) bool {
			return slices.ContainsFunc(s.Env, func(l envLine) bool { return l.Key == e.Key })
		}) {
			stagingSecrets = append(stagingSecrets, e) // mail: no in-cluster service
		}
	}
	v.Overlays = []overlay{
		{Name: "staging", Title: "Staging: the data services run in the cluster (components/), on their own claims.",
			Components: staging, Secrets: stagingSecrets},
		{Name: "production", Title: "Production: managed data services, reached through the URLs in secret.env.",
			Secrets: append(slices.Clone(secrets), external...)},
	}
	for i := range v.Overlays {
		o := &v.Overlays[i]
		o.Dir = path.Join(Dir, "overlays", o.Name)
		o.Namespace = dnsLabel(p.Name, 63-len(o.Name)-1) + "-" + o.Name
	}
	return v, nil
}

// waitCommand is the init container's: it polls `migrate --check`, which fails while a
// migration is unapplied (or the database cannot be reached), every 5 s.
func waitCommand(required string) []string {
	script := ""
	if required != "" {
		script = fmt.Sprintf(`if [ -z "${%s:-}" ]; then echo "%s is not set: put it in the overlay's secret.env and apply again." >&2; exit 64; fi; `, required, required)
	}
	script += `until python manage.py migrate --check; do echo "waiting for the migrations Job of this release (kubectl get jobs)"; sleep 5; done`
	return []string{"sh", "-c", script}
}

// serverCommand is the server part of the runtime command: what follows the start check.
func serverCommand(cmd []string) []string {
	if i := slices.Index(cmd, "start"); i >= 0 && len(cmd) > 2 && cmd[0] == "sh" {
		return cmd[i+1:]
	}
	return cmd
}

var dnsRE = lazy.Regexp(`[^a-z0-9-]+`)

// dnsLabel is name as a DNS label (a namespace's, an object's name) of at most n
// characters: compose's names may hold '_', Kubernetes' may not.
func dnsLabel(name string, n int) string {
	s := strings.Trim(dnsRE().ReplaceAllString(strings.ToLower(name), "-"), "-")
	if len(s) > n {
		s = strings.TrimRight(s[:n], "-")
	}
	return cmp.Or(s, "app")
}

// ObjectName is the Deployment (and file) name of the compose service name: a worker
// "release_worker" is Deployment release-worker, in base/release-worker.yaml.
func ObjectName(service string) string { return dnsLabel(service, 63) }

// hostsKey is the variable ALLOWED_HOSTS is read from.
func hostsKey(p *plan.Plan) string {
	if p.Patch != nil && p.Patch.HostsEnv != "" {
		return p.Patch.HostsEnv
	}
	for _, g := range p.Env {
		for _, e := range g.Vars {
			if strings.HasSuffix(e.Key, "ALLOWED_HOSTS") {
				return e.Key
			}
		}
	}
	return "ALLOWED_HOSTS"
}

// addHost puts the public host first in an ALLOWED_HOSTS value, in its separator.
func addHost(list, host string) string {
	if strings.Contains(list, " ") && !strings.Contains(list, ",") {
		return host + " " + list
	}
	return host + "," + list
}

// envFileValue is a .env example as kustomize's env files take it: kustomize keeps
// everything after "=" literally, so the quotes .env needs around a value with blanks go.
func envFileValue(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// unquote is a compose environment value without the double quotes the compose file needs.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `\"`, `"`)
	}
	return s
}
