package generate

import (
	"crypto/rand"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
)

// envView is what env.example.tmpl renders: the example values, or the real ones for .env.
type envView struct {
	Groups []envGroup
}

// env lists the variables .env must define for the chosen services.
func (v *view) env(p *detect.Project, c config.Config) {
	user := strings.NewReplacer("-", "_", ".", "_").Replace(v.Name)
	hosts := "localhost,127.0.0.1"
	if p.Django.AllowedHostsSeparator == " " {
		hosts = `"localhost 127.0.0.1"`
	}
	v.EnvGroups = append(v.EnvGroups, envGroup{Title: "Django", Vars: []envEntry{
		{Key: v.secretKeyEnv, Example: "change-me", Secret: true},
		{Key: "DEBUG", Example: "False"},
		{Key: v.hostsEnv, Example: hosts},
	}})
	if v.Postgres {
		v.EnvGroups = append(v.EnvGroups, envGroup{Title: "PostgreSQL (the db service creates this database and user on first start)", Vars: []envEntry{
			{Key: "POSTGRES_DB", Example: user},
			{Key: "POSTGRES_USER", Example: user},
			{Key: "POSTGRES_PASSWORD", Example: "change-me", Secret: true},
		}})
	}
	if v.MySQL {
		v.EnvGroups = append(v.EnvGroups, envGroup{Title: "MySQL (the db service creates this database and user on first start)", Vars: []envEntry{
			{Key: "MYSQL_DATABASE", Example: user},
			{Key: "MYSQL_USER", Example: user},
			{Key: "MYSQL_PASSWORD", Example: "change-me", Secret: true},
			{Key: "MYSQL_ROOT_PASSWORD", Example: "change-me", Secret: true},
		}})
	}
	ports := []envEntry{{Key: "WEB_PUBLISH_PORT", Example: fmt.Sprint(c.Port)}}
	if v.Postgres {
		ports = append(ports, envEntry{Key: "POSTGRES_PUBLISH_PORT", Example: "5432"})
	}
	if v.MySQL {
		ports = append(ports, envEntry{Key: "MYSQL_PUBLISH_PORT", Example: "3306"})
	}
	if v.Redis {
		ports = append(ports, envEntry{Key: "REDIS_PUBLISH_PORT", Example: "6379"})
	}
	if v.Mail {
		ports = append(ports, envEntry{Key: "MAIL_PUBLISH_PORT", Example: "8025"})
	}
	v.EnvGroups = append(v.EnvGroups, envGroup{Title: "Ports published on this machine", Vars: ports})
}

// exampleEnv is the environment compose sees when validating with .env.example.
func (v *view) exampleEnv() map[string]string {
	env := map[string]string{}
	for _, g := range v.EnvGroups {
		for _, e := range g.Vars {
			env[e.Key] = e.Example
		}
	}
	return env
}

// freshEnv is .env: the example with every secret replaced by a new random value.
func (v *view) freshEnv(r io.Reader) (envView, error) {
	if r == nil {
		r = rand.Reader
	}
	var out envView
	for _, g := range v.EnvGroups {
		ng := envGroup{Title: g.Title}
		for _, e := range g.Vars {
			if e.Secret {
				s, err := secret(r, 50)
				if err != nil {
					return envView{}, fmt.Errorf("generate secrets for .env: %w", err)
				}
				e.Example = s
			}
			ng.Vars = append(ng.Vars, e)
		}
		out.Groups = append(out.Groups, ng)
	}
	return out, nil
}

// secretAlphabet avoids characters that need quoting in .env files, URLs or shells.
const secretAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func secret(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	out := make([]byte, 0, n)
	for len(out) < n {
		if _, err := io.ReadFull(r, b); err != nil {
			return "", err
		}
		for _, x := range b {
			// Rejection sampling keeps every character equally likely.
			if int(x) < 256-256%len(secretAlphabet) && len(out) < n {
				out = append(out, secretAlphabet[int(x)%len(secretAlphabet)])
			}
		}
	}
	return string(out), nil
}

// patch decides the settings block and what collectstatic needs.
func (v *view) patch(p *detect.Project, c config.Config) {
	d := p.Django
	file := settingsFile(p)
	v.Patch = patchView{
		Path:           file,
		BeginMarker:    django.OwnBlockBegin,
		EndMarker:      django.OwnBlockEnd,
		SecretKeyEnv:   v.secretKeyEnv,
		HostsEnv:       v.hostsEnv,
		PostgresEngine: "django.db.backends.postgresql",
		SettingsDepth:  strings.Count(relTo(p.AppRoot, path.Dir(file)), "/") + 1,
	}
	if d.Database == "postgis" {
		v.Patch.PostgresEngine = "django.contrib.gis.db.backends.postgis"
	}
	if relTo(p.AppRoot, path.Dir(file)) == "" || path.Dir(file) == p.AppRoot {
		v.Patch.SettingsDepth = 0
	}
	if v.Redis {
		switch {
		case p.Has("django-redis") || hasVenv(p, "django-redis"):
			v.Patch.Cache, v.Patch.CacheBackend = true, "django_redis.cache.RedisCache"
		case p.Has("redis") || p.Has("hiredis"):
			v.Patch.Cache, v.Patch.CacheBackend = true, "django.core.cache.backends.redis.RedisCache"
		}
		v.Patch.ChannelLayer = p.Has("channels-redis")
	}
	v.Patch.Celery = p.Has("celery")
	v.Patch.Mail = v.Mail
	v.Patch.StaticRoot = !d.StaticRoot
	v.Patch.Whitenoise = !d.Whitenoise

	v.Collectstatic = d.StaticRoot || c.SettingsPatch
	if !v.Collectstatic {
		v.Notes = append(v.Notes, "STATIC_ROOT is not set, so the image does not collect static files; accept the settings block or set STATIC_ROOT")
	} else if !d.Whitenoise && !c.SettingsPatch {
		v.Notes = append(v.Notes, "static files are collected but nothing serves them (no whitenoise); serve STATIC_ROOT from a web server or add whitenoise")
	}
	// The settings may insist on their key, and on a database URL, at import time.
	v.CollectstaticEnv = v.secretKeyEnv + "=collectstatic-only"
	if d.DatabaseFromEnv && d.DatabaseURLEnv != "" {
		v.CollectstaticEnv += " " + d.DatabaseURLEnv + "=sqlite:////tmp/collectstatic.sqlite3"
	}
	if c.SettingsPatch {
		v.Notes = append(v.Notes, fmt.Sprintf("%s gets a marked block that reads SECRET_KEY, DEBUG, ALLOWED_HOSTS and DATABASE_URL from the environment", file))
	}
}

// settingsFile is the file DJANGO_SETTINGS_MODULE names, relative to the project root.
func settingsFile(p *detect.Project) string {
	d := p.Django
	mod := strings.ReplaceAll(d.SettingsModule, ".", "/")
	candidates := []string{mod + ".py", mod + "/__init__.py"}
	for _, c := range candidates {
		full := path.Join(p.AppRoot, c)
		for _, f := range d.SettingsFiles {
			if f == full || strings.HasSuffix(f, "/"+c) {
				return f
			}
		}
	}
	if n := len(d.SettingsFiles); n > 0 {
		return d.SettingsFiles[n-1]
	}
	return path.Join(p.AppRoot, candidates[0])
}
