package workflow

import (
	"bytes"
	"errors"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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
	want := "Dockerfile:create docker-compose.yml:create docker-compose.override.yml:create .dockerignore:create .env.example:create .env:create .devcontainer/devcontainer.json:create containerize.toml:create library/settings.py:update .gitignore:update containerize.sum:create"
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

	apply(t, dir, c)
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
	if env.Action != safewrite.Update || !env.File.NoBackup || !c.Approved[".env"] ||
		!strings.HasPrefix(data, "SECRET_KEY=mine\n") || !strings.Contains(data, "\nPOSTGRES_PASSWORD=") || strings.Count(data, "SECRET_KEY=") != 1 ||
		!strings.Contains(data, "\nDEV_UID=1234\nDEV_GID=1235\n") {
		t.Errorf(".env change %s additive=%v approved=%v:\n%s", env.Action, env.File.NoBackup, c.Approved[".env"], data)
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
	c := &Changes{Approved: map[string]bool{"a": true}, Consent: map[string]string{"Dockerfile": reasonEdited}}
	if ok, err := (Confirmer{Changes: c}).ConfirmOverwrite("a", "diff"); !ok || err != nil {
		t.Errorf("approved file: %v, %v", ok, err)
	}
	var ce *ConsentError
	if ok, err := (Confirmer{Changes: c}).ConfirmOverwrite("Dockerfile", "diff"); ok || !errors.As(err, &ce) || ce.Declined {
		t.Errorf("no prompter stops the run: %v, %v", ok, err)
	}
	var out bytes.Buffer
	pr := wizard.NewScripted("y")
	ok, err := Confirmer{Prompter: pr, Changes: c, Out: &out}.ConfirmOverwrite("Dockerfile", "-old\n+new\n")
	if !ok || err != nil || !strings.Contains(out.String(), "Dockerfile was edited since containerize wrote it, and would change:\n-old\n+new") {
		t.Errorf("asked: %v, %v, %q", ok, err, out.String())
	}
	if asked := pr.Asked(); len(asked) != 1 || asked[0] != "Replace Dockerfile?" {
		t.Errorf("asked %q", asked)
	}
	ok, err = Confirmer{Prompter: wizard.NewScripted("n"), Changes: c, Out: &out}.ConfirmOverwrite("Dockerfile", "-old\n+new\n")
	if ok || !errors.As(err, &ce) || !ce.Declined || !strings.Contains(err.Error(), `keep = ["Dockerfile"]`) {
		t.Errorf("declined: %v, %v", ok, err)
	}
}

// apply writes the changes as `init --yes` does: what the answers and the record approve.
func apply(t *testing.T, dir string, c *Changes) {
	t.Helper()
	if err := c.NeedConsent(); err != nil {
		t.Fatal(err)
	}
	if _, err := safewrite.Apply(dir, c.Changes, safewrite.Options{Confirm: Confirmer{Changes: c}}); err != nil {
		t.Fatal(err)
	}
}

func setFile(t *testing.T, dir, rel, data string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func editFile(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", rel, old)
	}
	setFile(t, dir, rel, strings.Replace(string(b), old, new, 1))
}

// TestRerun: after the answers change, the files containerize wrote follow without any
// consent; a file edited by hand needs consent, and without it nothing is written.
func TestRerun(t *testing.T) {
	dir := samples.Copy(t, "library")
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, dir, c)
	editFile(t, dir, "containerize.toml", "services = []", `services = ["postgres"]`)

	c, err = PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	m := byPath(c)
	for _, f := range []string{"Dockerfile", "docker-compose.yml", ".env.example"} {
		if m[f].Action != safewrite.Update || !c.Approved[f] {
			t.Errorf("%s: %s, approved %v; want an approved update", f, m[f].Action, c.Approved[f])
		}
	}
	if err := c.NeedConsent(); err != nil {
		t.Errorf("own files need consent: %v", err)
	}

	// The same change, with the Dockerfile edited by hand in between.
	dir = samples.Copy(t, "library")
	c, _ = PrepareInit(yes(dir))
	apply(t, dir, c)
	editFile(t, dir, "Dockerfile", "USER 10001:10001", "USER 10001:10001\nRUN echo mine")
	editFile(t, dir, "containerize.toml", "services = []", `services = ["postgres"]`)
	before := tree(t, dir)
	if c, err = PrepareInit(yes(dir)); err != nil {
		t.Fatal(err)
	}
	var ce *ConsentError
	if err := c.NeedConsent(); !errors.As(err, &ce) || len(ce.Files) != 1 || ce.Files["Dockerfile"] != reasonEdited {
		t.Fatalf("NeedConsent = %v, want the edited Dockerfile", err)
	}
	if _, err := safewrite.Apply(dir, c.Changes, safewrite.Options{Confirm: Confirmer{Changes: c}}); !errors.As(err, &ce) {
		t.Fatalf("Apply = %v, want a ConsentError", err)
	}
	if after := tree(t, dir); !maps.Equal(before, after) {
		t.Errorf("a refused run changed the project")
	}
}

