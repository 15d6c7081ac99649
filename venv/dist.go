package venv

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// Dist is one installed distribution.
type Dist struct {
	Name           string        // PEP 503-normalised
	RawName        string        // as METADATA spells it
	Version        string        // as METADATA says
	Requires       []Requirement // Requires-Dist (requires.txt for egg-info), with markers and extras; File:Line point into the metadata
	RequiresPython string
	Requested      bool     // a REQUESTED file: pip installed it because it was asked for by name
	Editable       bool     // a development install (direct_url.json dir_info.editable, or an .egg-link)
	EditablePath   string   // the source folder of an editable install
	URL            string   // direct_url.json: where it was installed from (VCS, archive, file://)
	VCS            string   // "git", "hg", … for VCS installs
	Commit         string   // the VCS commit installed
	TopLevel       []string // importable top-level names: top_level.txt, else derived from RECORD
	Installer      string   // INSTALLER: "pip", "uv", "poetry", …
	Source         string   // the dist-info / egg-info / egg-link it was read from (evidence)
	Problems       []string // what is broken about this install, each with what to do
}

// Requirement is a parsed Requires-Dist.
type Requirement = manifest.Requirement

// Read reads every distribution in v's site-packages: *.dist-info folders,
// *.egg-info folders and files, *.egg folders and zips, and *.egg-link
// development installs. fsys is rooted at "/" when v.Path is absolute and
// at the project when it is relative. Locator.Read picks for you, and also
// follows .egg-links of in-project virtualenvs, which hold absolute paths.
//
// A broken virtualenv is read as far as it goes: a distribution whose
// metadata is missing or dangles is returned with a Problem, named from its
// folder. Only an unreadable site-packages folder is an error.
func Read(fsys fs.FS, v Venv) ([]Dist, error) {
	return read(fsys, v, fsPath)
}

// read reads v's distributions; name maps a path as v gives it to a name in fsys.
func read(fsys fs.FS, v Venv, name func(string) string) ([]Dist, error) {
	if len(v.SitePackages) == 0 {
		return nil, fmt.Errorf("read %s: no site-packages folder (lib/pythonX.Y/site-packages or Lib/site-packages); is it a virtualenv?", v.Path)
	}
	var dists []Dist
	for _, sp := range v.SitePackages {
		ds, err := readSite(fsys, name(sp), sp)
		if err != nil {
			return nil, err
		}
		dists = append(dists, ds...)
	}
	sort.SliceStable(dists, func(i, j int) bool {
		a, b := dists[i], dists[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Source < b.Source
	})
	// Sorted, the copies of one name sit together.
	for start := 0; start < len(dists); {
		end := start + 1
		for end < len(dists) && dists[end].Name == dists[start].Name {
			end++
		}
		for i := start; i < end; i++ {
			for j := start; j < end; j++ {
				if i != j {
					dists[i].Problems = append(dists[i].Problems, fmt.Sprintf(
						"installed twice: %s %s is also at %s; pip sees only one, remove the other", dists[j].RawName, dists[j].Version, dists[j].Source))
				}
			}
		}
		start = end
	}
	return dists, nil
}

// site reads one site-packages folder.
type site struct {
	fsys  fs.FS
	dir   string // name in fsys
	shown string // as the user knows it, for evidence
}

func readSite(fsys fs.FS, dir, shown string) ([]Dist, error) {
	s := site{fsys: fsys, dir: dir, shown: shown}
	entries, err := fs.ReadDir(fsys, s.dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, err)
	}
	var dists []Dist
	for _, e := range entries {
		name := e.Name()
		kind := distKind(name)
		if kind == "" {
			continue
		}
		p := path.Join(s.dir, name)
		d := folderDist(name)
		d.Source = path.Join(shown, name)
		fi, err := fs.Stat(fsys, p)
		if err != nil {
			d.Problems = append(d.Problems, s.missing(name)+": its metadata is gone; reinstall "+d.RawName)
			dists = append(dists, d)
			continue
		}
		switch {
		case kind == ".dist-info" && fi.IsDir():
			s.distInfo(&d, name)
		case kind == ".egg-info" && fi.IsDir():
			meta, _ := fs.Sub(fsys, p)
			s.eggInfo(&d, meta, d.Source, name)
		case kind == ".egg-info":
			// distutils wrote a single PKG-INFO-format file.
			s.readMetadata(&d, fsys, p, d.Source, true)
		case kind == ".egg-link":
			s.eggLink(&d, p)
		case kind == ".egg" && fi.IsDir():
			meta, _ := fs.Sub(fsys, path.Join(p, "EGG-INFO"))
			s.eggInfo(&d, meta, d.Source+"/EGG-INFO", "")
		case kind == ".egg":
			s.zippedEgg(&d, p)
		default:
			continue
		}
		dists = append(dists, d)
	}
	return dists, nil
}

