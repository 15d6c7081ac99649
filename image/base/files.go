package base

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing/fstest"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/containerize/containerize/image/internal/atomicfile"
)

// debianFilesVersion changes whenever DebianFiles keeps other files, so older cached sets are not used.
const debianFilesVersion = "2"

// maxDebianFile bounds one kept file (the dpkg status of a big base is a few MiB).
const maxDebianFile = 64 << 20

// debianFile reports the files that adding Debian packages to an image reads from its base: the apt
// sources and trusted keys, the dpkg database and configuration (path-exclude), the release, the dynamic linker's configuration and the
// alternatives already chosen.
func debianFile(name string) (bool, int64) {
	switch name {
	case "etc/os-release", "usr/lib/os-release", "etc/debian_version",
		"etc/apt/sources.list", "etc/apt/trusted.gpg",
		"var/lib/dpkg/status", "var/lib/dpkg/arch",
		"etc/ld.so.cache", "etc/ld.so.conf", "etc/dpkg/dpkg.cfg":
		return true, maxDebianFile
	}
	for _, dir := range []string{"etc/apt/sources.list.d/", "etc/apt/trusted.gpg.d/", "etc/apt/keyrings/",
		"usr/share/keyrings/", "var/lib/dpkg/status.d/", "etc/ld.so.conf.d/", "etc/dpkg/dpkg.cfg.d/", "etc/alternatives/", "var/lib/dpkg/alternatives/"} {
		if rest, ok := strings.CutPrefix(name, dir); ok && rest != "" && !strings.Contains(rest, "/") {
			return true, maxDebianFile
		}
	}
	return false, 0
}

// DebianFiles returns the base's files that adding Debian packages reads (see debianFile) as a filesystem
// rooted at / (paths without the leading slash). Symlinks among them are kept as files holding their
// target's contents when the target is among them too (etc/os-release → ../usr/lib/os-release), else as
// empty files whose Sys() is the link target. Unlike Inspect it reads every layer: sources and keys live in
// the lowest. The answer is kept in dir under the image's config digest (empty dir: no cache), so a base
// seen before is not read again.
func DebianFiles(img v1.Image, dir string) (fstest.MapFS, error) {
	file := ""
	if dir != "" {
		cfg, err := img.ConfigName()
		if err != nil {
			return nil, fmt.Errorf("read image config digest: %w", err)
		}
		file = filepath.Join(dir, "debian-v"+debianFilesVersion+"-"+cfg.Hex+".json")
		if data, err := os.ReadFile(file); err == nil {
			var cached map[string]cachedFile
			if json.Unmarshal(data, &cached) == nil {
				return toMapFS(cached), nil
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read cached base files: %w", err)
		}
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("list layers: %w", err)
	}
	s := newScan(debianFile)
	for i := len(layers) - 1; i >= 0; i-- {
		if err := readLayer(layers[i], s); err != nil {
			return nil, fmt.Errorf("read layer %d of %d: %w", i+1, len(layers), err)
		}
	}
	files := map[string]cachedFile{}
	for name, f := range s.found {
		switch {
		case f.dir:
		case f.link != "":
			files[name] = cachedFile{Link: f.link}
		default:
			files[name] = cachedFile{Data: f.data}
		}
	}
	if file != "" {
		data, err := json.Marshal(files)
		if err != nil {
			return nil, err
		}
		if err := atomicfile.Write(file, data); err != nil {
			return nil, fmt.Errorf("cache base files: %w", err)
		}
	}
	return toMapFS(files), nil
}

// cachedFile is one kept file: its contents, or the target of a symlink.
type cachedFile struct {
	Data []byte `json:"data,omitempty"`
	Link string `json:"link,omitempty"`
}

func toMapFS(files map[string]cachedFile) fstest.MapFS {
	m := fstest.MapFS{}
	for name, f := range files {
		if f.Link == "" {
			m[name] = &fstest.MapFile{Data: f.Data, Mode: 0o644, ModTime: time.Time{}}
			continue
		}
		target := f.Link
		if !path.IsAbs(target) {
			target = path.Join(path.Dir(name), target)
		}
		target = strings.TrimPrefix(path.Clean(target), "/")
		if t, ok := files[target]; ok && t.Link == "" {
			m[name] = &fstest.MapFile{Data: t.Data, Mode: 0o644}
		} else {
			m[name] = &fstest.MapFile{Mode: fs.ModeSymlink | 0o777, Sys: f.Link}
		}
	}
	return m
}
