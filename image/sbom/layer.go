package sbom

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/containerize/containerize/deb/resolve"
	"github.com/containerize/containerize/image/internal/atomicfile"
	"github.com/containerize/containerize/image/internal/union"
	"github.com/containerize/containerize/internal/lazy"
	"github.com/containerize/containerize/pep"
)

// cacheFormat names the layout of the cached per-layer facts; changing what a layer's facts hold changes it,
// so that older cache files are not read.
const cacheFormat = "v1"

// Files read from layers. Paths are as in layer tars: relative, without "./".
var (
	// METADATA of an installed distribution, in a site-packages (a venv, /usr/local) or dist-packages
	// (Debian's python3-*) folder; or PKG-INFO of one installed from an egg-info (Debian packages many
	// that way), a folder or a file of that name.
	distInfoRe = lazy.Regexp(`^(.*/(?:site|dist)-packages)/([^/]+)(?:\.dist-info/METADATA|\.egg-info/PKG-INFO|\.egg-info)$`)
	// A package's copyright file, or its doc folder when that is a symlink to another package's.
	copyrightRe = lazy.Regexp(`^usr/share/doc/([^/]+)(/copyright)?$`)
)

const (
	osRelease    = "etc/os-release"
	osReleaseLib = "usr/lib/os-release"
	maxFile      = 16 << 20 // the dpkg status file of a large image is a few MiB
)

// layerFacts is what one layer contributes: the files the SBOM is made from, as they are in the layer,
// and what the layer deletes below it. It depends on the layer's contents only, so it is cached by diffID.
type layerFacts struct {
	Files   map[string]fileFact `json:"files,omitempty"`
	Deleted []string            `json:"deleted,omitempty"`
	Opaque  []string            `json:"opaque,omitempty"`
}

// fileFact is one file the SBOM reads, reduced to what it says.
type fileFact struct {
	// Link is a symlink's target; Other marks an entry that is neither a regular file nor a symlink (a
	// directory where a file was): it hides the lower layers' file and says nothing.
	Link  string `json:"link,omitempty"`
	Other bool   `json:"other,omitempty"`
	// Data is the contents of the dpkg database files and os-release.
	Data []byte `json:"data,omitempty"`
	// Licenses are the License: values of a machine-readable (DEP-5) copyright file, in order.
	Licenses []string `json:"licenses,omitempty"`
	// Dist is what a METADATA file says.
	Dist *dist `json:"dist,omitempty"`
}

// dist is the part of a distribution's METADATA the SBOM states.
type dist struct {
	Name              string   `json:"name"`
	Version           string   `json:"version"`
	LicenseExpression string   `json:"license_expression,omitempty"`
	License           string   `json:"license,omitempty"`
	Classifiers       []string `json:"classifiers,omitempty"`
}

// wanted says whether the SBOM reads the file at name, and how.
func wanted(name string) bool {
	switch {
	case name == resolve.StatusFile, name == osRelease, name == osReleaseLib:
		return true
	case path.Dir(name) == resolve.StatusDir:
		return !strings.HasSuffix(name, ".md5sums")
	}
	return distInfoRe().MatchString(name) || copyrightRe().MatchString(name)
}

// readLayer reads what layer l contributes.
func readLayer(r io.Reader) (*layerFacts, error) {
	tr := tar.NewReader(r)
	f := &layerFacts{Files: map[string]fileFact{}}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		name, kind := union.Classify(h)
		switch kind {
		case union.Whiteout:
			f.Deleted = append(f.Deleted, name)
			continue
		case union.Opaque:
			f.Opaque = append(f.Opaque, name)
			continue
		case union.Skip:
			continue
		}
		if !wanted(name) {
			continue
		}
		var ff fileFact
		switch h.Typeflag {
		case tar.TypeSymlink:
			ff.Link = h.Linkname
		case tar.TypeReg:
			if h.Size > maxFile {
				return nil, fmt.Errorf("/%s is %d bytes, more than the %d this reads", name, h.Size, maxFile)
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return nil, fmt.Errorf("read /%s: %w", name, err)
			}
			ff = fact(name, data)
		case tar.TypeLink:
			// A hard link has the contents of an earlier entry of the same layer.
			target, _ := union.Classify(&tar.Header{Name: h.Linkname})
			if t, ok := f.Files[target]; ok && t.Link == "" && !t.Other {
				ff = t
			} else {
				ff.Other = true
			}
		default:
			ff.Other = true
		}
		f.Files[name] = ff
	}
	sort.Strings(f.Deleted)
	sort.Strings(f.Opaque)
	return f, nil
}

