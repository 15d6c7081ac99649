// Package config holds the decisions a container setup is generated from, and reads and
// writes them as containerize.toml so that re-runs are stable and non-interactive.
package config

import (
	"slices"

	"github.com/containerize/containerize/detect"
)

// FileName is the name of the saved answers file at the project root.
const FileName = "containerize.toml"

// Servers the generated image can run.
const (
	ServerGunicorn = "gunicorn" // WSGI, sync workers
	ServerUvicorn  = "uvicorn"  // ASGI, gunicorn with uvicorn workers
	ServerDaphne   = "daphne"   // ASGI, channels' server
)

// Config is every decision the generators need. The zero value is not useful; the wizard
// fills it from detection, flags and the saved file.
type Config struct {
	// Name names the image, the compose project (its volumes and network) and the default
	// database. It is decided once, from the project itself, and saved, so every clone of the
	// repository gets the same files whatever its folder is called.
	Name string `toml:"name" json:"name"`
	// Python is the minor version of the base image ("3.11").
	Python string `toml:"python" json:"python"`
	// Port the web server listens on inside the container and publishes on the host.
	Port int `toml:"port" json:"port"`
	// Server is one of ServerGunicorn, ServerUvicorn, ServerDaphne.
	Server string `toml:"server" json:"server"`
	// Services chosen for compose, in the detection vocabulary (postgres, mysql, redis,
	// celery-worker, celery-beat, mail; sqlite and channels need no container of their own).
	Services []detect.Service `toml:"services" json:"services"`
	// Settings is the Django settings module the image runs (DJANGO_SETTINGS_MODULE), one
	// of the project's: detection ranks the candidates and init saves the one used, so a
	// user can correct it here or with --settings. "" in a file means the top-ranked one.
	Settings string `toml:"settings" json:"settings"`
	// SettingsPatch appends the environment-reading block to the settings module.
	SettingsPatch bool `toml:"settings_patch" json:"settings_patch"`
	// Keep lists generated files (slash paths from the project root) that containerize
	// leaves alone because their owners edit them by hand.
	Keep []string `toml:"keep" json:"keep"`
}

// Has reports whether the service was chosen.
func (c *Config) Has(service detect.Service) bool { return slices.Contains(c.Services, service) }
