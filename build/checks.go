package build

import (
	"fmt"
	"strings"

	"github.com/containerize/containerize/detect"
)

// wheelsBundleLibraries are distributions whose binary wheels carry the libraries detect lists for them
// (auditwheel vendors them), so an image built from wheels does not need the Debian packages.
var wheelsBundleLibraries = map[string]bool{"pillow": true, "lxml": true}

// systemPackages fails when the project needs Debian runtime libraries that this build cannot add.
func systemPackages(p *detect.Project) error {
	var why []string
	for _, ev := range p.SystemPackages.Evidence {
		if wheelsBundleLibraries[ev.Name] {
			continue
		}
		why = append(why, fmt.Sprintf("%s (%s): %s", ev.Name, ev.Source, ev.Detail))
	}
	if len(why) == 0 || len(p.SystemPackages.Runtime) == 0 {
		return nil
	}
	return fmt.Errorf("the image needs Debian packages this build cannot add yet (%s):\n  - %s\nUse a dependency that ships its own libraries (psycopg2-binary, psycopg[binary]), build with `docker build` and the generated Dockerfile, or build anyway if the base already has them",
		strings.Join(p.SystemPackages.Runtime, ", "), strings.Join(why, "\n  - "))
}
