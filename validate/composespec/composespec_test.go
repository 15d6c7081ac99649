package composespec

import (
	"errors"
	"slices"
	"strings"

	"context"
	"github.com/containerize/containerize/validate"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

func exampleEnv(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("testdata/env.example")
	if err != nil {
		t.Fatal(err)
	}
	env, err := EnvFromDotenv(data)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestEnvFromDotenv(t *testing.T) {
	env := exampleEnv(t)
	want := map[string]string{
		"POSTGRES_USER":     "library",
		"POSTGRES_PASSWORD": "change-me",
		"POSTGRES_DB":       "library",
		"DJANGO_SECRET_KEY": "change-me-too",
	}
	if !maps.Equal(env, want) {
		t.Errorf("EnvFromDotenv = %v, want %v", env, want)
	}
	if _, err := EnvFromDotenv([]byte("A='unterminated\n")); err == nil {
		t.Error("want an error for an unterminated quote")
	}
}

func TestComposeGood(t *testing.T) {
	data, err := os.ReadFile("testdata/good-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	env := exampleEnv(t)
	before := maps.Clone(env)

	// The project directory does not exist: nothing may be read from disk (env_file included).
	dir := filepath.Join(t.TempDir(), "missing", "library")
	if err := Compose(context.Background(), "docker-compose.yml", data, dir, env); err != nil {
		t.Errorf("good compose file: %v", err)
	}
	if !maps.Equal(env, before) {
		t.Errorf("Compose changed the caller's env: %v", env)
	}
}

// A required env_file that is not on disk is not Compose's problem here: .env is written later.
func TestComposeDoesNotOpenEnvFiles(t *testing.T) {
	in := "services:\n  web:\n    build: .\n    env_file: .env\n    label_file: labels.env\n"
	if err := Compose(context.Background(), "compose.yaml", []byte(in), t.TempDir(), nil); err != nil {
		t.Errorf("Compose: %v", err)
	}
}

func TestComposeProblems(t *testing.T) {
	env := map[string]string{"POSTGRES_PASSWORD": "x"}
	tests := []struct {
		name string
		in   string
		want []problem
	}{
		{"unknown key",
			"services:\n  web:\n    image: web\n    portz: [\"8000:8000\"]\n",
			[]problem{{"docker-compose.yml:4: ", `services.web: unknown key "portz"`}}},
		{"unknown top-level key",
			"services:\n  web:\n    image: web\nvolumez:\n  data:\n",
			[]problem{{"docker-compose.yml:4: ", `top-level unknown key 'volumez'`}}},
		{"undefined depends_on service",
			"services:\n  web:\n    image: web\n    depends_on:\n      cache:\n        condition: service_healthy\n",
			[]problem{{"docker-compose.yml:2: ", `service "web" depends on undefined service "cache"`}}},
		{"undefined volume",
			"services:\n  db:\n    image: postgres:16\n    volumes:\n      - pgdata:/var/lib/postgresql/data\n",
			[]problem{{"docker-compose.yml:2: ", `service "db" refers to undefined volume pgdata`}}},
		{"the CLI's checks come first",
			"version: '3'\nservices:\n  web:\n    image: web\n    restart: forever\n",
			[]problem{
				{"docker-compose.yml:1: ", "`version`"},
				{"docker-compose.yml:5: ", `"forever"`},
			}},
		{"bad duration",
			"services:\n  web:\n    image: web\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 5 seconds\n",
			[]problem{{"docker-compose.yml", "interval"}}},
		{"no image or build",
			"services:\n  web:\n    ports: [\"127.0.0.1:8000:8000\"]\n",
			[]problem{{"docker-compose.yml:2: ", "neither an image nor a build context"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Compose(context.Background(), "docker-compose.yml", []byte(tt.in), "/srv/app", env)
			checkProblems(t, err, tt.want)
		})
	}
}

type problem struct {
	prefix string
	has    string
}

// checkProblems asserts err is a *validate.Error with exactly the wanted problems, in order.
func checkProblems(t *testing.T, err error, want []problem) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("want no problems, got:\n%v", err)
		}
		return
	}
	var ve *validate.Error
	if !errors.As(err, &ve) {
		t.Fatalf("want *validate.Error, got %T: %v", err, err)
	}
	if len(ve.Problems) != len(want) {
		t.Fatalf("want %d problems, got %d:\n%v", len(want), len(ve.Problems), err)
	}
	for i, w := range want {
		if p := ve.Problems[i]; !strings.HasPrefix(p, w.prefix) || !strings.Contains(p, w.has) {
			t.Errorf("problem %d = %q, want prefix %q containing %q", i, p, w.prefix, w.has)
		}
	}
}

// TestFiles loads a file with an override merged onto it, as Compose does: values replace,
// volumes merge by target; a problem in the override is reported at its own file and line,
// and the merged project must be consistent.
func TestFiles(t *testing.T) {
	ctx := context.Background()
	base := File{"compose.yml", []byte("services:\n  web:\n    image: app:latest\n    volumes:\n      - data:/data\nvolumes:\n  data:\n")}
	override := File{"compose.override.yml", []byte("services:\n  web:\n    image: app:dev\n    user: \"${DEV_UID:-1000}:1000\"\n    volumes:\n      - .:/app\n      - dev-data:/data\nvolumes:\n  dev-data:\n")}
	p, err := Files(ctx, []File{base, override}, "proj", nil)
	if err != nil {
		t.Fatal(err)
	}
	web := p.Services["web"]
	var targets []string
	for _, v := range web.Volumes {
		targets = append(targets, v.Source+">"+v.Target)
	}
	if web.Image != "app:dev" || web.User != "1000:1000" || len(targets) != 2 || !slices.Contains(targets, "dev-data>/data") {
		t.Errorf("merged web: image %q, user %q, volumes %q", web.Image, web.User, targets)
	}

	bad := File{"compose.override.yml", []byte("services:\n  web:\n    imag: app:dev\n")}
	_, err = Files(ctx, []File{base, bad}, "proj", nil)
	if err == nil || !strings.Contains(err.Error(), "compose.override.yml:3:") {
		t.Errorf("a misspelt key in the override: %v", err)
	}
	undeclared := File{"compose.override.yml", []byte("services:\n  web:\n    volumes:\n      - other:/data\n")}
	if _, err = Files(ctx, []File{base, undeclared}, "proj", nil); err == nil || !strings.Contains(err.Error(), "other") {
		t.Errorf("an undeclared volume in the override: %v", err)
	}
}
