package detect

import (
	"testing"
	"testing/fstest"
)

func TestImagePython(t *testing.T) {
	for ref, want := range map[string]string{
		"python:3.12-slim":                                    "3.12",
		"python:3.13-alpine3.23":                              "3.13",
		"docker.io/library/python:3.11.4-slim-buster":         "3.11",
		"python:2.7":                                          "2.7",
		"python:3.12@sha256:abcd":                             "3.12",
		"ghcr.io/astral-sh/uv:python3.12-bookworm-slim":       "3.12",
		"ghcr.io/astral-sh/uv:0.11.32-python3.12-trixie-slim": "3.12",
		"nikolaik/python-nodejs:python3.11-nodejs20":          "3.11",
		"python:3":            "",
		"python:latest":       "",
		"python":              "",
		"python:slim-3.12":    "",
		"node:24-trixie-slim": "",
		"debian:12.5":         "",
		"base":                "",
	} {
		got, _ := imagePython(ref)
		if got != want {
			t.Errorf("imagePython(%q) = %q, want %q", ref, got, want)
		}
	}
}

func TestDockerfilePython(t *testing.T) {
	for _, tc := range []struct{ name, text, spec, source string }{
		{"plain", "FROM python:3.12-slim\nRUN pip install x\n", "python:3.12-slim", "Dockerfile:1"},
		{"global ARG", "# syntax=docker/dockerfile:1\nARG PYTHON_VERSION=3.14-bookworm\nFROM python:${PYTHON_VERSION} AS base\n", "python:3.14-bookworm", "Dockerfile:3"},
		{"final stage through the stages it names",
			"FROM node:24 AS assets\nFROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS base\nFROM python:3.10 AS tests\nFROM base AS app\nCOPY --from=assets /a /a\n",
			"ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "Dockerfile:2"},
		{"final stage not python: the last python image", "FROM python:3.11 AS build\nFROM gcr.io/distroless/base\n", "python:3.11", "Dockerfile:1"},
		{"--platform flag", "FROM --platform=$BUILDPLATFORM python:3.13-alpine AS b\n", "python:3.13-alpine", "Dockerfile:1"},
		{"written by containerize", "# Dockerfile for p, written by containerize from requirements.txt.\nFROM python:3.12-slim\n", "", ""},
		{"no python image", "FROM ubuntu:22.04\nRUN apt-get install -y python3\n", "", ""},
	} {
		c, ok := dockerfilePython("Dockerfile", []byte(tc.text))
		if ok != (tc.spec != "") || c.Spec != tc.spec || c.Source != tc.source || ok && !c.Image {
			t.Errorf("%s: got %+v, %v; want spec %q at %q", tc.name, c, ok, tc.spec, tc.source)
		}
	}
}

// TestDockerfilePythonOrder: the Dockerfile the compose file builds is read first, then a
// production one before a plain one, development ones last; a range in pyproject.toml comes
// after it, an explicit .python-version before it.
func TestDockerfilePythonOrder(t *testing.T) {
	base := fstest.MapFS{
		"manage.py":           {Data: []byte("import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'p.settings')\n")},
		"pyproject.toml":      {Data: []byte("[project]\nname = \"p\"\nrequires-python = \">=3.10\"\ndependencies = [\"django\"]\n")},
		"Dockerfile.dev":      {Data: []byte("FROM python:3.10\n")},
		"app/Dockerfile":      {Data: []byte("FROM python:3.11\n")},
		"app/Dockerfile.prod": {Data: []byte("FROM python:3.12\n")},
	}
	p, err := Detect(base, "p")
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Python.Candidates; len(c) != 2 || c[0].Source != "app/Dockerfile.prod:1" || c[0].Pin != "3.12" || c[1].Source != "pyproject.toml:3" {
		t.Errorf("candidates = %+v, want app/Dockerfile.prod:1 then pyproject.toml:3", c)
	}
	base["compose.yaml"] = &fstest.MapFile{Data: []byte("services:\n  web:\n    build:\n      context: app\n")}
	base[".python-version"] = &fstest.MapFile{Data: []byte("3.13\n")}
	if p, err = Detect(base, "p"); err != nil {
		t.Fatal(err)
	}
	if c := p.Python.Candidates; len(c) != 3 || c[0].Source != ".python-version:1" || c[1].Source != "app/Dockerfile:1" {
		t.Errorf("candidates = %+v, want .python-version:1 then app/Dockerfile:1 (the one compose builds)", c)
	}
}
