// Package workflow runs what `containerize init` and `containerize migrate` do, end to end
// but without a terminal or flags: detection, declaring a legacy virtualenv first, the
// answers, the plan, the generated files merged into what is on disk, and the changes to
// apply with the consent they need. The cobra commands parse flags, pick the Prompter,
// apply or print the changes and print the result; everything else is here, with tests.
package workflow

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/fsoverlay"
	"github.com/containerize/containerize/generate"
	"github.com/containerize/containerize/kube"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/wizard"
)

// Init is what an init run needs besides the project.
type Init struct {
	// Dir is the project directory (absolute).
	Dir string
	// Flags are the answers given on the command line.
	Flags wizard.Flags
	// Prompter asks what is still open; nil never asks (--yes, scripts).
	Prompter wizard.Prompter
	// Rand is the source of fresh secrets for .env; nil means crypto/rand.
	Rand io.Reader
	// UID and GID are this machine's user and group (os.Getuid, os.Getgid: -1 on Windows),
	// which a new .env records for the development containers.
	UID, GID int
	// Getenv reads the environment (the virtualenvs outside the project); nil means os.Getenv.
	Getenv func(string) string
	// Log receives what people should read before anything is written: the detection
	// summary and, for a legacy project, migrate's report.
	Log io.Writer
	// Kubernetes, when set, also writes deploy/kubernetes (init --kubernetes).
	Kubernetes *kube.Options
}

// Changes are the writes a run wants, and what the user's answers already consented to.
type Changes struct {
	// Plan is what the files were generated from (nil for migrate).
	Plan *plan.Plan
	// Changes are safewrite's plan of the writes, in order.
	Changes []safewrite.Change
	// Approved are the files the answers themselves consent to changing (the settings
	// block, .gitignore and .env entries, the saved answers): they are not asked about.
	Approved map[string]bool
	// Consent lists, by path, why each other file that would change needs the user's
	// consent: someone edited it since containerize wrote it, or containerize never did.
	Consent map[string]string
	// Notes tell the user what the setup does that they may not expect.
	Notes []string
	// Next is the command to run after the write.
	Next string
	// Commands are the one-liners the files document (development, watch, tests, production).
	Commands generate.Commands
}

// Why a file needs consent before it is replaced.
const (
	reasonEdited  = "edited since containerize wrote it"
	reasonForeign = "not written by containerize"
)

// ConsentError stops a run that would replace files nobody consented to replacing: without
// a terminal to ask (--yes, scripts) or because the answer was no. Nothing was written.
type ConsentError struct {
	// Files maps each path to why it needs consent.
	Files map[string]string
	// Declined is set when a person answered no.
	Declined bool
}

func (e *ConsentError) Error() string {
	paths := slices.Sorted(maps.Keys(e.Files))
	var b strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&b, "%s was %s", p, e.Files[p])
		if e.Declined {
			b.WriteString(" and you kept it")
		}
		b.WriteString("; ")
	}
	quoted := make([]string, len(paths))
	for i, p := range paths {
		quoted[i] = strconv.Quote(p)
	}
	fmt.Fprintf(&b, "nothing was written.\n  see the changes:   containerize init --dry-run\n"+
		"  replace them:      containerize init --force   (the old content is kept as FILE.bak)\n"+
		"  keep yours:        add them to containerize.toml, keep = [%s], and run init again", strings.Join(quoted, ", "))
	return b.String()
}

// NeedConsent is the ConsentError for every file that needs consent, or nil: what a run
// that cannot ask (no Prompter, no --force) must stop with before writing anything.
func (c *Changes) NeedConsent() error {
	if len(c.Consent) == 0 {
		return nil
	}
	return &ConsentError{Files: c.Consent}
}

