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
// requirements file) in fsys, the project root, with lockset.Load: the default group, markers evaluated for
// the base's full Python version and architecture. A pin is Requested when the lock says the project asks
// for it, or when the dependency files list it (d.Declared): the Dockerfile installs an export of the lock
// with pip, which marks every line it installs as requested.
func Lockfile(fsys fs.FS, d plan.Dependencies) Requirements {
	src := lockset.Source{Dir: d.Dir, Lockfile: d.Lockfile, RequirementsFile: d.RequirementsFile, Manager: string(d.Manager)}
	return func(_ context.Context, b *base.Base) (*lockset.Set, error) {
		set, err := lockset.Load(fsys, src, lockset.Target{Python: b.Python, Arch: b.Arch})
		if err != nil {
			return nil, err
		}
		for i, pin := range set.Pins {
			set.Pins[i].Requested = pin.Requested || slices.Contains(d.Declared, pin.Name)
		}
		return set, nil
	}
}