// Names lists the distributions in the site-packages folder dir of fsys from the names of
// their metadata folders alone ("Django-3.2.25.dist-info", "pytz-2024.1-py3.8.egg-info"):
// Name, RawName, Version and Source (dir joined with the folder's name), in the folder's
// order. It lists one folder and opens no file, a fraction of what Read costs; eggs and
// .egg-links, and folders whose name carries no version, are left out.
func Names(fsys fs.FS, dir string) ([]Dist, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var dists []Dist
	for _, e := range entries {
		switch distKind(e.Name()) {
		case ".dist-info", ".egg-info":
			if d := folderDist(e.Name()); d.Version != "" {
				d.Source = path.Join(dir, e.Name())
				dists = append(dists, d)
			}
		}
	}
	return dists, nil
}

func distKind(name string) string {
	for _, k := range []string{".dist-info", ".egg-info", ".egg-link", ".egg"} {
		if strings.HasSuffix(name, k) && len(name) > len(k) {
			return k
		}
	}
	return ""
}

// folderDist names a distribution from its folder ("Django-3.2.25.dist-info",
// "pytz-2024.1-py3.8.egg-info"), for when its metadata cannot be read.
func folderDist(folder string) Dist {
	stem := strings.TrimSuffix(folder, distKind(folder))
	name, rest, _ := strings.Cut(stem, "-")
	version, _, _ := strings.Cut(rest, "-")
	return Dist{Name: pep.NormalizeName(name), RawName: name, Version: version}
}

// missing describes why name (in site-packages) cannot be opened.
func (s site) missing(name string) string {
	shown := path.Join(s.shown, name)
	if target, err := fs.ReadLink(s.fsys, path.Join(s.dir, name)); err == nil {
		return fmt.Sprintf("%s is a symlink to %s, which does not exist", shown, target)
	}
	return shown + " does not exist"
}

func (s site) distInfo(d *Dist, folder string) {
	p := path.Join(s.dir, folder)
	meta, _ := fs.Sub(s.fsys, p)
	// Without METADATA the rest still says what it was and where its files are.
	s.readMetadata(d, meta, "METADATA", d.Source+"/METADATA", true)
	d.Requested = exists(meta, "REQUESTED")
	d.Installer = strings.TrimSpace(readString(meta, "INSTALLER"))
	if data, err := fs.ReadFile(meta, "direct_url.json"); err == nil {
		if err := d.directURL(data); err != nil {
			d.Problems = append(d.Problems, fmt.Sprintf("%s/direct_url.json: %v; where it was installed from is unknown", d.Source, err))
		}
	}
	var files []string
	if data, err := fs.ReadFile(meta, "RECORD"); err == nil {
		files, err = recordPaths(data)
		if err != nil {
			d.Problems = append(d.Problems, fmt.Sprintf("%s/RECORD: %v", d.Source, err))
		}
		s.checkFiles(d, files, folder, "RECORD")
	} else {
		d.Problems = append(d.Problems, fmt.Sprintf("%s/RECORD missing: which files %s installed is unknown; reinstall it", d.Source, d.RawName))
	}
	d.TopLevel = topLevelTxt(meta)
	if d.TopLevel == nil {
		d.TopLevel = topLevelFromFiles(files)
	}
}

