package doctor

import (
	"fmt"
	"slices"
	"strings"
)

// envFindings (env.file): .env exists and defines every key of .env.example. A missing
// .env stops `docker compose up` (the services read it with env_file); a missing key blocks
// when a compose file uses it with no default (Compose puts a blank in its place), and
// otherwise is a warning (the application reads it). A project without .env.example is
// not compared.
func envFindings(p *project) []Finding {
	f := Finding{ID: "env.file"}
	switch {
	case p.envErr != nil:
		f.Severity = Blocking
		f.Summary = ".env cannot be read"
		f.Detail = p.envErr.Error()
		f.Fix = "make .env readable by you"
		return []Finding{f}
	case !p.hasExample:
		return nil
	case !p.hasEnv:
		f.Severity = Blocking
		f.Summary = ".env is missing"
		f.Detail = "it holds this machine's settings and secrets, which the services read; it is not committed"
		f.Fix = "containerize init --yes writes it with fresh secrets (or copy .env.example to .env and replace every change-me)"
		return []Finding{f}
	}
	defined := map[string]bool{}
	for _, v := range p.env {
		defined[v.Key] = true
	}
	var missing, blank []string
	for _, v := range p.example {
		if defined[v.Key] || slices.Contains(missing, v.Key) {
			continue
		}
		missing = append(missing, v.Key)
		if p.unset[v.Key] {
			blank = append(blank, v.Key)
		}
	}
	if len(missing) == 0 {
		f.Severity = OK
		f.Summary = fmt.Sprintf(".env defines every key of .env.example (%d)", len(defined))
		return []Finding{f}
	}
	f.Severity = Warning
	f.Summary = fmt.Sprintf(".env lacks %s, which .env.example has", strings.Join(missing, ", "))
	f.Detail = "the application reads them from the environment"
	if len(blank) > 0 {
		f.Severity = Blocking
		f.Detail = fmt.Sprintf("the compose files use %s with no default: Compose would put a blank in its place", strings.Join(blank, ", "))
	}
	f.Fix = "containerize init adds the missing keys with fresh values (or copy them from .env.example)"
	return []Finding{f}
}
