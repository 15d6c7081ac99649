package venv

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/containerize/containerize/manifest"
	"github.com/containerize/containerize/pep"
)

// fromVirtualEnv is the virtualenv active in the shell that runs us.
func (l Locator) fromVirtualEnv() (Venv, bool) {
	dir := slashPath(l.getenv("VIRTUAL_ENV"))
	if dir == "" || !path.IsAbs(dir) {
		return Venv{}, false
	}
	return l.inspectAbs(dir, "VIRTUAL_ENV", false)
}

// fromWorkonHome lists virtualenvwrapper's environments bound to the
// project: mkproject and setvirtualenvproject write the project path into
// the environment's .project file.
func (l Locator) fromWorkonHome() []Venv {
	home := l.expand(l.getenv("WORKON_HOME"))
	if home == "" {
		if h := l.home(); h != "" {
			home = path.Join(h, ".virtualenvs")
		}
	}
	if !path.IsAbs(home) {
		return nil
	}
	entries, err := fs.ReadDir(l.FS, fsPath(home))
	if err != nil {
		return nil
	}
	var found []Venv
	for _, e := range entries {
		dir := path.Join(home, e.Name())
		data, err := fs.ReadFile(l.FS, fsPath(path.Join(dir, ".project")))
		if err != nil {
			continue
		}
		target := slashPath(strings.TrimSpace(string(data)))
		if target == "" || path.Clean(target) != l.Project {
			continue
		}
		if v, ok := l.inspectAbs(dir, "WORKON_HOME", false); ok {
			found = append(found, v)
		}
	}
	return found
}

// truthy reads a boolean setting the way pipenv does.
func truthy(s string) (value, set bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true, true
	case "0", "false", "no", "off":
		return false, true
	}
	return false, false
}

// pipenvWorkonHome is where pipenv keeps environments: $WORKON_HOME, else
// $XDG_DATA_HOME/virtualenvs, else ~/.local/share/virtualenvs.
func (l Locator) pipenvWorkonHome() string {
	if w := l.getenv("WORKON_HOME"); w != "" {
		return l.expand(w)
	}
	data := l.getenv("XDG_DATA_HOME")
	if data == "" {
		data = "~/.local/share"
	}
	return l.expand(path.Join(data, "virtualenvs"))
}

// PipenvName is the folder name pipenv gives the environment of the project
// whose Pipfile is at pipfile (absolute as this system writes it, symlinks resolved): the project
// folder's name with shell-unsafe characters replaced by "_", cut to 42
// characters, then "-" and the first 8 characters of the URL-safe base64 of
// the first 6 bytes of the SHA-256 of the Pipfile's path.
func PipenvName(pipfile string) string {
	name := filepath.Base(filepath.Dir(pipfile))
	sum := sha256.Sum256([]byte(pipfile))
	return sanitize(name, " &$`!*@\"()[]\\\r\n\t") + "-" + base64.URLEncoding.EncodeToString(sum[:6])[:8]
}

// sanitize replaces every character of unsafe with "_" and keeps the first
// 42 characters: the kernel limits a shebang line, which holds the path.
func sanitize(name, unsafe string) string {
	runes := []rune(name)
	for i, r := range runes {
		if strings.ContainsRune(unsafe, r) {
			runes[i] = '_'
		}
	}
	if len(runes) > 42 {
		runes = runes[:42]
	}
	return string(runes)
}

