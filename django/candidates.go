package django

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/internal/ownfile"
)

// Roles of a settings module, from its name (and, for a name that says nothing, from
// where it is set).
const (
	RoleProduction  = "production"
	RoleDevelopment = "development"
	RoleBase        = "base"
	RoleTest        = "test"
	RoleUnknown     = "unknown"
)

// SettingsCandidate is one settings module the project may run with, and why it is one.
type SettingsCandidate struct {
	// Module is the dotted module ("proj.settings.production").
	Module string `json:"module"`
	// Role is what its name (or, failing that, where it is set) says it is for.
	Role string `json:"role"`
	// Evidence lists where the module is named ("manage.py:9", "Procfile:1"), or its own
	// file when it is a candidate because it sits beside one that is.
	Evidence []string `json:"evidence"`
	// Chosen is true for the one module whose settings were read.
	Chosen bool `json:"chosen"`
}

// candidate is a SettingsCandidate with what the ranking reads.
type candidate struct {
	SettingsCandidate
	// served and managed say whether a server file, a deployment file (Procfile,
	// Dockerfile, compose, start script), or manage.py names it.
	served, managed bool
	// devOnly is true when every file naming it is a development one (Dockerfile.dev,
	// docker-compose.local.yml, .envs/.local/...).
	devOnly bool
}

// ReadOptions are what ReadWith takes besides the project.
type ReadOptions struct {
	// Settings, when set, is the settings module to read instead of the top-ranked
	// candidate (the user's choice: --settings or containerize.toml).
	Settings string
	// Files are the project's files (slash paths from the root of the FS); those
	// SettingsEvidenceFile accepts are searched for DJANGO_SETTINGS_MODULE.
	Files []string
}

// UnknownModuleError is returned by ReadWith when ReadOptions.Settings is not a settings
// module of the project.
type UnknownModuleError struct {
	Module string
	// Why says what is wrong with it.
	Why string
	// Candidates are the modules the project has, best first.
	Candidates []string
}

func (e *UnknownModuleError) Error() string {
	msg := fmt.Sprintf("settings module %s %s", e.Module, e.Why)
	if len(e.Candidates) > 0 {
		msg += "; the project's settings modules: " + strings.Join(e.Candidates, ", ")
	}
	return msg
}

// roleOf says what a module's last name says it is for; settings_ and _settings around
// the name are ignored (settings_prod, dev_settings).
func roleOf(mod string) string {
	p := strings.ToLower(lastPart(mod))
	p = strings.TrimSuffix(strings.TrimPrefix(p, "settings_"), "_settings")
	switch p {
	case "production", "prod", "prd", "product", "live", "deploy", "deployment":
		return RoleProduction
	case "local", "dev", "devel", "develop", "development":
		return RoleDevelopment
	case "test", "tests", "testing", "ci":
		return RoleTest
	case "base", "common", "shared", "default", "defaults":
		return RoleBase
	}
	return RoleUnknown
}

// roleRank orders roles from the one a production image should run to the last.
func roleRank(role string) int {
	return slices.Index([]string{RoleProduction, RoleUnknown, RoleBase, RoleDevelopment, RoleTest}, role)
}

