// Package django reads a Django project without running it: it finds manage.py, follows
// DJANGO_SETTINGS_MODULE as manage.py / wsgi.py / asgi.py set it, and scans the settings
// module (or package) for the facts a container setup needs, each with its evidence.
package django

// OwnBlockBegin and OwnBlockEnd mark the block `containerize init` appends to a settings
// module. What lies between them is not the project's own settings, so Read skips it.
const (
	OwnBlockBegin = "# >>> containerize: settings from the environment >>>"
	OwnBlockEnd   = "# <<< containerize <<<"
)

// Info is what the settings say. Every Source field is "path:line" relative to the scanned
// root; an empty Source means the fact was not found.
type Info struct {
	// ManagePy is the path of manage.py relative to the scanned root.
	ManagePy string `json:"manage_py"`
	// SettingsModule is the dotted module DJANGO_SETTINGS_MODULE names ("config.settings").
	SettingsModule       string `json:"settings_module"`
	SettingsModuleSource string `json:"settings_module_source"`
	// SettingsCopy is set when the chosen module exists only in the project's own image:
	// its Dockerfile copies a file of the project (From) to the module's path (To, relative
	// to the folder the settings are imported from), so the image containerize writes must
	// copy it too.
	SettingsCopy *FileCopy `json:"settings_copy,omitempty"`
	// SettingsCandidates are every settings module the project names or holds beside one
	// it names, best first (see compareCandidates), with their evidence; the one read is
	// Chosen. The image runs SettingsModule, the chosen one.
	SettingsCandidates []SettingsCandidate `json:"settings_candidates"`
	// SettingsFiles are the files read for settings, in the order they were read
	// (a package's __init__.py, then what it star-imports, e.g. base.py then production.py).
	SettingsFiles []string `json:"settings_files"`
	// SettingsFile is the file DJANGO_SETTINGS_MODULE resolves to (a package's __init__.py,
	// the first of SettingsFiles) and SettingsRoot the folder it is imported from (manage.py's
	// folder, a folder manage.py puts on sys.path, or src/); both "" when it was not found.
	// Not printed by detect --json, whose settings_files already lists the file first.
	SettingsFile string `json:"-"`
	SettingsRoot string `json:"-"`

	// WSGIApplication / ASGIApplication are "module.path:callable", nil when not configured.
	WSGIApplication       *string `json:"wsgi_application"`
	WSGIApplicationSource string  `json:"wsgi_application_source,omitempty"`
	ASGIApplication       *string `json:"asgi_application"`
	ASGIApplicationSource string  `json:"asgi_application_source,omitempty"`

	// StaticRoot is true when STATIC_ROOT is set (collectstatic has somewhere to write).
	StaticRoot       bool   `json:"static_root"`
	StaticRootSource string `json:"static_root_source,omitempty"`
	// StaticURL is STATIC_URL as written ("/static/" or "static/").
	StaticURL string `json:"static_url,omitempty"`
	// Whitenoise is true when whitenoise is in MIDDLEWARE, INSTALLED_APPS or STORAGES.
	Whitenoise       bool   `json:"whitenoise"`
	WhitenoiseSource string `json:"whitenoise_source,omitempty"`
	// MediaRoot is MEDIA_ROOT's literal path part when it can be read ("media"), "" otherwise.
	MediaRoot       string `json:"media_root,omitempty"`
	MediaRootSource string `json:"media_root_source,omitempty"`

	InstalledApps []string `json:"installed_apps"`

	// Database is the engine family of DATABASES["default"]: postgres, postgis, mysql,
	// sqlite, oracle, or "" when unknown. It is also read from a DATABASE_URL default given
	// to dj-database-url or django-environ.
	Database       string `json:"database"`
	DatabaseSource string `json:"database_source,omitempty"`
	// DatabaseFromEnv is true when the database settings already come from the environment
	// (DATABASE_URL, os.environ[...] inside DATABASES).
	DatabaseFromEnv bool `json:"database_from_env"`
	// DatabaseEngineFromEnv is true when the engine itself is chosen at run time (a URL
	// read from the environment, an ENGINE read from it, a conditional replacement that
	// reads it), not only the name or host: then the deployment files may pick another one.
	DatabaseEngineFromEnv bool `json:"-"`
	// DatabaseEngineEnv is the variable DATABASES["default"]["ENGINE"] is read from ("" when
	// none): the deployment files' value for it names the production database.
	DatabaseEngineEnv string `json:"-"`

	// Cache is the CACHES default backend family: redis, memcached, locmem, db, file, dummy.
	Cache       string `json:"cache,omitempty"`
	CacheSource string `json:"cache_source,omitempty"`
	// CeleryBroker is the broker family (redis, amqp, or another URL scheme as written)
	// from CELERY_BROKER_URL or BROKER_URL, or from the Celery app's broker.
	CeleryBroker       string `json:"celery_broker,omitempty"`
	CeleryBrokerSource string `json:"celery_broker_source,omitempty"`
	// CeleryBrokerEnv is the variable the broker URL is read from, when it is.
	CeleryBrokerEnv string `json:"celery_broker_env,omitempty"`
	// CeleryResultBackend is CELERY_RESULT_BACKEND's scheme (redis, rpc, django-db …),
	// CeleryResultBackendEnv the variable it is read from, when it is.
	CeleryResultBackend       string `json:"celery_result_backend,omitempty"`
	CeleryResultBackendEnv    string `json:"celery_result_backend_env,omitempty"`
	CeleryResultBackendSource string `json:"celery_result_backend_source,omitempty"`
	// CeleryApp is what `celery -A` takes to find the Celery app: the package ("config")
	// when config/celery.py creates Celery(...), or the module ("config.celery_app") when
	// another file such as celery_app.py does.
	CeleryApp       string `json:"celery_app,omitempty"`
	CeleryAppSource string `json:"celery_app_source,omitempty"`
	// CeleryBeat is true when CELERY_BEAT_SCHEDULE is set or django_celery_beat is installed.
	CeleryBeat       bool   `json:"celery_beat"`
	CeleryBeatSource string `json:"celery_beat_source,omitempty"`
	// Tasks are the other task queues, django-compressor's offline mode and the file storage.
	Tasks Tasks `json:"tasks"`
	// ChannelLayer is the CHANNEL_LAYERS default backend family: redis, inmemory.
	ChannelLayer       string `json:"channel_layer,omitempty"`
	ChannelLayerSource string `json:"channel_layer_source,omitempty"`
	// EmailBackend is the EMAIL_BACKEND family: smtp, console, file, locmem, dummy, other.
	EmailBackend       string `json:"email_backend,omitempty"`
	EmailBackendSource string `json:"email_backend_source,omitempty"`
	// EmailBackendDebugOnly is true when EMAIL_BACKEND is set only inside an `if DEBUG:`
	// branch: production runs with Django's default, the SMTP backend.
	EmailBackendDebugOnly bool `json:"email_backend_debug_only,omitempty"`
	// EmailHost is EMAIL_HOST as written, or the default of the variable EmailHostEnv it
	// is read from.
	EmailHost       string `json:"email_host,omitempty"`
	EmailHostEnv    string `json:"email_host_env,omitempty"`
	EmailHostSource string `json:"email_host_source,omitempty"`
	// EmailURLEnv is the variable the mail settings are parsed from as a URL (django-environ's
	// env.email_url(), dj-email-url), EmailURLSource where.
	EmailURLEnv    string `json:"email_url_env,omitempty"`
	EmailURLSource string `json:"email_url_source,omitempty"`
	// EmailSMTP says why the production settings send mail over SMTP ("" when they do not
	// or it cannot be told): an SMTP EMAIL_BACKEND, also behind a queue (django-mailer,
	// django-post-office, django-celery-email), Django's default backend with EMAIL_HOST
	// configured, or an smtp:// EMAIL_URL. EmailSMTPSource is its evidence.
	EmailSMTP       string `json:"email_smtp,omitempty"`
	EmailSMTPSource string `json:"email_smtp_source,omitempty"`
	// EmailProvider is the HTTP API that sends the mail when one does ("anymail:mailgun",
	// "amazon-ses", "sendgrid"), EmailProviderSource where; EmailProviderEnv are the
	// variables its settings (ANYMAIL, SENDGRID_API_KEY, AWS_SES_…) read.
	EmailProvider       string   `json:"email_provider,omitempty"`
	EmailProviderSource string   `json:"email_provider_source,omitempty"`
	EmailProviderEnv    []string `json:"email_provider_env,omitempty"`

	// SecretKeyHardcoded is true when SECRET_KEY is a literal string (not read from the
	// environment); DebugHardcoded when DEBUG = True literally.
	SecretKeyHardcoded bool   `json:"secret_key_hardcoded"`
	SecretKeySource    string `json:"secret_key_source,omitempty"`
	DebugHardcoded     bool   `json:"debug_hardcoded"`
	DebugSource        string `json:"debug_source,omitempty"`
	// DebugEnv is the variable DEBUG is read from ("" when it is not), and DebugOn the value
	// the settings compare it with to turn DEBUG on ("True" for `== "True"`; "" when the
	// value is taken as it is, as env.bool("DEBUG") does).
	DebugEnv string `json:"debug_env,omitempty"`
	DebugOn  string `json:"debug_on,omitempty"`
	// AllowedHostsSource is where ALLOWED_HOSTS is set; AllowedHostsFromEnv when it reads
	// the environment.
	AllowedHostsSource  string `json:"allowed_hosts_source,omitempty"`
	AllowedHostsFromEnv bool   `json:"allowed_hosts_from_env"`

	// SettingsErrors are the settings files Python 3 would refuse to compile (a syntax
	// error, Python 2 code, bytes that are not text), each with the first reason and its
	// "path:line". Facts are still read from them; init appends nothing to them.
	SettingsErrors []Note `json:"settings_errors,omitempty"`

	// ConfigurationClass is the django-configurations class the settings were read from
	// ("Prod"), "" when the settings are not such classes. Its attributes override
	// whatever the module sets at module level, an appended block included.
	ConfigurationClass string `json:"configuration_class,omitempty"`

	// OwnBlock is where the block containerize init appended starts ("path:line"), "" when
	// the settings have none.
	OwnBlock string `json:"own_block,omitempty"`

	// SecretKeyEnv is the environment variable SECRET_KEY is read from ("" when it is not).
	SecretKeyEnv string `json:"secret_key_env,omitempty"`
	// DatabaseURLEnv is the variable DATABASES["default"] is parsed from as a URL
	// (DATABASE_URL, usually); DatabaseEnv maps the keys of DATABASES["default"] (HOST,
	// PORT, NAME, USER, PASSWORD) to the variables they are read from.
	DatabaseURLEnv string            `json:"database_url_env,omitempty"`
	DatabaseEnv    map[string]string `json:"database_env,omitempty"`
	// AllowedHostsEnv is the variable ALLOWED_HOSTS is read from, when it is read as one.
	AllowedHostsEnv string `json:"allowed_hosts_env,omitempty"`
	// AllowedHostsSeparator is " " when the variable is split on whitespace; "" means commas.
	AllowedHostsSeparator string `json:"allowed_hosts_separator,omitempty"`

	// EnvReads are the environment variables the settings read, in the order read.
	EnvReads []EnvRead `json:"env_reads"`
	// AllowedHosts are ALLOWED_HOSTS' entries when they are written as literals (nil when the
	// setting is unset, read from the environment or not readable).
	AllowedHosts []string `json:"allowed_hosts,omitempty"`
	// ProxySSLHeader is SECURE_PROXY_SSL_HEADER as written: the META name and the value
	// that marks a request as https (["HTTP_X_FORWARDED_PROTO", "https"]).
	ProxySSLHeader []string `json:"proxy_ssl_header,omitempty"`
	// SSLRedirectSource is where SECURE_SSL_REDIRECT turns on (literally, or by default
	// when read from the environment); SSLRedirectEnv the variable that can turn it off.
	SSLRedirectSource string `json:"ssl_redirect_source,omitempty"`
	SSLRedirectEnv    string `json:"ssl_redirect_env,omitempty"`
	// ImportedFiles are the project's files the settings import at module level (read as
	// settings or not, as development settings are not); the files Python needs to import them.
	ImportedFiles []string `json:"-"`
	// MissingModules are project modules the settings import that are not in the tree.
	MissingModules []MissingModule `json:"missing_modules,omitempty"`

	// Notes are things a person should know (a settings module that could not be found, a
	// value that could not be read statically), each with its evidence.
	Notes []Note `json:"notes"`
}

// Note is one message about the Django project with its evidence.
type Note struct {
	Message string `json:"message"`
	Source  string `json:"source"`
}

// FileCopy is a file of the project copied to another path in an image, with the evidence.
type FileCopy struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Source string `json:"source"`
}
