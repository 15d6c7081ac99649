// Package fulllint runs BuildKit's full `docker build --check` rule set on a Dockerfile, offline and
// without a Docker engine. It is for tests only: it links BuildKit's whole Dockerfile-to-LLB converter
// (hundreds of packages), so the CLI uses the light package validate instead.
package fulllint

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
)

// Finding is one lint warning: the rule's name, the 1-based line it points at, and BuildKit's message.
type Finding struct {
	Rule    string
	Line    int
	Message string
}

func (f Finding) String() string {
	return fmt.Sprintf("Dockerfile:%d: %s (%s)", f.Line, f.Message, f.Rule)
}

// Lint runs dockerfile2llb.DockerfileLint for platform linux/amd64 with an image resolver that never
// contacts a registry, and returns every finding sorted by line. All rules run, the experimental
// ones included, unless the Dockerfile carries its own `# check=` directive, which then decides as
// it does for `docker build --check`.
//
// Offline limits: CopyIgnoredFile never fires (it needs the build client; see
// validate.DockerignoreCopies), every base image is taken to be linux/amd64, and its environment
// holds only PATH, so a variable that a real base image defines (say PYTHON_VERSION) is reported by
// UndefinedVar.
//
// A Dockerfile that BuildKit cannot convert gives the findings gathered so far and an error naming
// the line.
func Lint(ctx context.Context, dockerfile []byte) ([]Finding, error) {
	dt, shift := withAllRules(dockerfile)

	st := llb.Local("dockerfile")
	def, err := st.Marshal(ctx)
	if err != nil {
		return nil, fmt.Errorf("marshal source definition: %w", err)
	}
	// DockerfileLint records the source for its warnings and panics without a marshalled definition.
	sm := llb.NewSourceMap(&st, "Dockerfile", "Dockerfile", dt)
	sm.Definition = def

	platform := ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	res, err := dockerfile2llb.DockerfileLint(ctx, dt, dockerfile2llb.ConvertOpt{
		Config: dockerui.Config{
			// Fixed so results do not depend on the machine running the tests.
			BuildPlatforms:  []ocispecs.Platform{platform},
			TargetPlatforms: []ocispecs.Platform{platform},
		},
		SourceMap:      sm,
		TargetPlatform: &platform,
		// Never nil: nil makes BuildKit fall back to its registry resolver.
		MetaResolver: offlineResolver{platform: platform},
	})
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}

	fixLine := func(line int) int {
		if shift > 0 && line > shift {
			return line - 1
		}
		return line
	}
	var out []Finding
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 && w.Location.Ranges[0].Start != nil {
			line = fixLine(int(w.Location.Ranges[0].Start.Line))
		}
		out = append(out, Finding{Rule: w.RuleName, Line: line, Message: w.Detail})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })

	if res.Error != nil {
		line := 0
		if len(res.Error.Location.Ranges) > 0 && res.Error.Location.Ranges[0].Start != nil {
			line = fixLine(int(res.Error.Location.Ranges[0].Start.Line))
		}
		if line <= 0 {
			return out, fmt.Errorf("Dockerfile: %s", res.Error.Message)
		}
		return out, fmt.Errorf("Dockerfile:%d: %s", line, res.Error.Message)
	}
	return out, nil
}

// withAllRules adds a `# check=experimental=all` directive when the Dockerfile has no check directive
// of its own: without a build client, DockerfileLint takes its rule configuration only from the file.
// It returns the data to lint and the line the directive took (0 if none was added); findings after
// that line are one line lower in the caller's file. A file starting with a shebang is left alone.
func withAllRules(dockerfile []byte) ([]byte, int) {
	if _, _, _, ok := parser.ParseDirective("check", dockerfile); ok || len(bytes.TrimSpace(dockerfile)) == 0 {
		return dockerfile, 0
	}
	const directive = "# check=experimental=all\n"
	dt := bytes.TrimPrefix(dockerfile, []byte{0xEF, 0xBB, 0xBF})
	if bytes.HasPrefix(dt, []byte("#!")) {
		// After a shebang the parser takes no more directives (ParseDirective would still see one, but
		// the parser would then treat it as a comment), so such a file keeps the default rules.
		return dockerfile, 0
	}
	return append([]byte(directive), dt...), 1
}

// offlineResolver answers every image lookup with the same minimal linux/amd64 config, so linting
// never touches the network.
type offlineResolver struct {
	platform ocispecs.Platform
}

func (r offlineResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	img := ocispecs.Image{
		Platform: r.platform,
		Config: ocispecs.ImageConfig{
			Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		},
		// One layer: with none, BuildKit treats the base as scratch and skips the platform check.
		RootFS: ocispecs.RootFS{Type: "layers", DiffIDs: []digest.Digest{digest.FromString("offline layer")}},
	}
	dt, err := json.Marshal(img)
	if err != nil {
		return "", "", nil, fmt.Errorf("offline resolver: %w", err)
	}
	return ref, digest.FromBytes(dt), dt, nil
}