// compareCandidates is the ranking, best first:
//  1. the role: production, unknown (a plain settings.py), base, development, test;
//  2. named by a server file or a deployment file (wsgi.py, asgi.py, Procfile,
//     Dockerfile, compose file, start script, deployment manifest) before not;
//  3. named by manage.py before not;
//  4. the module's name, so that the order never depends on the file system.
func compareCandidates(a, b candidate) int {
	return cmp.Or(
		cmp.Compare(roleRank(a.Role), roleRank(b.Role)),
		-cmpBool(a.served, b.served),
		-cmpBool(a.managed, b.managed),
		strings.Compare(a.Module, b.Module))
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// candidateSet collects candidates by module, in the order they are first found.
type candidateSet struct {
	list []candidate
}

func (s *candidateSet) get(mod string) *candidate {
	for i := range s.list {
		if s.list[i].Module == mod {
			return &s.list[i]
		}
	}
	s.list = append(s.list, candidate{SettingsCandidate: SettingsCandidate{Module: mod, Role: roleOf(mod), Evidence: []string{}}, devOnly: true})
	return &s.list[len(s.list)-1]
}

func (s *candidateSet) add(mod, src string, served, managed, devFile bool) {
	c := s.get(mod)
	if !slices.Contains(c.Evidence, src) {
		c.Evidence = append(c.Evidence, src)
	}
	c.served = c.served || served && !devFile
	c.managed = c.managed || managed
	c.devOnly = c.devOnly && devFile
}

// findSettingsModule collects every settings module the project names or holds, ranks
// them, and chooses the one to read: the override when one is given, else the first.
func (r *reader) findSettingsModule(opts ReadOptions) error {
	mp, err := r.parse(r.info.ManagePy)
	if err != nil {
		return err
	}
	var set candidateSet
	var named []dsm // in source order, for the notes
	if mp != nil {
		for _, c := range r.settingsCandidates(r.info.ManagePy, mp) {
			set.add(c.module, c.src, false, true, false)
			named = append(named, c)
		}
	}
	if err := r.findServerFiles(); err != nil {
		return err
	}
	servers, err := r.serverPackageFiles()
	if err != nil {
		return err
	}
	for _, f := range append(slices.Clone(r.serverFiles), servers...) {
		m, err := r.parse(f)
		if err != nil {
			return err
		}
		if m == nil {
			continue
		}
		for _, c := range r.settingsCandidates(f, m) {
			set.add(c.module, c.src, true, false, false)
			named = append(named, c)
		}
	}
	var copies []imageCopy
	r.variants = map[string]string{}
	for _, f := range opts.Files {
		if !SettingsEvidenceFile(f) {
			continue
		}
		if v := variantName(f); v != "" && !DevFile(f) && r.variants[v] == "" {
			r.variants[v] = f
		}
		found, err := r.deploymentSettings(f)
		if err != nil {
			return err
		}
		for _, c := range found {
			set.add(c.module, c.src, !c.build, false, DevFile(f))
			named = append(named, c)
		}
		if DockerfileName(f) && !DevFile(f) {
			cs, err := r.dockerCopies(f)
			if err != nil {
				return err
			}
			copies = append(copies, cs...)
		}
	}
	if distinct(named) == 0 && opts.Settings == "" {
		if err := r.guessSettingsModule(); err != nil {
			return err
		}
		if r.info.SettingsModule != "" {
			set.add(r.info.SettingsModule, r.info.SettingsModuleSource, false, false, false)
		}
	}

	// Keep the modules that exist; then an empty package gives way to its modules, and the
	// settings modules beside a development, base or test one join as candidates (after
	// the named ones, so that a module's first evidence is where it is named).
	var kept candidateSet
	var missing []candidate
	type expansion struct{ pkg, dir, why, of string }
	var expand []expansion
	for _, c := range set.list {
		file, _, isPkg, err := r.resolveModule(c.Module)
		if err != nil {
			return err
		}
		if cp, ok := copiedModule(copies, c.Module); file == "" && ok {
			// It exists only in the image: read the file the Dockerfile copies there.
			if r.copied == nil {
				r.copied = map[string]imageCopy{}
			}
			r.copied[c.Module], file = cp, cp.src
			c.Evidence = append(slices.Clone(c.Evidence), cp.at)
			r.note(cp.at, "%s exists only in the image: the Dockerfile copies %s to %s; its settings were read from %s, and the image containerize writes copies it there too", c.Module, cp.src, cp.dst, cp.src)
		}
		if file == "" {
			missing = append(missing, c)
			continue
		}
		empty := false
		if isPkg {
			if empty, err = r.emptyModule(file); err != nil {
				return err
			}
		}
		if empty {
			expand = append(expand, expansion{c.Module, path.Dir(file), fmt.Sprintf("%s (named at %s) is a package whose __init__.py is empty", c.Module, c.Evidence[0]), ""})
			continue
		}
		k := kept.get(c.Module)
		for _, e := range c.Evidence {
			kept.add(c.Module, e, c.served, c.managed, c.devOnly)
		}
		if k.Role == RoleUnknown && c.devOnly && len(c.Evidence) > 0 {
			k.Role = RoleDevelopment
		}
		if k.Role == RoleDevelopment || k.Role == RoleBase || k.Role == RoleTest {
			expand = append(expand, expansion{parent(c.Module), path.Dir(file), "", c.Module})
		}
	}
	for _, e := range expand {
		if err := r.addModules(&kept, e.pkg, e.dir, e.why, e.of); err != nil {
			return err
		}
	}
	if len(kept.list) == 0 {
		// Nothing named exists: read what the project names all the same, so that the
		// notes say which file is missing (or that the package sets nothing).
		kept = set
	} else {
		for _, c := range missing {
			r.note(c.Evidence[0], "DJANGO_SETTINGS_MODULE is set to %s, which is not in the project", c.Module)
		}
	}
	slices.SortStableFunc(kept.list, compareCandidates)
	cands := []SettingsCandidate{}
	var managed *candidate
	for i, c := range kept.list {
		cands = append(cands, c.SettingsCandidate)
		if c.managed && managed == nil {
			managed = &kept.list[i]
		}
	}

	chosen := -1
	if opts.Settings != "" {
		for i, c := range cands {
			if c.Module == opts.Settings {
				chosen = i
			}
		}
		if chosen < 0 {
			if err := r.override(&cands, opts.Settings); err != nil {
				return err
			}
			chosen = len(cands) - 1
		}
	} else if len(cands) > 0 {
		chosen = 0
	}
	r.info.SettingsCandidates = cands
	if chosen < 0 {
		if r.info.SettingsModule == "" {
			r.note(r.info.ManagePy, "DJANGO_SETTINGS_MODULE is not set in manage.py, wsgi.py or asgi.py and no settings module was found; set it in manage.py")
		}
		r.info.SettingsModule, r.info.SettingsModuleSource = "", ""
		return nil
	}
	c := &cands[chosen]
	c.Chosen = true
	r.info.SettingsModule, r.info.SettingsModuleSource = c.Module, c.Evidence[0]
	if cp, ok := r.copied[c.Module]; ok {
		r.info.SettingsCopy = &FileCopy{From: cp.src, To: strings.ReplaceAll(c.Module, ".", "/") + ".py", Source: cp.at}
	}
	switch {
	case managed != nil && managed.Module != c.Module && opts.Settings == "":
		role := ""
		if managed.Role != RoleUnknown {
			role = " (" + managed.Role + " settings)"
		}
		r.note(managed.Evidence[0], "manage.py defaults to %s%s; the image runs %s (%s), the first of the settings candidates: choose another with --settings",
			managed.Module, role, c.Module, c.Evidence[0])
	case distinct(named) > 1:
		r.note(named[0].src, "DJANGO_SETTINGS_MODULE is set to %s in different places; %s was read", strings.Join(modules(named), ", "), c.Module)
	}
	if opts.Settings == "" && (c.Role == RoleDevelopment || c.Role == RoleTest) {
		r.note(c.Evidence[0], "the settings module %s holds %s settings and no production module was found; choose one with --settings or settings in containerize.toml", c.Module, c.Role)
	}
	return nil
}

// override adds the module the user chose when it is not a candidate but exists.
func (r *reader) override(cands *[]SettingsCandidate, mod string) error {
	var names []string
	for _, c := range *cands {
		names = append(names, c.Module)
	}
	file, _, isPkg, err := r.resolveModule(mod)
	if err != nil {
		return err
	}
	if file == "" {
		return &UnknownModuleError{Module: mod, Why: "is not in the project (no " + strings.ReplaceAll(mod, ".", "/") + ".py)", Candidates: names}
	}
	if isPkg {
		empty, err := r.emptyModule(file)
		if err != nil {
			return err
		}
		if empty {
			return &UnknownModuleError{Module: mod, Why: "is a package whose " + file + " is empty: Django would start with no settings; name one of its modules", Candidates: names}
		}
	}
	*cands = append(*cands, SettingsCandidate{Module: mod, Role: roleOf(mod), Evidence: []string{file}})
	return nil
}

// emptyModule reports whether a Python file has no statement Python would run (only
// comments, a docstring, blank lines).
func (r *reader) emptyModule(file string) (bool, error) {
	m, err := r.parse(file)
	if err != nil || m == nil {
		return false, err
	}
	if len(m.Assignments) > 0 || len(m.Imports) > 0 || len(m.Calls) > 0 {
		return false, nil
	}
	b, err := fs.ReadFile(r.fsys, file)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", file, err)
	}
	return onlyCommentsOrDocstring(b), nil
}

