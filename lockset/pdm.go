package lockset

import (
	"cmp"

	"github.com/containerize/containerize/manifest"
)

// pdm selects from a pdm.lock: packages of the default group whose marker
// holds. PDM resolved the graph when it locked and wrote the result per
// package (its groups, the marker of every path to it), so this is a
// filter, not a walk. PDM lists a package once more for each set of extras
// it is needed with; those entries merge.
func (l *loader) pdm(lock *manifest.Lock) (*Set, error) {
	file := lock.File
	if err := l.checkPython(lock.PythonVersion, file, lock.PythonVersionLine, "change requires-python in pyproject.toml and run `pdm lock`"); err != nil {
		return nil, err
	}
	s := &Set{Format: "pdm.lock", File: file, Complete: true}
	ps := newPinSet()
	selected, errs := l.defaults(lock)
	for _, i := range selected {
		lp := lock.Packages[i]
		if lp.URL != "" || lp.Editable {
			errs = append(errs, locErr(file, lp.Line, "%s", sourceProblem(lp.Name, cmp.Or(lp.URL, "."), lp.Editable)))
			continue
		}
		// A package's own Requires-Python: PDM refuses to install it
		// outside that range, and so does containerize build.
		if ok, err := l.allowsPython(lp.RequiresPython); err == nil && !ok {
			errs = append(errs, locErr(file, lp.Line, "%s %s requires Python %s, but the target is Python %s — build for a Python it supports, or re-lock (`pdm lock`)",
				lp.Name, lp.Version, lp.RequiresPython, l.target.Python))
			continue
		}
		if err := ps.add(lockPin(lock, lp)); err != nil {
			errs = append(errs, err)
		}
	}
	return ps.done(s, errs)
}
