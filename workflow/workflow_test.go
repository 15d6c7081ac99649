package workflow

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/wizard"
)

func yes(dir string) Init {
	return Init{Dir: dir, Flags: wizard.Flags{Yes: true}, Rand: rand.NewChaCha8([32]byte{1})}
}

func byPath(c *Changes) map[string]safewrite.Change {
	m := map[string]safewrite.Change{}
	for _, ch := range c.Changes {
		m[ch.File.Path] = ch
	}
	return m
}

// TestPrepareInit: a first run plans every file as a creation (.env right after its
// example, the settings block consented to by the answers), writes nothing, and a second run
// after applying changes nothing.
func TestPrepareInit(t *testing.T) {
	dir := samples.Copy(t, "library")
	var log bytes.Buffer
	o := yes(dir)
	o.Log = &log
	c, err := PrepareInit(o)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, ch := range c.Changes {
		order = append(order, ch.File.Path+":"+ch.Action.String())
	}
	want := "Dockerfile:create docker-compose.yml:create docker-compose.override.yml:create .dockerignore:create .env.example:create .env:create .devcontainer/devcontainer.json:create containerize.toml:create library/settings.py:update .gitignore:update"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("changes\n got %s\nwant %s", got, want)
	}
	if !c.Approved["library/settings.py"] || !c.Approved[".gitignore"] || c.Approved["Dockerfile"] {
		t.Errorf("approved: %v", c.Approved)
	}
	if !strings.Contains(log.String(), "Detected pipenv (Pipfile, Pipfile.lock)") {
		t.Errorf("summary: %q", log.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "Dockerfile")); err == nil {
		t.Fatal("PrepareInit wrote the Dockerfile")
	}

	if _, err := safewrite.Apply(dir, c.Changes, safewrite.Options{Confirm: Confirmer{Approved: c.Approved}}); err != nil {
		t.Fatal(err)
	}
	again, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range again.Changes {
		if ch.Action != safewrite.Unchanged {
			t.Errorf("second run: %s would %s:\n%s", ch.File.Path, ch.Action, ch.Diff)
		}
	}
}

// TestPrepareInitExistingEnv: an existing .env keeps its values and gains only what compose
// needs, without a question and without a backup.
func TestPrepareInitExistingEnv(t *testing.T) {
	dir := samples.Copy(t, "library")
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("SECRET_KEY=mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := yes(dir)
	o.Flags.Services, o.Flags.ServicesSet = []detect.Service{detect.ServicePostgres}, true
	o.UID, o.GID = 1234, 1235
	c, err := PrepareInit(o)
	if err != nil {
		t.Fatal(err)
	}
	env := byPath(c)[".env"]
	data := string(env.File.Data)
	if env.Action != safewrite.Update || !env.File.Additive || !c.Approved[".env"] ||
		!strings.HasPrefix(data, "SECRET_KEY=mine\n") || !strings.Contains(data, "\nPOSTGRES_PASSWORD=") || strings.Count(data, "SECRET_KEY=") != 1 ||
		!strings.Contains(data, "\nDEV_UID=1234\nDEV_GID=1235\n") {
		t.Errorf(".env change %s additive=%v approved=%v:\n%s", env.Action, env.File.Additive, c.Approved[".env"], data)
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), ".env lacked DEBUG, ALLOWED_HOSTS, POSTGRES_DB") {
		t.Errorf("notes: %q", c.Notes)
	}
}

// TestPrepareInitLegacy: a project that declares nothing gets its virtualenv declared first,
// in the same set of changes, and the image installs from what migrate writes.
func TestPrepareInitLegacy(t *testing.T) {
	dir := samples.Copy(t, "legacy-venv")
	var log bytes.Buffer
	o := yes(dir)
	o.Log = &log
	c, err := PrepareInit(o)
	if err != nil {
		t.Fatal(err)
	}
	m := byPath(c)
	if m["requirements.txt"].Action != safewrite.Create || m["requirements.lock"].Action != safewrite.Create {
		t.Fatalf("migrate's files are not planned: %v", m)
	}
	if df := string(m["Dockerfile"].File.Data); !strings.Contains(df, "pip install -r requirements.txt") {
		t.Errorf("Dockerfile does not install requirements.txt:\n%s", df)
	}
	if !strings.Contains(log.String(), "Detected none") {
		t.Errorf("log: %q", log.String())
	}

	// Declining to declare them first stops before anything is planned.
	o.Prompter, o.Flags.Yes = wizard.NewScripted("n"), false
	if _, err := PrepareInit(o); err == nil || !strings.Contains(err.Error(), "declares no dependencies: run containerize migrate") {
		t.Errorf("declined: %v", err)
	}
}

func TestConfirmer(t *testing.T) {
	if ok, err := (Confirmer{Approved: map[string]bool{"a": true}}).ConfirmOverwrite("a", "diff"); !ok || err != nil {
		t.Errorf("approved file: %v, %v", ok, err)
	}
	if ok, err := (Confirmer{}).ConfirmOverwrite("a", "diff"); ok || err != nil {
		t.Errorf("no prompter keeps the file: %v, %v", ok, err)
	}
	var out bytes.Buffer
	pr := wizard.NewScripted("y")
	ok, err := Confirmer{Prompter: pr, Out: &out}.ConfirmOverwrite("Dockerfile", "-old\n+new\n")
	if !ok || err != nil || !strings.Contains(out.String(), "Dockerfile already exists and would change:\n-old\n+new") {
		t.Errorf("asked: %v, %v, %q", ok, err, out.String())
	}
	if asked := pr.Asked(); len(asked) != 1 || asked[0] != "Overwrite Dockerfile?" {
		t.Errorf("asked %q", asked)
	}
}

// TestSavedPlan: build plans from the saved answers, or says it takes the defaults.
func TestSavedPlan(t *testing.T) {
	dir := samples.Copy(t, "library")
	var log bytes.Buffer
	pl, err := SavedPlan(dir, &log)
	if err != nil {
		t.Fatal(err)
	}
	if pl.Image.Runtime.Port != 8000 || !strings.Contains(log.String(), "no containerize.toml; using the detected defaults") {
		t.Errorf("defaults: port %d, log %q", pl.Image.Runtime.Port, log.String())
	}
	saved := "python = \"3.12\"\nport = 8080\nserver = \"gunicorn\"\nservices = []\nsettings_patch = false\n"
	if err := os.WriteFile(filepath.Join(dir, "containerize.toml"), []byte(saved), 0o644); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if pl, err = SavedPlan(dir, &log); err != nil {
		t.Fatal(err)
	}
	if pl.Image.Runtime.Port != 8080 || pl.Image.Base != "python:3.12-slim" || pl.Patch != nil || log.Len() != 0 {
		t.Errorf("saved: port %d, base %s, patch %v, log %q", pl.Image.Runtime.Port, pl.Image.Base, pl.Patch, log.String())
	}
}
