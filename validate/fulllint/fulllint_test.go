package fulllint

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// at renders findings as "Rule@line" for comparison.
func at(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s@%d", f.Rule, f.Line)
	}
	return out
}

func TestLintGoodPythonDockerfile(t *testing.T) {
	data, err := os.ReadFile("../testdata/good.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Lint(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("want no findings, got %v", fs)
	}
}

func TestLintBadPythonDockerfile(t *testing.T) {
	data, err := os.ReadFile("testdata/bad.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Lint(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"StageNameCasing@2",
		"FromAsCasing@2",
		"SecretsUsedInArgOrEnv@3",
		"SecretsUsedInArgOrEnv@4",
		"WorkdirRelativePath@5",
		"LegacyKeyValueFormat@6",
		"ConsistentInstructionCasing@7",
		"UndefinedVar@9",
		"ExposeProtoCasing@10",
		"JSONArgsRecommended@11",
		"MultipleInstructionsDisallowed@11",
		"DuplicateStageName@13",
	}
	got := at(fs)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %v\nwant %v", got, want)
	}
	for _, f := range fs {
		if f.Message == "" {
			t.Errorf("%s@%d has no message", f.Rule, f.Line)
		}
	}
}

// Every rule that can run offline fires, at the right line, experimental ones included.
func TestLintEachRule(t *testing.T) {
	tests := []struct {
		rule, dockerfile string
		line             int
		convertErr       bool // BuildKit also refuses to convert the file
	}{
		{"StageNameCasing", "FROM alpine:3.20 AS Build\n", 1, false},
		{"FromAsCasing", "FROM alpine:3.20 as build\n", 1, false},
		{"NoEmptyContinuation", "FROM alpine:3.20\nRUN echo a \\\n\n    b\n", 4, false},
		{"ConsistentInstructionCasing", "FROM alpine:3.20\nRUN true\nrun false\n", 3, false},
		{"DuplicateStageName", "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS a\n", 2, false},
		{"ReservedStageName", "FROM alpine:3.20 AS scratch\n", 1, false},
		{"JSONArgsRecommended", "FROM alpine:3.20\nCMD echo hi\n", 2, false},
		{"MaintainerDeprecated", "FROM alpine:3.20\nMAINTAINER me@example.com\n", 2, false},
		{"UndefinedArgInFrom", "FROM ${NO_SUCH_ARG:-alpine:3.20}\n", 1, false},
		{"WorkdirRelativePath", "FROM alpine:3.20\nWORKDIR app\n", 2, false},
		{"UndefinedVar", "FROM alpine:3.20\nCOPY $SRC_DIR /src\n", 2, false},
		{"MultipleInstructionsDisallowed", "FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\n", 2, false},
		{"LegacyKeyValueFormat", "FROM alpine:3.20\nENV A b\n", 2, false},
		{"InvalidBaseImagePlatform", "ARG PLATFORM=linux/arm64\nFROM --platform=$PLATFORM alpine:3.20\n", 2, false},
		{"RedundantTargetPlatform", "FROM --platform=$TARGETPLATFORM alpine:3.20\n", 1, false},
		{"SecretsUsedInArgOrEnv", "FROM alpine:3.20\nARG DB_PASSWORD\n", 2, false},
		{"InvalidDefaultArgInFrom", "ARG TAG\nFROM alpine:${TAG}\n", 2, true},
		{"FromPlatformFlagConstDisallowed", "FROM --platform=linux/amd64 alpine:3.20\n", 1, false},
		{"InvalidDefinitionDescription", "# the base image\nFROM alpine:3.20 AS base\n", 2, false},
		{"ExposeProtoCasing", "FROM alpine:3.20\nEXPOSE 80/TCP\n", 2, false},
		{"ExposeInvalidFormat", "FROM alpine:3.20\nEXPOSE 127.0.0.1:8080:80\n", 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			fs, err := Lint(context.Background(), []byte(tt.dockerfile))
			if (err != nil) != tt.convertErr {
				t.Fatalf("error = %v, want error: %v", err, tt.convertErr)
			}
			want := fmt.Sprintf("%s@%d", tt.rule, tt.line)
			if !slices.Contains(at(fs), want) {
				t.Errorf("want %s, got %v", want, fs)
			}
		})
	}
}

func TestLintLineNumbers(t *testing.T) {
	tests := []struct {
		name, dockerfile string
		want             []string
	}{
		// The file's own directive decides; experimental rules stay off and lines are not shifted.
		{"own check directive", "# syntax=docker/dockerfile:1\n# check=skip=FromAsCasing\n# the base\nFROM alpine:3.20 as base\nENV A b\n",
			[]string{"LegacyKeyValueFormat@5"}},
		{"byte order mark", "\xEF\xBB\xBFFROM alpine:3.20 as x\n", []string{"FromAsCasing@1"}},
		{"shebang keeps default rules", "#!/usr/bin/env -S docker build -f\nFROM alpine:3.20 as x\n", []string{"FromAsCasing@2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := Lint(context.Background(), []byte(tt.dockerfile))
			if err != nil {
				t.Fatal(err)
			}
			if got := at(fs); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// A registry lookup of this image could only fail (the .invalid TLD never resolves), so a clean
// result shows no lookup happened.
func TestLintNeverContactsARegistry(t *testing.T) {
	fs, err := Lint(context.Background(), []byte("FROM registry.invalid/nobody/nothing:0 AS app\nENV PATH=/opt/bin:$PATH\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Errorf("want no findings, got %v", fs)
	}
}

func TestLintConvertError(t *testing.T) {
	fs, err := Lint(context.Background(), []byte("FROM alpine:3.20 as x\nFORM y\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "Dockerfile:2: ") || !strings.Contains(err.Error(), "unknown instruction: FORM") {
		t.Fatalf("error = %v, want Dockerfile:2: unknown instruction", err)
	}
	// What BuildKit found before it stopped still comes back.
	if got := at(fs); !slices.Equal(got, []string{"FromAsCasing@1"}) {
		t.Errorf("findings = %v, want [FromAsCasing@1]", got)
	}
	for _, empty := range []string{"", "\n# only a comment\n"} {
		if _, err := Lint(context.Background(), []byte(empty)); err == nil || !strings.HasPrefix(err.Error(), "Dockerfile") {
			t.Errorf("Lint(%q) error = %v, want a Dockerfile error", empty, err)
		}
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{Rule: "FromAsCasing", Line: 3, Message: "casing"}
	if got, want := f.String(), "Dockerfile:3: casing (FromAsCasing)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
