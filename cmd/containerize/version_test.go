package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-07T20:00:00Z"}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tt := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}, "v1.4.0"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("5f68ba0c1d2e3f4a5b6c", "true")}, "dev 5f68ba0c1d2e 2026-12-07T20:00:00Z (modified)"},
		{debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261207200000-5f68ba0c1d2e+dirty"}, Settings: vcs("5f68ba0c1d2e3f4a", "false")}, "dev 5f68ba0c1d2e 2026-12-07T20:00:00Z"},
		{debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261207200000-5f68ba0c1d2e"}}, "v0.0.0-20261207200000-5f68ba0c1d2e"},
		{debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
	} {
		if got := versionOf(&tt.info); got != tt.want {
			t.Errorf("versionOf(%+v) = %q, want %q", tt.info.Main, got, tt.want)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"--version"}, &IO{Out: &out, ErrOut: &out}); code != exitOK {
		t.Fatalf("--version: exit %d: %s", code, out.String())
	}
	if got := out.String(); !strings.HasPrefix(got, "containerize version ") || strings.TrimSpace(got) == "containerize version" {
		t.Errorf("--version printed %q", got)
	}
}
