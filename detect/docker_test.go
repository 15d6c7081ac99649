package detect

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFindDockerFiles(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name string
		fs   fstest.MapFS
		want DockerFiles
	}{
		{"nothing", fstest.MapFS{"manage.py": file("")}, DockerFiles{}},
		{"a root Dockerfile only", fstest.MapFS{"Dockerfile": file("FROM python\n")}, DockerFiles{Dockerfile: "Dockerfile"}},
		{
			// Compose prefers compose.yaml, and compose.override.yml among the overrides.
			"compose's precedence",
			fstest.MapFS{
				"docker-compose.yml": file("services: {}\n"), "compose.yaml": file("services:\n  web:\n    image: x\n"),
				"docker-compose.override.yml": file(""), "compose.override.yml": file(""), "Dockerfile": file(""),
			},
			DockerFiles{Compose: "compose.yaml", Override: "compose.override.yml", Unused: []string{"docker-compose.yml", "docker-compose.override.yml"}, Dockerfile: "Dockerfile"},
		},
		{
			"the Dockerfile the compose file builds, and its own ignore file",
			fstest.MapFS{
				"docker-compose.yaml":   file("services:\n  db:\n    image: postgres\n  app:\n    build:\n      context: ./docker/..\n      dockerfile: docker/Dockerfile.dev\n"),
				"docker/Dockerfile.dev": file(""), "docker/Dockerfile.dev.dockerignore": file(""), "Dockerfile": file(""),
			},
			DockerFiles{Compose: "docker-compose.yaml", Dockerfile: "docker/Dockerfile.dev", DockerfileSource: "docker-compose.yaml:5", Dockerignore: "docker/Dockerfile.dev.dockerignore"},
		},
		{
			"a build context as a string",
			fstest.MapFS{"compose.yml": file("services:\n  web:\n    build: backend\n"), "backend/Dockerfile": file("")},
			DockerFiles{Compose: "compose.yml", Dockerfile: "backend/Dockerfile", DockerfileSource: "compose.yml:3"},
		},
		{
			"a build outside the project or remote is not adopted",
			fstest.MapFS{"compose.yml": file("services:\n  a:\n    build: ../other\n  b:\n    build: https://github.com/x/y.git\n"), "Dockerfile": file("")},
			DockerFiles{Compose: "compose.yml", Dockerfile: "Dockerfile"},
		},
		{"an override without a compose file is not loaded", fstest.MapFS{"compose.override.yml": file("")}, DockerFiles{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := findDockerFiles(tt.fs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	_, err := findDockerFiles(fstest.MapFS{"compose.yaml": file("services:\n  web: [\n")})
	if err == nil || !strings.HasPrefix(err.Error(), "compose.yaml:") || !strings.Contains(err.Error(), "fix the file") {
		t.Errorf("broken YAML: %v", err)
	}
}
