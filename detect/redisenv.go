package detect

import (
	"fmt"
	"strings"

	"github.com/containerize/containerize/internal/ownfile"
	"go.yaml.in/yaml/v4"
)

// isRedisURL reports whether a value is a redis address (redis://, rediss://, redis+socket://).
func isRedisURL(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	if inner, ok := strings.CutPrefix(v, "${"); ok {
		// ${REDIS_URL:-redis://redis:6379}: compose's default.
		if _, def, ok := strings.Cut(inner, "-"); ok {
			v = strings.TrimPrefix(def, "-")
		}
	}
	return strings.HasPrefix(v, "redis://") || strings.HasPrefix(v, "rediss://") || strings.HasPrefix(v, "redis+")
}

// readComposeRedisEnv finds the variables the project's own compose files set to a redis
// address (environment: BROKER_URL=redis://redis:6379/0), with where: a setting read from
// such a variable uses redis whatever its default in the settings says.
func readComposeRedisEnv(t *tree, files []string) (map[string]string, error) {
	out := map[string]string{}
	for _, name := range files {
		b, err := t.readFile(name)
		if err != nil {
			return nil, err
		}
		if ownfile.Is(b) {
			continue // its values came from the settings, not the other way round
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) == 0 {
			continue
		}
		services := mapValue(&doc, "services")
		if services == nil {
			services = doc.Content[0] // the version 1 format: services at the top
		}
		if services.Kind != yaml.MappingNode {
			continue
		}
		set := func(k, v string, line int) {
			if _, ok := out[k]; !ok && k != "" && isRedisURL(v) {
				out[k] = fmt.Sprintf("%s:%d", name, line)
			}
		}
		for i := 1; i < len(services.Content); i += 2 {
			env := mapValue(services.Content[i], "environment")
			if env == nil {
				continue
			}
			switch env.Kind {
			case yaml.SequenceNode:
				for _, e := range env.Content {
					k, v, _ := strings.Cut(e.Value, "=")
					set(strings.TrimSpace(k), v, e.Line)
				}
			case yaml.MappingNode:
				for j := 0; j+1 < len(env.Content); j += 2 {
					set(env.Content[j].Value, env.Content[j+1].Value, env.Content[j+1].Line)
				}
			}
		}
	}
	return out, nil
}
