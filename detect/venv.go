package detect

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/containerize/containerize/pep"
)

// readVirtualenvs lists what the first virtualenv has installed when the project declares
// nothing else, so a legacy project can still be containerized from what it really runs on.
// Names and versions come from the dist-info / egg-info folder names only: cheap, and
// enough to pin. `containerize migrate` reads the metadata in full.
func readVirtualenvs(t *tree, p *Project) error {
	p.VenvPackages = []Dependency{}
	if len(p.Virtualenvs) > 0 && p.PackageManager == "none" {
		for _, v := range p.Virtualenvs {
			p.warn("virtualenv-only", v, fmt.Sprintf("no dependency file declares the dependencies; %s/ holds the only record of them", v))
		}
	}
	if p.PackageManager != "none" {
		return nil
	}
	for _, v := range p.Virtualenvs {
		site := sitePackages(t.fsys, v)
		if site == "" {
			continue
		}
		entries, err := fs.ReadDir(t.fsys, site)
		if err != nil {
			return fmt.Errorf("read %s: %w", site, err)
		}
		for _, e := range entries {
			name, version, ok := distFolder(e.Name())
			if !ok || pep.IsInstallerTool(pep.NormalizeName(name)) {
				continue
			}
			p.VenvPackages = append(p.VenvPackages, Dependency{
				Name: pep.NormalizeName(name), Version: version, Source: path.Join(site, e.Name()),
			})
		}
		sort.Slice(p.VenvPackages, func(i, j int) bool { return p.VenvPackages[i].Name < p.VenvPackages[j].Name })
		if len(p.VenvPackages) > 0 {
			p.VenvPackagesFrom = v
			return nil
		}
	}
	return nil
}

// sitePackages finds a virtualenv's site-packages for POSIX and Windows layouts.
func sitePackages(fsys fs.FS, venv string) string {
	for _, lib := range []string{"lib", "lib64"} {
		entries, err := fs.ReadDir(fsys, path.Join(venv, lib))
		if err != nil {
			continue
		}
		for _, e := range entries {
			sp := path.Join(venv, lib, e.Name(), "site-packages")
			if strings.HasPrefix(e.Name(), "python") && isDir(fsys, sp) {
				return sp
			}
		}
	}
	if sp := path.Join(venv, "Lib", "site-packages"); isDir(fsys, sp) {
		return sp
	}
	return ""
}

// distFolder splits "Django-3.2.25.dist-info" or "pytz-2024.1-py3.8.egg-info".
func distFolder(name string) (dist, version string, ok bool) {
	var stem string
	switch {
	case strings.HasSuffix(name, ".dist-info"):
		stem = strings.TrimSuffix(name, ".dist-info")
	case strings.HasSuffix(name, ".egg-info"):
		stem = strings.TrimSuffix(name, ".egg-info")
	default:
		return "", "", false
	}
	parts := strings.Split(stem, "-")
	if len(parts) < 2 {
		return "", "", false
	}
	return parts[0], parts[1], true
}