// eggInfo reads an .egg-info folder (or an egg's EGG-INFO): PKG-INFO,
// requires.txt, top_level.txt, installed-files.txt. folder is the egg-info's
// name inside site-packages, "" when its files do not live there.
func (s site) eggInfo(d *Dist, meta fs.FS, shown, folder string) {
	s.readMetadata(d, meta, "PKG-INFO", shown+"/PKG-INFO", folder != "")
	d.Requested = exists(meta, "REQUESTED")
	d.Installer = strings.TrimSpace(readString(meta, "INSTALLER"))
	if data, err := fs.ReadFile(meta, "requires.txt"); err == nil {
		reqs, problems := parseRequiresTxt(data, shown+"/requires.txt")
		d.Requires = append(d.Requires, reqs...)
		d.Problems = append(d.Problems, problems...)
	}
	var files []string
	if folder != "" {
		if data, err := fs.ReadFile(meta, "installed-files.txt"); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					files = append(files, path.Join(folder, line))
				}
			}
			s.checkFiles(d, files, folder, "installed-files.txt")
		}
	}
	d.TopLevel = topLevelTxt(meta)
	if d.TopLevel == nil {
		d.TopLevel = topLevelFromFiles(files)
	}
}

// eggLink reads a `setup.py develop` / old `pip install -e` install: the
// .egg-link names the source folder, whose .egg-info holds the metadata.
func (s site) eggLink(d *Dist, p string) {
	d.Editable = true
	data, err := fs.ReadFile(s.fsys, p)
	if err != nil {
		d.Problems = append(d.Problems, fmt.Sprintf("read %s: %v", d.Source, err))
		return
	}
	target, _, _ := strings.Cut(string(data), "\n")
	target = strings.TrimSpace(target)
	d.EditablePath = target
	if target == "" {
		d.Problems = append(d.Problems, d.Source+" is empty: the development install of "+d.RawName+" points nowhere; reinstall it with pip install -e")
		return
	}
	dir := fsPath(slashPath(target))
	if !path.IsAbs(slashPath(target)) {
		dir = path.Join(s.dir, slashPath(target))
	}
	entries, err := fs.ReadDir(s.fsys, dir)
	if err != nil {
		d.Problems = append(d.Problems, fmt.Sprintf("editable source %s not found (named by %s): restore the source or reinstall %s", target, d.Source, d.RawName))
		return
	}
	var eggInfos []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".egg-info") {
			eggInfos = append(eggInfos, e.Name())
		}
	}
	chosen := ""
	for _, ei := range eggInfos {
		if folderDist(ei).Name == d.Name {
			chosen = ei
		}
	}
	if chosen == "" && len(eggInfos) == 1 {
		chosen = eggInfos[0]
	}
	if chosen == "" {
		d.Problems = append(d.Problems, fmt.Sprintf("no %s.egg-info in editable source %s: run pip install -e there again", d.RawName, target))
		return
	}
	meta, _ := fs.Sub(s.fsys, path.Join(dir, chosen))
	s.eggInfo(d, meta, path.Join(target, chosen), "")
}

// zippedEgg reads an easy_install egg kept as a zip file.
func (s site) zippedEgg(d *Dist, p string) {
	data, err := fs.ReadFile(s.fsys, p)
	if err == nil {
		var zr *zip.Reader
		if zr, err = zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			meta, _ := fs.Sub(zr, "EGG-INFO")
			s.eggInfo(d, meta, d.Source+"/EGG-INFO", "")
			return
		}
	}
	d.Problems = append(d.Problems, fmt.Sprintf("read %s: %v", d.Source, err))
}

