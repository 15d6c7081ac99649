package detect

import (
	"slices"
	"strings"
)

// redisQueues are task queues and layers that reach redis through settings of their own.
var redisQueues = []string{"celery", "rq", "django-rq", "huey", "django-huey", "dramatiq", "django-q", "django-q2", "channels-redis"}

// redisUnread says why a redis that only the dependencies name would be started for
// nothing: the settings were read, and no setting, variable or task queue points at redis.
// It is "" when something may use it (or the settings could not be read).
func redisUnread(p *Project) string {
	d := p.Django
	if d == nil || len(d.SettingsFiles) == 0 {
		return ""
	}
	for _, e := range d.EnvReads {
		// A redis variable that is unset by default (REDIS_HOST = os.getenv("REDIS_HOST"),
		// used under `if REDIS_HOST:`) makes redis optional; a port, user or password says
		// nothing about whether it is used.
		if e.Service == "redis" && (e.Required || e.Default != "" && !redisDetail(e.Name, e.Kind)) {
			return ""
		}
	}
	// A family the settings set but that could not be read might be redis.
	unknown := func(family, source string) bool { return family == "" && source != "" }
	if d.Cache == "redis" || unknown(d.Cache, d.CacheSource) || d.CeleryBroker == "redis" ||
		d.ChannelLayer == "redis" || d.CeleryResultBackend == "redis" {
		return ""
	}
	for _, n := range d.Notes {
		if strings.Contains(n.Message, "CACHES") || strings.Contains(n.Message, "CHANNEL_LAYERS") || strings.Contains(n.Message, "BROKER") {
			return "" // a setting that names a service could not be read
		}
	}
	for _, q := range redisQueues {
		if p.Has(q) && !(q == "celery" && d.CeleryBroker != "") {
			return ""
		}
	}
	return "no setting reads a redis address (CACHES, the Celery broker, CHANNEL_LAYERS, or a variable such as REDIS_URL) and no task queue uses it, so no redis service is started; add redis to the services if the code connects to it itself"
}

// redisDetail reports whether a variable holds a detail of a redis connection (a port, a
// database number, a user or password) rather than whether or where to connect.
func redisDetail(name, kind string) bool {
	if kind == "int" || kind == "secret" {
		return true
	}
	for _, s := range []string{"_PORT", "_DB", "_USER", "_USERNAME", "_PASSWORD"} {
		if strings.HasSuffix(strings.ToUpper(name), s) {
			return true
		}
	}
	return false
}

// untrackedSettings warns about settings files git does not track (a local_settings.py
// kept out of git): an image built here copies them in, one built from a clone fails to
// import them or runs without them.
func untrackedSettings(p *Project, tracked map[string]bool) {
	d := p.Django
	if d == nil || len(tracked) == 0 {
		return
	}
	var warned []string
	for _, f := range append(slices.Clone(d.SettingsFiles), d.ImportedFiles...) {
		if !tracked[f] && !slices.Contains(warned, f) {
			warned = append(warned, f)
			p.warn("untracked-settings", f, f+" is read as settings but git does not track it: an image built here copies it in (with whatever it holds), one built from a clone or in CI does not have it; commit it without secrets, or read its values from the environment")
		}
	}
}