// PrepareInit detects the project, declares a legacy virtualenv's packages first (asking
// when there is a Prompter), resolves the answers, plans and generates the setup, and
// returns the writes merged into the files on disk. It writes nothing.
func PrepareInit(o Init) (*Changes, error) {
	fsys, err := detect.Dir(o.Dir)
	if err != nil {
		return nil, err
	}
	p, err := detect.Detect(fsys, o.Dir)
	if err != nil {
		return nil, err
	}
	config.Python.Apply(p)
	saved, err := LoadSaved(o.Dir)
	if err != nil {
		return nil, err
	}
	Summary(o.Log, p)

	// A project whose dependencies live only in its virtualenv gets them declared first, in
	// the same write: detection then reads the project as migrate leaves it.
	var migrated []safewrite.File
	detectFS := fs.FS(fsys)
	if p.PackageManager == detect.ManagerNone && len(p.Virtualenvs) > 0 {
		if o.Prompter != nil {
			run, err := wizard.Confirm(o.Prompter, "Declare the dependencies first?",
				fmt.Sprintf("No dependency file declares them; %s/ holds the only record. containerize migrate writes requirements.txt and requirements.lock from it.", p.Virtualenvs[0]), true)
			if err != nil {
				return nil, err
			}
			if !run {
				return nil, fmt.Errorf("%s declares no dependencies: run containerize migrate, or add a requirements file, then init again", o.Dir)
			}
		}
		if migrated, err = prepareMigrate(Migrate{Dir: o.Dir, Venv: p.Virtualenvs[0], Prompter: o.Prompter, Getenv: o.Getenv, Log: o.Log}, p); err != nil {
			return nil, err
		}
		planned := map[string][]byte{}
		for _, f := range migrated {
			planned[f.Path] = f.Data
		}
		detectFS = fsoverlay.New(fsys, planned)
		if p, err = detect.Detect(detectFS, o.Dir); err != nil {
			return nil, err
		}
	}
	if p, err = settle(detectFS, o.Dir, p, saved, o.Flags, o.Prompter, o.Log); err != nil {
		return nil, err
	}

	cfg, err := wizard.Resolve(p, saved, o.Flags, o.Prompter)
	if err != nil {
		return nil, err
	}
	pl, err := plan.Make(p, cfg)
	if err != nil {
		return nil, err
	}
	// sqlite is detected but runs in the application's container: compare compose's services.
	detected := slices.DeleteFunc(slices.Clone(p.Services), func(s detect.Service) bool { return !slices.Contains(config.ComposeServices, s) })
	if o.Log != nil && !slices.Equal(cfg.Services, detected) {
		fmt.Fprintf(o.Log, "Services chosen: %s\n", cmp.Or(strings.Join(detect.Strings(cfg.Services), ", "), "none"))
	}
	out, err := generate.Generate(pl, generate.Options{Rand: o.Rand, HostUser: generate.HostUser{UID: o.UID, GID: o.GID}})
	if err != nil {
		return nil, err
	}
	if o.Kubernetes != nil {
		if err := addKubernetes(o.Dir, pl, *o.Kubernetes, out); err != nil {
			return nil, err
		}
	}
	files, approved, notes, err := merge(o.Dir, out, pl.Files.Compose)
	if err == nil && p.DotEnvTracked {
		err = trackedEnv(files)
	}
	if err != nil {
		return nil, err
	}
	files, owned, kept, err := recordFiles(o.Dir, out, files, cfg.Keep)
	if err != nil {
		return nil, err
	}
	approved[RecordFile] = true
	for _, k := range kept {
		notes = append(notes, fmt.Sprintf("%s is left as it is: containerize.toml lists it in keep", k))
	}
	notes = append(notes, orphanedVolumes(p, saved, pl)...)
	changes, err := safewrite.Plan(o.Dir, append(migrated, files...))
	if err != nil {
		return nil, err
	}
	c := &Changes{Plan: pl, Changes: changes, Approved: approved, Consent: map[string]string{}, Notes: notes, Next: out.Commands.Up, Commands: out.Commands}
	for i, ch := range changes {
		if ch.Action != safewrite.Update || approved[ch.File.Path] {
			continue
		}
		switch sum, ok := owned[ch.File.Path]; {
		case ok && sum == hashOf(ch.Old):
			// containerize's own, unedited: updated like any output, and nothing of
			// anyone's is lost, so no backup.
			approved[ch.File.Path] = true
			c.Changes[i].File.NoBackup = true
		case ok:
			c.Consent[ch.File.Path] = reasonEdited
		default:
			c.Consent[ch.File.Path] = reasonForeign
		}
	}
	// A .dockerignore left as it is must still keep secrets out of docker build's context.
	// The reason to replace the user's says so; a kept one gets a note.
	if name := pl.Files.Dockerignore; c.Consent[name] != "" || slices.Contains(kept, name) {
		leak, err := leakyDockerignore(o.Dir, name)
		switch {
		case err != nil:
			return nil, err
		case leak == "":
		case c.Consent[name] != "":
			c.Consent[name] += " and " + leak
		default:
			c.Notes = append(c.Notes, fmt.Sprintf("%s %s; add these lines, or remove it from keep in %s and run init again to replace it", name, leak, config.FileName))
		}
	}
	return c, nil
}

