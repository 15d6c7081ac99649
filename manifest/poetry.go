package manifest

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/containerize/containerize/internal/excerpt"
	"github.com/containerize/containerize/pep"
)

// poetryRequirements converts one [tool.poetry.dependencies] entry. A list
// of tables (multiple-constraint dependencies) gives one requirement each.
func poetryRequirements(name string, v any) ([]Requirement, error) {
	if !validName(name) {
		return nil, fmt.Errorf("%s is not a valid package name", excerpt.Quote(name))
	}
	base := Requirement{RawName: name, Name: pep.NormalizeName(name)}
	switch t := v.(type) {
	case string:
		spec, err := pep.PoetryToPEP440(t)
		if err != nil {
			return nil, err
		}
		base.Specifier = spec
		return []Requirement{base}, nil
	case map[string]any:
		r, err := poetryTable(base, t)
		if err != nil {
			return nil, err
		}
		return []Requirement{r}, nil
	case []any, []map[string]any:
		list, _ := arrayOf(t)
		var out []Requirement
		for _, e := range list {
			et, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("each entry of a multiple-constraint dependency must be a table such as {version = \"^2.0\", python = \">=3.8\"}")
			}
			r, err := poetryTable(base, et)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected a version string such as \"^1.2\" or a table such as {version = \"^1.2\", extras = [\"x\"]}")
}

func poetryTable(r Requirement, t map[string]any) (Requirement, error) {
	if v, ok := t["version"]; ok {
		s, ok := v.(string)
		if !ok {
			return r, fmt.Errorf("version must be a string such as \"^1.2\"")
		}
		spec, err := pep.PoetryToPEP440(s)
		if err != nil {
			return r, err
		}
		r.Specifier = spec
	}
	if v, ok := t["extras"]; ok {
		if r.Extras, ok = stringsOf(v); !ok {
			return r, fmt.Errorf("extras must be a list of strings")
		}
	}
	r.Optional, _ = t["optional"].(bool)
	var markers []string
	if py := str(t, "python"); py != "" {
		m, err := pep.PoetryPythonMarker(py)
		if err != nil {
			return r, fmt.Errorf("python = %s: %v", excerpt.Quote(py), err)
		}
		markers = append(markers, m)
	}
	if m := str(t, "markers"); m != "" {
		markers = append(markers, m)
	}
	r.Marker = andMarkers(markers...)
	if r.Marker != "" {
		if _, err := pep.ParseRequirementMarker(r.Marker); err != nil {
			return r, fmt.Errorf("markers %s: %v", excerpt.Quote(r.Marker), err)
		}
	}
	switch {
	case str(t, "git") != "":
		u := str(t, "git")
		if !strings.HasPrefix(u, "git+") {
			u = "git+" + u
		}
		if ref := cmp.Or(str(t, "rev"), str(t, "tag"), str(t, "branch")); ref != "" {
			u += "@" + ref
		}
		if sub := str(t, "subdirectory"); sub != "" {
			u += "#subdirectory=" + sub
		}
		r.URL = u
	case str(t, "path") != "":
		r.URL = str(t, "path")
		r.Editable, _ = t["develop"].(bool)
	case str(t, "url") != "":
		r.URL = str(t, "url")
	}
	return r, nil
}
