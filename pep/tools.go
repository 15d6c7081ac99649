package pep

// InstallerTool reports whether the normalised project name is one of the
// installer tools a virtualenv has whatever the project declares (pip,
// setuptools, wheel, distribute, and Ubuntu's bogus pkg-resources==0.0.0),
// and returns the top-level modules it provides. Such a distribution is a
// dependency of the project only when its code imports one of them.
func InstallerTool(name string) (modules []string, ok bool) {
	switch name {
	case "pip":
		return []string{"pip"}, true
	case "setuptools", "distribute":
		return []string{"setuptools", "pkg_resources"}, true
	case "wheel":
		return []string{"wheel"}, true
	case "pkg-resources":
		return []string{"pkg_resources"}, true
	}
	return nil, false
}

// IsInstallerTool reports whether the normalised project name is an
// installer tool (see InstallerTool).
func IsInstallerTool(name string) bool {
	_, ok := InstallerTool(name)
	return ok
}