// TestForeignAndKept: a Dockerfile containerize never wrote needs consent; listed in keep,
// it is left alone and the rest is written.
func TestForeignAndKept(t *testing.T) {
	dir := samples.Copy(t, "library")
	setFile(t, dir, "Dockerfile", "FROM python:3.11\n")
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	if c.Consent["Dockerfile"] != reasonForeign || c.Approved["Dockerfile"] {
		t.Errorf("consent %v, approved %v", c.Consent, c.Approved)
	}
	apply(t, dir, withoutConsent(c)) // as --force would, minus the Dockerfile
	editFile(t, dir, "containerize.toml", "keep = []", `keep = ["Dockerfile"]`)
	if c, err = PrepareInit(yes(dir)); err != nil {
		t.Fatal(err)
	}
	m := byPath(c)
	if _, ok := m["Dockerfile"]; ok || c.NeedConsent() != nil {
		t.Errorf("kept Dockerfile is planned: %v", m["Dockerfile"])
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), "Dockerfile is left as it is: containerize.toml lists it in keep") {
		t.Errorf("notes: %q", c.Notes)
	}
	if sum := string(m[RecordFile].File.Data); strings.Contains(sum, " Dockerfile\n") || !strings.Contains(sum, "  docker-compose.yml\n") {
		t.Errorf("record:\n%s", sum)
	}
}

// withoutConsent drops the changes that need consent.
func withoutConsent(c *Changes) *Changes {
	out := *c
	out.Changes = slices.DeleteFunc(slices.Clone(c.Changes), func(ch safewrite.Change) bool { return c.Consent[ch.File.Path] != "" })
	out.Consent = nil
	return &out
}

// TestTeammateClone: the committed files, cloned into a folder with another name, plan as
// unchanged; only the per-machine .env is created.
func TestTeammateClone(t *testing.T) {
	dir := samples.Copy(t, "library")
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, dir, c)
	clone := filepath.Join(t.TempDir(), "someone-elses-checkout")
	if err := os.CopyFS(clone, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(clone, ".env")); err != nil {
		t.Fatal(err)
	}
	o := yes(clone)
	o.Rand = rand.NewChaCha8([32]byte{2})
	if c, err = PrepareInit(o); err != nil {
		t.Fatal(err)
	}
	for _, ch := range c.Changes {
		want := safewrite.Unchanged
		if ch.File.Path == ".env" {
			want = safewrite.Create
		}
		if ch.Action != want {
			t.Errorf("%s: %s, want %s\n%s", ch.File.Path, ch.Action, want, ch.Diff)
		}
	}
}

// tree reads every file under dir.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		m[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
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

