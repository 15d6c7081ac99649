package manifest

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/containerize/containerize/pep"
)

// ParsePDMLock parses a pdm.lock. requires_python is read from [metadata]
// (lock format 4.0–4.4) or the first [[metadata.targets]] (4.5 and later).
// PDM lists a package once more for each set of extras it is needed with
// (its extras key); each such entry is a package here.
func ParsePDMLock(data []byte, path string) (*Lock, error) {
	m, err := decodeTOML(data, path)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	l := &Lock{Format: "pdm.lock", File: path}
	meta, _ := m["metadata"].(map[string]any)
	l.Version = str(meta, "lock_version")
	if s := str(meta, "requires_python"); s != "" {
		l.PythonVersion, l.PythonVersionLine = s, idx.line("metadata", "requires_python")
	} else if targets, ok := arrayOf(meta["targets"]); ok {
		for i, tg := range targets {
			if t, ok := tg.(map[string]any); ok && str(t, "requires_python") != "" {
				l.PythonVersion = str(t, "requires_python")
				l.PythonVersionLine = idx.lineOr("metadata", "targets", strconv.Itoa(i), "requires_python")
				break
			}
		}
	}
	pkgs, err := lockPackages(m, idx, path)
	if err != nil {
		return nil, err
	}
	for i, t := range pkgs {
		p := LockedPackage{
			Name:           pep.NormalizeName(str(t, "name")),
			Version:        str(t, "version"),
			Markers:        cmp.Or(str(t, "marker"), str(t, "markers")),
			Files:          lockFiles(t["files"]),
			Line:           idx.lineOr("package", strconv.Itoa(i), "name"),
			RequiresPython: str(t, "requires_python"),
			Groups:         stringList(t["groups"]),
		}
		p.Hashes = hashesOf(p.Files)
		p.Editable, _ = t["editable"].(bool)
		if len(p.Groups) > 0 {
			p.Dev = !slices.Contains(p.Groups, "default")
		}
		switch {
		case str(t, "git") != "":
			p.Source = PackageSource{Kind: "git", Location: str(t, "git")}
			p.URL = vcsURL("git", p.Source.Location, cmp.Or(str(t, "revision"), str(t, "ref")))
		case str(t, "url") != "":
			p.Source = PackageSource{Kind: "url", Location: str(t, "url")}
			p.URL = p.Source.Location
		case str(t, "path") != "":
			p.Source = PackageSource{Kind: "path", Location: str(t, "path")}
			p.URL = p.Source.Location
		}
		for _, s := range stringList(t["dependencies"]) {
			// The lock writes requirements PEP 508 reads; one that is not
			// says nothing a selection could use.
			r, err := pep.ParseRequirement(s)
			if err != nil {
				continue
			}
			d := LockedDependency{Dependency: pep.Dependency{Name: r.Name, Extras: r.Extras}, Constraint: r.Specifier}
			if r.Marker != nil {
				d.Marker = r.Marker.String()
			}
			p.Dependencies = append(p.Dependencies, d)
		}
		l.Packages = append(l.Packages, p)
	}
	return l, nil
}
