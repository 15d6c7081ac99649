package plan

import (
	"fmt"
	"slices"
	"strings"
)

// The production image fails closed for every project, with or without the settings block:
// DEBUG is off unless the environment turns it on, and the server, Celery and migrate do not
// start without the secret key's variable (so never with a development key the settings
// fall back to). collectstatic at build time has its own key (CollectstaticEnv).

// migrateCommand is what the one-shot migrate service runs.
var migrateCommand = []string{"python", "manage.py", "migrate", "--noinput"}

// startCheckName is the start check's $0, which sh names in its own errors.
const startCheckName = "start"

// envName reports whether s is a variable name the start check can put in its script as it is.
func envName(s string) bool {
	for i, r := range s {
		if r != '_' && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}

// failClosed sets the image's DEBUG-off default and puts the start check in front of the
// production commands. It runs last: the development commands are made from the plain ones
// (compose gives them .env).
func failClosed(f *facts, pl *Plan) {
	rt, s := &pl.Image.Runtime, &pl.Compose
	if name, off := debugOff(f); name != "" && !slices.ContainsFunc(rt.Env, func(e string) bool { return strings.HasPrefix(e, name+"=") }) {
		// An image default: .env, compose or docker run -e still turn it on.
		rt.Env = append(rt.Env, name+"="+off)
	}
	s.MigrateCommand = slices.Clone(migrateCommand)
	// The settings read the key from the environment (the block reads the settings' name).
	if (f.d.SecretKeyEnv == "" && !f.c.SettingsPatch) || !envName(f.secretKeyEnv) {
		return
	}
	rt.RequiredEnv = f.secretKeyEnv
	rt.Command = StartCheck(rt.RequiredEnv, rt.Command)
	s.MigrateCommand = StartCheck(rt.RequiredEnv, s.MigrateCommand)
	for i := range s.Workers {
		s.Workers[i].Command = StartCheck(rt.RequiredEnv, s.Workers[i].Command)
	}
}

// debugOff is the variable the settings read DEBUG from and a value that leaves it off; ""
// when the block decides DEBUG (it is off in the image unless set) or the settings read no
// variable (a hard-coded True is warned about elsewhere).
func debugOff(f *facts) (name, off string) {
	if f.c.SettingsPatch || f.d.DebugEnv == "" || !envName(f.d.DebugEnv) {
		return "", ""
	}
	switch f.d.DebugOn {
	case "True":
		return f.d.DebugEnv, "False"
	case "true":
		return f.d.DebugEnv, "false"
	case "TRUE":
		return f.d.DebugEnv, "FALSE"
	case "yes", "on":
		return f.d.DebugEnv, "no"
	}
	// Compared with "1" or something else, or taken as it is: "0" is false to int(),
	// env.bool and decouple's bool cast alike.
	return f.d.DebugEnv, "0"
}

// StartCheck is cmd behind a check that name is set and not empty: without it the command
// exits 64 with a message saying how to pass it, instead of starting with whatever
// development default the settings have.
func StartCheck(name string, cmd []string) []string {
	script := fmt.Sprintf(`if [ -z "${%[1]s:-}" ]; then echo "%[1]s is not set: the image has no secret key of its own. Pass it when the container starts: docker run --env-file .env IMAGE, or docker run -e %[1]s=... IMAGE (docker compose reads .env)." >&2; exit 64; fi; exec "$@"`, name)
	return append([]string{"sh", "-c", script, startCheckName}, cmd...)
}

// SplitStart is the start check Command begins with (nil when it has none) and the command
// the check execs.
func (r Runtime) SplitStart() (check, server []string) {
	if r.RequiredEnv != "" && len(r.Command) > 4 && r.Command[0] == "sh" && r.Command[3] == startCheckName {
		return r.Command[:4:4], r.Command[4:]
	}
	return nil, r.Command
}
