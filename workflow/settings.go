package workflow

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/wizard"
)

// settle decides the settings module (wizard.Settings: --settings, containerize.toml, a
// question when the candidates are ambiguous, else the top-ranked) and, when it is not the
// one detection read, detects the project again reading that module, so that every fact
// the answers and the plan take (database, cache, variables) is the chosen module's.
// Detection takes the choice as it takes the folder: the facts stay facts of one module.
func settle(fsys fs.FS, dir string, p *detect.Project, saved *config.Config, flags wizard.Flags, pr wizard.Prompter, log io.Writer) (*detect.Project, error) {
	choice, err := wizard.Settings(p, saved, flags, pr)
	if err != nil {
		return nil, err
	}
	if choice.Note != "" && log != nil {
		fmt.Fprintf(log, "note: %s\n", choice.Note)
	}
	if choice.Module == "" || p.Django == nil || choice.Module == p.Django.SettingsModule {
		return p, nil
	}
	q, err := detect.DetectWith(fsys, dir, detect.Options{Settings: choice.Module})
	var unknown *django.UnknownModuleError
	switch {
	case errors.As(err, &unknown) && choice.From == "--settings":
		return nil, &wizard.FlagError{Err: fmt.Errorf("--settings: %w", err)}
	case errors.As(err, &unknown) && choice.From == config.FileName:
		where := config.FileName
		if b, ok, rerr := safewrite.Read(dir, config.FileName); rerr == nil && ok {
			if line := config.KeyLine(b, "settings"); line > 0 {
				where = fmt.Sprintf("%s:%d", config.FileName, line)
			}
		}
		return nil, fmt.Errorf("%s: %w: correct settings there, or delete the line to take the detected one", where, err)
	case err != nil:
		return nil, err
	}
	config.Python.Apply(q)
	if log != nil && choice.From != "" {
		fmt.Fprintf(log, "Django settings %s (%s)\n", choice.Module, choice.From)
	}
	return q, nil
}
