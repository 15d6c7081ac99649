package wizard

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/django"
)

func withCandidates(cands ...django.SettingsCandidate) *detect.Project {
	d := &django.Info{ManagePy: "manage.py", SettingsCandidates: cands}
	for i := range cands {
		if i == 0 {
			d.SettingsCandidates[0].Chosen = true
			d.SettingsModule = cands[0].Module
		}
	}
	return &detect.Project{Django: d}
}

func cand(mod, role string, evidence ...string) django.SettingsCandidate {
	return django.SettingsCandidate{Module: mod, Role: role, Evidence: evidence}
}

func TestAmbiguous(t *testing.T) {
	prod, prod2 := cand("p.settings.prod", django.RoleProduction), cand("p.settings.live", django.RoleProduction)
	base, dev := cand("p.settings.base", django.RoleBase), cand("p.settings.dev", django.RoleDevelopment)
	for _, tt := range []struct {
		cands []django.SettingsCandidate
		want  bool
	}{
		{nil, false},
		{[]django.SettingsCandidate{dev}, false},
		{[]django.SettingsCandidate{prod, base, dev}, false},
		{[]django.SettingsCandidate{prod, prod2, dev}, true},
		{[]django.SettingsCandidate{base, dev}, true},
	} {
		if got := Ambiguous(tt.cands); got != tt.want {
			t.Errorf("Ambiguous(%v) = %v, want %v", tt.cands, got, tt.want)
		}
	}
}

func TestSettings(t *testing.T) {
	clear := withCandidates(cand("p.settings.prod", django.RoleProduction, "p/settings/prod.py"), cand("p.settings.dev", django.RoleDevelopment, "manage.py:8"))
	open := func() *detect.Project {
		return withCandidates(cand("p.settings.base", django.RoleBase, "p/settings/base.py"), cand("p.settings.local", django.RoleDevelopment, "manage.py:8"))
	}

	// Clear: nothing asked, even with a Prompter.
	pr := NewScripted()
	got, err := Settings(clear, nil, Flags{}, pr)
	if err != nil || got != (SettingsChoice{Module: "p.settings.prod"}) || len(pr.Asked()) != 0 {
		t.Errorf("clear: %+v, %v, asked %q", got, err, pr.Asked())
	}

	// Ambiguous: one question, pre-selected on the top-ranked one.
	pr = NewScriptedByTitle(map[string]string{TitleSettings: "p.settings.local"})
	got, err = Settings(open(), nil, Flags{}, pr)
	if err != nil || got != (SettingsChoice{Module: "p.settings.local", From: "asked"}) || !reflect.DeepEqual(pr.Asked(), []string{TitleSettings}) {
		t.Errorf("ambiguous: %+v, %v, asked %q", got, err, pr.Asked())
	}
	pr = NewScripted("")
	if got, _ = Settings(open(), nil, Flags{}, pr); got.Module != "p.settings.base" {
		t.Errorf("ambiguous, default answer: %+v, want p.settings.base", got)
	}

	// --yes: the top-ranked one, with a note saying which and how to change it.
	got, err = Settings(open(), nil, Flags{Yes: true}, NewScripted())
	if err != nil || got.Module != "p.settings.base" || !strings.Contains(got.Note, "p.settings.base, the first of 2 candidates (p.settings.base: base, p.settings.local: development); change it with --settings MODULE or settings in containerize.toml") {
		t.Errorf("--yes: %+v, %v", got, err)
	}

	// The flag wins over the saved answer, which wins over detection; neither is asked.
	saved := &config.Config{Settings: "p.settings.local"}
	if got, _ = Settings(open(), saved, Flags{}, NewScripted()); got != (SettingsChoice{Module: "p.settings.local", From: config.FileName}) {
		t.Errorf("saved: %+v", got)
	}
	if got, _ = Settings(open(), saved, Flags{Settings: "p.settings.base"}, NewScripted()); got != (SettingsChoice{Module: "p.settings.base", From: "--settings"}) {
		t.Errorf("flag: %+v", got)
	}
	_, err = Settings(open(), nil, Flags{Settings: "p/settings/base.py"}, nil)
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "--settings: settings must be a dotted Python module") {
		t.Errorf("bad flag: err = %v, want a FlagError", err)
	}
}

func TestResolveTakesTheModuleRead(t *testing.T) {
	p := withCandidates(cand("p.settings.prod", django.RoleProduction, "p/settings/prod.py"))
	cfg, err := Resolve(p, nil, Flags{Yes: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Settings != "p.settings.prod" {
		t.Errorf("Settings = %q, want the module detection read", cfg.Settings)
	}
}
