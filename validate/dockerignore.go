package validate

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// ignorePattern is one .dockerignore pattern, normalised as BuildKit reads it, with its line.
type ignorePattern struct {
	text string // as ignorefile.ReadAll returns it, "!" included
	line int
}

// DockerignoreCopies checks that no COPY/ADD source taken from the build context (not --from, not a
// URL or git source, not a heredoc) is excluded by the .dockerignore. This is BuildKit's
// CopyIgnoredFile rule, which cannot run offline because it needs the build client; the matching is
// moby/patternmatcher's, as in BuildKit.
//
// BuildKit skips the rule as soon as the .dockerignore has a `!` exception. Here an exception only
// silences a source when it could re-include something inside it (the source may be a directory), so
// `*.txt` + `!requirements.txt` still lets `COPY requirements.txt .` through and still catches
// `COPY notes.txt .`. A context root source ("." or "/") counts as excluded only when a pattern such
// as `*` or `**` excludes everything and no exception lets anything back in. Sources with variables
// are expanded from the ARG defaults and ENV values in scope; one that cannot be fully expanded is
// skipped. A `# check=skip=CopyIgnoredFile` directive in the Dockerfile turns the check off.
//
// Problems come back as *Error, one per source: `Dockerfile:7: COPY source "requirements.txt" is
// excluded by .dockerignore:3 pattern "*.txt", so it is not in the build context: remove the pattern
// or add an exception (!requirements.txt) (CopyIgnoredFile)`. A Dockerfile that does not parse gives
// the parse problems instead.
func DockerignoreCopies(dockerfileName string, dockerfile []byte, dockerignore []byte) error {
	var ps problems
	pats, err := readIgnorePatterns(dockerignore)
	if err != nil {
		ps.add(".dockerignore", 0, err.Error())
		return ps.err()
	}
	if len(pats) == 0 {
		return nil
	}
	texts := make([]string, len(pats))
	for i, p := range pats {
		texts[i] = p.text
	}
	matcher, err := patternmatcher.New(texts)
	if err != nil {
		ps.add(".dockerignore", 0, fmt.Sprintf("bad pattern: %v", err))
		return ps.err()
	}

	// Lint findings are Dockerfile's job; the linter here only carries the file's `# check=`
	// directive, so `skip=CopyIgnoredFile` works as in BuildKit.
	lint, err := newLinter(dockerfileName, dockerfile, &ps)
	if err != nil {
		return err
	}
	var parseProblems problems
	df := parseDockerfile(dockerfileName, dockerfile, nil, &parseProblems)
	if df == nil {
		return parseProblems.err()
	}
	lex := shell.NewLex(df.escapeToken)
	globals := globalArgs(df.metaArgs, lex)

	for _, st := range df.stages {
		env := &scope{vars: map[string]string{}}
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.ArgCommand:
				for _, a := range c.Args {
					switch {
					case a.Value != nil:
						if v, unmatched, err := lex.ProcessWord(*a.Value, env); err == nil && len(unmatched) == 0 {
							env.set(a.Key, v)
						} else {
							env.unset(a.Key)
						}
					case globals.has(a.Key):
						// `ARG X` in a stage takes the global default.
						env.set(a.Key, globals.get(a.Key))
					}
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					if v, unmatched, err := lex.ProcessWord(kv.Value, env); err == nil && len(unmatched) == 0 {
						env.set(kv.Key, v)
					} else {
						env.unset(kv.Key)
					}
				}
			case *instructions.CopyCommand:
				if c.From != "" {
					continue
				}
				checkSources(lint, "COPY", c.Location(), c.SourcePaths, lex, env, matcher, pats)
			case *instructions.AddCommand:
				checkSources(lint, "ADD", c.Location(), c.SourcePaths, lex, env, matcher, pats)
			}
		}
	}
	return ps.err()
}

func checkSources(lint *linter.Linter, cmd string, loc []parser.Range, sources []string, lex *shell.Lex,
	env *scope, matcher *patternmatcher.PatternMatcher, pats []ignorePattern) {
	for _, raw := range sources {
		src, unmatched, err := lex.ProcessWord(raw, env)
		if err != nil || len(unmatched) > 0 || isRemoteSource(src) {
			continue
		}
		// --parents sources mark the pivot with "/./"; Clean drops it, which is the path that is sent.
		src = path.Clean(filepath.ToSlash(src))
		src = strings.TrimPrefix(src, "/")
		if src == "" || src == "." {
			if !rootIgnored(pats) {
				continue
			}
			src = "."
		}
		if src == ".." || strings.HasPrefix(src, "../") {
			continue // outside the context: BuildKit refuses it on its own terms
		}
		excluded, err := matcher.MatchesOrParentMatches(src)
		if err != nil || !excluded {
			continue
		}
		if mayReinclude(src, pats) {
			continue
		}
		blame := blamePattern(src, pats)
		lint.Run(&linter.RuleCopyIgnoredFile, loc, fmt.Sprintf(
			"%s source %q is excluded by .dockerignore:%d pattern %q, so it is not in the build context: remove the pattern or add an exception (!%s)",
			cmd, raw, blame.line, blame.text, src))
	}
}

