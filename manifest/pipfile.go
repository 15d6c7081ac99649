package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/containerize/containerize/internal/excerpt"
	"github.com/containerize/containerize/pep"
)

// Pipfile is what a Pipfile declares.
type Pipfile struct {
	Packages, DevPackages []Requirement // Line = line of the key; Specifier "" for "*"
	PythonVersion         string        // [requires] python_version
	PythonVersionLine     int
	PythonFullVersion     string // [requires] python_full_version
	PythonFullVersionLine int
	Sources               []Source // [[source]]
}

// Source is a package index from a Pipfile [[source]] table.
type Source struct {
	Name, URL string
	VerifySSL bool
}

// pipfileMarkerKeys are the marker variables pipenv accepts as keys of a
// package table, e.g. {version = "*", sys_platform = "== 'linux'"}.
var pipfileMarkerKeys = []string{
	"os_name", "sys_platform", "platform_machine", "platform_python_implementation",
	"platform_release", "platform_system", "platform_version", "python_version",
	"python_full_version", "implementation_name", "implementation_version",
}

// ParsePipfile parses a Pipfile. path is used for evidence and errors.
func ParsePipfile(data []byte, path string) (*Pipfile, error) {
	m, err := decodeTOML(data, path)
	if err != nil {
		return nil, err
	}
	idx := indexTOML(data)
	pf := &Pipfile{}

	if v, ok := m["source"]; ok {
		srcs, ok := arrayOf(v)
		if !ok {
			return nil, errorf(path, idx.line("source"), "[[source]] must be an array of tables")
		}
		for i, s := range srcs {
			t, ok := s.(map[string]any)
			if !ok {
				return nil, errorf(path, idx.lineOr("source", fmt.Sprint(i)), "each [[source]] must be a table")
			}
			src := Source{Name: str(t, "name"), URL: str(t, "url"), VerifySSL: true}
			if b, ok := t["verify_ssl"].(bool); ok {
				src.VerifySSL = b
			}
			pf.Sources = append(pf.Sources, src)
		}
	}

	for _, sect := range []string{"packages", "dev-packages"} {
		v, ok := m[sect]
		if !ok {
			continue
		}
		t, ok := v.(map[string]any)
		if !ok {
			return nil, errorf(path, idx.line(sect), "[%s] must be a table of package = \"version\" entries", sect)
		}
		for _, name := range sortedKeys(t, func(k string) int { return idx.line(sect, k) }) {
			line := idx.lineOr(sect, name)
			r, err := pipfileRequirement(name, t[name])
			if err != nil {
				return nil, errorf(path, line, "[%s] %s: %v", sect, name, err)
			}
			r.File, r.Line = path, line
			if sect == "packages" {
				pf.Packages = append(pf.Packages, r)
			} else {
				pf.DevPackages = append(pf.DevPackages, r)
			}
		}
	}

	if v, ok := m["requires"]; ok {
		req, ok := v.(map[string]any)
		if !ok {
			return nil, errorf(path, idx.line("requires"), "[requires] must be a table")
		}
		for _, k := range []string{"python_version", "python_full_version"} {
			raw, ok := req[k]
			if !ok {
				continue
			}
			s, ok := raw.(string)
			line := idx.lineOr("requires", k)
			if !ok {
				return nil, errorf(path, line, "%s must be a quoted string, e.g. %s = \"3.11\" (unquoted, 3.10 would read as 3.1)", k, k)
			}
			if k == "python_version" {
				pf.PythonVersion, pf.PythonVersionLine = s, line
			} else {
				pf.PythonFullVersion, pf.PythonFullVersionLine = s, line
			}
		}
	}
	return pf, nil
}

// pipfileSpecifier turns a Pipfile version ("*", "==1.2", ">=1,<2", "1.2")
// into a PEP 440 specifier ("" for any version).
func pipfileSpecifier(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "*" || s == "" {
		return "", nil
	}
	if c := s[0]; c >= '0' && c <= '9' {
		s = "==" + s
	}
	return pep.ValidateSpecifier(s)
}

func pipfileRequirement(name string, v any) (Requirement, error) {
	nr, err := ParseRequirement(name)
	if err != nil || nr.RawName != strings.TrimSpace(name) {
		return Requirement{}, fmt.Errorf("%s is not a valid package name", excerpt.Quote(name))
	}
	r := Requirement{RawName: name, Name: pep.NormalizeName(name)}
	switch t := v.(type) {
	case string:
		if r.Specifier, err = pipfileSpecifier(t); err != nil {
			return r, err
		}
		return r, nil
	case map[string]any:
		if ver, ok := t["version"]; ok {
			s, ok := ver.(string)
			if !ok {
				return r, fmt.Errorf("version must be a string such as \"==1.2\" or \"*\"")
			}
			if r.Specifier, err = pipfileSpecifier(s); err != nil {
				return r, err
			}
		}
		if ex, ok := t["extras"]; ok {
			if r.Extras, ok = stringsOf(ex); !ok {
				return r, fmt.Errorf("extras must be a list of strings")
			}
		}
		var markers []string
		if s := str(t, "markers"); s != "" {
			markers = append(markers, s)
		}
		for _, k := range pipfileMarkerKeys {
			if s := str(t, k); s != "" {
				markers = append(markers, k+" "+strings.TrimSpace(s))
			}
		}
		r.Marker = andMarkers(markers...)
		if r.Marker != "" {
			if _, err := pep.ParseRequirementMarker(r.Marker); err != nil {
				return r, fmt.Errorf("markers %s: %v", excerpt.Quote(r.Marker), err)
			}
		}
		for _, vcs := range []string{"git", "hg", "svn", "bzr"} {
			if u := str(t, vcs); u != "" {
				if !strings.HasPrefix(u, vcs+"+") {
					u = vcs + "+" + u
				}
				if ref := str(t, "ref"); ref != "" {
					u += "@" + ref
				}
				if sub := str(t, "subdirectory"); sub != "" {
					u += "#subdirectory=" + sub
				}
				r.URL = u
			}
		}
		if r.URL == "" {
			if p := str(t, "path"); p != "" {
				r.URL = p
			} else if f := str(t, "file"); f != "" {
				r.URL = f
			}
		}
		r.Editable, _ = t["editable"].(bool)
		return r, nil
	}
	return r, fmt.Errorf("expected a version string such as \"*\" or a table such as {version = \"==1.2\", extras = [\"x\"]}")
}

// andMarkers joins markers with "and", bracketing those that contain "or".
func andMarkers(ms ...string) string {
	var parts []string
	for _, m := range ms {
		m = strings.TrimSpace(m)
		if m == "" || slices.Contains(parts, m) {
			continue
		}
		parts = append(parts, m)
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	for i, p := range parts {
		if strings.Contains(p, " or ") {
			parts[i] = "(" + p + ")"
		}
	}
	return strings.Join(parts, " and ")
}
