package generate

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/plan"
)

// TestSettingsEnvironment checks, for every sample, the generated setup against the
// variables the settings read: each one they cannot be imported without is set for the
// running container (by .env or compose) and for collectstatic's RUN (and nowhere in an
// ENV); a variable that feeds a compose service points at it; and no redis runs that
// nothing reads.
func TestSettingsEnvironment(t *testing.T) {
	for _, v := range samples.Variants(t) {
		t.Run(v.Name, func(t *testing.T) {
			p, cfg := samples.Load(t, v)
			pl, err := plan.Make(p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Generate(pl, Options{})
			if err != nil {
				t.Fatal(err)
			}
			d := p.Django
			envFile := map[string]string{}
			for _, e := range ParseEnv(out.Env) {
				envFile[e.Key] = e.Value
			}
			services := composeEnv(t, fileData(t, out, "docker-compose.yml"))
			web := services["web"]
			value := func(name string) (string, bool) {
				if v, ok := web[name]; ok {
					return v, true
				}
				v, ok := envFile[name]
				return v, ok
			}
			for _, e := range d.RequiredEnv() {
				if _, ok := value(e.Name); !ok {
					t.Errorf("%s (%s, %s) is required at import but neither .env nor compose sets it", e.Name, e.Setting, e.Source)
				}
			}
			for _, e := range d.EnvReads {
				val, ok := web[e.Name]
				switch {
				case e.Service == "redis" && hasService(services, "redis"):
					if !ok || !strings.Contains(val, "redis") && val != "6379" {
						t.Errorf("%s feeds %s (%s) but compose gives it %q, not the redis service", e.Name, e.Setting, e.Source, val)
					}
				case e.Service == "database" && e.Key == "HOST" && hasService(services, "db"):
					if val != "db" {
						t.Errorf("%s is DATABASES HOST (%s) but compose gives it %q, not db", e.Name, e.Source, val)
					}
				}
			}
			if d.DebugEnv != "" && pl.Patch == nil {
				if _, ok := envFile[d.DebugEnv]; !ok {
					t.Errorf(".env does not set %s, which DEBUG is read from (%s)", d.DebugEnv, d.DebugSource)
				}
			}
			// http://localhost answers in development: no redirect to https there.
			if d.SSLRedirectEnv != "" {
				dev := composeEnv(t, fileData(t, out, "docker-compose.override.yml"))
				if got := dev["web"][d.SSLRedirectEnv]; got != "0" {
					t.Errorf("the development web sets %s=%q, want 0: SECURE_SSL_REDIRECT is on (%s)", d.SSLRedirectEnv, got, d.SSLRedirectSource)
				}
			}
			if hasService(services, "redis") {
				read := d.Cache == "redis" || d.CeleryBroker == "redis" || d.ChannelLayer == "redis" ||
					pl.Patch != nil && (pl.Patch.Cache || pl.Patch.ChannelLayer || pl.Patch.Celery) || len(pl.Compose.Workers) > 0
				for _, e := range d.EnvReads {
					read = read || e.Service == "redis"
				}
				if !read {
					t.Error("compose starts redis, but nothing the settings read points at it")
				}
			}

			// collectstatic's RUN line sets every required variable, for that command only.
			dockerfile := string(fileData(t, out, "Dockerfile"))
			if pl.Image.Runtime.Collectstatic {
				m := regexp.MustCompile(`(?m)^RUN ((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)+)\\\n\s+python manage.py collectstatic`).FindStringSubmatch(dockerfile)
				if m == nil {
					t.Fatalf("no collectstatic RUN with its environment:\n%s", dockerfile)
				}
				var set []string
				for _, kv := range strings.Fields(m[1]) {
					k, _, _ := strings.Cut(kv, "=")
					set = append(set, k)
				}
				for _, e := range d.RequiredEnv() {
					if !slices.Contains(set, e.Name) {
						t.Errorf("collectstatic runs without %s, which the settings require at import (%s)", e.Name, e.Source)
					}
					if regexp.MustCompile(`(?m)^ENV[^\n]*\b` + e.Name + `=`).MatchString(dockerfile) {
						t.Errorf("%s is set by an ENV: the placeholder would stay in the image", e.Name)
					}
				}
			}
		})
	}
}

// composeEnv is each service's environment in a compose file (anchors merged).
func composeEnv(t *testing.T, data []byte) map[string]map[string]string {
	t.Helper()
	var doc struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for name, s := range doc.Services {
		out[name] = s.Environment
	}
	return out
}

func hasService[T any](services map[string]T, name string) bool {
	_, ok := services[name]
	return ok
}
