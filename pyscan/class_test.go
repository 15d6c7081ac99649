package pyscan

import "testing"

func TestClasses(t *testing.T) {
	m := Parse([]byte(`import os
from configurations import Configuration, values


class Base(Configuration):
    """Docstring."""
    DEBUG = values.BooleanValue(False)
    if os.environ.get("X"):
        EXTRA = 1

    @property
    def DATABASES(self):
        if self.DEBUG:
            pass
        return {"default": {"ENGINE": "django.db.backends.mysql"}}

    def helper(self):
        return 1
        LOCAL = 2


class Prod(Base, metaclass=Meta):
    STATIC_ROOT = "/srv/static"

X = 1
`))
	if len(m.Classes) != 2 || m.Classes[0].Name != "Base" || m.Classes[1].Name != "Prod" {
		t.Fatalf("classes = %+v", m.Classes)
	}
	if b := m.Classes[0]; len(b.Bases) != 1 || b.Bases[0].Str != "Configuration" || b.BodyIndent != 4 || b.Line != 5 {
		t.Errorf("Base = %+v", b)
	}
	if b := m.Classes[1]; len(b.Bases) != 1 || b.Bases[0].Str != "Base" {
		t.Errorf("Prod bases = %+v (a keyword argument is no base)", b.Bases)
	}
	classOf := map[string]string{}
	for _, a := range m.Assignments {
		classOf[a.Target] = a.Class
	}
	want := map[string]string{"DEBUG": "Base", "EXTRA": "Base", "LOCAL": "", "STATIC_ROOT": "Prod", "X": ""}
	for k, v := range want {
		if classOf[k] != v {
			t.Errorf("%s is in class %q, want %q", k, classOf[k], v)
		}
	}
	if len(m.Properties) != 1 || m.Properties[0].Name != "DATABASES" || m.Properties[0].Class != "Base" ||
		m.Properties[0].Value.Kind != Dict || m.Properties[0].Line != 15 {
		t.Errorf("properties = %+v", m.Properties)
	}
}