// onlyCommentsOrDocstring reports whether src is blank lines, comments and at most string
// literals standing alone (a docstring).
func onlyCommentsOrDocstring(src []byte) bool {
	inString := ""
	for _, l := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(l)
		if inString != "" {
			if strings.Contains(t, inString) {
				inString = ""
			}
			continue
		}
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
		case strings.HasPrefix(t, `"""`) || strings.HasPrefix(t, `'''`):
			q := t[:3]
			if !strings.Contains(t[3:], q) {
				inString = q
			}
		case len(t) >= 2 && (t[0] == '"' || t[0] == '\'') && t[len(t)-1] == t[0]:
		default:
			return false
		}
	}
	return true
}

// addModules adds the settings modules of package pkg (folder dir): those whose name says
// what they are for or, inside an empty package (why != ""), any that sets settings. A
// module counts as settings when it star-imports or sets a core setting, so that a
// product.py of models next to settings.py is never taken for production settings. Outside
// a package named for settings, a module whose name says what it is for counts when it
// star-imports of, the module it sits beside (config/django/production.py's
// `from .base import *`). A file whose name is not a Python module name
// (production.example.py) or says it is an example or template (settings_example.py,
// local_template.py) is never one: nothing imports it, it is copied and edited first.
func (r *reader) addModules(set *candidateSet, pkg, dir, why, of string) error {
	entries, err := fs.ReadDir(r.fsys, dir)
	if notExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	settingsPkg := strings.Contains(strings.ToLower(lastPart(pkg)), "settings") || why != ""
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".py")
		if !ok || e.IsDir() || name == "__init__" || !identRE().MatchString(name) || templateName(name) {
			continue
		}
		lower := strings.ToLower(name)
		affixed := strings.HasPrefix(lower, "settings_") || strings.HasSuffix(lower, "_settings")
		mod := name
		if pkg != "" {
			mod = pkg + "." + name
		}
		role := roleOf(mod)
		if slices.ContainsFunc(set.list, func(c candidate) bool { return c.Module == mod }) {
			continue // named already: that is its evidence
		}
		file := path.Join(dir, e.Name())
		if deploy := r.variants[strings.ToLower(name)]; role == RoleUnknown && why == "" && deploy != "" && settingsPkg {
			// A deployment file named for it (Dockerfile.cabotage beside settings/cabotage.py).
			ok, err := r.looksLikeSettings(file)
			if err != nil {
				return err
			}
			if ok {
				set.add(mod, deploy, true, false, false)
				set.add(mod, file, false, false, false)
			}
			continue
		}
		if role == RoleUnknown && why == "" {
			continue
		}
		if !settingsPkg && !affixed {
			ok, err := r.starImports(file, pkg, of)
			if err != nil {
				return err
			}
			if ok {
				set.add(mod, file, false, false, false)
			}
			continue
		}
		ok, err := r.looksLikeSettings(file)
		if err != nil {
			return err
		}
		if ok {
			set.add(mod, file, false, false, false)
		}
	}
	if why != "" {
		r.note(path.Join(dir, "__init__.py"), "%s, so Django would start with no settings: its modules are the candidates", why)
	}
	return nil
}

