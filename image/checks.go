package image

import (
	"fmt"
	"strings"

	"github.com/containerize/containerize/plan"
)

// wheelsBundleLibraries are distributions whose binary wheels carry the libraries detect lists for them
// (auditwheel vendors them), so an image built from wheels does not need the Debian packages.
var wheelsBundleLibraries = map[string]bool{"pillow": true, "lxml": true}

// systemPackages fails when the image needs Debian runtime libraries that this build cannot add.
func systemPackages(img *plan.Image) error {
	var why []string
	for _, ev := range img.SystemEvidence {
		if wheelsBundleLibraries[ev.Name] {
			continue
		}
		why = append(why, fmt.Sprintf("%s (%s): %s", ev.Name, ev.Source, ev.Detail))
	}
	if len(why) == 0 || len(img.RuntimePackages.Names) == 0 {
		return nil
	}
	return fmt.Errorf("the image needs Debian packages this build cannot add yet (%s):\n  - %s\nUse a dependency that ships its own libraries (psycopg2-binary, psycopg[binary]), build with `docker build` and the generated Dockerfile, or build anyway if the base already has them",
		strings.Join(img.RuntimePackages.Names, ", "), strings.Join(why, "\n  - "))
}