// readMetadata fills d from the METADATA / PKG-INFO file name in fsys,
// shown to the user as file; when the file cannot be read, d keeps the name
// and version of its folder and gets a Problem. checkFolder compares the
// name with the one d got from its folder.
func (s site) readMetadata(d *Dist, fsys fs.FS, name, file string, checkFolder bool) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		base := path.Base(file)
		switch target, lerr := fs.ReadLink(fsys, name); {
		case lerr == nil:
			d.Problems = append(d.Problems, fmt.Sprintf("%s is a symlink to %s, which does not exist: name and version come from the folder name; reinstall %s", file, target, d.RawName))
		case errors.Is(err, fs.ErrNotExist):
			d.Problems = append(d.Problems, fmt.Sprintf("%s missing from %s: name and version come from the folder name; reinstall %s", base, path.Dir(file), d.RawName))
		default:
			d.Problems = append(d.Problems, fmt.Sprintf("read %s: %v", file, err))
		}
		return
	}
	m := pep.ParseMetadata(data)
	for _, defect := range m.Defects {
		d.Problems = append(d.Problems, file+":"+defect)
	}
	folderName := d.Name
	if raw := m.Name(); raw != "" {
		d.RawName, d.Name = raw, pep.NormalizeName(raw)
	} else {
		d.Problems = append(d.Problems, file+" has no Name: the name comes from the folder name")
	}
	if checkFolder && d.Name != folderName {
		d.Problems = append(d.Problems, fmt.Sprintf("%s names %s, but its folder says %s: the folder was renamed or copied over", file, d.RawName, folderName))
	}
	if v := m.Version(); v != "" {
		d.Version = v
	} else {
		d.Problems = append(d.Problems, file+" has no Version")
	}
	d.RequiresPython = m.RequiresPython()
	for _, h := range m.RequiresDist() {
		r, err := manifest.ParseRequirement(h.Value)
		if err != nil {
			d.Problems = append(d.Problems, fmt.Sprintf("%s:%d: %v", file, h.Line, err))
			continue
		}
		r.File, r.Line = file, h.Line
		d.Requires = append(d.Requires, r)
	}
}

// directURL reads PEP 610's direct_url.json.
func (d *Dist) directURL(data []byte) error {
	var du struct {
		URL     string `json:"url"`
		DirInfo *struct {
			Editable bool `json:"editable"`
		} `json:"dir_info"`
		VCSInfo *struct {
			VCS      string `json:"vcs"`
			CommitID string `json:"commit_id"`
		} `json:"vcs_info"`
	}
	if err := json.Unmarshal(data, &du); err != nil {
		return err
	}
	d.URL = du.URL
	if du.VCSInfo != nil {
		d.VCS, d.Commit = du.VCSInfo.VCS, du.VCSInfo.CommitID
	}
	if du.DirInfo != nil && du.DirInfo.Editable {
		d.Editable = true
		if u, err := url.Parse(du.URL); err == nil && u.Scheme == "file" {
			d.EditablePath = u.Path
		} else {
			d.EditablePath = du.URL
		}
	}
	return nil
}

