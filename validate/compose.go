package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/template"
	"go.yaml.in/yaml/v4"
)

// Compose checks a compose file as far as the CLI needs to before writing one it generated:
// YAML that parses, every ${VAR} resolved the way Compose interpolates it (a variable with
// no value in env and no default is a problem, not a silent blank as in Compose), no obsolete
// top-level `version:` key, and `restart:` values the engine accepts (the schema takes any
// string). env holds the variables the file is interpolated with (the .env.example values).
//
// compose-spec's full loader (schema, normalisation, consistency) is package composespec,
// for tests: its JSON-schema library compiles its meta-schemas in package init, which would
// slow every command of the CLI. Problems come back as *Error, each prefixed by name and a
// line.
func Compose(name string, data []byte, env map[string]string) error {
	var ps problems
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.add(name, 0, strings.Join(strings.Fields(err.Error()), " "))
		return ps.err()
	}
	if line := LineOf(&doc, "version"); line > 0 {
		ps.add(name, line, "the top-level `version` key is obsolete and ignored by Compose: remove it")
	}
	root := mappingRoot(&doc)
	if _, services := lookup(root, "services"); services != nil && services.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(services.Content); i += 2 {
			svc := services.Content[i].Value
			k, v := lookup(services.Content[i+1], "restart")
			if k != nil && v.Kind == yaml.ScalarNode && !validRestart(v.Value) {
				ps.add(name, k.Line, fmt.Sprintf("services.%s.restart: %q is not a restart policy Compose accepts (no, always, on-failure[:N], unless-stopped)", svc, v.Value))
			}
		}
	}
	var unset []string
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	walkScalars(&doc, func(n *yaml.Node) {
		in, err := Interpolate(n.Value, lookup)
		if err != nil {
			ps.add(name, n.Line, err.Error())
		}
		unset = append(unset, in.Unset...)
	})
	slices.Sort(unset)
	for _, v := range slices.Compact(unset) {
		ps.add(name, 0, fmt.Sprintf("variable %s is not set and has no default: add it to the env file or write ${%s:-default}", v, v))
	}
	return ps.err()
}

// Interpolated is one compose value after interpolation.
type Interpolated struct {
	Value string
	// Used are the variables the value names, in order, each once.
	Used []string
	// Unset are those of them with no value and no default: Compose puts a blank in their
	// place and warns.
	Unset []string
}

// Interpolate resolves the ${VAR} (${VAR:-default}, ${VAR:?error}, …) and $VAR expressions
// of one compose value with Compose's own template package, as Compose does when it loads
// the file; lookup gives a variable's value and whether it has one (Compose: the shell's
// environment, then the .env file).
func Interpolate(s string, lookup func(string) (string, bool)) (Interpolated, error) {
	var in Interpolated
	mapping := func(k string) (string, bool) {
		if !slices.Contains(in.Used, k) {
			in.Used = append(in.Used, k)
		}
		return lookup(k)
	}
	v, err := template.SubstituteWithOptions(s, mapping, template.WithoutLogging,
		template.WithReplacementFunction(func(sub string, m template.Mapping, cfg *template.Config) (string, error) {
			v, applied, err := template.DefaultReplacementAppliedFunc(sub, m, cfg)
			if err == nil && !applied {
				in.Unset = append(in.Unset, strings.Trim(sub, "${}"))
			}
			return v, err
		}))
	in.Value = v
	return in, err
}

// walkScalars calls f for every scalar value (not mapping keys), as Compose interpolates them.
func walkScalars(n *yaml.Node, f func(*yaml.Node)) {
	switch n.Kind {
	case yaml.ScalarNode:
		f(n)
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			walkScalars(n.Content[i], f)
		}
	default:
		for _, c := range n.Content {
			walkScalars(c, f)
		}
	}
}

// LineOf is the line of the key at a dotted path ("services.web.restart") in the source, or
// of the deepest key of it that exists; 0 when none does. Sequence elements are addressed by
// index.
func LineOf(doc *yaml.Node, dotted string) int {
	n := mappingRoot(doc)
	if n == nil {
		return 0
	}
	line := 0
	for _, elem := range strings.Split(dotted, ".") {
		switch n.Kind {
		case yaml.MappingNode:
			k, v := lookup(n, elem)
			if k == nil {
				return line
			}
			line, n = k.Line, v
		case yaml.SequenceNode:
			i, err := strconv.Atoi(elem)
			if err != nil || i < 0 || i >= len(n.Content) {
				return line
			}
			n = n.Content[i]
			line = n.Line
		default:
			return line
		}
	}
	return line
}

func mappingRoot(doc *yaml.Node) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	return doc.Content[0]
}

func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

var onFailureN = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^on-failure(:[0-9]+)?$`) })

// validRestart mirrors what the Docker engine accepts for a container restart policy; the
// compose schema takes any string.
func validRestart(s string) bool {
	switch s {
	case "no", "always", "unless-stopped":
		return true
	}
	return onFailureN().MatchString(s)
}
