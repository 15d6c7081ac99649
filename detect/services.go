package detect

import (
	"fmt"
	"maps"
	"slices"
)

// depService is the service a dependency (normalised name) implies, "" for none.
func depService(dep string) Service {
	switch dep {
	case "psycopg2", "psycopg2-binary", "psycopg", "psycopg-binary", "psycopg-c", "asyncpg":
		return ServicePostgres
	case "mysqlclient", "pymysql", "mysql-connector-python":
		return ServiceMySQL
	case "redis", "django-redis", "channels-redis", "hiredis", "rq", "django-rq", "rq-scheduler":
		return ServiceRedis
	case "celery":
		return ServiceCeleryWorker
	case "django-celery-beat":
		return ServiceCeleryBeat
	case "channels":
		return ServiceChannels
	}
	return ""
}

func isDatabase(svc Service) bool { return svc == ServicePostgres || svc == ServiceMySQL }

// settingsDatabase is the database family the settings (or, for settings that read it
// from the environment, the project's deployment files: deployedDatabase) name.
func settingsDatabase(p *Project) string {
	if p.Django == nil {
		return ""
	}
	return p.Django.Database
}

func sameDatabase(svc Service, family string) bool {
	return svc == ServicePostgres && (family == "postgres" || family == "postgis") || svc == ServiceMySQL && family == "mysql"
}

func dbURLEnv(p *Project) string {
	if p.Django != nil && p.Django.DatabaseURLEnv != "" {
		return p.Django.DatabaseURLEnv
	}
	return "DATABASE_URL"
}

// dependencies returns the declared dependencies, or for a legacy project what its
// virtualenv has installed.
func (p *Project) dependencies() []Dependency {
	if len(p.Dependencies) > 0 {
		return p.Dependencies
	}
	return p.VenvPackages
}

// findServices reads the services from the settings first (they say what is used) and
// then from the dependencies (they say what could be).
func findServices(p *Project) {
	found := map[Service]Finding{}
	add := func(svc Service, source, detail string) {
		if _, ok := found[svc]; !ok && source != "" {
			found[svc] = Finding{Name: string(svc), Source: source, Detail: detail}
		}
	}
	if d := p.Django; d != nil {
		switch d.Database {
		case "postgres", "postgis":
			add(ServicePostgres, d.DatabaseSource, "DATABASES uses "+d.Database)
		case "mysql":
			add(ServiceMySQL, d.DatabaseSource, "DATABASES uses mysql")
		case "sqlite":
			add(ServiceSQLite, d.DatabaseSource, "DATABASES uses sqlite")
		}
		if d.Cache == "redis" {
			add(ServiceRedis, d.CacheSource, "CACHES uses redis")
		}
		if d.CeleryBroker == "redis" {
			add(ServiceRedis, d.CeleryBrokerSource, "the Celery broker is redis")
		}
		if d.ChannelLayer == "redis" {
			add(ServiceRedis, d.ChannelLayerSource, "CHANNEL_LAYERS uses redis")
		}
		if d.CeleryApp != "" {
			add(ServiceCeleryWorker, d.CeleryAppSource, "a Celery app is defined in "+d.CeleryApp)
		}
		if d.CeleryBeat {
			add(ServiceCeleryBeat, d.CeleryBeatSource, "periodic tasks are configured")
		}
		if d.ChannelLayer != "" {
			add(ServiceChannels, d.ChannelLayerSource, "CHANNEL_LAYERS is configured")
		}
		if slices.Contains(d.InstalledApps, "channels") || slices.Contains(d.InstalledApps, "daphne") {
			add(ServiceChannels, d.SettingsModuleSource, "channels is in INSTALLED_APPS")
		}
		if d.EmailSMTP != "" {
			// Mailpit stands in for the SMTP server in development.
			add(ServiceMail, d.EmailSMTPSource, d.EmailSMTP)
		}
	}
	if d := p.Django; d != nil {
		for _, er := range d.EnvReads {
			if er.Service == "redis" && isRedisURL(er.Default) {
				add(ServiceRedis, er.Source, "the settings read a redis address from $"+er.Name+" (default "+er.Default+")")
			} else if src, ok := p.composeRedis[er.Name]; ok {
				add(ServiceRedis, src, "the compose file sets $"+er.Name+", which the settings read at "+er.Source+", to a redis address")
			}
		}
	}
	if pr := p.beatCommand; pr != nil {
		add(ServiceCeleryBeat, pr.Source, beatDetail(*pr))
	}
	unreadRedis, warned := redisUnread(p), false
	for _, dep := range p.dependencies() {
		if svc := depService(dep.Name); svc == ServiceRedis && unreadRedis != "" && found[svc].Name == "" {
			if !warned {
				p.warn("redis-unread", dep.Source, dep.Name+" is declared but "+unreadRedis)
				warned = true
			}
		} else if db := settingsDatabase(p); isDatabase(svc) && db != "" {
			// A database driver names the server only when the settings do not: psycopg
			// beside sqlite settings is an option for later, not the project's database.
			if !sameDatabase(svc, db) && !slices.ContainsFunc(p.Warnings, func(w Finding) bool { return w.Name == "database-driver-unused" && w.Source == dep.Source }) {
				p.warn("database-driver-unused", dep.Source, fmt.Sprintf("%s is declared but the database is %s (%s); "+
					"no %s service is started (set $%s in .env.example or the compose file to use it)",
					dep.Name, db, p.Django.DatabaseSource, svc, dbURLEnv(p)))
			}
		} else if svc != "" {
			add(svc, dep.Source, "depends on "+dep.Name)
		}
	}
	for _, svc := range Services {
		if f, ok := found[svc]; ok {
			p.Services = append(p.Services, svc)
			p.ServiceEvidence = append(p.ServiceEvidence, f)
		}
	}
}

