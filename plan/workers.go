package plan

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/lazy"
)

// Worker is a compose service that runs the application image beside web: Celery's worker
// and beat, a task queue's worker, a long-running command of the project's Procfile,
// supervisor configuration or compose file. Every worker shares web's environment and
// volumes (the x-app anchor).
type Worker struct {
	// Name is the compose service's name.
	Name string `json:"name"`
	// Command runs it, behind the image's start check when there is one.
	Command []string `json:"command"`
	// Source is the evidence ("path:line"), Why what the process does.
	Source string `json:"source"`
	Why    string `json:"why"`
	// Healthcheck is its CMD-SHELL test; none disables the image's (which checks the web
	// port, where a worker listens to nothing).
	Healthcheck string `json:"healthcheck,omitempty"`
	// After is the worker it waits for (healthy) besides migrate and the data services.
	After string `json:"after,omitempty"`
	// DevCommand is the development service's command: restarted on code changes.
	DevCommand []string `json:"dev_command"`
}

// reservedServices are the compose services containerize writes besides workers.
var reservedServices = []string{"web", "migrate", "db", "redis", "mail", "assets"}

var serviceNameRE = lazy.Regexp(`[^a-z0-9_-]+`)

// workers lists the worker services: Celery's when chosen, then the project's own
// processes as detected. A name already taken gets a numbered suffix.
func workers(f *facts, s *Compose, celeryWorker, celeryBeat bool) []string {
	var notes []string
	add := func(w Worker) {
		name := strings.Trim(serviceNameRE().ReplaceAllString(strings.ToLower(w.Name), "-"), "-")
		if name == "" {
			name = "worker"
		}
		taken := func(n string) bool {
			return slices.Contains(reservedServices, n) || slices.ContainsFunc(s.Workers, func(o Worker) bool { return o.Name == n })
		}
		base := name
		for i := 2; taken(name); i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		w.Name = name
		s.Workers = append(s.Workers, w)
	}
	if celeryWorker {
		add(Worker{Name: "worker", Command: []string{"celery", "--app", s.CeleryApp, "worker", "--loglevel", "INFO"},
			Source: f.d.CeleryAppSource, Why: "Runs the Celery tasks",
			Healthcheck: "celery --app " + s.CeleryApp + " inspect ping --destination celery@$$HOSTNAME --timeout 5"})
	}
	if celeryBeat {
		// Beat's pidfile and schedule stay in /tmp: never in a mounted source folder.
		cmd := []string{"celery", "--app", s.CeleryApp, "beat", "--loglevel", "INFO", "--pidfile", beatPidfile, "--schedule", "/tmp/celerybeat-schedule"}
		if s.BeatScheduler != "" {
			cmd = append(cmd, "--scheduler", s.BeatScheduler)
		}
		w := Worker{Name: "beat", Command: cmd, Source: f.d.CeleryBeatSource, Why: "Sends the periodic Celery tasks",
			Healthcheck: "kill -0 $$(cat " + beatPidfile + ")"}
		if celeryWorker {
			w.After = "worker"
		}
		add(w)
	}
	for _, pr := range f.p.Processes {
		switch pr.Kind {
		case detect.ProcessWorker:
			add(Worker{Name: pr.Name, Command: slices.Clone(pr.Command), Source: pr.Source, Why: pr.Detail})
			for _, svc := range pr.Needs {
				if !f.c.Has(svc) {
					notes = append(notes, fmt.Sprintf("%s: %s needs %s, which is not among the chosen services; add it, or point the settings at yours", pr.Source, pr.Name, svc))
				}
			}
		case detect.ProcessRelease:
			if words := strings.Fields(strings.Join(pr.Command, " ")); len(words) > 0 && slices.Contains(words, "migrate") && !slices.ContainsFunc(words, func(w string) bool { return strings.ContainsAny(w, "&;|") }) {
				notes = append(notes, fmt.Sprintf("%s: the release command `%s` is what the migrate service does before web and the workers start", pr.Source, strings.Join(pr.Command, " ")))
				continue
			}
			notes = append(notes, fmt.Sprintf("%s: the release command `%s` is not run; the migrate service runs `%s` before web and the workers start: add any other release step to it", pr.Source, strings.Join(pr.Command, " "), strings.Join(migrateCommand, " ")))
		case detect.ProcessWeb:
			notes = append(notes, webDifference(f, pr)...)
		}
	}
	return notes
}

// webDifference compares a web command of the project's with the server the image runs,
// and says what the image does not take over (its worker count, timeout …).
func webDifference(f *facts, pr detect.Process) []string {
	words := strings.Fields(strings.Join(pr.Command, " "))
	var kept []string
	for i, w := range words {
		switch {
		case w == "--workers" || w == "-w" || w == "--threads" || w == "--timeout" || w == "-t" || w == "--worker-class" || w == "-k":
			if i+1 < len(words) {
				kept = append(kept, w+" "+words[i+1])
			}
		case strings.HasPrefix(w, "--workers=") || strings.HasPrefix(w, "--threads=") || strings.HasPrefix(w, "--timeout=") || strings.HasPrefix(w, "--worker-class="):
			kept = append(kept, w)
		}
	}
	same := slices.ContainsFunc(words, func(w string) bool { return path.Base(w) == string(f.c.Server) })
	if same && len(kept) == 0 {
		return nil // the same server with nothing of its own: nothing to say
	}
	how := "instead"
	if same {
		how = "too"
	}
	msg := fmt.Sprintf("%s: the project serves with `%s`; the image runs %s %s (the Dockerfile's CMD)", pr.Source, strings.Join(pr.Command, " "), f.c.Server, how)
	if len(kept) > 0 {
		msg += fmt.Sprintf(", without its %s: add them to the CMD (or, for gunicorn, to GUNICORN_CMD_ARGS in .env) if they matter", strings.Join(kept, ", "))
	}
	return []string{msg}
}
