package build

import (
	"context"
	"io/fs"

	"github.com/containerize/containerize/build/base"
	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/lockset"
)

// Lockfile is the Requirements of project p read from its lockfile (or fully pinned requirements file) in
// fsys, the project root, with package lockset: the default group, markers evaluated for the base's full
// Python version and architecture. Distributions the project declares itself are marked Requested. The
// lock's index URLs and whether it is complete come along.
func Lockfile(fsys fs.FS, p *detect.Project) Requirements {
	return func(_ context.Context, b *base.Base) (*Lock, error) {
		set, err := lockset.Load(fsys, p, lockset.Target{Python: b.Python, Arch: b.Arch})
		if err != nil {
			return nil, err
		}
		reqs := make([]Requirement, 0, len(set.Pins))
		for _, pin := range set.Pins {
			r := Requirement{Name: pin.Name, Version: pin.Version, Hashes: pin.Hashes, Requested: p.Has(pin.Name)}
			for _, f := range pin.Files {
				r.Files = append(r.Files, FileRef{Name: f.Name, URL: f.URL, Hash: f.Hash})
			}
			reqs = append(reqs, r)
		}
		return &Lock{Requirements: reqs, File: set.File, IndexURLs: set.IndexURLs, PrimaryIndex: set.PrimaryIndex, Complete: set.Complete}, nil
	}
}
