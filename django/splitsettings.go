package django

import (
	"io/fs"
	"path"
	"slices"

	"github.com/containerize/containerize/pyscan"
)

// splitIncludes are the files a django-split-settings include("base.py",
// optional("local.py"), "components/*.py") call runs, in order, in the including
// module's namespace: paths relative to the including file, globs sorted as
// split-settings sorts them. Missing optional files are skipped silently, missing
// required ones with a note.
func (r *reader) splitIncludes(file string, m *pyscan.Module, c *pyscan.Call) []string {
	if c.Local || c.Func != "include" && c.Func != "split_settings.tools.include" {
		return nil
	}
	dir := path.Dir(file)
	var out []string
	var args []pyscan.Value
	for _, a := range c.Args {
		// include(*base_settings): the list as the module sets it at its top level (the
		// entries conditional branches append depend on the environment).
		if a.Kind == pyscan.Starred && a.Left != nil && a.Left.Kind == pyscan.Name {
			if l, ok := m.Last(a.Left.Str); ok {
				args = append(args, l.Value.Items...)
			}
			continue
		}
		args = append(args, a)
	}
	for _, a := range args {
		optional := false
		if a.Kind == pyscan.CallExpr && (a.Func == "optional" || a.Func == "split_settings.tools.optional") && len(a.Args) == 1 {
			a, optional = a.Args[0], true
		}
		if a.Kind != pyscan.String {
			continue
		}
		pattern := path.Join(dir, a.Str)
		matches, err := fs.Glob(r.fsys, pattern)
		if err != nil {
			continue
		}
		slices.Sort(matches)
		if len(matches) == 0 && !optional {
			r.note(at(file, c.Line), "cannot find %s, which is included here", pattern)
		}
		out = append(out, matches...)
	}
	return out
}