// parseRequiresTxt reads setuptools' requires.txt: plain requirements, then
// sections "[extra]", "[:marker]" or "[extra:marker]" that qualify the lines
// below them.
func parseRequiresTxt(data []byte, file string) ([]Requirement, []string) {
	var reqs []Requirement
	var problems []string
	section, skip := "", false
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			extra, marker, _ := strings.Cut(line[1:len(line)-1], ":")
			extra, marker = strings.TrimSpace(extra), strings.TrimSpace(marker)
			section, skip = "", false
			if extra != "" {
				if strings.ContainsAny(extra, `"'`) {
					problems = append(problems, fmt.Sprintf("%s:%d: extra name %q has quotes; its requirements are skipped", file, n+1, extra))
					skip = true
					continue
				}
				section = `extra == "` + extra + `"`
			}
			if marker != "" {
				if _, err := pep.Parse(marker); err != nil {
					problems = append(problems, fmt.Sprintf("%s:%d: %v; its requirements are skipped", file, n+1, err))
					skip = true
					continue
				}
				section = andMarkers(section, marker)
			}
			continue
		}
		if skip {
			continue
		}
		r, err := manifest.ParseRequirement(line)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s:%d: %v", file, n+1, err))
			continue
		}
		r.Marker = andMarkers(r.Marker, section)
		r.File, r.Line = file, n+1
		reqs = append(reqs, r)
	}
	return reqs, problems
}

func andMarkers(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return "(" + a + ") and (" + b + ")"
}

// recordPaths reads the paths column of a RECORD (CSV: path, hash, size).
func recordPaths(data []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var paths []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return paths, nil
		}
		if err != nil {
			return paths, err
		}
		if len(rec) > 0 && rec[0] != "" {
			paths = append(paths, rec[0])
		}
	}
}

// checkFiles reports the files a distribution installed into site-packages
// that are gone. Scripts outside site-packages, byte-code caches and the
// metadata folder's own files are left out: those come and go harmlessly.
func (s site) checkFiles(d *Dist, files []string, metaFolder, list string) {
	var missing []string
	for _, f := range files {
		c := path.Clean(f)
		if path.IsAbs(f) || c == ".." || strings.HasPrefix(c, "../") || strings.HasPrefix(c, metaFolder+"/") ||
			strings.Contains(c, "__pycache__/") || strings.HasSuffix(c, ".pyc") {
			continue
		}
		if _, err := fs.Stat(s.fsys, path.Join(s.dir, c)); err != nil {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return
	}
	dangling := map[string]bool{}
	for _, m := range missing {
		top, _, _ := strings.Cut(m, "/")
		if dangling[top] {
			continue
		}
		if _, err := fs.ReadLink(s.fsys, path.Join(s.dir, top)); err == nil {
			dangling[top] = true
			d.Problems = append(d.Problems, s.missing(top))
		}
	}
	what := fmt.Sprintf("%d files that do", len(missing))
	if len(missing) == 1 {
		what = "1 file that does"
	}
	d.Problems = append(d.Problems, fmt.Sprintf("%s lists %s not exist, e.g. %s: reinstall %s", list, what, missing[0], d.RawName))
}

var reIdentifier = lazy.Regexp(`^[A-Za-z_][A-Za-z0-9_]*$`)

// topLevelTxt reads top_level.txt: one importable name a line.
func topLevelTxt(meta fs.FS) []string {
	data, err := fs.ReadFile(meta, "top_level.txt")
	if err != nil {
		return nil
	}
	names := []string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			names = appendUnique(names, line)
		}
	}
	sort.Strings(names)
	return names
}

// topLevelFromFiles derives importable names from installed paths: a
// top-level package folder, or a module file (foo.py, foo.cpython-38-x86_64-linux-gnu.so).
func topLevelFromFiles(files []string) []string {
	var names []string
	for _, f := range files {
		c := path.Clean(f)
		if path.IsAbs(f) || strings.HasPrefix(c, "../") || c == ".." {
			continue
		}
		first, rest, isDir := strings.Cut(c, "/")
		name := first
		if !isDir || rest == "" {
			switch ext := path.Ext(first); ext {
			case ".py", ".so", ".pyd":
				name, _, _ = strings.Cut(first, ".")
			default:
				continue
			}
		}
		if reIdentifier().MatchString(name) && name != "__pycache__" {
			names = appendUnique(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func exists(fsys fs.FS, name string) bool {
	_, err := fs.Stat(fsys, name)
	return err == nil
}

func readString(fsys fs.FS, name string) string {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return ""
	}
	return string(data)
}
