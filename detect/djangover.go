package detect

import (
	"fmt"
	"strings"
)

// djangoPython lists the Python minor versions each Django feature release supports
// (Django's own FAQ, "What Python version can I use with Django?").
var djangoPython = []struct {
	django string
	python []string
}{
	{"2.2", []string{"3.5", "3.6", "3.7", "3.8", "3.9"}},
	{"3.0", []string{"3.6", "3.7", "3.8", "3.9"}},
	{"3.1", []string{"3.6", "3.7", "3.8", "3.9"}},
	{"3.2", []string{"3.6", "3.7", "3.8", "3.9", "3.10"}},
	{"4.0", []string{"3.8", "3.9", "3.10"}},
	{"4.1", []string{"3.8", "3.9", "3.10", "3.11"}},
	{"4.2", []string{"3.8", "3.9", "3.10", "3.11", "3.12"}},
	{"5.0", []string{"3.10", "3.11", "3.12"}},
	{"5.1", []string{"3.10", "3.11", "3.12", "3.13"}},
	{"5.2", []string{"3.10", "3.11", "3.12", "3.13", "3.14"}},
	{"6.0", []string{"3.12", "3.13", "3.14"}},
}

// djangoConstraint is what the project's Django version allows of Python: the union over
// every Django feature release its pin or range admits. ok is false when nothing is known.
type djangoConstraint struct {
	python map[string]bool
	spec   string // the Django version or range, for messages
	source string
}

func (p *Project) djangoConstraint() (djangoConstraint, bool) {
	var dep *Dependency
	for i, d := range p.dependencies() {
		if d.Name == "django" {
			dep = &p.dependencies()[i]
			break
		}
	}
	if dep == nil {
		return djangoConstraint{}, false
	}
	c := djangoConstraint{python: map[string]bool{}, source: dep.Source}
	for _, rel := range djangoPython {
		var ok bool
		switch {
		case dep.Version != "":
			c.spec = dep.Version
			ok = strings.HasPrefix(dep.Version+".", rel.django+".")
		case dep.Specifier != "":
			c.spec = dep.Specifier
			ok = rangeAllows(dep.Specifier, rel.django)
		default:
			return djangoConstraint{}, false
		}
		if ok {
			for _, py := range rel.python {
				c.python[py] = true
			}
		}
	}
	if len(c.python) == 0 {
		return djangoConstraint{}, false
	}
	return c, true
}

// checkDjangoPython warns when the chosen Python is one the project's Django does not support.
func checkDjangoPython(p *Project) {
	c, ok := p.djangoConstraint()
	if !ok || p.Python.Version == "" || c.python[p.Python.Version] {
		return
	}
	p.warn("django-python", c.source, fmt.Sprintf("Django %s does not support Python %s (from %s); expect problems or upgrade Django",
		c.spec, p.Python.Version, p.Python.Source))
}