// syspkg is what one dependency needs from Debian: build packages (compilers are added
// with them) go into the build stage only, runtime packages (shared libraries, tools it
// runs) into the image; missing says why Debian cannot provide it.
type syspkg struct {
	dep            string
	build, runtime []string
	why            string
	missing        string
}

// depSystemPackages is the one map from dependencies to Debian packages. Names are
// bookworm's that trixie (which the python:*-slim images are built on since 3.9's last
// releases) still installs: its 64-bit time_t renames (libmagic1t64, libzbar0t64,
// libxmlsec1t64-openssl) provide the old names on 64-bit architectures. The LDAP library
// changed its name (libldap-2.5-0 → libldap2), so ldap-utils, in both, pulls in the right one.
var depSystemPackages = []syspkg{
	{dep: "psycopg2", build: []string{"libpq-dev"}, runtime: []string{"libpq5"}, why: "psycopg2 compiles against libpq (psycopg2-binary would not)"},
	{dep: "psycopg", runtime: []string{"libpq5"}, why: "psycopg 3 without the [binary] extra loads the system libpq"},
	{dep: "psycopg-c", build: []string{"libpq-dev"}, runtime: []string{"libpq5"}, why: "psycopg-c compiles against libpq"},
	{dep: "mysqlclient", build: []string{"default-libmysqlclient-dev", "pkg-config"}, runtime: []string{"libmariadb3"}, why: "mysqlclient compiles against the MySQL client library"},
	{dep: "pillow", build: []string{"libjpeg-dev", "zlib1g-dev"}, runtime: []string{"libjpeg62-turbo", "zlib1g"}, why: "Pillow needs libjpeg and zlib when it is built from source"},
	{dep: "lxml", build: []string{"libxml2-dev", "libxslt1-dev"}, runtime: []string{"libxml2", "libxslt1.1"}, why: "lxml links libxml2 and libxslt"},
	{dep: "xmlsec", build: []string{"libxmlsec1-dev", "libxml2-dev", "pkg-config"}, runtime: []string{"libxmlsec1-openssl"}, why: "xmlsec compiles against libxmlsec1 (OpenSSL backend)"},
	{dep: "python3-saml", build: []string{"libxmlsec1-dev", "libxml2-dev", "pkg-config"}, runtime: []string{"libxmlsec1-openssl"}, why: "python3-saml's xmlsec compiles against libxmlsec1"},
	{dep: "gdal", build: []string{"libgdal-dev"}, runtime: []string{"gdal-bin"}, why: "the GDAL bindings compile against libgdal"},
	{dep: "pycairo", build: []string{"libcairo2-dev"}, runtime: []string{"libcairo2"}, why: "pycairo compiles against cairo"},
	{dep: "cairosvg", runtime: []string{"libcairo2"}, why: "CairoSVG loads cairo at run time"},
	{dep: "python-magic", runtime: []string{"libmagic1"}, why: "python-magic loads libmagic at run time"},
	{dep: "pytesseract", runtime: []string{"tesseract-ocr"}, why: "pytesseract runs the tesseract program"},
	{dep: "pdf2image", runtime: []string{"poppler-utils"}, why: "pdf2image runs poppler's pdftoppm"},
	{dep: "pyzbar", runtime: []string{"libzbar0"}, why: "pyzbar loads libzbar at run time"},
	{dep: "weasyprint", runtime: []string{"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"}, why: "WeasyPrint loads Pango and HarfBuzz at run time"},
	{dep: "django-weasyprint", runtime: []string{"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"}, why: "WeasyPrint loads Pango and HarfBuzz at run time"},
	{dep: "uwsgi", build: []string{"libpcre2-dev"}, runtime: []string{"libpcre2-8-0"}, why: "uWSGI is built from source (a C compiler; PCRE for its routing)"},
	{dep: "python-ldap", build: []string{"libldap-dev", "libsasl2-dev"}, runtime: []string{"ldap-utils"}, why: "python-ldap compiles against OpenLDAP and Cyrus SASL"},
	{dep: "pdfkit", missing: "pdfkit runs wkhtmltopdf, which Debian trixie (the python:*-slim base) no longer packages; install wkhtmltopdf's own .deb in the Dockerfile or move to WeasyPrint"},
	{dep: "django-wkhtmltopdf", missing: "django-wkhtmltopdf runs wkhtmltopdf, which Debian trixie (the python:*-slim base) no longer packages; install wkhtmltopdf's own .deb in the Dockerfile or move to WeasyPrint"},
	{dep: "imgkit", missing: "imgkit runs wkhtmltoimage, which Debian trixie (the python:*-slim base) no longer packages; install wkhtmltopdf's own .deb in the Dockerfile"},
}