// identRE is a Python identifier: a module's file name without .py.
var identRE = lazy.Regexp(`^[A-Za-z_][A-Za-z0-9_]*$`)

// templateName reports whether a module's name says it is an example or template to copy
// (settings_example, example_settings, local_template, production_sample, config_dist).
func templateName(name string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '.' || r == '-' }) {
		switch w {
		case "example", "examples", "sample", "template", "tmpl", "dist", "skel", "skeleton":
			return true
		}
	}
	return false
}

// starImports reports whether the module in file, of package pkg, star-imports the module
// of (absolutely, or relatively from pkg).
func (r *reader) starImports(file, pkg, of string) (bool, error) {
	if of == "" {
		return false, nil
	}
	m, err := r.parse(file)
	if err != nil || m == nil {
		return false, err
	}
	for _, imp := range m.Imports {
		if len(imp.Names) != 1 || imp.Names[0] != "*" {
			continue
		}
		if imp.Level == 0 && imp.Module == of || imp.Level == 1 && pkg != "" && pkg+"."+imp.Module == of {
			return true, nil
		}
	}
	return false, nil
}

// looksLikeSettings reports whether a module star-imports something or sets a core setting.
func (r *reader) looksLikeSettings(file string) (bool, error) {
	m, err := r.parse(file)
	if err != nil || m == nil {
		return false, err
	}
	for _, imp := range m.Imports {
		if len(imp.Names) == 1 && imp.Names[0] == "*" {
			return true, nil
		}
	}
	for _, a := range m.Assignments {
		if a.Indent == 0 && coreSettings[a.Target] {
			return true, nil
		}
	}
	return false, nil
}

