package workflow

import (
	"fmt"
	"path"
	"strings"

	"github.com/containerize/containerize/config"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/safewrite"
	"github.com/containerize/containerize/validate"
)

// leakyDockerignore is the note for a .dockerignore init leaves in place (the user's, or one
// containerize.toml keeps) that lets into the build context what must stay out of images: the
// secret groups of plan.Exclusions whose example, at the root or two folders down, it does not
// exclude. "" when it excludes them all or does not exist. docker build reads it as it is;
// containerize build leaves them out anyway.
func leakyDockerignore(dir, name string, keptByConfig bool) (string, error) {
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
	fix := "containerize init --force replaces it (yours is kept as a .bak)"
	if keptByConfig {
		fix = "remove it from keep in " + config.FileName + " and run containerize init again to replace it"
	}
	return fmt.Sprintf("%s lets secrets into the docker build context: it lacks %s; add these lines, or %s",
		name, strings.Join(missing, " "), fix), nil
}
