package django

import (
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/containerize/containerize/pyscan"
)

// included is one file named by a django-split-settings include() call.
type included struct {
	pattern  string // as written, relative to the including file's folder
	optional bool   // wrapped in optional(): a missing file is no error
	cond     bool   // named only inside an if/try block
	line     int
}

// isInclude reports whether c is django-split-settings' include(), imported into m from
// split_settings.tools (or split_settings.tools.include called by its dotted name).
func isInclude(m *pyscan.Module, c *pyscan.Call) bool {
	switch c.Func {
	case "split_settings.tools.include", "tools.include":
		return true
	case "include":
		for _, imp := range m.Imports {
			if imp.Module == "split_settings.tools" && slices.Contains(imp.Names, "include") {
				return true
			}
		}
	}
	return false
}

// includeArgs lists the files an include() call names, in order: string literals,
// optional("…"), and a list variable built earlier in the same file (`include(*files)`),
// whose entries appended inside a branch are marked conditional.
func includeArgs(m *pyscan.Module, c *pyscan.Call) []included {
	var out []included
	var add func(v pyscan.Value, opt, cond bool, line, depth int)
	add = func(v pyscan.Value, opt, cond bool, line, depth int) {
		if depth > 8 {
			return
		}
		switch {
		case v.Kind == pyscan.String:
			out = append(out, included{pattern: v.Str, optional: opt, cond: cond, line: line})
		case v.Kind == pyscan.CallExpr && (v.Func == "optional" || strings.HasSuffix(v.Func, ".optional")) && len(v.Args) == 1:
			add(v.Args[0], true, cond, line, depth+1)
		case v.Kind == pyscan.Starred && v.Left != nil:
			add(*v.Left, opt, cond, line, depth+1)
		case v.Kind == pyscan.List || v.Kind == pyscan.Tuple:
			for _, it := range v.Items {
				add(it, opt, cond, line, depth+1)
			}
		case v.Kind == pyscan.Name && !strings.Contains(v.Str, "."):
			for _, e := range listVariable(m, v.Str, c.Line) {
				add(e.v, opt, cond || e.cond, e.line, depth+1)
			}
		}
	}
	cond := c.Indent > 0
	for _, a := range c.Args {
		add(a, false, cond, c.Line, 0)
	}
	return out
}

type listEntry struct {
	v    pyscan.Value
	cond bool
	line int
}

// listVariable is what a module-level list variable holds before line: its last plain
// assignment at module level, then the append/extend/+= that follow it.
func listVariable(m *pyscan.Module, name string, before int) []listEntry {
	start := -1
	var out []listEntry
	for _, a := range m.Assignments {
		if a.Local || a.Target != name || a.Line >= before {
			continue
		}
		switch {
		case a.Op == "=" && a.Indent == 0:
			start, out = a.Line, []listEntry{{a.Value, false, a.Line}}
		case a.Op == "+=" && start >= 0:
			out = append(out, listEntry{a.Value, a.Indent > 0, a.Line})
		}
	}
	if start < 0 {
		return nil
	}
	for _, c := range m.Calls {
		if c.Local || c.Line <= start || c.Line >= before || len(c.Args) != 1 {
			continue
		}
		if c.Func == name+".append" || c.Func == name+".extend" {
			out = append(out, listEntry{c.Args[0], c.Indent > 0, c.Line})
		}
	}
	slices.SortStableFunc(out, func(a, b listEntry) int { return a.line - b.line })
	return out
}

// includeFiles resolves what an include() in file names into files to read, in the order
// django-split-settings runs them: each pattern relative to the including file's folder,
// a glob's matches sorted. Like conditional star imports, a file named only inside a
// branch is followed when its name says production; development files are never followed.
func (r *reader) includeFiles(file string, m *pyscan.Module, c *pyscan.Call) ([]string, error) {
	var files []string
	dir := path.Dir(file)
	for _, inc := range includeArgs(m, c) {
		src := at(file, inc.line)
		pat := path.Join(dir, inc.pattern)
		if strings.HasPrefix(inc.pattern, "/") || !fs.ValidPath(pat) {
			r.note(src, "the settings include %s lies outside the project; skipped", inc.pattern)
			continue
		}
		var matches []string
		if strings.ContainsAny(inc.pattern, "*?[") {
			var err error
			if matches, err = fs.Glob(r.fsys, pat); err != nil {
				r.note(src, "the settings include pattern %s is not a valid glob; skipped", inc.pattern)
				continue
			}
			slices.Sort(matches)
		} else if ok, err := isFile(r.fsys, pat); err != nil {
			return nil, err
		} else if ok {
			matches = []string{pat}
		}
		if len(matches) == 0 {
			if !inc.optional && !inc.cond {
				r.note(src, "cannot find %s, which the settings include here", pat)
			}
			continue
		}
		for _, f := range matches {
			name := strings.TrimSuffix(path.Base(f), ".py")
			switch {
			case isDevModule(name):
				r.note(src, "skipped the settings include of %s: development settings", f)
			case inc.cond && !isProdModule(name):
				r.note(src, "skipped the settings include of %s: it is included only under a condition", f)
			default:
				files = append(files, f)
			}
		}
	}
	return files, nil
}
