package image

import (
	"strings"
	"testing"
)

func TestResultListsLayerSizes(t *testing.T) {
	f := newFixture(t)
	o := f.options(t, t.TempDir())
	for _, run := range []string{"first", "cached"} {
		res := f.build(t, o)
		img := res.Images[0]
		ls := img.Layers
		if len(ls) != 5 { // the stand-in base's two, /opt/venv, the user, the app
			t.Fatalf("%s: %d layers: %+v", run, len(ls), ls)
		}
		for i, l := range ls {
			if l.Size <= 0 || l.CreatedBy == "" {
				t.Errorf("%s: layer %d: %+v", run, i, l)
			}
			if base := i < 2; base != (l.UncompressedSize == 0) {
				t.Errorf("%s: layer %d: uncompressed size %d", run, i, l.UncompressedSize)
			}
		}
		deps, app := ls[2], ls[4]
		if deps.Digest != img.Dependencies || app.Digest != img.App || !strings.Contains(deps.CreatedBy, VenvPrefix) {
			t.Errorf("%s: layers %+v, image %+v", run, ls, img)
		}
		if deps.UncompressedSize <= deps.Size {
			t.Errorf("%s: dependency layer %d bytes compressed, %d uncompressed", run, deps.Size, deps.UncompressedSize)
		}
		if run == "cached" && !img.DependenciesCached {
			t.Error("second build did not use the cached dependency layer")
		}
	}
}
