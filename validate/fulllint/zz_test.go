package fulllint

import (
	"context"
	"fmt"
	"testing"
)

func TestZZ(t *testing.T) {
	for _, df := range []string{
		"ARG BASE_TAG\nFROM alpine:${BASE_TAG}\n",
		"FROM --platform=linux/arm64 alpine:3.20 AS other\nRUN true\n",
		"FROM --platform=linux/amd64 alpine:3.20\n",
		"FROM alpine:3.20\nEXPOSE 127.0.0.1:8080:80\n",
		"FROM alpine:3.20\nEXPOSE 80/TCP\n",
		"FROM registry.invalid/never/exists:0 AS x\nENV P=$PATH\n",
		"#!/usr/bin/env docker-build\nFROM alpine:3.20 as x\n",
		"\xEF\xBB\xBFFROM alpine:3.20 as x\n",
		"# syntax=docker/dockerfile:1\n# check=skip=FromAsCasing\nFROM alpine:3.20 as x\nENV A b\n",
		"FROM alpine:3.20\nCOPY --from=nope /a /b\n",
		"FROM alpine\nRUN --mount=type=secret,id=x cat /run/secrets/x\nADD https://example.invalid/x.tgz /x\nADD git@github.com:a/b.git /src\n",
	} {
		fs, err := Lint(context.Background(), []byte(df))
		fmt.Printf("--- %q\nerr=%v\n", df, err)
		for _, x := range fs {
			fmt.Println(x)
		}
	}
}
