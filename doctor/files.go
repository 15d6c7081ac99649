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
// now: the generated files behind containerize.toml, or edited since. .env is left out: it
// is per machine, and env.file checks it.
func filesInStep(dir string, getenv func(string) string) Finding {
	f := Finding{ID: "files.in-step", Severity: Warning}
	changes, err := initChanges(dir, getenv)
	if err != nil {
		f.Summary = "what containerize init would write cannot be worked out"
		f.Detail = err.Error()
		f.Fix = "`containerize init --dry-run` shows the problem"
		return f
	}
	var off []string
	noSaved := false
	for _, c := range changes {
		if c.Action == safewrite.Unchanged || c.File.Path == ".env" {
			continue
		}
		noSaved = noSaved || (c.File.Path == config.FileName && c.Action == safewrite.Create)
		off = append(off, fmt.Sprintf("%s (would %s)", c.File.Path, c.Action))
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
		f.Detail = "edited by hand, or generated before " + config.FileName + " or containerize changed"
		f.Fix = "`containerize init --dry-run` shows the differences; `containerize init` applies them (asking before it overwrites a file you edited)"
	}
	return f
}

// initChanges is what `containerize init --yes` would do now, without writing: the one place
// doctor depends on how init plans.
func initChanges(dir string, getenv func(string) string) ([]safewrite.Change, error) {
	c, err := workflow.PrepareInit(workflow.Init{Dir: dir, Flags: wizard.Flags{Yes: true}, Rand: zeros{}, Getenv: getenv, Log: io.Discard})
	if err != nil {
		return nil, err
	}
	return c.Changes, nil
}

// zeros is a Rand for init's fresh secrets: .env is not compared, so any bytes do.
type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }
