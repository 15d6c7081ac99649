package workflow

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/wizard"
)

// TestSettleAsksWhenAmbiguous: with base.py and dev.py and no production module, init asks
// which module the image runs before anything else, and the plan is made from the settings
// of the module chosen (the block goes into it), not from the one detection ranked first.
func TestSettleAsksWhenAmbiguous(t *testing.T) {
	dir := samples.Copy(t, "module-dev-default")
	if err := os.Remove(filepath.Join(dir, "proj/settings/production.py")); err != nil {
		t.Fatal(err)
	}
	pr := wizard.NewScriptedByTitle(map[string]string{
		wizard.TitleSettings: "proj.settings.dev", wizard.TitleServices: "", wizard.TitlePython: "",
		wizard.TitlePort: "", wizard.TitleSettingsPatch: "y", wizard.TitleWrite: "y"})
	o := yes(dir)
	o.Flags.Yes, o.Prompter = false, pr
	c, err := PrepareInit(o)
	if err != nil {
		t.Fatal(err)
	}
	if asked := pr.Asked(); len(asked) == 0 || asked[0] != wizard.TitleSettings {
		t.Errorf("asked %q, want the settings module first", asked)
	}
	pl := c.Plan
	if pl.Answers.Settings != "proj.settings.dev" || !slices.Contains(pl.Image.Runtime.Env, "DJANGO_SETTINGS_MODULE=proj.settings.dev") {
		t.Errorf("settings %q, env %q", pl.Answers.Settings, pl.Image.Runtime.Env)
	}
	if pl.Patch == nil || pl.Patch.Path != "proj/settings/dev.py" {
		t.Errorf("patch %+v, want the block in proj/settings/dev.py", pl.Patch)
	}

	// --yes takes the first (base) and says which, and how to change it.
	var log bytes.Buffer
	o = yes(dir)
	o.Log = &log
	if c, err = PrepareInit(o); err != nil {
		t.Fatal(err)
	}
	if c.Plan.Answers.Settings != "proj.settings.base" || !strings.Contains(log.String(), "note: settings: proj.settings.base, the first of 2 candidates") {
		t.Errorf("--yes: settings %q, log:\n%s", c.Plan.Answers.Settings, log.String())
	}
}

// TestSavedPlanSettings: containerize build honours settings in containerize.toml, and a
// module the project lacks is an error naming the line.
func TestSavedPlanSettings(t *testing.T) {
	dir := samples.Copy(t, "module-dev-default")
	saved := "python = \"3.12\"\nport = 8000\nserver = \"gunicorn\"\nservices = [\"postgres\"]\nsettings = \"proj.settings.base\"\nsettings_patch = false\n"
	if err := os.WriteFile(filepath.Join(dir, "containerize.toml"), []byte(saved), 0o644); err != nil {
		t.Fatal(err)
	}
	pl, err := SavedPlan(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pl.Image.Runtime.Env, "DJANGO_SETTINGS_MODULE=proj.settings.base") {
		t.Errorf("env %q, want proj.settings.base", pl.Image.Runtime.Env)
	}
	if err := os.WriteFile(filepath.Join(dir, "containerize.toml"), []byte(strings.Replace(saved, "proj.settings.base", "proj.settings.gone", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = SavedPlan(dir, nil)
	if err == nil || !strings.Contains(err.Error(), "containerize.toml:5: settings module proj.settings.gone is not in the project") {
		t.Errorf("err = %v, want one naming containerize.toml:5", err)
	}
}
