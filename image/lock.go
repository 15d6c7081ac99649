package image

import (
	"context"
	"io/fs"
	"slices"

	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/plan"
)

// Lockfile is the Requirements of the plan's dependencies read from their lockfile (or fully pinned
// requirements file) in fsys, the project root, with package lockset: the default group, markers evaluated
// for the base's full Python version and architecture. Distributions the project declares itself are
// marked Requested. The lock's index URLs and whether it is complete come along.
func Lockfile(fsys fs.FS, d plan.Dependencies) Requirements {
	src := lockset.Source{Dir: d.Dir, Lockfile: d.Lockfile, RequirementsFile: d.RequirementsFile, Manager: string(d.Manager)}
	return func(_ context.Context, b *base.Base) (*Lock, error) {
		set, err := lockset.Load(fsys, src, lockset.Target{Python: b.Python, Arch: b.Arch})
		if err != nil {
			return nil, err
		}
		reqs := make([]Requirement, 0, len(set.Pins))
		for _, pin := range set.Pins {
			r := Requirement{Name: pin.Name, Version: pin.Version, Hashes: pin.Hashes, Requested: slices.Contains(d.Declared, pin.Name)}
			for _, f := range pin.Files {
				r.Files = append(r.Files, FileRef{Name: f.Name, URL: f.URL, Hash: f.Hash})
			}
			reqs = append(reqs, r)
		}
		return &Lock{Requirements: reqs, File: set.File, IndexURLs: set.IndexURLs, PrimaryIndex: set.PrimaryIndex, Complete: set.Complete}, nil
	}
}
