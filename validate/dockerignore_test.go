package validate

import (
	"errors"
	"os"
	"testing"
)

func TestDockerignoreCopiesGood(t *testing.T) {
	df, err := os.ReadFile("testdata/good.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	di, err := os.ReadFile("testdata/good.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	if err := DockerignoreCopies("Dockerfile", df, di); err != nil {
		t.Errorf("good files: %v", err)
	}
}

func TestDockerignoreCopies(t *testing.T) {
	const base = "FROM python:3.12-slim\nWORKDIR /app\n"
	tests := []struct {
		name         string
		dockerfile   string
		dockerignore string
		want         []problem
	}{
		{"ignored file", base + "COPY requirements.txt .\n", "*.txt\n",
			[]problem{{"Dockerfile:3: ", `COPY source "requirements.txt" is excluded by .dockerignore:1 pattern "*.txt"`}}},
		{"exception lets it through", base + "COPY requirements.txt .\n", "*.txt\n!requirements.txt\n", nil},
		{"exception does not cover another file", base + "COPY requirements.txt notes.txt ./\n", "*.txt\n!requirements.txt\n",
			[]problem{{"Dockerfile:3: ", `"notes.txt" is excluded by .dockerignore:1 pattern "*.txt"`}}},
		{"whole context", base + "COPY . .\n", ".git\n.venv\n*.txt\n", nil},
		{"whole context, everything ignored", base + "COPY . .\n", "# allow nothing\n*\n",
			[]problem{{"Dockerfile:3: ", `COPY source "." is excluded by .dockerignore:2 pattern "*"`}}},
		{"allow-list style", base + "COPY . .\nCOPY requirements.txt .\n", "*\n!app\n!requirements.txt\n", nil},
		{"allow-list style, file left out", base + "COPY README.md .\n", "*\n!app\n!requirements.txt\n",
			[]problem{{"Dockerfile:3: ", `"README.md" is excluded by .dockerignore:1 pattern "*"`}}},
		{"ignored directory", base + "COPY src/ ./src/\n", "src\n",
			[]problem{{"Dockerfile:3: ", `"src/" is excluded by .dockerignore:1 pattern "src"`}}},
		{"file in an ignored directory", base + "COPY src/app.py ./\n", "\n# sources\nsrc\n",
			[]problem{{"Dockerfile:3: ", `.dockerignore:3 pattern "src"`}}},
		{"directory partly re-included", base + "COPY src ./src\n", "src\n!src/keep.txt\n", nil},
		{"later pattern is blamed", base + "COPY requirements.txt .\n", "*.md\nrequirements*\n*.txt\n",
			[]problem{{"Dockerfile:3: ", `.dockerignore:3 pattern "*.txt"`}}},
		{"ADD from the context", base + "ADD vendor.tar.gz /opt/\n", "*.gz\n",
			[]problem{{"Dockerfile:3: ", `ADD source "vendor.tar.gz"`}}},
		{"several problems", base + "COPY requirements.txt .\nCOPY .env .\n", "*.txt\n.env\n",
			[]problem{{"Dockerfile:3: ", `"requirements.txt"`}, {"Dockerfile:4: ", `".env"`}}},
		{"copy from a stage", "FROM python:3.12-slim AS build\nFROM python:3.12-slim\nCOPY --from=build /opt/venv /opt/venv\n",
			"opt\n", nil},
		{"remote ADD", base + "ADD https://example.com/x.tar.gz /x/\nADD git@github.com:org/repo.git /src\n", "*\n", nil},
		{"heredoc", base + "COPY <<EOF /app/settings.txt\nhello\nEOF\n", "*.txt\n", nil},
		{"stage ARG default", base + "ARG REQS=requirements.txt\nCOPY ${REQS} .\n", "*.txt\n",
			[]problem{{"Dockerfile:4: ", `"${REQS}" is excluded`}}},
		{"global ARG default", "ARG REQS=requirements.txt\n" + base + "ARG REQS\nCOPY $REQS .\n", "*.txt\n",
			[]problem{{"Dockerfile:5: ", `"$REQS" is excluded`}}},
		{"ENV value", base + "ENV REQS=requirements.txt\nCOPY $REQS .\n", "*.txt\n",
			[]problem{{"Dockerfile:4: ", `"$REQS" is excluded`}}},
		{"unknown variable is skipped", base + "ARG REQS\nCOPY $REQS .\n", "*.txt\n", nil},
		{"check directive skips the rule", "# check=skip=CopyIgnoredFile\n" + base + "COPY requirements.txt .\n", "*.txt\n", nil},
		{"empty dockerignore", base + "COPY requirements.txt .\n", "# nothing\n\n", nil},
		{"dockerfile does not parse", "FROM python:3.12-slim\nCOPY --bogus=1 a b\n", "*.txt\n",
			[]problem{{"Dockerfile:2: ", "unknown flag: --bogus"}}},
		{"bad pattern", base + "COPY a .\n", "[\n",
			[]problem{{".dockerignore: ", "bad pattern"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := DockerignoreCopies("Dockerfile", []byte(tt.dockerfile), []byte(tt.dockerignore))
			checkProblems(t, err, tt.want)
		})
	}
}

func FuzzDockerignoreCopies(f *testing.F) {
	f.Add([]byte("FROM a\nCOPY requirements.txt .\nCOPY . .\n"), []byte("*.txt\n!requirements.txt\n"))
	f.Add([]byte("ARG X=src\nFROM a\nARG X\nCOPY $X/ ./\n"), []byte("src\n!src/keep\n**/*.pyc\n"))
	f.Add([]byte("FROM a\nCOPY ../x .\nADD http://x/y /\n"), []byte("*\n"))
	f.Fuzz(func(t *testing.T, dockerfile, dockerignore []byte) {
		err := DockerignoreCopies("Dockerfile", dockerfile, dockerignore)
		if err == nil {
			return
		}
		var ve *Error
		if !errors.As(err, &ve) || len(ve.Problems) == 0 {
			t.Fatalf("error is not a non-empty *Error: %T %v", err, err)
		}
	})
}