// fact reduces a wanted file's contents to what the SBOM needs from it.
func fact(name string, data []byte) fileFact {
	switch {
	case distInfoRe().MatchString(name):
		md := pep.ParseMetadata(data)
		d := &dist{Name: md.Name(), Version: md.Version(), LicenseExpression: md.Get("License-Expression"), License: md.Get("License")}
		for _, h := range md.All("Classifier") {
			if strings.HasPrefix(h.Value, "License ::") {
				d.Classifiers = append(d.Classifiers, h.Value)
			}
		}
		return fileFact{Dist: d}
	case copyrightRe().MatchString(name):
		return fileFact{Licenses: dep5Licenses(data)}
	}
	return fileFact{Data: data}
}

// dep5Licenses reads the License: fields of a machine-readable copyright file
// (https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/): the first line of each, the
// license's short name or expression. A free-form copyright file gives none.
func dep5Licenses(data []byte) []string {
	text := string(data)
	first, _, _ := strings.Cut(text, "\n")
	if !strings.HasPrefix(first, "Format:") {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		v, ok := strings.CutPrefix(line, "License:")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// layers reads every layer's facts, from the cache when dir is set and has them.
func layers(img v1.Image, cacheDir string) ([]*layerFacts, error) {
	ls, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("list the image's layers: %w", err)
	}
	out := make([]*layerFacts, len(ls))
	for i, l := range ls {
		if out[i], err = layerOf(l, cacheDir); err != nil {
			return nil, fmt.Errorf("read layer %d of %d for the SBOM: %w", i+1, len(ls), err)
		}
	}
	return out, nil
}

func layerOf(l v1.Layer, cacheDir string) (*layerFacts, error) {
	var file string
	if cacheDir != "" {
		// The diffID comes from the image config: knowing it downloads nothing.
		id, err := l.DiffID()
		if err != nil {
			return nil, err
		}
		file = filepath.Join(cacheDir, "sbom", cacheFormat, id.Algorithm+"-"+id.Hex+".json")
		data, err := os.ReadFile(file)
		if err == nil {
			var f layerFacts
			if err := json.Unmarshal(data, &f); err == nil {
				return &f, nil
			}
			// A damaged cache file is read again from the layer and replaced.
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read the SBOM cache: %w", err)
		}
	}
	rc, err := l.Uncompressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	f, err := readLayer(rc)
	if err != nil {
		return nil, err
	}
	if file != "" {
		data, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		if err := atomicfile.Write(file, data); err != nil {
			return nil, fmt.Errorf("write the SBOM cache (delete %s to start afresh): %w", filepath.Dir(file), err)
		}
	}
	return f, nil
}

// unionView is the files the SBOM reads as the image's filesystem shows them: the topmost layer's entry
// for each path, unless a layer above deleted it.
func unionView(layers []*layerFacts) map[string]fileFact {
	view := map[string]fileFact{}
	decided := map[string]bool{}
	var hidden union.Hidden
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		for name, f := range l.Files {
			if decided[name] || hidden.Has(name) {
				continue
			}
			decided[name] = true
			view[name] = f
		}
		for _, p := range l.Deleted {
			hidden.Delete(p)
		}
		for _, p := range l.Opaque {
			hidden.Empty(p)
		}
	}
	return view
}
