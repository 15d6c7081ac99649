package pep

import (
	"slices"
	"testing"
)

func TestInstallerTool(t *testing.T) {
	for name, want := range map[string][]string{
		"pip":           {"pip"},
		"setuptools":    {"setuptools", "pkg_resources"},
		"distribute":    {"setuptools", "pkg_resources"},
		"wheel":         {"wheel"},
		"pkg-resources": {"pkg_resources"},
	} {
		got, ok := InstallerTool(name)
		if !ok || !slices.Equal(got, want) || !IsInstallerTool(name) {
			t.Errorf("InstallerTool(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"django", "Pip", "pkg_resources", "", "pipenv"} {
		if _, ok := InstallerTool(name); ok || IsInstallerTool(name) {
			t.Errorf("%q is an installer tool", name)
		}
	}
}
