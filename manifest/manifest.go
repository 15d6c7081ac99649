// Package manifest parses Python dependency manifests and lockfiles into
// requirements with file:line evidence.
//
// It reads requirements files (with -r/-c includes), Pipfile, Pipfile.lock,
// pyproject.toml (PEP 621, PEP 735, Poetry, uv, PDM), poetry.lock, uv.lock,
// pdm.lock, setup.cfg and setup.py. Everything is parsed statically: no
// Python is ever executed, so a setup.py that computes its requirements is
// reported as Dynamic rather than run.
package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/containerize/containerize/pep"
)

// Requirement is one PEP 508 requirement as declared.
type Requirement struct {
	Name      string   // PEP 503-normalised: lower case, runs of [-_.] -> "-"; "" for a bare path or URL that names no project
	RawName   string   // as written
	Extras    []string // as written, in order
	Specifier string   // e.g. ">=3.2,<4.0" or "~=3.11.0" or "==1.2.3"; "" if none
	Marker    string   // text after ';', trimmed
	URL       string   // direct reference / VCS / local path, if any
	Editable  bool
	Hashes    []string // "sha256:..." from --hash options
	File      string   // relative path of the file that declared it
	Line      int      // 1-based line in File

	// Optional is set for Poetry dependencies declared optional = true: they
	// are installed only through an extra.
	Optional bool
	// Group names the Poetry dependency group of a dev dependency ("dev" for
	// [tool.poetry.dev-dependencies]); "" elsewhere.
	Group string
}

// String renders the requirement back as a PEP 508 string (without hashes).
// A bare URL or path (no name) is rendered the way pip reads it:
// "./lib[extra] ; marker".
func (r Requirement) String() string {
	var b strings.Builder
	extras := ""
	if len(r.Extras) > 0 {
		extras = "[" + strings.Join(r.Extras, ",") + "]"
	}
	switch {
	case r.RawName == "":
		b.WriteString(r.URL)
		if !isURLish(r.URL) {
			b.WriteString(extras)
		}
	case r.URL != "":
		b.WriteString(r.RawName + extras + " @ " + r.URL)
	default:
		b.WriteString(r.RawName + extras + r.Specifier)
	}
	if r.Marker != "" {
		if r.URL != "" {
			b.WriteString(" ")
		}
		b.WriteString("; " + r.Marker)
	}
	return b.String()
}

// Where returns the "file:line" evidence of the requirement.
func (r Requirement) Where() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// ParseError is a problem in a manifest, located at File:Line so that the
// user can go and fix it. Line is 0 when no line applies.
type ParseError struct {
	File string
	Line int
	Msg  string // what is wrong and, where it helps, what to do
	Err  error  // underlying error, if any
}

func (e *ParseError) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line <= 0:
		return e.File + ": " + e.Msg
	default:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
}

func (e *ParseError) Unwrap() error { return e.Err }

func errorf(file string, line int, format string, args ...any) *ParseError {
	return &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// ParseRequirement parses one PEP 508 requirement string, as found in
// pyproject.toml, setup.cfg or setup.py (pep.ParseRequirement). File and
// Line are left for the caller to fill in.
func ParseRequirement(s string) (Requirement, error) {
	pr, err := pep.ParseRequirement(s)
	if err != nil {
		return Requirement{}, err
	}
	r := Requirement{Name: pr.Name, RawName: pr.RawName, Extras: pr.Extras, Specifier: pr.Specifier, URL: pr.URL}
	if pr.Marker != nil {
		r.Marker = pr.Marker.String()
	}
	return r, nil
}

// isAlnum reports whether c is an ASCII letter or digit.
func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// sortByLine orders keys by the line lineFor gives them, then by name, so
// that output follows the source file.
func sortByLine(keys []string, lineFor func(string) int) {
	slices.SortFunc(keys, func(a, b string) int {
		if la, lb := lineFor(a), lineFor(b); la != lb {
			return la - lb
		}
		return strings.Compare(a, b)
	})
}

// lineStarts lets offsetLine find the line of a byte offset quickly.
type lineStarts []int

func newLineStarts(data []byte) lineStarts {
	ls := lineStarts{0}
	for i, c := range data {
		if c == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

// line returns the 1-based line holding byte offset off.
func (ls lineStarts) line(off int) int {
	i, found := slices.BinarySearch(ls, off)
	if found {
		return i + 1
	}
	return max(i, 1)
}
