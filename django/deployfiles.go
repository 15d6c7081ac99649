package django

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/internal/ownfile"
)

// variantName is what a deployment file's name says it is for: "cabotage" for
// Dockerfile.cabotage, "staging" for docker-compose.staging.yml or Procfile.staging; ""
// for a plain name. A settings module of that name is the one that deployment runs.
func variantName(p string) string {
	base := strings.ToLower(path.Base(p))
	for _, ext := range []string{".yml", ".yaml"} {
		base = strings.TrimSuffix(base, ext)
	}
	for _, prefix := range []string{"dockerfile.", "procfile.", "docker-compose.", "compose."} {
		if v, ok := strings.CutPrefix(base, prefix); ok && identRE().MatchString(v) {
			return v
		}
	}
	if v, ok := strings.CutSuffix(base, ".dockerfile"); ok && identRE().MatchString(v) {
		return v
	}
	return ""
}

// copyRE finds a Dockerfile's `COPY src dst` and a shell `cp src dst` with one source.
var copyRE = lazy.Regexp(`(?i)(?:^\s*(?:COPY|ADD)(?:\s+--\S+)*|\bcp(?:\s+-\S+)*)\s+["']?([A-Za-z0-9_./-]+\.py)["']?\s+["']?([A-Za-z0-9_./-]+\.py)["']?`)

// imageCopy is a Python file a Dockerfile copies into the image under another name.
type imageCopy struct{ src, dst, at string }

// dockerCopies reads the Python files a Dockerfile copies to another .py name (taiga's
// `cp docker/config.py settings/config.py`), whose source is in the project.
func (r *reader) dockerCopies(file string) ([]imageCopy, error) {
	b, err := fs.ReadFile(r.fsys, file)
	if notExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	if ownfile.Is(b) {
		return nil, nil
	}
	var out []imageCopy
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, maxEvidenceFile)
	for n := 1; sc.Scan(); n++ {
		for _, m := range copyRE().FindAllStringSubmatch(sc.Text(), -1) {
			src := path.Clean(strings.TrimPrefix(m[1], "/"))
			if ok, err := isFile(r.fsys, src); err != nil {
				return nil, err
			} else if ok {
				out = append(out, imageCopy{src: src, dst: path.Clean(m[2]), at: at(file, n)})
			}
		}
	}
	return out, nil
}

// copiedModule is the copy that puts module mod into the image: its destination is the
// module's file (mod's path, under any folder: the image's work dir).
func copiedModule(copies []imageCopy, mod string) (imageCopy, bool) {
	rel := strings.ReplaceAll(mod, ".", "/") + ".py"
	for _, c := range copies {
		if c.dst == rel || strings.HasSuffix(c.dst, "/"+rel) {
			return c, true
		}
	}
	return imageCopy{}, false
}
