package resolve

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"pault.ag/go/debian/control"
)

// Paths of the dpkg database inside a base image's filesystem.
const (
	StatusFile = "var/lib/dpkg/status"
	StatusDir  = "var/lib/dpkg/status.d"
)

// ParseStatus reads what a base image has installed from its filesystem
// (rooted at /): var/lib/dpkg/status, and every file in
// var/lib/dpkg/status.d (the layout distroless images use, one stanza per
// file; *.md5sums files there are skipped). Only stanzas whose Status is
// "install ok installed" count; status.d stanzas usually carry no Status
// field and count when they have none. A base with neither is not an error:
// it has nothing installed as far as dpkg knows. The result is sorted by
// package name and architecture.
func ParseStatus(fsys fs.FS) ([]Installed, error) {
	var out []Installed
	data, err := fs.ReadFile(fsys, StatusFile)
	switch {
	case err == nil:
		got, err := parseStatusText(string(data), "/"+StatusFile, true)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("reading the base's /%s: %w", StatusFile, err)
	}
	entries, err := fs.ReadDir(fsys, StatusDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the base's /%s: %w", StatusDir, err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".md5sums") {
			continue
		}
		name := path.Join(StatusDir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("reading the base's /%s: %w", name, err)
		}
		got, err := parseStatusText(string(data), "/"+name, false)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Package != out[j].Package {
			return out[i].Package < out[j].Package
		}
		return out[i].Architecture < out[j].Architecture
	})
	return out, nil
}

func parseStatusText(text, name string, needStatus bool) ([]Installed, error) {
	r, err := control.NewParagraphReader(strings.NewReader(text), nil)
	if err != nil {
		return nil, fmt.Errorf("reading the base's %s: %w", name, err)
	}
	paras, err := r.All()
	if err != nil {
		return nil, fmt.Errorf("reading the base's %s: %w", name, err)
	}
	var out []Installed
	for _, p := range paras {
		v := p.Values
		status, has := v["Status"]
		if has || needStatus {
			if strings.Join(strings.Fields(status), " ") != "install ok installed" {
				continue
			}
		}
		if v["Package"] == "" || v["Version"] == "" {
			return nil, fmt.Errorf("reading the base's %s: a stanza without Package or Version (Package %q): the dpkg database looks damaged", name, v["Package"])
		}
		out = append(out, Installed{
			Package:      v["Package"],
			Version:      v["Version"],
			Architecture: v["Architecture"],
			Provides:     v["Provides"],
			MultiArch:    v["Multi-Arch"],
			Essential:    v["Essential"],
			Priority:     v["Priority"],
			Source:       v["Source"],
		})
	}
	return out, nil
}