// serverPackageFiles are the modules of wsgi/ and asgi/ packages beside manage.py's
// packages (proj/wsgi/__init__.py, proj/wsgi/production.py), which set
// DJANGO_SETTINGS_MODULE as wsgi.py does.
func (r *reader) serverPackageFiles() ([]string, error) {
	dirs, err := r.packageDirs(true)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range dirs {
		for _, name := range []string{"wsgi", "asgi"} {
			entries, err := fs.ReadDir(r.fsys, path.Join(d, name))
			if notExist(err) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", path.Join(d, name), err)
			}
			for _, e := range entries {
				if !e.IsDir() && strings.HasSuffix(e.Name(), ".py") {
					out = append(out, path.Join(d, name, e.Name()))
				}
			}
		}
	}
	return out, nil
}

// SettingsEvidenceFile reports whether a project file (slash path) is one where a
// deployment sets DJANGO_SETTINGS_MODULE: a Procfile, a Dockerfile, a compose file, a
// start script (*.sh, entrypoint*, start*, bin/*), an example environment file, or a
// platform manifest (app.json, render.yaml, fly.toml, app.yaml, heroku.yml). .env itself
// is per machine and not evidence.
func SettingsEvidenceFile(p string) bool {
	base := strings.ToLower(path.Base(p))
	dir := path.Dir(p)
	switch {
	case strings.HasSuffix(base, ".bak") || strings.HasSuffix(base, ".orig") || strings.HasSuffix(base, "~"):
		return false // a backup (init --force keeps Dockerfile.bak) is not what deploys
	case base == "procfile" || strings.HasPrefix(base, "procfile."):
	case DockerfileName(p):
	case (strings.HasPrefix(base, "docker-compose") || strings.HasPrefix(base, "compose")) &&
		(strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".yaml")):
	case strings.HasSuffix(base, ".sh") || strings.HasPrefix(base, "entrypoint") || strings.HasPrefix(base, "start"):
	case path.Base(dir) == "bin":
	case strings.HasPrefix(base, ".env.") || strings.HasPrefix(p, ".envs/") || strings.Contains(p, "/.envs/"):
	case base == "app.json" || base == "render.yaml" || base == "fly.toml" || base == "app.yaml" || base == "heroku.yml":
	default:
		return false
	}
	return true
}

