package wizard

import (
	"fmt"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
)

// TitleSettings is the settings module question's title.
const TitleSettings = "Django settings module for the image"

// SettingsChoice is which settings module the image runs and where that came from.
type SettingsChoice struct {
	// Module is the module chosen; "" for a project without Django settings.
	Module string
	// From says where it came from: "--settings", containerize.toml, "asked", or "" for
	// detection's top-ranked candidate.
	From string
	// Note is for the user when the top-ranked of ambiguous candidates was taken without
	// asking: which one, and how to change it.
	Note string
}

// Settings decides the settings module before anything else is asked, because the other
// answers' defaults come from that module's settings (its database, cache, variables): the
// caller reads the project again with it when it is not the one detection read. It is
// --settings, else containerize.toml's, else, only when detection's candidates are
// ambiguous (Ambiguous), the answer to one question, else the top-ranked candidate. With
// flags.Yes or no Prompter, ambiguity takes the top-ranked one and says so in Note.
func Settings(p *detect.Project, saved *config.Config, flags Flags, pr Prompter) (SettingsChoice, error) {
	d := p.Django
	switch {
	case flags.Settings != "":
		if err := config.CheckSettings(flags.Settings); err != nil {
			return SettingsChoice{}, &FlagError{fmt.Errorf("--settings: %w", err)}
		}
		return SettingsChoice{Module: flags.Settings, From: "--settings"}, nil
	case saved != nil && saved.Settings != "":
		return SettingsChoice{Module: saved.Settings, From: config.FileName}, nil
	case d == nil || d.SettingsModule == "":
		return SettingsChoice{}, nil
	}
	top := SettingsChoice{Module: d.SettingsModule}
	if !Ambiguous(d.SettingsCandidates) {
		return top, nil
	}
	if pr == nil || flags.Yes {
		top.Note = fmt.Sprintf("settings: %s, the first of %d candidates (%s); change it with --settings MODULE or settings in %s",
			top.Module, len(d.SettingsCandidates), candidateList(d.SettingsCandidates), config.FileName)
		return top, nil
	}
	opts := make([]Option, len(d.SettingsCandidates))
	for i, c := range d.SettingsCandidates {
		opts[i] = Option{Value: c.Module, Label: fmt.Sprintf("%s: %s (%s)", c.Module, c.Role, strings.Join(c.Evidence, ", "))}
	}
	module, err := Select(pr, TitleSettings, settingsHelp(d.SettingsCandidates), opts, d.SettingsModule)
	if err != nil {
		return SettingsChoice{}, err
	}
	return SettingsChoice{Module: module, From: "asked"}, nil
}

// Ambiguous reports whether the settings candidates leave the choice open: two or more
// look like production settings, or none does while there are several.
func Ambiguous(cands []django.SettingsCandidate) bool {
	prod := 0
	for _, c := range cands {
		if c.Role == django.RoleProduction {
			prod++
		}
	}
	return prod >= 2 || prod == 0 && len(cands) >= 2
}

func candidateList(cands []django.SettingsCandidate) string {
	parts := make([]string, len(cands))
	for i, c := range cands {
		parts[i] = c.Module + ": " + c.Role
	}
	return strings.Join(parts, ", ")
}

func settingsHelp(cands []django.SettingsCandidate) string {
	prod := 0
	for _, c := range cands {
		if c.Role == django.RoleProduction {
			prod++
		}
	}
	why := "No module's name or deployment file says it holds production settings"
	if prod > 1 {
		why = fmt.Sprintf("%d modules look like production settings", prod)
	}
	return why + ". The image sets DJANGO_SETTINGS_MODULE to the one chosen, and its settings (database, cache, variables) decide the rest. Pre-selected: the first by role, then by what names it (wsgi.py, Procfile, Dockerfile, manage.py)."
}
