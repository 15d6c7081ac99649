package django

import (
	"slices"
	"sort"
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// Mail is read as production runs it: a backend set only in an `if DEBUG:` branch is not
// the production backend (production then runs Django's default, SMTP); a queue such as
// django-mailer wraps the backend that really sends; an HTTP API provider (django-anymail,
// django-ses, SendGrid's backends) sends without SMTP. Whether the settings send over SMTP
// decides the development mail catcher (see detect's mail service).

// findEmailURL remembers the first call outside a DEBUG branch that reads the mail
// settings from a URL: env.email_url() / env.email() (django-environ) or
// dj_email_url.config() / parse().
func (s *settings) findEmailURL(file string, v pyscan.Value, guard string) {
	if s.emailURL != nil || debugGuard(guard) > 0 {
		return
	}
	budget := 10000
	v.Walk(func(x pyscan.Value) bool {
		budget--
		if s.emailURL != nil || budget <= 0 {
			return false
		}
		if x.Kind == pyscan.CallExpr && isEmailURLCall(x.Func) {
			s.emailURL = &urlCall{x, origin{file, x.Line}}
			return false
		}
		return true
	})
}

func isEmailURLCall(f string) bool {
	if f == "dj_email_url.config" || f == "dj_email_url.parse" {
		return true
	}
	i := strings.LastIndexByte(f, '.')
	if i <= 0 {
		return false
	}
	recv, method := strings.ToLower(f[:i]), f[i+1:]
	return method == "email_url" || method == "email" && strings.Contains(recv, "env")
}

// mailQueues are backends that store mail and hand it to another backend later: the
// setting naming that backend, and Django's default (SMTP) when it is unset.
var mailQueues = []struct {
	match, name string
	inner       []string // setting, then dict keys
}{
	{"mailer.backend", "django-mailer", []string{"MAILER_EMAIL_BACKEND"}},
	{"post_office", "django-post-office", []string{"POST_OFFICE", "BACKENDS", "default"}},
	{"djcelery_email", "django-celery-email", []string{"CELERY_EMAIL_BACKEND"}},
}

// mailProviders are backends that send through an HTTP API, and the prefixes of the
// settings that configure them.
var mailProviders = []struct {
	match, name string
	prefixes    []string
}{
	{"anymail.backends.", "anymail", []string{"ANYMAIL"}},
	{"django_ses", "amazon-ses", []string{"AWS_SES_", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}},
	{"sgbackend", "sendgrid", []string{"SENDGRID_"}},
	{"sendgrid_backend", "sendgrid", []string{"SENDGRID_"}},
	{"postmarker", "postmark", []string{"POSTMARK"}},
	{"django_mailgun", "mailgun", []string{"MAILGUN_"}},
}

func (r *reader) email(s *settings, apps []listItem) {
	backend, src, debugOnly, set := "", origin{}, false, false
	if _, b := r.setting(s, "EMAIL_BACKEND"); b != nil {
		set, src, debugOnly = true, b.at, b.debugOnly
		if t, ok := text(s.resolve(b.val)); ok {
			backend = t
			r.info.EmailBackend, r.info.EmailBackendSource = emailFamily(t), b.at.String()
		} else if s.emailURL == nil {
			r.note(b.at.String(), "EMAIL_BACKEND cannot be read without running the code: %s", describe(b.at.file, b.val))
		}
		if debugOnly {
			r.info.EmailBackendDebugOnly = true
			backend, set = "", false // production runs Django's default
		}
	}
	r.emailHost(s)
	r.emailURL(s)
	defer r.emailAlternatives(s, backend != "" && emailFamily(backend) == "smtp", !set)

	// Unwrap queues to the backend that sends.
	prod, queue := backend, ""
	for range mailQueues {
		found := false
		for _, q := range mailQueues {
			if !strings.Contains(prod, q.match) {
				continue
			}
			found, queue, prod = true, q.name, ""
			if _, b := s.get(q.inner[0]); b != nil {
				if v, ok := getPath(s.resolve(b.val), q.inner[1:]); ok {
					if t, ok := text(s.resolve(v)); ok {
						prod = t
					}
				}
			}
			break
		}
		if !found {
			break
		}
		if prod == "" {
			prod = "django.core.mail.backends.smtp.EmailBackend" // the queues' default
		}
	}

	for _, p := range mailProviders {
		if !strings.Contains(prod, p.match) {
			continue
		}
		name := p.name
		if p.name == "anymail" {
			rest := prod[strings.Index(prod, p.match)+len(p.match):]
			name += ":" + strings.SplitN(rest, ".", 2)[0]
		}
		r.info.EmailProvider, r.info.EmailProviderSource = name, src.String()
		r.info.EmailProviderEnv = providerEnv(s, p.prefixes)
		return
	}
	if it, ok := find(apps, func(a string) bool { return a == "anymail" }); ok && prod == "" && set {
		r.note(it.at.String(), "anymail is installed but EMAIL_BACKEND is not an anymail backend; it sends nothing")
	}

	via := ""
	if queue != "" {
		via = " through " + queue
	}
	switch {
	case set && prod != "" && emailFamily(prod) == "smtp":
		r.info.EmailSMTP = "EMAIL_BACKEND sends mail over SMTP" + via
		r.info.EmailSMTPSource = src.String()
	case set && prod != "":
		// console, file, locmem, dummy or a backend of its own: no SMTP server.
	case s.emailURL != nil && r.info.EmailURLEnv != "" && backend == "":
		url := ""
		if _, def, ok := pyscan.EnvDefault(s.emailURL.v); ok {
			url = def
		}
		switch scheme := urlScheme(url); scheme {
		case "", "smtp", "smtps", "submission", "smtp+tls", "smtp+ssl":
			r.info.EmailSMTP = "the mail settings are read from $" + r.info.EmailURLEnv + ", an SMTP URL" + via
			r.info.EmailSMTPSource = s.emailURL.at.String()
			if r.info.EmailBackend == "" {
				r.info.EmailBackend, r.info.EmailBackendSource = "smtp", s.emailURL.at.String()
			}
		}
	case r.info.EmailHostSource != "" && (r.info.EmailHostEnv != "" || !isLocalHost(r.info.EmailHost)):
		why := "EMAIL_HOST is set and Django's default backend sends mail over SMTP"
		if debugOnly {
			why = "EMAIL_BACKEND is only set when DEBUG is on; in production Django's default backend sends mail over SMTP to EMAIL_HOST"
		}
		r.info.EmailSMTP, r.info.EmailSMTPSource = why+via, r.info.EmailHostSource
	}
}

// emailHost reads EMAIL_HOST: a literal, or the variable it is read from and its default.
func (r *reader) emailHost(s *settings) {
	_, b := s.get("EMAIL_HOST")
	if b == nil || b.debugOnly {
		return
	}
	v := s.resolve(b.val)
	if name, def, ok := pyscan.EnvDefault(v); ok {
		r.info.EmailHost, r.info.EmailHostEnv, r.info.EmailHostSource = def, name, b.at.String()
	} else if t, ok := text(v); ok {
		r.info.EmailHost, r.info.EmailHostSource = t, b.at.String()
	}
}

func (r *reader) emailURL(s *settings) {
	if s.emailURL == nil {
		return
	}
	// The URL may be a setting read earlier: EMAIL_URL = os.environ.get("EMAIL_URL"), then
	// dj_email_url.parse(EMAIL_URL or "").
	s.emailURL.v = s.inline(s.emailURL.v, 4)
	if name, _, ok := pyscan.EnvDefault(s.emailURL.v); ok && name != "" {
		r.info.EmailURLEnv, r.info.EmailURLSource = name, s.emailURL.at.String()
	}
}

// inline replaces the setting names in v with the values they hold, depth times over.
func (s *settings) inline(v pyscan.Value, depth int) pyscan.Value {
	if depth <= 0 {
		return v
	}
	if v.Kind == pyscan.Name {
		if b := s.vars[v.Str]; b != nil && b.val.Kind != pyscan.Name {
			return s.inline(b.val, depth-1)
		}
		return v
	}
	out := v
	inlineAll := func(vs []pyscan.Value) []pyscan.Value {
		if len(vs) == 0 {
			return vs
		}
		c := make([]pyscan.Value, len(vs))
		for i, x := range vs {
			c[i] = s.inline(x, depth)
		}
		return c
	}
	out.Args, out.Items = inlineAll(v.Args), inlineAll(v.Items)
	if v.Left != nil && v.Kind != pyscan.CallExpr {
		l := s.inline(*v.Left, depth)
		out.Left = &l
	}
	if v.Right != nil {
		r := s.inline(*v.Right, depth)
		out.Right = &r
	}
	return out
}

// emailAlternatives finds SMTP where the value production or development runs is not
// the one read above: EMAIL_BACKEND (or Django's MAILERS["default"]) switched to SMTP in a
// branch the configuration selects (`if env.bool("ENABLE_EMAIL"):`, `if
// os.getenv("EMAIL_HOST"):`), a backend set only inside an if (Django's default, SMTP,
// runs otherwise), or SMTP set in the `if DEBUG:` branch (development then sends over
// SMTP, which the mail catcher receives).
func (r *reader) emailAlternatives(s *settings, prodSMTP, defaultBackend bool) {
	if r.info.EmailSMTP != "" {
		return
	}
	// EMAIL_HOST taken from the deployment's own configuration (NetBox's
	// EMAIL = getattr(configuration, "EMAIL", {}); EMAIL_HOST = EMAIL.get("SERVER")): the
	// operator names the server, and Django's default backend sends to it.
	if _, b := s.get("EMAIL_HOST"); b != nil && defaultBackend && !b.cond && r.info.EmailHostSource == "" {
		if v := s.resolve(b.val); v.Kind == pyscan.CallExpr || v.Kind == pyscan.Subscript || v.Kind == pyscan.Attribute {
			r.info.EmailSMTP = "EMAIL_HOST is read from the deployment's configuration and Django's default backend sends mail over SMTP"
			r.info.EmailSMTPSource = b.at.String()
			return
		}
	}
	smtp := func(v pyscan.Value, keys ...string) bool {
		if len(keys) > 0 {
			// MAILERS: its OPTIONS name the host, which is localhost when unset (the
			// machine's own mail server, as for EMAIL_HOST).
			host, ok := getPath(s.resolve(v), []string{keys[0], "OPTIONS", "host"})
			if !ok || !s.readsEnv(host) {
				if t, _ := text(s.resolve(host)); isLocalHost(t) {
					return false
				}
			}
			if v, ok = getPath(s.resolve(v), keys); !ok {
				return false
			}
		}
		t, ok := text(s.resolve(v))
		return ok && emailFamily(t) == "smtp"
	}
	found := func(why string, at origin) {
		r.info.EmailSMTP, r.info.EmailSMTPSource = why, at.String()
	}
	for _, setting := range []struct {
		name string
		keys []string
	}{{"EMAIL_BACKEND", nil}, {"MAILERS", []string{"default", "BACKEND"}}} {
		_, b := s.get(setting.name)
		if b == nil {
			continue
		}
		if !b.debugOnly && len(setting.keys) > 0 && smtp(b.val, setting.keys...) {
			found(setting.name+"' default backend sends mail over SMTP", b.at)
			return
		}
		for _, a := range b.alts {
			keys := setting.keys
			if len(a.keys) > 0 {
				if len(a.keys) > len(keys) || !slices.Equal(a.keys, keys[:len(a.keys)]) {
					continue
				}
				keys = keys[len(a.keys):]
			}
			if !a.debug && smtp(a.val, keys...) {
				found(setting.name+" is set to an SMTP backend when the condition of its branch holds", a.at)
				return
			}
		}
		if setting.name != "EMAIL_BACKEND" {
			continue
		}
		if b.cond && !b.debugOnly && !b.prodBranch && r.info.EmailHostSource != "" &&
			(r.info.EmailHostEnv != "" || !isLocalHost(r.info.EmailHost)) {
			r.info.EmailSMTP = "EMAIL_BACKEND is only set inside an if; otherwise Django's default backend sends mail over SMTP to EMAIL_HOST"
			r.info.EmailSMTPSource = r.info.EmailHostSource
			return
		}
		if prodSMTP {
			continue
		}
		const why = "EMAIL_BACKEND is SMTP when DEBUG is on: development sends mail over SMTP"
		if b.debugOnly && smtp(b.val) {
			found(why, b.at)
			return
		}
		for _, a := range b.alts {
			if a.debug && smtp(a.val) {
				found(why, a.at)
				return
			}
		}
	}
}

func isLocalHost(h string) bool {
	switch strings.ToLower(h) {
	case "", "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// providerEnv lists the variables the provider's settings read, sorted.
func providerEnv(s *settings, prefixes []string) []string {
	var out []string
	names := make([]string, 0, len(s.vars))
	for n := range s.vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(n, p) }) {
			continue
		}
		budget := 10000
		s.resolve(s.vars[n].val).Walk(func(x pyscan.Value) bool {
			budget--
			if name, _, ok := pyscan.EnvDefault(x); ok && name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
			return budget > 0
		})
	}
	return out
}

func emailFamily(backend string) string {
	switch b := strings.ToLower(backend); {
	case strings.Contains(b, "backends.smtp"):
		return "smtp"
	case strings.Contains(b, "backends.console"):
		return "console"
	case strings.Contains(b, "backends.filebased"):
		return "file"
	case strings.Contains(b, "backends.locmem"):
		return "locmem"
	case strings.Contains(b, "backends.dummy"):
		return "dummy"
	}
	return "other"
}
