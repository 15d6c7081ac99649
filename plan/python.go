package plan

import (
	"fmt"
	"slices"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/detect"
)

// pythonNotes say, whatever the answers and also under --yes, which Python the image uses when the
// project does not name exactly that one (it names none, or one the image cannot use), and check the
// project's Django against the version actually chosen: a version that changes silently is how a
// Django 3.2 project ends up on a Python it does not support.
func pythonNotes(p *detect.Project, c config.Config) []string {
	var notes []string
	ch := config.Python.Resolve(p.Python)
	dj := p.Python.Django
	switch {
	case ch.Version == "":
		if v, why := config.Python.Undeclared(dj); v == c.Python {
			notes = append(notes, fmt.Sprintf("Python %s: %s; declare the version (.python-version, or requires-python) to choose another", c.Python, why))
		} else {
			notes = append(notes, fmt.Sprintf("Python %s: no version found in the project; the answers (python in %s or --python) choose %s", c.Python, config.FileName, c.Python))
		}
	case ch.Version != c.Python:
		why := fmt.Sprintf("the answers (python in %s or --python) choose %s", config.FileName, c.Python)
		if !slices.Contains(config.Python.Supported, ch.Version) && config.Python.Nearest(ch.Version) == c.Python {
			why = fmt.Sprintf("Python %s has no maintained python image that containerize supports (%s–%s); %s is the nearest", ch.Version,
				config.Python.Supported[0], config.Python.Supported[len(config.Python.Supported)-1], c.Python)
		}
		notes = append(notes, fmt.Sprintf("Python %s, not %s: the project names %s (%s), but %s", c.Python, ch.Version, ch.Version, ch.Source, why))
	}
	if dj == nil || slices.Contains(dj.Python, c.Python) {
		return notes
	}
	fix := "upgrade Django to a release that supports Python " + c.Python
	for _, v := range slices.Backward(config.Python.Supported) {
		if slices.Contains(dj.Python, v) {
			fix = fmt.Sprintf("pin Python %s (python = \"%s\" in %s, or a .python-version) or %s", v, v, config.FileName, fix)
			break
		}
	}
	return append(notes, fmt.Sprintf("Django %s (%s) supports Python %s, not %s, which the image uses: %s",
		dj.Spec, dj.Source, config.PythonSpan(dj.Python), c.Python, fix))
}
