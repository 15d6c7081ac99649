package lockset

import (
	"slices"
	"strings"

	"github.com/containerize/containerize/manifest"
)

// pipfile selects from a Pipfile.lock: its "default" section, markers per
// package, hashes only (the index supplies the files).
func (l *loader) pipfile(lock *manifest.Lock) (*Set, error) {
	file := lock.File
	if err := l.checkPipenvPython(lock); err != nil {
		return nil, err
	}
	// Pipenv installs from the first source and searches the others after it.
	s := &Set{Format: "Pipfile.lock", File: file, Complete: true, IndexURLs: slices.Clone(lock.IndexURLs), PrimaryIndex: len(lock.IndexURLs) > 0}
	ps := newPinSet()
	selected, errs := l.defaults(lock)
	for _, i := range selected {
		p := lock.Packages[i]
		switch {
		case p.URL != "":
			errs = append(errs, locErr(file, p.Line, "%s", sourceProblem(p.Name, p.URL, false)))
			continue
		case p.Version == "" || strings.ContainsAny(p.Version, "<>*,!~"):
			errs = append(errs, locErr(file, p.Line, "%s has no pinned version — regenerate the lock with `pipenv lock`", p.Name))
			continue
		}
		if err := ps.add(Pin{Name: p.Name, Version: p.Version, Hashes: p.Hashes, Source: where(file, p.Line)}); err != nil {
			errs = append(errs, err)
		}
	}
	return ps.done(s, errs)
}

// checkPipenvPython compares _meta.requires: a Pipfile.lock is made for one
// minor version. A different patch release is accepted, as Pipenv accepts it.
func (l *loader) checkPipenvPython(lock *manifest.Lock) error {
	want := majorMinor(lock.PythonVersion)
	if want == "" {
		return nil
	}
	if got := majorMinor(l.target.Python); got != want {
		return locErr(lock.File, lock.PythonVersionLine, "the lock is for Python %s, but the target is Python %s — build for Python %s, or re-lock for %s (`pipenv lock --python %s`)",
			lock.PythonVersion, l.target.Python, want, got, got)
	}
	return nil
}

func majorMinor(v string) string {
	parts := strings.SplitN(strings.TrimSpace(v), ".", 3)
	if len(parts) < 2 {
		return strings.TrimSpace(v)
	}
	return parts[0] + "." + parts[1]
}
