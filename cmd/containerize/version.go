package main

import (
	"runtime/debug"
	"strings"
)

// buildVersion is containerize's version, from the build information Go embeds: the module's
// version for `go install …@v1.2.3`, else the VCS revision the binary was built from (and
// whether the tree was modified), else "dev". It is read only when asked (--version, the
// index's User-Agent), never at start-up.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	return versionOf(info)
}

func versionOf(info *debug.BuildInfo) string {
	v := info.Main.Version
	if v != "" && v != "(devel)" && !strings.HasPrefix(v, "v0.0.0-") {
		return v // a tagged release (go install …@version)
	}
	var rev, when string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		if v != "" && v != "(devel)" {
			return v // a pseudo-version: a commit without a tag
		}
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	out := "dev " + rev
	if when != "" {
		out += " " + when
	}
	if modified {
		out += " (modified)"
	}
	return out
}