// addKubernetes adds deploy/kubernetes to the output: the overlays keep the release (image
// and digest) a build --push wrote into them.
func addKubernetes(dir string, pl *plan.Plan, opts kube.Options, out *generate.Output) error {
	files, err := kube.Generate(pl, opts)
	if err != nil {
		return err
	}
	for _, f := range files {
		if path.Base(f.Path) == "kustomization.yaml" && strings.Contains(f.Path, "/overlays/") {
			old, ok, err := safewrite.Read(dir, f.Path)
			if err != nil {
				return fmt.Errorf("read %s: %w", f.Path, err)
			}
			if ok {
				f.Data = kube.KeepRelease(f.Data, old)
			}
		}
		out.Files = append(out.Files, generate.File{Path: f.Path, Data: f.Data})
	}
	out.Notes = append(out.Notes, fmt.Sprintf("%s: copy overlays/staging/secret.env.example to secret.env there (never committed), set its values, then kubectl apply -k %s/overlays/staging", kube.Dir, kube.Dir))
	return nil
}

// orphanedVolumes notes the named volumes the saved answers' stack used that the new one does
// not (sqlite's app-data after switching to postgres, say): Compose leaves them and their data
// behind, so the user is told their names and how to remove them.
func orphanedVolumes(p *detect.Project, saved *config.Config, pl *plan.Plan) []string {
	if saved == nil {
		return nil
	}
	prevCfg, err := wizard.Resolve(p, saved, wizard.Flags{}, nil)
	if err != nil || reflect.DeepEqual(prevCfg, pl.Answers) {
		return nil // the same answers: the same stack, and no second plan to make
	}
	prev, err := plan.Make(p, prevCfg)
	if err != nil {
		return nil
	}
	now := append(slices.Clone(pl.Compose.Volumes), pl.Dev.VolumeNames...)
	var notes []string
	for _, v := range append(slices.Clone(prev.Compose.Volumes), prev.Dev.VolumeNames...) {
		if prev.Name == pl.Name && slices.Contains(now, v) {
			continue
		}
		name := prev.Name + "_" + v
		notes = append(notes, fmt.Sprintf("volume %s (%s) is no longer used by the stack: its data stays until you remove it: docker volume rm %s (once docker compose up has recreated the containers that used it)", name, v, name))
	}
	return notes
}

