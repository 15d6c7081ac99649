package validate

import (
	"slices"
	"strings"
	"testing"
)

func TestComposeProblems(t *testing.T) {
	env := map[string]string{"POSTGRES_PASSWORD": "x"}
	tests := []struct {
		name string
		in   string
		want []problem
	}{
		{"version key",
			"version: \"3.8\"\nservices:\n  web:\n    image: web\n",
			[]problem{{"docker-compose.yml:1: ", "top-level `version` key is obsolete"}}},
		{"bad restart",
			"services:\n  web:\n    image: web\n    restart: sometimes\n",
			[]problem{{"docker-compose.yml:4: ", `services.web.restart: "sometimes" is not a restart policy`}}},
		{"bad on-failure count",
			"services:\n  web:\n    image: web\n    restart: on-failure:three\n",
			[]problem{{"docker-compose.yml:4: ", `"on-failure:three"`}}},
		{"version and restart together",
			"version: '3'\nservices:\n  web:\n    image: web\n    restart: forever\n",
			[]problem{
				{"docker-compose.yml:1: ", "`version`"},
				{"docker-compose.yml:5: ", `"forever"`},
			}},
		{"unset variable",
			"services:\n  web:\n    image: web\n    environment:\n      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db/${POSTGRES_DB}\n",
			[]problem{{"docker-compose.yml: ", "variable POSTGRES_DB is not set and has no default"}}},
		{"unset variables are listed once, sorted",
			"services:\n  web:\n    image: ${B}\n    command: ${A} ${B}\n",
			[]problem{{"docker-compose.yml: ", "variable A is not set"}, {"docker-compose.yml: ", "variable B is not set"}}},
		{"required variable",
			"services:\n  web:\n    image: ${WEB_IMAGE:?set WEB_IMAGE}\n",
			[]problem{{"docker-compose.yml:3: ", "required variable WEB_IMAGE is missing a value: set WEB_IMAGE"}}},
		{"yaml syntax",
			"services:\n  web:\n    image: web\n  ports: [\n",
			[]problem{{"docker-compose.yml: ", "yaml"}}},
		{"defaults and escapes are fine",
			"services:\n  web:\n    image: ${WEB_IMAGE:-web}\n    command: echo $$HOME ${POSTGRES_PASSWORD}\n", nil},
		{"keys are not interpolated",
			"services:\n  web:\n    image: web\n    environment:\n      ${NAME}: x\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblems(t, Compose("docker-compose.yml", []byte(tt.in), env), tt.want)
		})
	}
}

func TestComposeRestartPolicies(t *testing.T) {
	for _, r := range []string{"no", `"no"`, "always", "on-failure", "on-failure:3", "unless-stopped"} {
		in := "services:\n  web:\n    image: web\n    restart: " + r + "\n"
		if err := Compose("compose.yaml", []byte(in), nil); err != nil {
			t.Errorf("restart: %s: %v", r, err)
		}
	}
}

func TestInterpolate(t *testing.T) {
	env := map[string]string{"PORT": "8001", "EMPTY": ""}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	for _, tc := range []struct {
		in, want    string
		used, unset []string
	}{
		{"127.0.0.1:${PORT:-5432}:5432", "127.0.0.1:8001:5432", []string{"PORT"}, nil},
		{"${WEB:-8000}:8000", "8000:8000", []string{"WEB"}, nil},
		{"${EMPTY:-x} ${EMPTY-y} $$PORT", "x  $PORT", []string{"EMPTY"}, nil},
		{"$MISSING/${PORT}", "/8001", []string{"MISSING", "PORT"}, []string{"MISSING"}},
	} {
		got, err := Interpolate(tc.in, lookup)
		if err != nil || got.Value != tc.want || !slices.Equal(got.Used, tc.used) || !slices.Equal(got.Unset, tc.unset) {
			t.Errorf("Interpolate(%q) = %+v, %v; want %q used %v unset %v", tc.in, got, err, tc.want, tc.used, tc.unset)
		}
	}
	if _, err := Interpolate("${NEEDED:?set NEEDED}", lookup); err == nil || !strings.Contains(err.Error(), "set NEEDED") {
		t.Errorf("required variable: %v", err)
	}
}