// DockerfileName reports whether a project file (slash path) is named as a Dockerfile:
// Dockerfile, Dockerfile.<variant> (Dockerfile.prod, Dockerfile.cabotage) or
// <variant>.Dockerfile, in any folder.
func DockerfileName(p string) bool {
	base := strings.ToLower(path.Base(p))
	return base == "dockerfile" || strings.HasPrefix(base, "dockerfile.") || strings.HasSuffix(base, ".dockerfile")
}

// DevFile reports whether a file's path says it is for development or tests
// (Dockerfile.dev, docker-compose.local.yml, .envs/.local/.django, .env.test).
func DevFile(p string) bool {
	return pathSays(p, "dev", "devel", "develop", "development", "local", "test", "tests", "testing", "ci")
}

// ProductionFile reports whether a file's path says it is for production
// (Dockerfile.prod, docker-compose.production.yml, docker/prod/Dockerfile).
func ProductionFile(p string) bool { return pathSays(p, "prod", "production", "live", "deploy") }

// pathSays reports whether one of the words of a path (split at / . - _) is one of words.
func pathSays(p string, words ...string) bool {
	for _, part := range strings.FieldsFunc(strings.ToLower(p), func(r rune) bool {
		return r == '/' || r == '.' || r == '-' || r == '_'
	}) {
		if slices.Contains(words, part) {
			return true
		}
	}
	return false
}

// maxEvidenceFile bounds what is read of a deployment file: they are small.
const maxEvidenceFile = 256 << 10

var (
	// dsmRE finds DJANGO_SETTINGS_MODULE=mod, : mod, "…": "mod", a Dockerfile's
	// ENV DJANGO_SETTINGS_MODULE mod, and a shell default ${DJANGO_SETTINGS_MODULE:-mod}.
	dsmRE = lazy.Regexp(`(?:DJANGO_SETTINGS_MODULE["']?\s*[:=]\s*["']?|(?i:\bENV)\s+DJANGO_SETTINGS_MODULE\s+["']?|\$\{DJANGO_SETTINGS_MODULE:?-)([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`)
	// settingsFlagRE finds manage.py's and django-admin's --settings mod.
	settingsFlagRE = lazy.Regexp(`--settings(?:=|\s+)["']?([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`)
	// valueRE finds the value of a key/value pair on the line after the key
	// (render.yaml's "- key: X" / "value: mod", app.json's "X": {"value": "mod"}).
	valueRE = lazy.Regexp(`^\s*["']?value["']?\s*[:=]\s*["']?([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`)
)

// deploymentSettings reads the settings modules a deployment file names. A file
// containerize wrote (its first line says so) is not the project's evidence.
func (r *reader) deploymentSettings(file string) ([]dsm, error) {
	fi, err := fs.Stat(r.fsys, file)
	if notExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxEvidenceFile {
		return nil, nil
	}
	b, err := fs.ReadFile(r.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if ownfile.Is(b) {
		return nil, nil
	}
	if !bytes.Contains(b, []byte("DJANGO_SETTINGS_MODULE")) && !bytes.Contains(b, []byte("--settings")) {
		return nil, nil
	}
	var out []dsm
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, maxEvidenceFile)
	line, pending := 0, false
	for sc.Scan() {
		line++
		t := sc.Text()
		if c := strings.TrimSpace(t); strings.HasPrefix(c, "#") {
			continue
		}
		var mods []string
		for _, re := range []func() *regexp.Regexp{dsmRE, settingsFlagRE} {
			for _, m := range re().FindAllStringSubmatch(t, -1) {
				mods = append(mods, m[1])
			}
		}
		if pending {
			if m := valueRE().FindStringSubmatch(t); m != nil {
				mods = append(mods, m[1])
			}
		}
		pending = len(mods) == 0 && strings.Contains(t, "DJANGO_SETTINGS_MODULE")
		build := DockerfileName(file) && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(t)), "RUN ")
		for _, m := range mods {
			out = append(out, dsm{module: m, src: at(file, line), build: build})
		}
	}
	return out, nil
}