// fromPipenv finds pipenv's environment for the project: PIPENV_VENV_IN_PROJECT
// (or an existing .venv folder) means .venv; a .venv file names the
// environment or its path; otherwise the hashed name in pipenv's WORKON_HOME
// (PIPENV_CUSTOM_VENV_NAME replaces it; PIPENV_PYTHON adds a suffix, so
// names that continue with "-" count too).
func (l Locator) fromPipenv() []Venv {
	dotVenv := path.Join(l.Project, ".venv")
	inProject, set := truthy(l.getenv("PIPENV_VENV_IN_PROJECT"))
	fi, err := fs.Stat(l.FS, fsPath(dotVenv))
	if err == nil && fi.Mode().IsRegular() {
		data, err := fs.ReadFile(l.FS, fsPath(dotVenv))
		if name := strings.TrimSpace(string(data)); err == nil && name != "" {
			target := path.Join(l.pipenvWorkonHome(), name)
			if strings.ContainsAny(name, `/\`) {
				target = slashPath(name)
				if !path.IsAbs(target) {
					target = path.Join(l.Project, name)
				}
			}
			if v, ok := l.inspectAbs(target, "pipenv", false); ok {
				return []Venv{v}
			}
			return nil
		}
	}
	// pipenv uses .venv when told to, and an existing .venv folder unless
	// told not to. Without the setting or a Pipfile, a .venv folder is
	// nobody's in particular: the walk reports it.
	if inProject || (!set && err == nil && fi.IsDir()) {
		if inProject || isFile(l.FS, fsPath(path.Join(l.Project, "Pipfile"))) {
			if v, ok := l.inspectAbs(dotVenv, "pipenv", false); ok {
				return []Venv{v}
			}
		}
		return nil
	}
	home := l.pipenvWorkonHome()
	if !path.IsAbs(home) {
		return nil
	}
	name := l.getenv("PIPENV_CUSTOM_VENV_NAME")
	if name == "" {
		name = PipenvName(osPath(path.Join(l.Project, "Pipfile")))
	}
	entries, err := fs.ReadDir(l.FS, fsPath(home))
	if err != nil {
		return nil
	}
	var found []Venv
	for _, e := range entries {
		if e.Name() != name && !strings.HasPrefix(e.Name(), name+"-") {
			continue
		}
		if v, ok := l.inspectAbs(path.Join(home, e.Name()), "pipenv", false); ok {
			found = append(found, v)
		}
	}
	return found
}

// PoetryName is the prefix of the folder names Poetry gives the environments
// of project name (from pyproject.toml) in folder dir (absolute, symlinks
// resolved, as this system writes it): the PEP 503-normalised name with shell-unsafe characters
// replaced by "_", cut to 42 characters, then "-" and the first 8 characters of the
// URL-safe base64 of the SHA-256 of dir. Each environment adds "-pyX.Y".
func PoetryName(name, dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return sanitize(pep.NormalizeName(name), " $`!*@\"\\\r\n\t") + "-" + base64.URLEncoding.EncodeToString(sum[:])[:8]
}

// poetryVenvsPath is Poetry's virtualenvs.path: $POETRY_VIRTUALENVS_PATH, else
// the cache folder's virtualenvs ($POETRY_CACHE_DIR, else
// $XDG_CACHE_HOME/pypoetry, else ~/.cache/pypoetry).
func (l Locator) poetryVenvsPath() string {
	if p := l.getenv("POETRY_VIRTUALENVS_PATH"); p != "" {
		return l.expand(p)
	}
	cache := l.getenv("POETRY_CACHE_DIR")
	if cache == "" {
		xdg := l.getenv("XDG_CACHE_HOME")
		if xdg == "" {
			xdg = "~/.cache"
		}
		cache = path.Join(xdg, "pypoetry")
	}
	return l.expand(path.Join(cache, "virtualenvs"))
}

// fromPoetry finds Poetry's environments for the project, one per Python
// version it was used with. (An in-project .venv is found by the walk.)
func (l Locator) fromPoetry() []Venv {
	data, err := fs.ReadFile(l.FS, fsPath(path.Join(l.Project, "pyproject.toml")))
	if err != nil {
		return nil
	}
	pp, err := manifest.ParsePyproject(data, "pyproject.toml")
	if err != nil || pp.Name == "" {
		return nil // a broken pyproject.toml is reported by detection, not here
	}
	dir := l.poetryVenvsPath()
	if !path.IsAbs(dir) {
		return nil
	}
	entries, err := fs.ReadDir(l.FS, fsPath(dir))
	if err != nil {
		return nil
	}
	prefix := PoetryName(pp.Name, osPath(l.Project)) + "-py"
	var found []Venv
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if v, ok := l.inspectAbs(path.Join(dir, e.Name()), "poetry", false); ok {
			found = append(found, v)
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return versionLess(found[j].Python, found[i].Python) })
	return found
}
