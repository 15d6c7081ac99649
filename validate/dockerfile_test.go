package validate

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// problem is what a test expects of one reported problem: its "name:line: " prefix and a fragment.
type problem struct {
	prefix string
	has    string
}

// checkProblems asserts err is an *Error with exactly the wanted problems, in order.
func checkProblems(t *testing.T, err error, want []problem) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("want no problems, got:\n%v", err)
		}
		return
	}
	var ve *Error
	if !errors.As(err, &ve) {
		t.Fatalf("want *Error, got %T: %v", err, err)
	}
	if len(ve.Problems) != len(want) {
		t.Fatalf("want %d problems, got %d:\n%v", len(want), len(ve.Problems), err)
	}
	for i, w := range want {
		p := ve.Problems[i]
		if !strings.HasPrefix(p, w.prefix) || !strings.Contains(p, w.has) {
			t.Errorf("problem %d = %q, want prefix %q containing %q", i, p, w.prefix, w.has)
		}
	}
	if got := err.Error(); got != strings.Join(ve.Problems, "\n") {
		t.Errorf("Error() = %q, want the problems joined by newlines", got)
	}
}

func TestDockerfileGood(t *testing.T) {
	data, err := os.ReadFile("testdata/good.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if err := Dockerfile("Dockerfile", data); err != nil {
		t.Errorf("good Dockerfile: %v", err)
	}
}

func TestDockerfileProblems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []problem
	}{
		{"from as casing", "FROM python:3.12-slim as builder\nRUN true\n",
			[]problem{{"Dockerfile:1: ", "casing do not match (FromAsCasing)"}}},
		{"stage name casing", "FROM python:3.12-slim AS Builder\n",
			[]problem{{"Dockerfile:1: ", "'Builder' should be lowercase (StageNameCasing)"}}},
		{"maintainer", "FROM python:3.12-slim\nMAINTAINER someone@example.com\n",
			[]problem{{"Dockerfile:2: ", "(MaintainerDeprecated)"}}},
		{"empty continuation line", "FROM python:3.12-slim\nRUN pip install \\\n\n    django\n",
			[]problem{{"Dockerfile:4: ", "Empty continuation line (NoEmptyContinuation)"}}},
		{"unknown instruction", "FROM python:3.12-slim\nRUN true\nFORM x\n",
			[]problem{{"Dockerfile:3: ", "unknown instruction: FORM"}}},
		{"every bad instruction at once", "RUN true\nFROM python:3.12-slim as b\nCOPY --bogus=1 a b\nEXPOSE\n",
			[]problem{
				{"Dockerfile:1: ", "RUN comes before the first FROM"},
				{"Dockerfile:2: ", "(FromAsCasing)"},
				{"Dockerfile:3: ", "unknown flag: --bogus"},
				{"Dockerfile:4: ", "EXPOSE requires at least one argument"},
			}},
		{"unterminated heredoc", "FROM python:3.12-slim\nCOPY <<EOF /app/x\nhello\n",
			[]problem{{"Dockerfile:2: ", "unterminated heredoc"}}},
		{"only comments", "# nothing here\n",
			[]problem{{"Dockerfile:1: ", "file with no instructions"}}},
		{"no FROM", "ARG PYTHON_VERSION=3.12\n",
			[]problem{{"Dockerfile: ", "no FROM instruction"}}},
		{"check directive skips a rule", "# check=skip=FromAsCasing\nFROM python:3.12-slim as b\n", nil},
		{"bad check directive", "# check=bogus\nFROM python:3.12-slim\n",
			[]problem{{"Dockerfile:1: ", `bad check directive: invalid check option "bogus"`}}},
		// Experimental rules are off unless asked for, as in `docker build --check`.
		{"experimental rule off by default", "# builds the wheels\nFROM python:3.12-slim AS builder\n", nil},
		{"experimental rule on request", "# check=experimental=all\n# builds the wheels\nFROM python:3.12-slim AS builder\n",
			[]problem{{"Dockerfile:3: ", "(InvalidDefinitionDescription)"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkProblems(t, Dockerfile("Dockerfile", []byte(tt.in)), tt.want)
		})
	}
}

func TestDockerfileUsesGivenName(t *testing.T) {
	err := Dockerfile("deploy/Dockerfile.prod", []byte("FROM python:3.12-slim as b\n"))
	checkProblems(t, err, []problem{{"deploy/Dockerfile.prod:1: ", "(FromAsCasing)"}})
}

func FuzzDockerfile(f *testing.F) {
	good, err := os.ReadFile("testdata/good.Dockerfile")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("FROM a as B\nRUN x \\\n\n y\nCOPY <<EOF /x\nhi\nEOF\n"))
	f.Add([]byte("# escape=`\nFROM a\nRUN x `\n  y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := Dockerfile("Dockerfile", data)
		if err == nil {
			return
		}
		var ve *Error
		if !errors.As(err, &ve) || len(ve.Problems) == 0 {
			t.Fatalf("error is not a non-empty *Error: %T %v", err, err)
		}
	})
}
