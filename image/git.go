package image

import (
	"bufio"
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
)

// gitInfo reads, without running git, the origin remote's URL (as a web URL without credentials) and the
// commit HEAD points at, from the repository holding dir. Anything it cannot read is left empty.
func gitInfo(dir string) (source, revision string) {
	gitDir, common := findGitDir(dir)
	if gitDir == "" {
		return "", ""
	}
	return originURL(filepath.Join(common, "config")), headCommit(gitDir, common)
}

// findGitDir finds the .git of dir or its nearest parent. In a worktree, .git is a file naming the real
// git directory, whose "commondir" names the directory holding refs and config.
func findGitDir(dir string) (gitDir, common string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", ""
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, ".git")
		st, err := os.Stat(p)
		if err == nil && st.IsDir() {
			return p, p
		}
		if err == nil && st.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return "", ""
			}
			target, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
			if !ok {
				return "", ""
			}
			gitDir = strings.TrimSpace(target)
			if !filepath.IsAbs(gitDir) {
				gitDir = filepath.Join(d, gitDir)
			}
			common = gitDir
			if c, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
				common = strings.TrimSpace(string(c))
				if !filepath.IsAbs(common) {
					common = filepath.Join(gitDir, common)
				}
			}
			return gitDir, common
		}
		if filepath.Dir(d) == d {
			return "", ""
		}
	}
}

var commitRe = lazy.Regexp(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// headCommit resolves HEAD: a detached commit, or a branch read from its loose ref or from packed-refs.
func headCommit(gitDir, common string) string {
	data, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	head := strings.TrimSpace(string(data))
	ref, ok := strings.CutPrefix(head, "ref:")
	if !ok {
		if commitRe().MatchString(head) {
			return head
		}
		return ""
	}
	ref = strings.TrimSpace(ref)
	if strings.Contains(ref, "..") {
		return ""
	}
	for _, dir := range []string{gitDir, common} {
		if data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(ref))); err == nil {
			if c := strings.TrimSpace(string(data)); commitRe().MatchString(c) {
				return c
			}
		}
	}
	packed, err := os.ReadFile(filepath.Join(common, "packed-refs"))
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(packed))
	for sc.Scan() {
		commit, name, ok := strings.Cut(sc.Text(), " ")
		if ok && name == ref && commitRe().MatchString(commit) {
			return commit
		}
	}
	return "" // an unborn branch: no commit yet
}

// originURL reads [remote "origin"] url from a git config file and turns it into a web URL.
func originURL(configFile string) string {
	data, err := os.ReadFile(configFile)
	if err != nil {
		return ""
	}
	inOrigin := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inOrigin = strings.EqualFold(strings.Join(strings.Fields(line), " "), `[remote "origin"]`)
			continue
		}
		if !inOrigin {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && strings.EqualFold(strings.TrimSpace(k), "url") {
			return webURL(strings.Trim(strings.TrimSpace(v), `"`))
		}
	}
	return ""
}

var scpLike = lazy.Regexp(`^(?:[^@/]+@)?([^:/]+):(.+)$`)

// webURL turns git@github.com:o/r.git, ssh://git@host/o/r.git and https://user:token@host/o/r.git into
// https://host/o/r, never keeping credentials. Local paths give "".
func webURL(remote string) string {
	if m := scpLike().FindStringSubmatch(remote); m != nil && !strings.Contains(remote, "://") {
		return "https://" + m[1] + "/" + strings.TrimSuffix(strings.TrimPrefix(m[2], "/"), ".git")
	}
	u, err := url.Parse(remote)
	if err != nil || u.Host == "" {
		return ""
	}
	switch u.Scheme {
	case "http", "https", "ssh", "git":
	default:
		return ""
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		return u.Scheme + "://" + u.Host + strings.TrimSuffix(u.Path, ".git") // u.Host carries no userinfo
	}
	return "https://" + u.Hostname() + strings.TrimSuffix(u.Path, ".git")
}
