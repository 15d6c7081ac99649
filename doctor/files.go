package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/wizard"
	"github.com/containerize/containerize/workflow"
)

// filesInStep (files.in-step) reports every file `containerize init --yes` would change
// now: generated files behind containerize.toml (or behind containerize itself), and those
// someone edited since. .env is left out (it is per machine; env.file checks it), and so
// is containerize.sum, which follows the files it records.
func filesInStep(dir string, h Host, getenv func(string) string) Finding {
	f := Finding{ID: "files.in-step", Severity: Warning}
	c, err := initChanges(dir, h, getenv)
	if err != nil {
		f.Summary = "what containerize init would write cannot be worked out"
		f.Detail = err.Error()
		f.Fix = "`containerize init --dry-run` shows the problem"
		return f
	}
	var off, edited []string
	noSaved := false
	for _, ch := range c.Changes {
		p := ch.File.Path
		if ch.Action == safewrite.Unchanged || p == ".env" || p == workflow.RecordFile {
			continue
		}
		noSaved = noSaved || (p == config.FileName && ch.Action == safewrite.Create)
		what := fmt.Sprintf("%s (would %s", p, ch.Action)
		if why := c.Consent[p]; why != "" {
			what += "; " + why
			edited = append(edited, p)
		}
		off = append(off, what+")")
	}
	switch {
	case len(off) == 0:
		f.Severity = OK
		f.Summary = "the generated files are in step with " + config.FileName
	case noSaved:
		f.Summary = config.FileName + " is missing: containerize init has not set this project up"
		f.Detail = "containerize init --yes would write " + strings.Join(off, ", ")
		f.Fix = "containerize init (--dry-run shows what it would write)"
	default:
		f.Summary = fmt.Sprintf("%d file(s) differ from what %s generates: %s", len(off), config.FileName, strings.Join(off, ", "))
		f.Detail = "generated before " + config.FileName + " or containerize changed"
		f.Fix = "`containerize init --dry-run` shows the differences; `containerize init` applies them"
		if len(edited) > 0 {
			f.Detail += "; edited by hand: " + strings.Join(edited, ", ")
			f.Fix += fmt.Sprintf(" (it asks before replacing %s; to keep yours, list them in %s: keep = [...])", strings.Join(edited, ", "), config.FileName)
		}
	}
	return f
}

// initChanges is what `containerize init --yes` would do now, without writing: the one place
// doctor depends on how init plans.
func initChanges(dir string, h Host, getenv func(string) string) (*workflow.Changes, error) {
	return workflow.PrepareInit(workflow.Init{Dir: dir, Flags: wizard.Flags{Yes: true}, Rand: zeros{},
		UID: h.UID, GID: h.GID, Getenv: getenv, Log: io.Discard})
}

// zeros is a Rand for init's fresh secrets: .env is not compared, so any bytes do.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }
