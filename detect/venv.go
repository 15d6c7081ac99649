package detect

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/venv"
)

// virtualenv reads the virtualenv in dir (one the walk found) through package venv, once:
// its layout, site-packages folders and Python version, from a few stats and pyvenv.cfg.
func (t *tree) virtualenv(dir string) (venv.Venv, bool) {
	v, seen := t.venvInfo[dir]
	if !seen {
		v, _ = venv.Inspect(t.fsys, dir)
		t.venvInfo[dir] = v
	}
	return v, v.Path != ""
}

// readVirtualenvs lists what the first virtualenv has installed when the project declares
// nothing else, so a legacy project can still be containerized from what it really runs on.
// Names and versions come from the dist-info / egg-info folder names only (venv.Names):
// cheap, and enough to pin. `containerize migrate` reads the metadata in full.
func readVirtualenvs(t *tree, p *Project) error {
	p.VenvPackages = []Dependency{}
	if len(p.Virtualenvs) > 0 && p.PackageManager == ManagerNone {
		for _, v := range p.Virtualenvs {
			p.warn("virtualenv-only", v, fmt.Sprintf("no dependency file declares the dependencies; %s/ holds the only record of them", v))
		}
	}
	if p.PackageManager != ManagerNone {
		return nil
	}
	for _, dir := range p.Virtualenvs {
		v, ok := t.virtualenv(dir)
		if !ok || len(v.SitePackages) == 0 {
			continue
		}
		dists, err := venv.Names(t.fsys, v.SitePackages[0])
		if err != nil {
			return err
		}
		for _, d := range dists {
			if !pep.IsInstallerTool(d.Name) {
				p.VenvPackages = append(p.VenvPackages, Dependency{Name: d.Name, Version: d.Version, Source: d.Source})
			}
		}
		slices.SortStableFunc(p.VenvPackages, func(a, b Dependency) int { return cmp.Compare(a.Name, b.Name) })
		if len(p.VenvPackages) > 0 {
			p.VenvPackagesFrom = dir
			return nil
		}
	}
	return nil
}
