package django

import (
	"reflect"
	"testing"
)

// TestEnvHelpers: the project's own functions around os.environ, and the conversions
// around a read, still say which variable DEBUG and SECRET_KEY come from.
func TestEnvHelpers(t *testing.T) {
	tests := []struct {
		name, settings string
		more           []string
		want           map[string]string
	}{
		{"helper comparing with True", `import os
def envbool(s, default):
    v = os.getenv(s, default=default)
    if v not in ("", "True", "False"):
        raise ValueError(s)
    return v == "True"

def envsecret(s: str, default: str | None = None) -> str | None:
    if path := os.getenv(s + "_FILE"):
        return open(path).read()
    return os.getenv(s, default)

SECRET_KEY = envsecret("APP_SECRET")
DEBUG = envbool("APP_DEBUG", "False")`,
			nil, map[string]string{"debug_env": `"APP_DEBUG"`, "debug_on": `"True"`, "secret_key_env": `"APP_SECRET"`}},
		{"helper testing membership", `import os
def get_bool_from_env(name, default_value):
    value = os.environ.get(name)
    if value is None:
        return default_value
    return value.lower() in ("true", "1")

DEBUG = get_bool_from_env("DEBUG", False)`,
			nil, map[string]string{"debug_env": `"DEBUG"`, "debug_on": `"true"`}},
		{"helper imported from the project", `from proj.parsers import get_bool_from_env
DEBUG = get_bool_from_env("PROJ_DEBUG", "NO")`,
			[]string{"proj/parsers.py", `import os

def str_to_bool(v):
    return v.lower() in ("yes", "true", "1")

def get_bool_from_env(key: str, default: str = "NO") -> bool:
    """A boolean from the environment."""
    return str_to_bool(os.getenv(key, default))
`}, map[string]string{"debug_env": `"PROJ_DEBUG"`, "debug_on": ``}},
		{"a function reading a fixed variable is no helper", `import os
def debug_flag(default):
    return os.getenv("OTHER", default)

DEBUG = debug_flag("1")`,
			nil, map[string]string{"debug_env": ``}},
		{"strtobool", `import os
from distutils.util import strtobool
DEBUG = bool(strtobool(os.getenv("DEBUG", "false")))`,
			nil, map[string]string{"debug_env": `"DEBUG"`}},
		{"conditional expression", `import os
DEBUG = bool(int(os.environ["DEBUG"])) if "DEBUG" in os.environ else False`,
			nil, map[string]string{"debug_env": `"DEBUG"`}},
		{"compared with a number", `import os
DEBUG = int(os.environ.get("DEBUG", 0)) == 1`,
			nil, map[string]string{"debug_env": `"DEBUG"`, "debug_on": `"1"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Read(project(tc.settings, tc.more...), "manage.py")
			if err != nil {
				t.Fatal(err)
			}
			if got := fields(t, info, tc.want); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
