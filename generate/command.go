package generate

import (
	"fmt"
	"time"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

// Runtime is what the generated Dockerfile's runtime stage sets up, for a builder that assembles the same
// image without Docker (package build). It comes from the same view the templates render, so the image
// built either way serves the application the same way.
type Runtime struct {
	// Command is the CMD: the server command.
	Command []string
	// Env are the KEY=VALUE pairs the runtime stage sets besides PATH and VIRTUAL_ENV, in Dockerfile order.
	Env []string
	// SourceDir is the folder copied to /app, relative to the project root ("." for the root).
	SourceDir string
	// WorkDir is the container's working directory: /app, or below it where manage.py lives.
	WorkDir string
	// OwnedDirs are created and owned by the app user (/app first).
	OwnedDirs []string
	// Port is the exposed port.
	Port int
	// User is the numeric user:group the container runs as; UserName names both in /etc/passwd and /etc/group.
	User, UserName string
	// UID and GID are User's numbers.
	UID, GID int
	// Collectstatic says whether the Dockerfile runs `manage.py collectstatic`.
	Collectstatic bool
	// ExtraPackages are installed beside the project's dependencies because serving it needs them.
	ExtraPackages []string
	// Healthcheck is the HEALTHCHECK.
	Healthcheck Healthcheck
	// Name is the image (and compose project) name.
	Name string
}

// Healthcheck is a HEALTHCHECK instruction.
type Healthcheck struct {
	// Command is its CMD (exec form, without the leading "CMD").
	Command                        []string
	Interval, Timeout, StartPeriod time.Duration
	Retries                        int
}

// Runtime user of the generated image (templates/Dockerfile.tmpl: groupadd/useradd and USER).
const (
	runtimeUser = "app"
	runtimeUID  = 10001
)

// ServerCommand is the command that serves the application in the image (the Dockerfile's CMD).
func ServerCommand(p *detect.Project, c config.Config) ([]string, error) {
	r, err := RuntimeOf(p, c)
	if err != nil {
		return nil, err
	}
	return r.Command, nil
}

// RuntimeOf describes the runtime stage the Dockerfile for (p, c) sets up; see Runtime.
// The template renders from the same value, so the two cannot disagree.
func RuntimeOf(p *detect.Project, c config.Config) (*Runtime, error) {
	if p.Django == nil {
		return nil, fmt.Errorf("no manage.py found in %s: containerize sets up Django projects; run it in the repository that holds manage.py", p.Root)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	v, err := newView(p, c)
	if err != nil {
		return nil, err
	}
	r := v.Runtime
	return &r, nil
}

// newHealthcheck is the image's HEALTHCHECK: healthy once the server answers anything below
// 500 (a 404 at / is fine). A short interval makes `docker compose up --wait` return soon.
func newHealthcheck(port int) Healthcheck {
	return Healthcheck{
		Command:  []string{"python", "-c", fmt.Sprintf("import http.client, sys; c = http.client.HTTPConnection('127.0.0.1', %d, timeout=4); c.request('GET', '/', headers={'Host': 'localhost'}); sys.exit(c.getresponse().status >= 500)", port)},
		Interval: 10 * time.Second, Timeout: 5 * time.Second, StartPeriod: 30 * time.Second, Retries: 3,
	}
}
