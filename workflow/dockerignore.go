package workflow

import (
	"fmt"
	"path"
	"strings"

	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/validate"
)

// leakyDockerignore says what a .dockerignore init does not write (the user's, or one
// containerize.toml keeps) lets into docker build's context that must stay out of images:
// the secret groups' patterns of plan.Exclusions whose example, at the root or two folders
// down, it does not exclude. "" when it excludes them all or does not exist. containerize
// build leaves them out anyway; docker build reads the file as it is.
func leakyDockerignore(dir, name string) (string, error) {
	data, ok, err := safewrite.Read(dir, name)
	if err != nil || !ok {
		return "", err
	}
	var missing []string
	for _, g := range plan.Exclusions() {
		if !g.Secret {
			continue
		}
		for _, e := range g.Items {
			if strings.HasPrefix(e.Pattern, "!") {
				continue
			}
			in, err := validate.DockerignoreAdmits(data, []string{e.Example, path.Join("a/b", e.Example)})
			if err != nil {
				return "", fmt.Errorf("%s: %w", name, err)
			}
			if len(in) > 0 {
				missing = append(missing, e.Pattern)
			}
		}
	}
	if len(missing) == 0 {
		return "", nil
	}
	return "lets secrets into docker build's context: it lacks " + strings.Join(missing, " "), nil
}