// recordFiles leaves out the files containerize.toml keeps and adds the new record of the
// generated files to the writes. owned maps each generated file the old record lists to
// the hash containerize last wrote there; kept lists the files left out.
func recordFiles(dir string, out *generate.Output, files []safewrite.File, keep []string) (_ []safewrite.File, owned record, kept []string, err error) {
	old := record{}
	if b, ok, err := safewrite.Read(dir, RecordFile); err != nil {
		return nil, nil, nil, fmt.Errorf("read %s: %w", RecordFile, err)
	} else if ok {
		if old, err = parseRecord(b); err != nil {
			return nil, nil, nil, err
		}
	}
	next, owned := record{}, record{}
	// deploy/kubernetes is written only when asked for (--kubernetes): a run without it
	// keeps containerize's claim on the files an earlier one wrote.
	for p, sum := range old {
		if strings.HasPrefix(p, kube.Dir+"/") {
			next[p] = sum
		}
	}
	for _, f := range out.Files {
		if f.Path == config.FileName || slices.Contains(keep, f.Path) {
			continue // the answers are always the user's to edit; kept files are theirs
		}
		next[f.Path] = hashOf(f.Data)
		if sum, ok := old[f.Path]; ok {
			owned[f.Path] = sum
		}
	}
	written := files[:0:0]
	for _, f := range files {
		if slices.Contains(keep, f.Path) {
			kept = append(kept, f.Path)
			continue
		}
		written = append(written, f)
	}
	return append(written, safewrite.File{Path: RecordFile, Data: next.marshal(), NoBackup: true}), owned, kept, nil
}

// LoadSaved reads containerize.toml when the project has one; nil when it has none.
func LoadSaved(dir string) (*config.Config, error) {
	b, ok, err := safewrite.Read(dir, config.FileName)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", config.FileName, err)
	}
	if !ok {
		return nil, nil
	}
	return config.Parse(b, config.FileName)
}

// SavedPlan is the plan of the project in dir with the answers containerize.toml saved, or
// the detected defaults (said on log) when there is none: what `containerize build` builds.
func SavedPlan(dir string, log io.Writer) (*plan.Plan, error) {
	fsys, err := detect.Dir(dir)
	if err != nil {
		return nil, err
	}
	p, err := detect.Detect(fsys, dir)
	if err != nil {
		return nil, err
	}
	saved, err := LoadSaved(dir)
	if err != nil {
		return nil, err
	}
	if p, err = settle(fsys, dir, p, saved, wizard.Flags{Yes: true}, nil, log); err != nil {
		return nil, err
	}
	cfg, err := wizard.Resolve(p, saved, wizard.Flags{Yes: true}, nil)
	if err != nil {
		return nil, err
	}
	if saved == nil && log != nil {
		fmt.Fprintf(log, "note: no %s; using the detected defaults (containerize init saves them)\n", config.FileName)
	}
	return plan.Make(p, cfg)
}

// merge turns the generator's output into whole files: blocks and lines are merged into
// the current content of their file, a missing .env is created and an existing one gains
// only what compose needs. approved lists the files the answers themselves consent to
// changing (the settings block, .gitignore and .env entries, the saved answers).
func merge(dir string, out *generate.Output, compose string) ([]safewrite.File, map[string]bool, []string, error) {
	approved := map[string]bool{config.FileName: true}
	notes := out.Notes
	current := func(rel string) ([]byte, bool, error) {
		b, ok, err := safewrite.Read(dir, rel)
		if err != nil {
			return nil, false, fmt.Errorf("read %s: %w", rel, err)
		}
		return b, ok, nil
	}
	oldEnv, hasEnv, err := current(".env")
	if err != nil {
		return nil, nil, nil, err
	}
	var files []safewrite.File
	for _, f := range out.Files {
		files = append(files, safewrite.File{Path: f.Path, Data: f.Data})
		if f.Path == ".env.example" && !hasEnv {
			files = append(files, safewrite.File{Path: ".env", Data: out.Env, Mode: EnvMode})
		}
	}
	for _, b := range out.Blocks {
		old, ok, err := current(b.Path)
		if err != nil {
			return nil, nil, nil, err
		}
		if !ok {
			return nil, nil, nil, fmt.Errorf("%s: the settings module is missing; cannot add the settings block (run with --no-settings-patch)", b.Path)
		}
		files = append(files, appended(b.Path, old, safewrite.EnsureBlock(old, b.Begin, b.End, b.Body)))
		approved[b.Path] = true
	}
	if hasEnv {
		// An existing .env keeps its permission; one others can read is worth a word.
		if fi, err := os.Stat(filepath.Join(dir, ".env")); err == nil && fi.Mode().Perm()&0o077 != 0 && runtime.GOOS != "windows" {
			notes = append(notes, fmt.Sprintf(".env holds secrets and other users can read it (%v): chmod 600 .env", fi.Mode().Perm()))
		}
		merged, added := generate.MergeEnv(oldEnv, out.Env)
		if len(added) > 0 {
			files = append(files, appended(".env", oldEnv, merged))
			approved[".env"] = true
			notes = append(notes, fmt.Sprintf(".env lacked %s, which %s uses; added with fresh values", strings.Join(added, ", "), compose))
		}
	}
	for _, l := range out.Lines {
		old, _, err := current(l.Path)
		if err != nil {
			return nil, nil, nil, err
		}
		files = append(files, appended(l.Path, old, safewrite.EnsureLines(old, l.Lines...)))
		approved[l.Path] = true
	}
	return files, approved, notes, nil
}

