// Package composespec loads a compose file with compose-spec's own loader, as `docker compose
// config` does: YAML, interpolation, the JSON schema and the consistency checks (undefined
// services, networks, volumes…). It is for tests only: the schema library compiles its
// meta-schemas in package init, which would slow every command of the CLI, so the CLI runs
// the lighter validate.Compose and the tests hold every generated compose file to this.
package composespec

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v4"

	"github.com/containerize/containerize/validate"
)

// Compose runs validate.Compose's checks and, when they pass, compose-spec's loader on data
// interpolated with env. workingDir is the project directory; it need not exist: nothing is
// read from disk (env_file and label_file entries are not opened). Problems come back as
// *validate.Error, each prefixed by name (and a line where known).
func Compose(ctx context.Context, name string, data []byte, workingDir string, env map[string]string) error {
	_, err := Files(ctx, []File{{name, data}}, workingDir, env)
	return err
}

// File is one compose file: its name (for messages) and content.
type File struct {
	Name string
	Data []byte
}

// Files is Compose for several files loaded together, each merged onto the ones before it
// as `docker compose -f a -f b` (and a compose file with its override) does. It returns the
// merged project, for tests to look at.
func Files(ctx context.Context, files []File, workingDir string, env map[string]string) (*types.Project, error) {
	var configs []types.ConfigFile
	docs := make([]*yaml.Node, len(files))
	for i, f := range files {
		if err := validate.Compose(f.Name, f.Data, env); err != nil {
			return nil, err
		}
		docs[i] = &yaml.Node{}
		if err := yaml.Unmarshal(f.Data, docs[i]); err != nil {
			return nil, err // validate.Compose parsed it
		}
		configs = append(configs, types.ConfigFile{Filename: f.Name, Content: f.Data})
	}
	// The loader writes COMPOSE_PROJECT_NAME into the environment it is given; keep the caller's map.
	environment := types.Mapping{}
	for k, v := range env {
		environment[k] = v
	}
	project, err := loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  workingDir,
		ConfigFiles: configs,
		Environment: environment,
	}, func(o *loader.Options) {
		// A `name:` key in the file wins over this default, as in Compose.
		o.SetProjectName(defaultProjectName(workingDir), false)
		// These two open env_file/label_file paths on disk.
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
	})
	if err == nil {
		return project, nil
	}
	// A schema error names its file; a consistency error, found after merging, none.
	name, doc := files[0].Name, docs[0]
	for i, f := range files {
		if strings.HasPrefix(err.Error(), "validating "+f.Name+": ") || strings.HasPrefix(err.Error(), "failed to parse "+f.Name+": ") {
			name, doc = f.Name, docs[i]
		}
	}
	line, msg := composeMessage(name, doc, err)
	if line > 0 {
		return nil, &validate.Error{Problems: []string{fmt.Sprintf("%s:%d: %s", name, line, msg)}}
	}
	return nil, &validate.Error{Problems: []string{fmt.Sprintf("%s: %s", name, msg)}}
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

func defaultProjectName(workingDir string) string {
	if n := loader.NormalizeProjectName(filepath.Base(workingDir)); n != "" && n != "." {
		return n
	}
	return "app"
}

var (
	schemaUnknownKey = regexp.MustCompile(`^(\S+)\.([^.\s]+) false schema$`)
	schemaAdditional = regexp.MustCompile(`^additional propert(?:y|ies) (.+) not allowed$`)
	// serviceInMessage finds the service a consistency error is about, to point at its line.
	serviceInMessage = regexp.MustCompile(`^service "?([^"\s]+)"? `)
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
			return validate.LineOf(doc, path), fmt.Sprintf("%s: unknown key %q %s", m[1], m[2], unknownKeyHint)
		}
		if m := schemaAdditional.FindStringSubmatch(detail); m != nil {
			// At the top level the path is empty and the key sits in the quotes.
			key := strings.Trim(strings.Split(m[1], ",")[0], "' ")
			where := "top-level"
			full := key
			if path != "" {
				where, full = path+":", path+"."+key
			}
			return validate.LineOf(doc, full), fmt.Sprintf("%s unknown key %s %s", where, m[1], unknownKeyHint)
		}
		return validate.LineOf(doc, path), strings.TrimSpace(rest)
	}
	msg = strings.TrimPrefix(msg, "failed to parse "+name+": ")
	// Decode errors span lines; one problem per line reads better in the joined *Error.
	msg = strings.Join(strings.Fields(msg), " ")
	line := 0
	if m := serviceInMessage.FindStringSubmatch(msg); m != nil {
		line = validate.LineOf(doc, "services."+m[1])
	}
	return line, msg
}
