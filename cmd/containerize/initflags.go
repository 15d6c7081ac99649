package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/excerpt"
)

// checkInitFlags refuses init's flag values that no project could make sense of — a port outside
// 1-65535 (0 included: a given --port 0 is not "the default"), "none" mixed with services, an empty,
// unknown or repeated service, an empty --name, --python or --server — as usage errors, before
// anything is detected or printed. Checks that depend on the project (an ASGI server without an ASGI
// application) stay in the wizard.
func checkInitFlags(f *pflag.FlagSet, fl *flagValues) error {
	var errs []error
	if f.Changed("port") {
		if err := config.CheckPort(fl.port); err != nil {
			errs = append(errs, fmt.Errorf("--port: %w", err))
		}
	}
	if f.Changed("services") {
		if _, err := parseServices(fl.services); err != nil {
			errs = append(errs, fmt.Errorf("--services: %w", err))
		}
	}
	if f.Changed("python") {
		if err := config.Python.Check(fl.python); err != nil {
			errs = append(errs, fmt.Errorf("--python: %w", err))
		}
	}
	if f.Changed("server") {
		if err := config.CheckServer(fl.server); err != nil {
			errs = append(errs, fmt.Errorf("--server: %w", err))
		}
	}
	if f.Changed("name") {
		if err := config.CheckName(fl.name); err != nil {
			errs = append(errs, fmt.Errorf("--name: %w", err))
		}
	}
	if len(errs) > 0 {
		return usageError{errors.Join(errs...)}
	}
	return nil
}

// flagValues are the raw values of the init flags checkInitFlags looks at.
type flagValues struct {
	port                           int
	services, python, server, name string
}

// parseServices reads --services: names separated by commas, or "none" alone for none.
func parseServices(s string) ([]detect.Service, error) {
	out := []detect.Service{}
	items := strings.Split(s, ",")
	for _, x := range items {
		x = strings.TrimSpace(x)
		switch {
		case x == "":
			return nil, fmt.Errorf("empty service name in %s: separate names with single commas, or give none for no services", excerpt.Quote(s))
		case x == "none" && len(items) > 1:
			return nil, fmt.Errorf("%s: none means no services and cannot be combined with others; give none alone, or only the services", excerpt.Quote(s))
		case x == "none":
			continue
		}
		out = append(out, detect.Service(x))
	}
	if err := config.CheckServices(out); err != nil {
		return nil, err
	}
	return slices.Clip(out), nil
}
