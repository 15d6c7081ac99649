package validate

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Dockerfile parses data with BuildKit's parser and instruction parser, with the linter enabled so the
// rules that run at parse time (StageNameCasing, FromAsCasing, MaintainerDeprecated, NoEmptyContinuation)
// report too. Any parse error, parser warning or lint finding is a problem; the result is an *Error
// listing every one as "Dockerfile:12: <message> (<RuleName>)", or nil.
//
// A `# check=...` directive in the file is honoured as `docker build --check` honours it. Experimental
// rules stay off unless the directive enables them, so the CLI does not refuse a file over a rule that
// Docker itself does not run by default (fulllint, in tests, turns them on).
func Dockerfile(name string, data []byte) error {
	var ps problems
	lint, err := newLinter(name, data, &ps)
	if err != nil {
		return err
	}
	parseDockerfile(name, data, lint, &ps)
	return ps.err()
}

// parsedDockerfile is what the checks need from a Dockerfile that parsed without errors.
type parsedDockerfile struct {
	stages      []instructions.Stage
	metaArgs    []instructions.ArgCommand // ARGs before the first FROM
	escapeToken rune
}

// parseDockerfile parses data into stages, recording every problem in ps; lint may be nil. It keeps
// going past a bad instruction so one run reports them all. The result is nil when there was an error
// (lint findings do not count).
func parseDockerfile(name string, data []byte, lint *linter.Linter, ps *problems) *parsedDockerfile {
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		ps.add(name, errorLine(err), err.Error())
		return nil
	}
	for _, w := range res.Warnings {
		// The parser's only warning is the empty continuation line; BuildKit reports it through the
		// NoEmptyContinuation rule, so we do the same to honour skip directives.
		if w.URL == linter.RuleNoEmptyContinuation.URL {
			loc := []parser.Range{}
			if w.Location != nil {
				loc = append(loc, *w.Location)
			}
			lint.Run(&linter.RuleNoEmptyContinuation, loc, linter.RuleNoEmptyContinuation.Format())
			continue
		}
		line := 0
		if w.Location != nil {
			line = w.Location.Start.Line
		}
		ps.add(name, line, w.Short)
	}

	// The same walk as instructions.Parse, but it carries on after an error so every bad
	// instruction is reported at once.
	out := &parsedDockerfile{escapeToken: res.EscapeToken}
	failed := false
	for _, n := range res.AST.Children {
		cmd, err := instructions.ParseInstructionWithLinter(n, lint)
		if err != nil {
			ps.add(name, n.StartLine, err.Error())
			failed = true
			continue
		}
		switch c := cmd.(type) {
		case *instructions.Stage:
			out.stages = append(out.stages, *c)
		case *instructions.ArgCommand:
			if len(out.stages) == 0 {
				out.metaArgs = append(out.metaArgs, *c)
				continue
			}
			out.stages[len(out.stages)-1].AddCommand(c)
		case instructions.Command:
			if len(out.stages) == 0 {
				ps.add(name, n.StartLine, fmt.Sprintf("%s comes before the first FROM: every build stage must start with FROM", n.Value))
				failed = true
				continue
			}
			out.stages[len(out.stages)-1].AddCommand(c)
		default:
			ps.add(name, n.StartLine, fmt.Sprintf("%T is not a Dockerfile command", cmd))
			failed = true
		}
	}
	if !failed && len(out.stages) == 0 {
		ps.add(name, 0, "no FROM instruction: the Dockerfile has no build stage")
		failed = true
	}
	if failed {
		return nil
	}
	return out
}

// newLinter builds the linter the way dockerfile2llb does: from the file's `# check=` directive, with
// every finding recorded as a problem.
func newLinter(name string, data []byte, ps *problems) (*linter.Linter, error) {
	opts, _, loc, _ := parser.ParseDirective("check", data)
	cfg, err := linter.ParseLintOptions(opts)
	if err != nil {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		return nil, &Error{Problems: []string{fmt.Sprintf("%s:%d: bad check directive: %v", name, line, err)}}
	}
	cfg.Warn = func(rule, _, _, msg string, location []parser.Range) {
		line := 0
		if len(location) > 0 {
			line = location[0].Start.Line
		}
		ps.add(name, line, fmt.Sprintf("%s (%s)", msg, rule))
	}
	return linter.New(cfg), nil
}

// errorLine is the first line a BuildKit parse error points at, or 0.
func errorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, rs := range le.Locations {
			for _, r := range rs {
				if r.Start.Line > 0 {
					return r.Start.Line
				}
			}
		}
	}
	return 0
}
