package image

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/plan"
)

// AppDir is where the application's files go, as in the generated Dockerfile.
const AppDir = "/app"

// appEntries reads the folder the Dockerfile copies (rt.SourceDir of the build context src) into /app, owned
// by the app user. What the context's .dockerignore excludes is left out, matched the way Docker matches it
// (moby/patternmatcher, paths relative to the context root); so are, even without a .dockerignore, the
// fixed exclusions the generated .dockerignore lists (plan.Exclusions: secrets, keys, backups, virtualenvs,
// containerize's own outputs), the project's virtualenvs and any folder holding a pyvenv.cfg or an
// oci-layout file.
func appEntries(src fs.FS, rt *plan.Runtime, virtualenvs []string) ([]layer.Entry, error) {
	pm, err := dockerignore(src)
	if err != nil {
		return nil, err
	}
	fixed, err := patternmatcher.New(plan.ExclusionPatterns())
	if err != nil {
		return nil, fmt.Errorf("built-in exclusions (a bug in containerize): %w", err)
	}
	venvs := map[string]bool{}
	for _, v := range virtualenvs {
		venvs[path.Clean(v)] = true
	}
	root := path.Clean(rt.SourceDir)
	owner := func(e layer.Entry) layer.Entry { e.UID, e.GID = rt.UID, rt.GID; return e }
	entries := []layer.Entry{owner(layer.Entry{Path: AppDir, Mode: fs.ModeDir | 0o755})}
	err = fs.WalkDir(src, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if p == root {
			return nil
		}
		excluded, err := alwaysExcluded(src, p, d, fixed, venvs)
		if err != nil {
			return err
		}
		if excluded {
			// Unlike a .dockerignore's "!pattern", the fixed list's exceptions (.env.example)
			// bring nothing back from inside a folder it excludes.
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if pm != nil {
			excluded, err := pm.MatchesOrParentMatches(p)
			if err != nil {
				return fmt.Errorf(".dockerignore: %w", err)
			}
			if excluded {
				// A "!pattern" may bring back something inside an excluded directory; without one,
				// nothing below it can be included.
				if d.IsDir() && !pm.Exclusions() {
					return fs.SkipDir
				}
				return nil
			}
		}
		dest := path.Join(AppDir, relTo(root, p))
		switch {
		case d.IsDir():
			entries = append(entries, owner(layer.Entry{Path: dest, Mode: fs.ModeDir | 0o755}))
		case d.Type()&fs.ModeSymlink != 0:
			target, err := fs.ReadLink(src, p)
			if err != nil {
				return fmt.Errorf("read symlink %s: %w", p, err)
			}
			entries = append(entries, owner(layer.Entry{Path: dest, Mode: fs.ModeSymlink, Link: target}))
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return fmt.Errorf("stat %s: %w", p, err)
			}
			// Streamed into the layer when it is written: memory does not grow with the context.
			name := p
			open := func() (io.ReadCloser, error) {
				f, err := src.Open(name)
				if err != nil {
					return nil, fmt.Errorf("read %s: %w", name, err)
				}
				return f, nil
			}
			entries = append(entries, owner(layer.Entry{Path: dest, Mode: info.Mode() & 0o755, Open: open, Size: info.Size()}))
		}
		// Sockets, pipes and devices are not copied (Docker refuses most of them too).
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("application files: %w", err)
	}
	return appendCopies(src, rt, entries)
}

// appendCopies adds the files the Dockerfile copies after the code (rt.Copies) at their
// paths (the layer adds any folder above them the tree lacks).
func appendCopies(src fs.FS, rt *plan.Runtime, entries []layer.Entry) ([]layer.Entry, error) {
	for _, c := range rt.Copies {
		info, err := fs.Stat(src, c.From)
		if err != nil {
			return nil, fmt.Errorf("%s copies %s: %w", c.Source, c.From, err)
		}
		from := c.From
		entries = append(entries, layer.Entry{Path: c.To, Mode: info.Mode() & 0o755, Size: info.Size(), UID: rt.UID, GID: rt.GID,
			Open: func() (io.ReadCloser, error) { return src.Open(from) }})
	}
	return entries, nil
}

// dockerignore reads the context's .dockerignore; nil means there is none.
func dockerignore(src fs.FS) (*patternmatcher.PatternMatcher, error) {
	f, err := src.Open(".dockerignore")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read .dockerignore: %w", err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, fmt.Errorf(".dockerignore: %w; fix the pattern (see https://docs.docker.com/build/concepts/context/#dockerignore-files)", err)
	}
	return pm, nil
}

// alwaysExcluded says whether p is left out whatever the .dockerignore says: the fixed exclusions, the
// project's virtualenvs, and folders that are a virtualenv or an OCI layout.
func alwaysExcluded(src fs.FS, p string, d fs.DirEntry, fixed *patternmatcher.PatternMatcher, venvs map[string]bool) (bool, error) {
	excluded, err := fixed.MatchesOrParentMatches(p)
	if err != nil || excluded {
		return excluded, err
	}
	if !d.IsDir() {
		return false, nil
	}
	if venvs[p] {
		return true, nil
	}
	for _, marker := range []string{"pyvenv.cfg", "oci-layout"} {
		if _, err := fs.Stat(src, path.Join(p, marker)); err == nil {
			return true, nil
		}
	}
	return false, nil
}

// relTo makes p relative to dir (both clean slash paths, "." for the root, p inside dir).
func relTo(dir, p string) string {
	if dir == "." {
		return p
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
}
