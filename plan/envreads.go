package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/containerize/containerize/django"
)

// The variables the settings read (django.Info.EnvReads) under their own names: the compose
// services' addresses go to the variables that feed them, the ones nothing here can know go
// into .env as placeholders, and collectstatic at build time gets a throw-away value for
// each one the settings cannot be imported without.

// serviceEnv points the variables the settings read for a chosen service at it: a redis
// URL into SHOP_REDIS when that feeds CACHES, the mail host into the variable EMAIL_HOST
// reads. The database's variables are databaseKeys' and the URL's.
func serviceEnv(f *facts, s Compose, add func(k, val string)) {
	for _, e := range f.d.EnvReads {
		if !envName(e.Name) {
			continue
		}
		switch {
		case e.Service == "redis" && s.Redis:
			switch {
			case e.Kind == "int" || strings.HasSuffix(e.Name, "_PORT"):
				add(e.Name, `"6379"`)
			case e.Kind == "url":
				db := "1"
				if strings.Contains(e.Setting, "BROKER") || strings.HasPrefix(e.Setting, "CELERY_") {
					db = "0" // the broker's database, as CELERY_BROKER_URL gets
				}
				add(e.Name, `"redis://redis:6379/`+db+`"`)
			case strings.HasSuffix(e.Name, "_HOST"):
				add(e.Name, "redis")
			default:
				add(e.Name, `"redis://redis:6379/1"`)
			}
		case e.Service == "mail" && s.Mail:
			switch {
			case e.Kind == "url":
				add(e.Name, `"smtp://mail:1025"`)
			case e.Setting == "EMAIL_PORT":
				add(e.Name, `"1025"`)
			default:
				add(e.Name, "mail")
			}
		}
	}
}

// settingsGroup is the .env group of variables the settings read that neither compose nor
// the other groups set: required ones as empty placeholders to fill in, the others written
// commented out. set says which names are already given a value.
func settingsGroup(f *facts, set func(string) bool) (EnvGroup, bool) {
	g := EnvGroup{Title: settingsGroupTitle}
	for _, e := range f.d.EnvReads {
		if !envName(e.Name) || set(e.Name) || e.HasDefault && !e.Required && e.Default != "" {
			continue
		}
		if e.HasDefault && !e.Required && e.Default == "" && e.Kind != "secret" {
			continue // an optional switch that is off without it
		}
		what := "required: the settings cannot be imported without it"
		if !e.Required {
			what = "optional"
		}
		setting := e.Setting
		if setting == "" {
			setting = "read" // by a call such as sentry_sdk.init(dsn=…)
		}
		g.Vars = append(g.Vars, EnvEntry{Key: e.Name, Example: requiredExample(e),
			Comment: fmt.Sprintf("%s (%s, %s), %s", setting, e.Kind, e.Source, what), Optional: !e.Required})
	}
	return g, len(g.Vars) > 0
}

// requiredExample is the .env value of a required variable nothing else sets: "False" for
// a switch, empty for what only the user knows.
func requiredExample(e django.EnvRead) string {
	if e.Kind == "bool" {
		return "False"
	}
	return ""
}

// buildEnv adds to collectstatic's environment a placeholder for every variable the
// settings require at import that it does not set yet. They exist for that one RUN: the
// running container gets the real ones from .env.
func buildEnv(d *django.Info, env string) string {
	has := func(name string) bool {
		return slices.ContainsFunc(strings.Fields(env), func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
	}
	for _, e := range d.RequiredEnv() {
		if !envName(e.Name) || has(e.Name) {
			continue
		}
		env += " " + e.Name + "=" + buildPlaceholder(e)
	}
	return env
}

// buildPlaceholder is a value that lets the settings import without reaching anything:
// collectstatic opens no connection.
func buildPlaceholder(e django.EnvRead) string {
	switch {
	case e.Setting == "DATABASES" && e.Key == "":
		return "sqlite:////tmp/collectstatic.sqlite3"
	case e.Setting == "DATABASES" && e.Key == "PORT", e.Kind == "int":
		if e.Service == "redis" {
			return "6379"
		}
		if e.Key == "PORT" {
			return "5432"
		}
		return "0"
	case e.Setting == "DATABASES" && e.Key == "HOST":
		return "localhost"
	case e.Kind == "bool":
		return "False"
	case e.Kind == "list":
		return "localhost"
	case e.Service == "redis" && e.Kind == "url", e.Service == "redis" && !strings.HasSuffix(e.Name, "_HOST"):
		return "redis://localhost:6379/0"
	case e.Setting == "CACHES":
		return "locmemcache://"
	case e.Kind == "url" && strings.HasPrefix(e.Setting, "EMAIL"):
		return "consolemail://"
	case e.Kind == "url" && (strings.Contains(e.Setting, "BROKER") || strings.HasPrefix(e.Setting, "CELERY_")):
		return "memory://"
	case e.Kind == "url":
		return "http://build-placeholder.invalid/"
	}
	return "build-placeholder"
}

// devRedirectsOff turns off, in the development stack, the production switches the
// settings read from the environment that would make http://localhost unusable:
// SECURE_SSL_REDIRECT (a redirect to https, which runserver does not speak) and secure-only
// cookies (the admin login would never keep its session over http). "0" is off to
// env.bool, decouple's bool cast, int() and comparisons with "True" or "1" alike.
func devRedirectsOff(f *facts) []EnvVar {
	var out []EnvVar
	for _, e := range f.d.EnvReads {
		switch e.Setting {
		case "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE":
			if envName(e.Name) && !slices.ContainsFunc(out, func(v EnvVar) bool { return v.Key == e.Name }) {
				out = append(out, EnvVar{e.Name, `"0"`})
			}
		}
	}
	return out
}

// redirectNote says what SECURE_SSL_REDIRECT does to http://localhost, "" when it is off.
func redirectNote(f *facts) string {
	d := f.d
	switch {
	case d.SSLRedirectSource == "":
		return ""
	case d.SSLRedirectEnv != "" && envName(d.SSLRedirectEnv):
		return fmt.Sprintf("SECURE_SSL_REDIRECT is on (%s): the development stack sets %s=0 so http://localhost:%d answers; the production stack redirects it to https, so put a TLS proxy in front (one that sets the header SECURE_PROXY_SSL_HEADER names), or set %s=0 in .env to try it over http", d.SSLRedirectSource, d.SSLRedirectEnv, f.c.Port, d.SSLRedirectEnv)
	}
	return fmt.Sprintf("SECURE_SSL_REDIRECT is on (%s) and not read from the environment: http://localhost:%d redirects to https, in the development stack too; read it from the environment (SECURE_SSL_REDIRECT = os.environ.get(\"DJANGO_SECURE_SSL_REDIRECT\", \"1\") == \"1\") to turn it off there", d.SSLRedirectSource, f.c.Port)
}

// settingsGroupTitle names the .env group settingsGroup writes.
const settingsGroupTitle = "Read by the settings; containerize cannot know these values: fill them in"

// placeholderNote names the required variables .env holds only an empty placeholder for.
func placeholderNote(groups []EnvGroup) []string {
	var names []string
	for _, g := range groups {
		if g.Title != settingsGroupTitle {
			continue
		}
		for _, e := range g.Vars {
			if !e.Optional && e.Example == "" {
				names = append(names, e.Key)
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("the settings require %s, with no default, and only you know the value: .env sets it empty, with a comment naming the setting and where it is read; fill it in", strings.Join(names, ", "))}
}
