package migrate

import (
	"fmt"
	"io"
	"strings"
)

// Human renders the report for people: the virtualenv, the Python warning,
// then one section per kind of drift, each entry with its evidence. Empty
// sections are left out; the output depends only on the report.
func (r *Report) Human(w io.Writer) {
	var b strings.Builder
	v := r.Venv
	if v.Path != "" {
		fmt.Fprintf(&b, "Virtualenv %s", v.Path)
		var facts []string
		if v.Layout != "" {
			facts = append(facts, v.Layout+" layout")
		}
		switch v.Origin {
		case "":
		case "project":
			facts = append(facts, "inside the project")
		default:
			facts = append(facts, "found through "+v.Origin)
		}
		if len(facts) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(facts, ", "))
		}
		b.WriteString("\n")
	}
	if r.Python != "" {
		fmt.Fprintf(&b, "Python %s", r.Python)
		if v.PythonSource != "" {
			fmt.Fprintf(&b, " (%s)", v.PythonSource)
		}
		b.WriteString("\n")
	}
	if r.PythonWarning != "" {
		fmt.Fprintf(&b, "Warning: %s\n", r.PythonWarning)
	}
	fmt.Fprintf(&b, "Top level: %d %s to declare", len(r.TopLevel), plural(len(r.TopLevel), "package", "packages"))
	if len(r.TopLevel) > 0 {
		fmt.Fprintf(&b, ": %s", strings.Join(r.TopLevel, ", "))
	}
	b.WriteString("\n")

	section := func(title string, n int, lines func()) {
		if n == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", title, n)
		lines()
	}
	section("Blocking the upgrade", len(r.Blockers), func() {
		for _, bl := range r.Blockers {
			fmt.Fprintf(&b, "  %s %s: Requires-Python %s (%s)\n", bl.Name, bl.Version, bl.RequiresPython, bl.Source)
		}
	})
	section(fmt.Sprintf("Conflicts: requirements the installed packages do not satisfy (pip check, Python %s)", r.CheckedPython), len(r.Conflicts), func() {
		for _, c := range r.Conflicts {
			fmt.Fprintf(&b, "  %s\n", c)
		}
	})
	section("Installed, not declared", len(r.InstalledNotDeclared), func() {
		for _, d := range r.InstalledNotDeclared {
			fmt.Fprintf(&b, "  %s %s (%s)\n", d.Name, d.Installed, d.Source)
		}
	})
	section("Declared, not installed", len(r.DeclaredNotInstalled), func() {
		for _, d := range r.DeclaredNotInstalled {
			fmt.Fprintf(&b, "  %s %s (%s)\n", d.Name, anyVersion(d.Declared), d.Source)
		}
	})
	section("Version differs", len(r.VersionDiffers), func() {
		for _, d := range r.VersionDiffers {
			fmt.Fprintf(&b, "  %s: declared %s (%s), installed %s\n", d.Name, d.Declared, d.Source, d.Installed)
		}
	})
	section("Imported, provided by nothing declared or installed", len(r.UnprovidedImports), func() {
		for _, i := range r.UnprovidedImports {
			fmt.Fprintf(&b, "  %s (%s)", i.Module, i.Source)
			switch {
			case i.Py2Only && i.Suggest != "":
				fmt.Fprintf(&b, ": Python 2 only; Python 3 has %s", i.Suggest)
			case i.Py2Only:
				b.WriteString(": Python 2 only, gone from Python 3")
			case i.Suggest != "":
				fmt.Fprintf(&b, ": install %s", i.Suggest)
			}
			b.WriteString("\n")
		}
	})
	section("Problems", len(r.Problems), func() {
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	})
	if len(r.InstalledNotDeclared)+len(r.DeclaredNotInstalled)+len(r.VersionDiffers)+len(r.UnprovidedImports) == 0 {
		b.WriteString("\nNo drift: the manifest, the virtualenv and the imports agree.\n")
	}
	io.WriteString(w, b.String())
}

func anyVersion(spec string) string {
	if spec == "" {
		return "(any version)"
	}
	return spec
}
