package plan

import "strings"

// Exclusion is one .dockerignore pattern of the build context's fixed exclusions, with a
// path it must exclude (or, for a "!" pattern, keep) at the root of the context and below.
type Exclusion struct {
	Pattern string
	// Example is a file the pattern matches, as a path relative to any folder: the tests
	// plant it at several depths, and init checks a kept .dockerignore against it.
	Example string
}

// ExclusionGroup is a commented group of exclusions.
type ExclusionGroup struct {
	Title string
	// Secret groups are what must never reach an image (keys, credentials, backups,
	// virtualenvs, the tool's own outputs and temporary files); init reports a kept
	// .dockerignore that lets them through. The others only keep the context small.
	Secret bool
	Items  []Exclusion
}

// Exclusions is the one list of what the build context leaves out, at any depth: the
// generated .dockerignore renders it and the daemonless build applies it even when the
// project's .dockerignore lacks it. Besides it, the daemonless build leaves out every folder
// holding a pyvenv.cfg (a virtualenv) or an oci-layout file (an OCI layout), which a
// .dockerignore cannot express; the .dockerignore also lists the project's own virtualenvs.
func Exclusions() []ExclusionGroup {
	return []ExclusionGroup{
		{Title: "Secrets and local configuration", Secret: true, Items: []Exclusion{
			{"**/.env", ".env"},
			{"**/.env.*", ".env.local"},
			{"!**/.env.example", ".env.example"},
			{"!**/.env.sample", ".env.sample"},
			{"!**/.env.template", ".env.template"},
			{"!**/.env.dist", ".env.dist"},
			{"**/.envrc", ".envrc"},
			{"**/secrets", "secrets/db_password.txt"},
			{"**/.netrc", ".netrc"},
			{"**/.pypirc", ".pypirc"},
			{"**/.npmrc", ".npmrc"},
			{"**/.git-credentials", ".git-credentials"},
			{"**/.docker/config.json", ".docker/config.json"},
		}},
		{Title: "Private keys and the folders that hold them", Secret: true, Items: []Exclusion{
			{"**/id_rsa*", "id_rsa"},
			{"**/id_dsa*", "id_dsa.pub"},
			{"**/id_ecdsa*", "id_ecdsa"},
			{"**/id_ed25519*", "id_ed25519"},
			{"**/*.pem", "server.pem"},
			{"**/*.key", "server.key"},
			{"**/*.p12", "cert.p12"},
			{"**/*.pfx", "cert.pfx"},
			{"**/.ssh", ".ssh/config"},
			{"**/.aws", ".aws/credentials"},
			{"**/.gnupg", ".gnupg/pubring.kbx"},
		}},
		{Title: "Version control and editors", Items: []Exclusion{
			{"**/.git", ".git/config"},
			{"**/.hg", ".hg/hgrc"},
			{"**/.svn", ".svn/entries"},
			{"**/.idea", ".idea/workspace.xml"},
			{"**/.vscode", ".vscode/settings.json"},
			{"**/.DS_Store", ".DS_Store"},
		}},
		{Title: "Virtualenvs (the usual names; the daemonless build also leaves out any folder with a pyvenv.cfg)", Secret: true, Items: []Exclusion{
			{"**/.venv", ".venv/pyvenv.cfg"},
			{"**/venv", "venv/pyvenv.cfg"},
			{"**/env", "env/pyvenv.cfg"},
			{"**/ENV", "ENV/pyvenv.cfg"},
		}},
		{Title: "Python build junk", Items: []Exclusion{
			{"**/__pycache__", "__pycache__/app.cpython-312.pyc"},
			{"**/*.py[cod]", "app.pyc"},
			{"**/*.egg-info", "app.egg-info/PKG-INFO"},
			{"**/.tox", ".tox/log"},
			{"**/.nox", ".nox/log"},
			{"**/.pytest_cache", ".pytest_cache/README.md"},
			{"**/.mypy_cache", ".mypy_cache/CACHEDIR.TAG"},
			{"**/.ruff_cache", ".ruff_cache/CACHEDIR.TAG"},
			{"**/htmlcov", "htmlcov/index.html"},
			{"**/.coverage", ".coverage"},
		}},
		{Title: "Local data", Secret: true, Items: []Exclusion{
			{"**/*.sqlite3", "db.sqlite3"},
			{"**/*.sqlite3-journal", "db.sqlite3-journal"},
			{"**/*.sqlite3-wal", "db.sqlite3-wal"},
			{"**/*.log", "debug.log"},
		}},
		{Title: "Front-end dependencies", Items: []Exclusion{
			{"**/node_modules", "node_modules/left-pad/index.js"},
		}},
		{Title: "Backups (containerize init keeps FILE.bak of files it replaced)", Secret: true, Items: []Exclusion{
			{"**/*.bak", "settings.py.bak"},
			{"**/*.bak.*", "settings.py.bak.1"},
		}},
		{Title: "containerize's temporary files and images it wrote (build --output docker,dest=FILE.tar; oci,dest=DIR)", Secret: true, Items: []Exclusion{
			{"**/.containerize-*", ".containerize-journal"},
			{"**/.containerize.lock", ".containerize.lock"},
			{"**/.*.tmp-*", "..env.tmp-0123456789ab"},
			{"**/*.tar", "app.tar"},
			{"**/oci-layout", "oci/oci-layout"},
			{"**/blobs/sha256", "oci/blobs/sha256/0123"},
		}},
	}
}

// ExclusionPatterns is every pattern of Exclusions, in order.
func ExclusionPatterns() []string {
	var out []string
	for _, g := range Exclusions() {
		for _, e := range g.Items {
			out = append(out, e.Pattern)
		}
	}
	return out
}

// Gitignore is what .gitignore must list: the secrets .env holds, the backups init keeps
// and containerize's temporary files, at any depth (a pattern without a slash matches in
// every folder).
func Gitignore() []string {
	lines := []string{".env", ".env.*"}
	for _, g := range Exclusions() {
		for _, e := range g.Items {
			if keep, ok := strings.CutPrefix(e.Pattern, "!**/"); ok && strings.HasPrefix(keep, ".env.") {
				lines = append(lines, "!"+keep)
			}
		}
	}
	return append(lines, "*.bak", "*.bak.*", ".containerize-*", ".containerize.lock")
}