// TestAdopt: the project's own compose.yaml, and the Dockerfile it builds, are updated
// (with consent) instead of getting siblings Compose would not load.
func TestAdopt(t *testing.T) {
	dir := samples.Copy(t, "library")
	if err := os.MkdirAll(filepath.Join(dir, "docker"), 0o755); err != nil {
		t.Fatal(err)
	}
	setFile(t, dir, "compose.yaml", "services:\n  app:\n    build:\n      context: .\n      dockerfile: docker/Dockerfile\n")
	setFile(t, dir, "docker/Dockerfile", "FROM python:3.11\n")
	setFile(t, dir, "docker-compose.yml", "services: {}\n")
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	m := byPath(c)
	for _, f := range []string{"compose.yaml", "docker/Dockerfile"} {
		if m[f].Action != safewrite.Update || c.Consent[f] != reasonForeign {
			t.Errorf("%s: %s, consent %q; want an update that needs consent", f, m[f].Action, c.Consent[f])
		}
	}
	if _, ok := m["docker-compose.yml"]; ok {
		t.Error("docker-compose.yml is written beside compose.yaml")
	}
	if _, ok := m["Dockerfile"]; ok {
		t.Error("a root Dockerfile is written beside docker/Dockerfile")
	}
	if !strings.Contains(string(m["compose.yaml"].File.Data), "dockerfile: docker/Dockerfile") {
		t.Errorf("compose.yaml does not build docker/Dockerfile:\n%s", m["compose.yaml"].File.Data)
	}
	notes := strings.Join(c.Notes, "\n")
	for _, want := range []string{"Compose does not load docker-compose.yml (it loads compose.yaml and compose.override.yaml)"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// TestPrepareInitSwitchToPostgres: after sqlite → postgres the summary says what the answers
// chose, and the notes name the sqlite volumes the new stack leaves behind.
func TestPrepareInitSwitchToPostgres(t *testing.T) {
	dir := samples.Copy(t, "library")
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, dir, c)
	if n := strings.Join(c.Notes, "\n"); strings.Contains(n, "no longer used") {
		t.Errorf("first run notes: %s", n)
	}
	var log bytes.Buffer
	o := yes(dir)
	o.Log = &log
	o.Flags.Services, o.Flags.ServicesSet = []detect.Service{detect.ServicePostgres}, true
	if c, err = PrepareInit(o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "Detected services: sqlite\n") || !strings.Contains(log.String(), "Services chosen: postgres\n") {
		t.Errorf("summary:\n%s", log.String())
	}
	notes := strings.Join(c.Notes, "\n")
	for _, v := range []string{"library_app-data", "library_app-dev-data"} {
		if !strings.Contains(notes, "volume "+v+" ") || !strings.Contains(notes, "docker volume rm "+v+" ") {
			t.Errorf("notes lack %s:\n%s", v, notes)
		}
	}
	if strings.Contains(notes, "postgres-data") {
		t.Errorf("a volume still used is noted:\n%s", notes)
	}
}

// TestPrepareInitNewVenvChangesNothing: a .venv made between two runs is already left out of
// the build context by the usual names, so the second run changes no file.
func TestPrepareInitNewVenvChangesNothing(t *testing.T) {
	dir := samples.Copy(t, "library")
	c, err := PrepareInit(yes(dir))
	if err != nil {
		t.Fatal(err)
	}
	apply(t, dir, c)
	if err := os.MkdirAll(filepath.Join(dir, ".venv", "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".venv", "pyvenv.cfg"), []byte("home = /usr/bin\nversion = 3.11.9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	o := yes(dir)
	o.Log = &log
	again, err := PrepareInit(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range again.Changes {
		if ch.Action != safewrite.Unchanged {
			t.Errorf("%s would %s:\n%s", ch.File.Path, ch.Action, ch.Diff)
		}
	}
	if strings.Contains(log.String(), "Services chosen") {
		t.Errorf("the answers did not change, yet:\n%s", log.String())
	}
}
