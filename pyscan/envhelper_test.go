package pyscan

import (
	"reflect"
	"testing"
)

func TestEnvHelpers(t *testing.T) {
	src := `import os
from decouple import config

@overload
def envsecret(s: str) -> str | None: ...

def envsecret(s, default=None):
    return os.getenv(s, default)

def flag(name, default="no") -> bool:
    return config(name, default=default).lower() in ("yes", "1")

def get_list(key, separator=",", default=""):
    return [x for x in os.environ.get(key, default).split(separator) if x]

def fixed(default):
    return os.getenv("FIXED", default)

class Settings:
    def read(self, name):
        return os.getenv(name)

SECRET_KEY = envsecret("APP_SECRET", "x")
DEBUG = flag("APP_DEBUG")
HOSTS = get_list("APP_HOSTS", ";", "localhost")
`
	m := Parse([]byte(src))
	var names []string
	for _, h := range m.EnvHelpers {
		names = append(names, h.Name+":"+h.Cast+":"+h.On)
	}
	if want := []string{"envsecret::", "flag:bool:yes", "get_list:list:"}; !reflect.DeepEqual(names, want) {
		t.Errorf("helpers %v, want %v", names, want)
	}
	for target, want := range map[string][2]string{
		"SECRET_KEY": {"APP_SECRET", "x"},
		"DEBUG":      {"APP_DEBUG", ""},
		"HOSTS":      {"APP_HOSTS", "localhost"}, // the default parameter, not the separator
	} {
		a, _ := m.Last(target)
		var name, def string
		a.Value.Walk(func(v Value) bool {
			if n, d, ok := EnvDefault(v); ok && name == "" {
				name, def = n, d
			}
			return name == ""
		})
		if name != want[0] || def != want[1] {
			t.Errorf("%s reads %q (default %q), want %q (%q)", target, name, def, want[0], want[1])
		}
	}
}
