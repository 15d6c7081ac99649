package lockset

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"

	"github.com/BurntSushi/toml"

	"github.com/containerize/containerize/manifest"
)

// pdmDoc is the part of a pdm.lock manifest.ParsePDMLock does not keep.
type pdmDoc struct {
	Package []struct {
		RequiresPython string    `toml:"requires_python"`
		Files          []pdmFile `toml:"files"`
		Editable       bool      `toml:"editable"`
	} `toml:"package"`
}

type pdmFile struct {
	File string `toml:"file"`
	URL  string `toml:"url"`
	Hash string `toml:"hash"`
}

// pdmLock reads a pdm.lock: packages of the default group whose marker
// holds. PDM lists a package once more for each set of extras it is
// needed with; those entries merge.
func (l *loader) pdmLock(file string) (*Set, error) {
	data, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	lock, err := manifest.ParsePDMLock(data, file)
	if err != nil {
		return nil, err
	}
	var doc pdmDoc
	if _, err := toml.Decode(string(data), &doc); err != nil {
		return nil, locErr(file, 0, "unexpected layout: %v — regenerate it with `pdm lock`", err)
	}
	if len(doc.Package) != len(lock.Packages) {
		return nil, locErr(file, 0, "read %d packages, then %d — regenerate it with `pdm lock`", len(lock.Packages), len(doc.Package))
	}
	if lock.PythonVersion != "" {
		if err := l.checkPython(lock.PythonVersion, file, lock.PythonVersionLine, "change requires-python in pyproject.toml and run `pdm lock`"); err != nil {
			return nil, err
		}
	}
	s := &Set{Format: "pdm.lock", File: file, Complete: true}
	ps := newPinSet()
	var errs []error
	for i, lp := range lock.Packages {
		if lp.Dev {
			continue
		}
		ok, err := holds(lp.Markers, l.env, file, lp.Line)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		pkg := doc.Package[i]
		if lp.URL != "" || pkg.Editable {
			errs = append(errs, locErr(file, lp.Line, "%s", sourceProblem(lp.Name, cmp.Or(lp.URL, "."), pkg.Editable)))
			continue
		}
		// A package's own Requires-Python: PDM refuses to install it
		// outside that range, and so does containerize build.
		if ok, err := l.allowsPython(pkg.RequiresPython); err == nil && !ok {
			errs = append(errs, locErr(file, lp.Line, "%s %s requires Python %s, but the target is Python %s — build for a Python it supports, or re-lock (`pdm lock`)",
				lp.Name, lp.Version, pkg.RequiresPython, l.target.Python))
			continue
		}
		pin := Pin{Name: lp.Name, Version: lp.Version, Hashes: lp.Hashes, Source: where(file, lp.Line)}
		for _, f := range pkg.Files {
			pin.Files = append(pin.Files, File{Name: cmp.Or(f.File, fileName(f.URL)), URL: f.URL, Hash: f.Hash})
		}
		if err := ps.add(pin); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.Pins = ps.sorted()
	return s, nil
}
