package image

import (
	"sync"

	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/image/sbom"
)

// prefetchSBOM reads the SBOM's facts of each base's layers into the cache alongside the build, and returns
// a function that waits until it is done. On a cold cache those facts mean inflating the whole base (166 MB
// for python:3.11-slim), as much work as inspecting it: done after the build, it added ~1 s to a cold build
// of the library sample; done meanwhile, on another core, it costs the build little. Errors are left to
// sbom.Generate, which reads what the prefetch could not.
func (o *Options) prefetchSBOM(bases []base.Loaded) (wait func()) {
	var wg sync.WaitGroup
	if o.CacheDir != "" && o.Output.wantSBOM() {
		for _, l := range bases {
			wg.Go(func() { sbom.Prefetch(l.Image, o.CacheDir) })
		}
	}
	return wg.Wait
}