// appended is a file whose new content may only add to the old; when it purely appends,
// no backup is left beside it (replacing a block in place keeps one).
func appended(path string, old, data []byte) safewrite.File {
	return safewrite.File{Path: path, Data: data, NoBackup: bytes.HasPrefix(data, old)}
}

// EnvMode is the permission of a new .env: it holds the secrets, for its owner alone.
const EnvMode fs.FileMode = 0o600

// Confirmer asks before overwriting a file the user owns, unless the answers already said
// yes. A run applies all of its changes or none: without a Prompter, or when the answer is
// no, it stops the run with a ConsentError before anything is written.
type Confirmer struct {
	Prompter wizard.Prompter
	// Changes says which files are approved and why the others need consent.
	Changes *Changes
	// Out shows the diff before the question.
	Out io.Writer
}

// ConfirmOverwrite implements safewrite.Confirmer.
func (c Confirmer) ConfirmOverwrite(path, diff string) (bool, error) {
	if c.Changes.Approved[path] {
		return true, nil
	}
	why := cmp.Or(c.Changes.Consent[path], "changed since it was read")
	if c.Prompter == nil {
		return false, &ConsentError{Files: map[string]string{path: why}}
	}
	fmt.Fprintf(c.Out, "\n%s was %s, and would change:\n%s\n", path, why, diff)
	ok, err := wizard.Confirm(c.Prompter, fmt.Sprintf("Replace %s?", path), "Yes keeps the old content as "+path+".bak. No writes nothing at all.", false)
	if err == nil && !ok {
		err = &ConsentError{Files: map[string]string{path: why}, Declined: true}
	}
	return ok, err
}

// Summary writes what detection found, in a few lines, for people.
func Summary(w io.Writer, p *detect.Project) {
	if w == nil {
		return
	}
	fmt.Fprintf(w, "Detected %s", p.PackageManager)
	if len(p.DependencyFiles) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(p.DependencyFiles, ", "))
	}
	if p.Python.Version != "" {
		fmt.Fprintf(w, ", Python %s from %s", p.Python.Version, p.Python.Source)
	}
	if d := p.Django; d != nil && d.SettingsModule != "" {
		fmt.Fprintf(w, ", Django settings %s", d.SettingsModule)
	}
	fmt.Fprintln(w)
	if len(p.Services) > 0 {
		fmt.Fprintf(w, "Detected services: %s\n", strings.Join(detect.Strings(p.Services), ", "))
	}
	for _, c := range p.Python.Conflicts {
		fmt.Fprintf(w, "note: %s\n", c)
	}
	for _, f := range p.Warnings {
		if f.Source != "" {
			fmt.Fprintf(w, "warning: %s: %s\n", f.Source, f.Detail)
		} else {
			fmt.Fprintf(w, "warning: %s\n", f.Detail)
		}
	}
}
