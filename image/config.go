package image

import (
	"fmt"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/plan"
)

// OCI annotation keys, used as image labels (as Docker's --label and BuildKit do).
const (
	LabelSource   = "org.opencontainers.image.source"
	LabelRevision = "org.opencontainers.image.revision"
	LabelCreated  = "org.opencontainers.image.created"
)

// defaultPath is Docker's PATH for an image that sets none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// collectstaticScript runs before the server when the Dockerfile would have collected static files at build
// time; "$0" "$@" is the server command, passed as arguments so that nothing needs quoting.
const collectstaticScript = `python manage.py collectstatic --noinput && exec "$0" "$@"`

// compressScript also runs django-compressor's offline compression, as the Dockerfile does
// after collectstatic when COMPRESS_OFFLINE is on.
const compressScript = `python manage.py collectstatic --noinput && python manage.py compress --force && exec "$0" "$@"`

// configure sets what the Dockerfile's runtime stage sets, on top of the base's config (whose environment,
// labels, entrypoint and exposed ports are kept, as they are by a Dockerfile FROM).
func configure(cf *v1.ConfigFile, b *base.Base, rt *plan.Runtime, source, revision string, epoch time.Time) (*v1.ConfigFile, error) {
	cf = cf.DeepCopy()
	c := &cf.Config
	path := envValue(c.Env, "PATH")
	if path == "" {
		path = defaultPath
	}
	venvBin := VenvPrefix + "/bin"
	if path != venvBin && !strings.HasPrefix(path, venvBin+":") {
		path = venvBin + ":" + path
	}
	c.Env = mergeEnv(c.Env, append([]string{"PATH=" + path, "VIRTUAL_ENV=" + VenvPrefix}, rt.Env...))
	c.WorkingDir = rt.WorkDir
	c.User = rt.User
	if c.ExposedPorts == nil {
		c.ExposedPorts = map[string]struct{}{}
	}
	c.ExposedPorts[fmt.Sprintf("%d/tcp", rt.Port)] = struct{}{}
	c.Cmd = append([]string(nil), rt.Command...)
	if rt.Collectstatic {
		if !b.Shell {
			return nil, fmt.Errorf("the project collects static files, which this build does when the container starts, with /bin/sh; the base image has no /bin/sh: use a base with a shell (python:%s-slim has one)", b.MinorVersion())
		}
		// After the start check: collectstatic imports the settings, which need the key.
		check, server := rt.SplitStart()
		script := collectstaticScript
		if rt.Compress {
			script = compressScript
		}
		c.Cmd = append(append(check, "sh", "-c", script), server...)
	}
	hc := rt.Healthcheck
	c.Healthcheck = &v1.HealthConfig{
		Test:     append([]string{"CMD"}, hc.Command...),
		Interval: hc.Interval, Timeout: hc.Timeout, StartPeriod: hc.StartPeriod, Retries: hc.Retries,
	}
	labels := map[string]string{}
	for k, v := range c.Labels {
		labels[k] = v
	}
	labels[LabelCreated] = epoch.UTC().Format(time.RFC3339)
	if source != "" {
		labels[LabelSource] = source
	}
	if revision != "" {
		labels[LabelRevision] = revision
	}
	c.Labels = labels
	cf.Created = v1.Time{Time: epoch.UTC()}
	return cf, nil
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// mergeEnv sets each KEY=VALUE of set in env: in place when env has the key, else appended, in order.
func mergeEnv(env, set []string) []string {
	index := map[string]int{}
	out := make([]string, 0, len(env)+len(set))
	for _, e := range slices.Concat(env, set) {
		k, _, _ := strings.Cut(e, "=")
		if i, ok := index[k]; ok {
			out[i] = e
			continue
		}
		index[k] = len(out)
		out = append(out, e)
	}
	return out
}
