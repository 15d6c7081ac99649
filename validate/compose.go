package validate

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"
)

// Compose loads data with compose-spec's loader, as `docker compose config` does: YAML, interpolation,
// the embedded JSON schema and the consistency check (undefined services, networks, volumes…). env holds
// the variables ${VAR} resolves from (typically the .env.example body, see EnvFromDotenv). A variable
// with no value in env and no default (${VAR:-x}) is a problem, not a silent blank as in Compose.
//
// workingDir is the project directory. It need not exist: nothing is read from disk, because env_file
// and label_file entries are not opened (a generated .env may not be written yet, and `required: false`
// entries may legitimately be missing).
//
// On top of the schema it rejects what the schema accepts but Compose mishandles: an obsolete
// top-level `version:` key and a `restart:` value other than no, always, on-failure[:N] and
// unless-stopped. Problems come back as *Error, each prefixed by name (and a line where known).
func Compose(ctx context.Context, name string, data []byte, workingDir string, env map[string]string) error {
	var ps problems

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err == nil {
		data = checkVersionKey(name, &doc, data, &ps)
	}
	// A YAML syntax error is left to the loader, which reports it in Compose's own words.

	// The loader writes COMPOSE_PROJECT_NAME into the environment it is given; keep the caller's map.
	environment := types.Mapping{}
	for k, v := range env {
		environment[k] = v
	}

	var unset []string
	project, err := loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  workingDir,
		ConfigFiles: []types.ConfigFile{{Filename: name, Content: data}},
		Environment: environment,
	}, func(o *loader.Options) {
		// A `name:` key in the file wins over this default, as in Compose.
		o.SetProjectName(defaultProjectName(workingDir), false)
		// These two open env_file/label_file paths on disk.
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
		o.Interpolate.Substitute = func(s string, m template.Mapping) (string, error) {
			return template.SubstituteWithOptions(s, m, template.WithoutLogging,
				template.WithReplacementFunction(func(sub string, m template.Mapping, cfg *template.Config) (string, error) {
					v, applied, err := template.DefaultReplacementAppliedFunc(sub, m, cfg)
					if err == nil && !applied {
						unset = append(unset, strings.Trim(sub, "${}"))
					}
					return v, err
				}))
		}
	})
	// Unset variables first: a blank image or port they cause is often what the loader trips on.
	for _, v := range uniqueSorted(unset) {
		ps.add(name, 0, fmt.Sprintf("variable %s is not set and has no default: add it to the env file or write ${%s:-default}", v, v))
	}
	if err != nil {
		line, msg := composeMessage(name, &doc, err)
		ps.add(name, line, msg)
		return ps.err()
	}
	for _, svc := range sortedServices(project) {
		if svc.Restart != "" && !validRestart(svc.Restart) {
			ps.add(name, lineOf(&doc, "services."+svc.Name+".restart"), fmt.Sprintf("services.%s.restart: %q is not a restart policy Compose accepts (no, always, on-failure[:N], unless-stopped)", svc.Name, svc.Restart))
		}
	}
	return ps.err()
}

// EnvFromDotenv parses a .env-style body (KEY=VALUE lines, comments, quotes) with Compose's own dotenv
// parser, for use as Compose's env. Values referring to other variables are expanded from the body only.
func EnvFromDotenv(data []byte) (map[string]string, error) {
	env, err := dotenv.UnmarshalBytesWithLookup(data, func(string) (string, bool) { return "", false })
	if err != nil {
		return nil, fmt.Errorf("parse env file: %w", err)
	}
	return env, nil
}

// checkVersionKey reports an obsolete top-level `version:` key. It returns data with that line blanked
// (line numbers unchanged) so the loader does not also log its own warning to stderr.
func checkVersionKey(name string, doc *yaml.Node, data []byte, ps *problems) []byte {
	root := mappingRoot(doc)
	if root == nil {
		return data
	}
	k, v := lookup(root, "version")
	if k == nil {
		return data
	}
	ps.add(name, k.Line, "the top-level `version` key is obsolete and ignored by Compose: remove it")
	if v.Kind != yaml.ScalarNode || v.Line != k.Line {
		return data
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if k.Line-1 >= len(lines) {
		return data
	}
	out := make([]byte, 0, len(data))
	for i, l := range lines {
		if i == k.Line-1 {
			out = append(out, l[len(bytes.TrimRight(l, "\r\n")):]...) // keep only the line break
			continue
		}
		out = append(out, l...)
	}
	return out
}

// lineOf is the line of the key at a dotted path ("services.web.restart") in the source, or 0.
// Sequence elements are addressed by index.
func lineOf(doc *yaml.Node, dotted string) int {
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
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

var onFailureN = regexp.MustCompile(`^on-failure(:[0-9]+)?$`)

// validRestart mirrors what the Docker engine accepts for a container restart policy; the compose
// schema takes any string.
func validRestart(s string) bool {
	switch s {
	case "no", "always", "unless-stopped":
		return true
	}
	return onFailureN.MatchString(s)
}

func defaultProjectName(workingDir string) string {
	if n := loader.NormalizeProjectName(filepath.Base(workingDir)); n != "" && n != "." {
		return n
	}
	return "app"
}

var (
	schemaUnknownKey = regexp.MustCompile(`^(\S+)\.([^.\s]+) false schema$`)
	schemaAdditional = regexp.MustCompile(`^additional propert(?:y|ies) (.+) not allowed$`)
)

const unknownKeyHint = "(not in the Compose specification; check the spelling and indentation)"

// composeMessage makes a loader error read well after "name:line: ". Schema errors start with
// "validating <name>: <path> ..."; their path gives the line, and the cryptic "false schema" (a key
// the schema does not allow) is spelled out.
func composeMessage(name string, doc *yaml.Node, err error) (int, string) {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "validating "+name+": "); ok {
		path, detail, _ := strings.Cut(rest, " ")
		if m := schemaUnknownKey.FindStringSubmatch(rest); m != nil {
			return lineOf(doc, path), fmt.Sprintf("%s: unknown key %q %s", m[1], m[2], unknownKeyHint)
		}
		if m := schemaAdditional.FindStringSubmatch(detail); m != nil {
			// At the top level the path is empty and the key sits in the quotes.
			key := strings.Trim(strings.Split(m[1], ",")[0], "' ")
			where := "top-level"
			full := key
			if path != "" {
				where, full = path+":", path+"."+key
			}
			return lineOf(doc, full), fmt.Sprintf("%s unknown key %s %s", where, m[1], unknownKeyHint)
		}
		return lineOf(doc, path), strings.TrimSpace(rest)
	}
	msg = strings.TrimPrefix(msg, "failed to parse "+name+": ")
	// Decode errors span lines; one problem per line reads better in the joined *Error.
	msg = strings.Join(strings.Fields(msg), " ")
	line := 0
	if m := serviceInMessage.FindStringSubmatch(msg); m != nil {
		line = lineOf(doc, "services."+m[1])
	}
	return line, msg
}

// serviceInMessage finds the service a consistency error is about, to point at its line.
var serviceInMessage = regexp.MustCompile(`^service "?([^"\s]+)"? `)

func sortedServices(p *types.Project) []types.ServiceConfig {
	out := make([]types.ServiceConfig, 0, len(p.Services))
	for _, s := range p.Services {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func uniqueSorted(ss []string) []string {
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}