// geoRuntime is what GeoDjango loads at run time (through ctypes): GDAL, GEOS and PROJ.
// gdal-bin pulls in all three whatever their soname versions are on the base's release.
var geoRuntime = []string{"gdal-bin"}

// findSystemPackages lists Debian packages for the build and runtime stages.
func findSystemPackages(p *Project) {
	build, runtime := map[string]bool{}, map[string]bool{}
	ev := func(name, source, detail string) {
		p.SystemPackages.Evidence = append(p.SystemPackages.Evidence, Finding{Name: name, Source: source, Detail: detail})
	}
	for _, dep := range p.dependencies() {
		name := dep.Name
		if name == "psycopg" && (hasExtra(dep, "binary") || hasExtra(dep, "c")) {
			if hasExtra(dep, "c") {
				name = "psycopg-c"
			} else {
				continue
			}
		}
		if name == "psycopg" && p.Has("psycopg-binary") {
			continue
		}
		i := slices.IndexFunc(depSystemPackages, func(sp syspkg) bool { return sp.dep == name })
		if i < 0 {
			continue
		}
		sp := depSystemPackages[i]
		if sp.missing != "" {
			p.warn("system-package-missing", dep.Source, sp.missing)
			continue
		}
		for _, b := range sp.build {
			build[b] = true
		}
		for _, r := range sp.runtime {
			runtime[r] = true
		}
		if len(sp.build) > 0 {
			build["build-essential"] = true // the C compiler the -dev headers are for
		}
		ev(dep.Name, dep.Source, sp.why)
	}
	if d := p.Django; d != nil && (d.Database == "postgis" || slices.Contains(d.InstalledApps, "django.contrib.gis")) {
		for _, r := range geoRuntime {
			runtime[r] = true
		}
		src := d.DatabaseSource
		if src == "" {
			src = d.SettingsModuleSource
		}
		ev("geodjango", src, "GeoDjango loads GDAL, GEOS and PROJ at run time")
	}
	// Never nil: the JSON form lists none as [].
	p.SystemPackages.Build = append([]string{}, slices.Sorted(maps.Keys(build))...)
	p.SystemPackages.Runtime = append([]string{}, slices.Sorted(maps.Keys(runtime))...)
}

func hasExtra(d Dependency, extra string) bool { return slices.Contains(d.Extras, extra) }

// String renders a finding as "name (source): detail" for people.
func (f Finding) String() string {
	if f.Source == "" {
		return fmt.Sprintf("%s: %s", f.Name, f.Detail)
	}
	return fmt.Sprintf("%s (%s): %s", f.Name, f.Source, f.Detail)
}
