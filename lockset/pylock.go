package lockset

import (
	"cmp"
	"errors"
	"maps"
	"strings"

	"github.com/containerize/containerize/manifest"
)

// pylock follows the install algorithm of the pylock.toml spec: check
// requires-python and environments, keep each package whose marker holds
// (extras empty, dependency_groups = default-groups), refuse a package whose
// requires-python excludes the target, and refuse two entries for one name.
func (l *loader) pylock(pl *manifest.Lock) (*Set, error) {
	file := pl.File
	if err := l.checkPython(pl.PythonVersion, file, pl.PythonVersionLine, "regenerate the lock for it"); err != nil {
		return nil, err
	}
	env := maps.Clone(l.env)
	env["dependency_groups"] = strings.Join(pl.DefaultGroups, ",")
	if len(pl.Environments) > 0 {
		ok, err := anyHolds(pl.Environments, env)
		if err != nil {
			return nil, locErr(file, pl.EnvironmentsLine, "environments: %v", err)
		}
		if !ok {
			return nil, locErr(file, pl.EnvironmentsLine, "none of the lock's environments (%s) is Linux %s with Python %s — regenerate the lock for that environment",
				strings.Join(pl.Environments, "; "), l.target.Arch, l.target.Python)
		}
	}

	s := &Set{Format: "pylock.toml", File: file, Complete: true}
	chosen := map[string]int{} // name -> line of the entry already chosen
	var pins []Pin
	var errs []error
	for _, lp := range pl.Packages {
		ok, err := holds(lp.Markers, env, file, lp.Line)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		if ok, err := l.allowsPython(lp.RequiresPython); err != nil || !ok {
			errs = append(errs, locErr(file, lp.Line, "%s %s requires Python %s, but the target is Python %s — build for a Python it supports, or regenerate the lock",
				lp.Name, lp.Version, lp.RequiresPython, l.target.Python))
			continue
		}
		if prev, dup := chosen[lp.Name]; dup {
			errs = append(errs, locErr(file, lp.Line, "%s: a second entry applies to this target (the first is at line %d) — the lock is ambiguous; regenerate it", lp.Name, prev))
			continue
		}
		chosen[lp.Name] = lp.Line
		pin, err := pylockPin(file, lp)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		addIndex(s, lp.Index)
		pins = append(pins, pin)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	ps := newPinSet()
	for _, p := range pins {
		if err := ps.add(p); err != nil {
			return nil, err
		}
	}
	s.Pins = ps.sorted()
	return s, nil
}

func pylockPin(file string, lp manifest.LockedPackage) (Pin, error) {
	pin := Pin{Name: lp.Name, Version: lp.Version, Source: where(file, lp.Line)}
	switch lp.Source.Kind {
	case "vcs", "directory":
		return pin, locErr(file, lp.Line, "%s", sourceProblem(lp.Name, lp.URL, lp.Editable))
	case "archive":
		a := lp.Files[0]
		if msg := sourceProblem(lp.Name, cmp.Or(a.URL, a.Path), false); msg != "" {
			return pin, locErr(file, lp.Line, "%s", msg)
		}
		if pin.Version == "" {
			pin.Version = wheelVersion(a.Name)
		}
	}
	if pin.Version == "" {
		return pin, locErr(file, lp.Line, "%s has no version — regenerate the lock", lp.Name)
	}
	for _, f := range lp.Files {
		if f.URL == "" {
			return pin, locErr(file, f.Line, "%s: %s is a local file (%s); containerize build downloads files by URL — use docker build, or lock against an index", lp.Name, f.Name, f.Path)
		}
		pin.Files = append(pin.Files, File{Name: f.Name, URL: f.URL, Hash: f.Hash})
		pin.Hashes = append(pin.Hashes, f.Hash)
	}
	return pin, nil
}
