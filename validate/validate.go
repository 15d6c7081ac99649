// Package validate checks generated container files with the real tools' parsers before anything is
// written: the Dockerfile with BuildKit's parser, instruction parser and parse-time lint rules, the
// compose file's YAML and its interpolation with Compose's own template package, and the .dockerignore
// against the Dockerfile's COPY sources.
//
// It is linked into the CLI, so it stays with the light packages (BuildKit's parser, instructions and
// linter; compose-go's template package; moby/patternmatcher). The full `docker build --check` rule set
// (package fulllint) and compose-spec's full loader (package composespec) are for tests, which hold every
// generated file to them.
package validate

import (
	"fmt"
	"strings"
)

// Error lists every problem found in one file, each naming file:line where there is one.
type Error struct {
	Problems []string
}

// Error joins the problems with newlines.
func (e *Error) Error() string {
	return strings.Join(e.Problems, "\n")
}

// problems collects findings and turns them into an *Error (or nil) at the end.
type problems []string

func (p *problems) add(name string, line int, msg string) {
	if line > 0 {
		*p = append(*p, fmt.Sprintf("%s:%d: %s", name, line, msg))
		return
	}
	*p = append(*p, fmt.Sprintf("%s: %s", name, msg))
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Problems: p}
}
