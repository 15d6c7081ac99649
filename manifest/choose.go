package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// Roles of requirements files, best first.
type reqRole int

const (
	roleProduction reqRole = iota // production.txt, prod.txt, requirements-prod.txt
	roleRoot                      // requirements.txt beside the project
	roleBase                      // base.txt, common.txt: shared by every environment
	roleOther                     // a name that says nothing about its use
	roleDev                       // dev, local, test, docs, ...
)

var (
	prodWords = []string{"production", "prod", "deploy", "deployment", "release", "live"}
	baseWords = []string{"base", "common", "main", "core", "default", "shared"}
	devWords  = []string{"dev", "develop", "development", "local", "test", "tests", "testing", "ci",
		"lint", "linting", "docs", "doc", "debug", "tox", "typing", "mypy", "qa", "style", "optional"}
)

// DevName reports whether a name says it is for development, tests or tooling ("dev",
// "test", "requirements-local", "lint"): the words requirements files and extras are
// named with, split at '-', '_' and '.'.
func DevName(name string) bool {
	for _, w := range nameWords(name) {
		if slices.Contains(devWords, w) {
			return true
		}
	}
	return false
}

// IsDevRequirements reports whether a requirements file is named for development, tests
// or tooling ("requirements-dev.txt", "requirements/local.txt", "dev-requirements.txt"):
// the files ChooseRequirements takes only when nothing else exists.
func IsDevRequirements(p string) bool { return roleOf(p, false) == roleDev }

// nameWords splits a lower-cased name at '-', '_' and '.'.
func nameWords(name string) []string {
	return strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '-' || r == '_' || r == '.' })
}

// roleOf classifies a requirements file by the words of its name, with the
// word "requirements" itself ignored: "requirements/production.txt" and
// "requirements-prod.txt" are production; "requirements.txt" is the root
// file; "requirements/requirements.txt" counts as base.
func roleOf(p string, inFolder bool) reqRole {
	var rest []string
	for _, w := range nameWords(strings.TrimSuffix(path.Base(p), ".txt")) {
		if w != "requirements" && w != "requirement" && w != "reqs" {
			rest = append(rest, w)
		}
	}
	if len(rest) == 0 {
		if inFolder {
			return roleBase
		}
		return roleRoot
	}
	// Any development word wins: "prod-test.txt" is for tests.
	if DevName(strings.Join(rest, "-")) {
		return roleDev
	}
	for _, w := range rest {
		if slices.Contains(prodWords, w) {
			return roleProduction
		}
	}
	for _, w := range rest {
		if slices.Contains(baseWords, w) {
			return roleBase
		}
	}
	return roleOther
}

// ChooseRequirements picks the production requirements file of the project
// folder dir ("." for the root) among requirements.txt, requirements/*.txt
// and *requirements*.txt beside it. Precedence: an explicit production file
// first, then the root requirements.txt, then base/common files, then files
// whose name says nothing, and a development/test/local file only when
// nothing else exists (the reason then says so). It returns the chosen path,
// the other candidates, and a reason for people. When there is no
// requirements file, err wraps fs.ErrNotExist.
func ChooseRequirements(fsys fs.FS, dir string) (chosen string, others []string, reason string, err error) {
	dir = path.Clean(dir)
	type cand struct {
		path string
		role reqRole
	}
	var cands []cand
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return "", nil, "", fmt.Errorf("list %s: %w", dir, err)
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(strings.ToLower(n), ".txt") || !strings.Contains(strings.ToLower(n), "requirement") {
			continue
		}
		p := path.Join(dir, n)
		cands = append(cands, cand{p, roleOf(p, false)})
	}
	for _, folder := range []string{"requirements", "reqs"} {
		sub := path.Join(dir, folder)
		entries, err := fs.ReadDir(fsys, sub)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
				continue
			}
			// A file named "requirements" is not a folder; skip it too.
			if info, serr := fs.Stat(fsys, sub); serr == nil && !info.IsDir() {
				continue
			}
			return "", nil, "", fmt.Errorf("list %s: %w", sub, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(strings.ToLower(e.Name()), ".txt") {
				continue
			}
			p := path.Join(sub, e.Name())
			cands = append(cands, cand{p, roleOf(p, true)})
		}
	}
	if len(cands) == 0 {
		return "", nil, "", fmt.Errorf("no requirements file in %s: %w", dir, fs.ErrNotExist)
	}
	// Best role first; within a role the shorter (shallower) path, then by name.
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.role != b.role {
			return int(a.role) - int(b.role)
		}
		if len(a.path) != len(b.path) {
			return len(a.path) - len(b.path)
		}
		return strings.Compare(a.path, b.path)
	})
	best := cands[0]
	chosen = best.path
	for _, c := range cands[1:] {
		others = append(others, c.path)
	}

	var b strings.Builder
	b.WriteString(chosen + ": ")
	switch best.role {
	case roleProduction:
		b.WriteString("production requirements")
	case roleRoot:
		b.WriteString("the project's requirements file")
	case roleBase:
		b.WriteString("base requirements shared by every environment (no production file found)")
	case roleOther:
		b.WriteString("the only requirements file not named for development")
	case roleDev:
		b.WriteString("the only requirements file, although its name says it is for development or tests — check that it is what production needs")
	}

	// Files the chosen one pulls in are part of it, not alternatives.
	included := map[string]bool{}
	if rs, perr := ParseRequirementsFile(fsys, chosen); perr == nil {
		for _, f := range rs.Files[1:] {
			included[f] = true
		}
	}
	groups := map[reqRole][]string{}
	var inc []string
	for _, c := range cands[1:] {
		if included[c.path] {
			inc = append(inc, c.path)
			continue
		}
		groups[c.role] = append(groups[c.role], c.path)
	}
	if len(inc) > 0 {
		fmt.Fprintf(&b, "; %s %s included by it", joinAnd(inc), isAre(len(inc)))
	}
	phrases := []struct {
		role reqRole
		text string
	}{
		{roleProduction, "also for production"},
		{roleRoot, "also present"},
		{roleBase, "shared by every environment"},
		{roleOther, "not named for production"},
		{roleDev, "for development"},
	}
	for _, ph := range phrases {
		if g := groups[ph.role]; len(g) > 0 {
			fmt.Fprintf(&b, "; %s %s %s", joinAnd(g), isAre(len(g)), ph.text)
		}
	}
	return chosen, others, b.String(), nil
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// joinAnd joins "a", "a and b", "a, b and c".
func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
