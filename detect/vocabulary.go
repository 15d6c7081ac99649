package detect

// PackageManager is how a project installs its dependencies: the tool its dependency
// files are for. Its JSON and TOML form is the name.
type PackageManager string

// The package managers detection tells apart.
const (
	ManagerPipenv     PackageManager = "pipenv"
	ManagerPoetry     PackageManager = "poetry"
	ManagerUV         PackageManager = "uv"
	ManagerPDM        PackageManager = "pdm"
	ManagerPip        PackageManager = "pip"
	ManagerSetuptools PackageManager = "setuptools"
	// ManagerNone: no dependency file declares anything (a virtualenv may be the only record).
	ManagerNone PackageManager = "none"
)

// PackageManagers are all the package managers, in this order. Treat it as read-only.
var PackageManagers = []PackageManager{
	ManagerPipenv, ManagerPoetry, ManagerUV, ManagerPDM, ManagerPip, ManagerSetuptools, ManagerNone,
}

// Service is something a project uses beside its web process: a database, a cache or
// broker, a Celery process, Channels, outgoing mail. Its JSON and TOML form is the name.
type Service string

// The services detection finds.
const (
	ServicePostgres     Service = "postgres"
	ServiceMySQL        Service = "mysql"
	ServiceSQLite       Service = "sqlite"
	ServiceRedis        Service = "redis"
	ServiceCeleryWorker Service = "celery-worker"
	ServiceCeleryBeat   Service = "celery-beat"
	ServiceChannels     Service = "channels"
	ServiceMail         Service = "mail"
)

// Services are all the services, in the order they are listed everywhere. Treat it as
// read-only.
var Services = []Service{
	ServicePostgres, ServiceMySQL, ServiceSQLite, ServiceRedis,
	ServiceCeleryWorker, ServiceCeleryBeat, ServiceChannels, ServiceMail,
}

// Strings gives vocabulary values (services, package managers) as plain strings, for
// strings.Join and messages.
func Strings[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
