package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Export writes the tree of commit into dir. Unlike git archive it tolerates blobs the mirror
// does not hold (snapshots leave out their largest files): those files are skipped and
// counted. Submodules are skipped too.
func Export(gitDir, commit, dir string) (missing int, err error) {
	ls := exec.Command("git", "--git-dir="+gitDir, "ls-tree", "-r", "-z", commit)
	var lsErr bytes.Buffer
	ls.Stderr = &lsErr
	out, err := ls.Output()
	if err != nil {
		return 0, fmt.Errorf("git ls-tree %s: %s", commit, strings.TrimSpace(lsErr.String()))
	}
	type entry struct{ mode, sha, path string }
	var entries []entry
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta) // mode type sha
		if len(f) != 3 || f[1] != "blob" {
			continue
		}
		entries = append(entries, entry{f[0], f[2], path})
	}

	cat := exec.Command("git", "--git-dir="+gitDir, "cat-file", "--batch")
	stdin, err := cat.StdinPipe()
	if err != nil {
		return 0, err
	}
	stdout, err := cat.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cat.Start(); err != nil {
		return 0, err
	}
	go func() {
		w := bufio.NewWriter(stdin)
		for _, e := range entries {
			fmt.Fprintln(w, e.sha)
		}
		w.Flush()
		stdin.Close()
	}()
	r := bufio.NewReader(stdout)
	for _, e := range entries {
		header, err := r.ReadString('\n')
		if err != nil {
			return missing, fmt.Errorf("git cat-file: %v", err)
		}
		f := strings.Fields(header)
		if len(f) == 2 && f[1] == "missing" {
			missing++
			continue
		}
		if len(f) != 3 {
			return missing, fmt.Errorf("git cat-file: unexpected %q", header)
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return missing, err
		}
		body := make([]byte, size+1) // the content and its trailing newline
		if _, err := io.ReadFull(r, body); err != nil {
			return missing, err
		}
		target := filepath.Join(dir, filepath.FromSlash(e.path))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return missing, err
		}
		switch e.mode {
		case "120000":
			err = os.Symlink(string(body[:size]), target)
		case "100755":
			err = os.WriteFile(target, body[:size], 0o755)
		default:
			err = os.WriteFile(target, body[:size], 0o644)
		}
		if err != nil {
			return missing, err
		}
	}
	return missing, cat.Wait()
}

// GitDir finds the mirror of owner/name under mirrors: MIRRORS/owner+name/repo, a bare git
// directory or a work tree whose .git is there.
func GitDir(mirrors, repo string) (string, error) {
	base := filepath.Join(mirrors, strings.Replace(repo, "/", "+", 1), "repo")
	for _, d := range []string{filepath.Join(base, ".git"), base} {
		if st, err := os.Stat(filepath.Join(d, "HEAD")); err == nil && !st.IsDir() {
			return d, nil
		}
	}
	return "", fmt.Errorf("no mirror at %s (fetch github:%s first)", base, repo)
}