// readIgnorePatterns reads the .dockerignore with BuildKit's reader, one line at a time so every
// pattern keeps its line number.
func readIgnorePatterns(data []byte) ([]ignorePattern, error) {
	var out []ignorePattern
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte{0xEF, 0xBB, 0xBF})
		}
		ps, err := ignorefile.ReadAll(bytes.NewReader(line))
		if err != nil {
			return nil, fmt.Errorf("read line %d: %w", n, err)
		}
		for _, p := range ps {
			out = append(out, ignorePattern{text: p, line: n})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return out, nil
}

// rootIgnored reports whether a pattern excludes every entry of the context, which is the only way a
// "COPY . ." can be hit (the same test BuildKit makes).
func rootIgnored(pats []ignorePattern) bool {
	for _, p := range pats {
		switch p.text {
		case "*", "**", "**/*":
			return true
		}
	}
	return false
}

// mayReinclude reports whether an exception pattern could match something below src, in which case
// src may be a directory that is only partly excluded and cannot be judged offline. Patterns are
// anchored at the context root and each path element is matched separately, except for "**".
func mayReinclude(src string, pats []ignorePattern) bool {
	srcParts := strings.Split(src, "/")
	for _, p := range pats {
		text, ok := strings.CutPrefix(p.text, "!")
		if !ok {
			continue
		}
		// Any exception lets part of the context root through (the allow-list style "*" + "!app").
		if src == "." || strings.Contains(text, "**") {
			return true
		}
		parts := strings.Split(filepath.ToSlash(text), "/")
		if len(parts) <= len(srcParts) {
			continue
		}
		prefixMatches := true
		for i, sp := range srcParts {
			if ok, err := path.Match(parts[i], sp); err != nil || !ok {
				prefixMatches = false
				break
			}
		}
		if prefixMatches {
			return true
		}
	}
	return false
}

// blamePattern is the last exclusion pattern that, on its own, excludes src.
func blamePattern(src string, pats []ignorePattern) ignorePattern {
	var blame ignorePattern
	for _, p := range pats {
		if strings.HasPrefix(p.text, "!") {
			continue
		}
		if src == "." {
			if rootIgnored([]ignorePattern{p}) {
				blame = p
			}
			continue
		}
		m, err := patternmatcher.New([]string{p.text})
		if err != nil {
			continue
		}
		if ok, err := m.MatchesOrParentMatches(src); err == nil && ok {
			blame = p
		}
	}
	return blame
}

// isRemoteSource is true for ADD sources that do not come from the context: URLs and git remotes.
func isRemoteSource(src string) bool {
	return strings.Contains(src, "://") || strings.HasPrefix(src, "git@")
}

// globalArgs are the ARGs before the first FROM that have a default.
func globalArgs(metaArgs []instructions.ArgCommand, lex *shell.Lex) *scope {
	s := &scope{vars: map[string]string{}}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			if kv.Value == nil {
				continue
			}
			if v, unmatched, err := lex.ProcessWord(*kv.Value, s); err == nil && len(unmatched) == 0 {
				s.set(kv.Key, v)
			}
		}
	}
	return s
}

// scope is the set of variables known at a point of a stage; it implements shell.EnvGetter.
type scope struct {
	vars map[string]string
	keys []string
}

func (s *scope) set(k, v string) {
	if _, ok := s.vars[k]; !ok {
		s.keys = append(s.keys, k)
	}
	s.vars[k] = v
}

func (s *scope) unset(k string) {
	if _, ok := s.vars[k]; !ok {
		return
	}
	delete(s.vars, k)
	for i, key := range s.keys {
		if key == k {
			s.keys = append(s.keys[:i], s.keys[i+1:]...)
			break
		}
	}
}

func (s *scope) has(k string) bool           { _, ok := s.vars[k]; return ok }
func (s *scope) get(k string) string         { return s.vars[k] }
func (s *scope) Get(k string) (string, bool) { v, ok := s.vars[k]; return v, ok }
func (s *scope) Keys() []string              { return s.keys }

// DockerignoreAdmits returns the paths (relative to the build context, slash-separated) that the
// .dockerignore leaves in the context, matched as BuildKit matches them: a path is out when it or a
// folder above it is excluded.
func DockerignoreAdmits(dockerignore []byte, paths []string) ([]string, error) {
	pats, err := readIgnorePatterns(dockerignore)
	if err != nil {
		return nil, err
	}
	texts := make([]string, len(pats))
	for i, p := range pats {
		texts[i] = p.text
	}
	matcher, err := patternmatcher.New(texts)
	if err != nil {
		return nil, fmt.Errorf("bad pattern: %w", err)
	}
	var in []string
	for _, p := range paths {
		excluded, err := matcher.MatchesOrParentMatches(p)
		if err != nil {
			return nil, fmt.Errorf("bad pattern: %w", err)
		}
		if !excluded {
			in = append(in, p)
		}
	}
	return in, nil
}
