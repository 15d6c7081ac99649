package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
	"gotest.tools/v3/golden"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/plan"
	"github.com/containerize/containerize/validate/composespec"
	"github.com/containerize/containerize/validate/fulllint"
)

// generateVariant plans a sample with the variant's answers and renders it.
func generateVariant(t *testing.T, v samples.Variant) (*plan.Plan, *Output) {
	t.Helper()
	pl := samples.Plan(t, v)
	// A fixed seed keeps the secrets in the golden .env stable.
	out, err := Generate(pl, Options{Rand: rand.NewChaCha8([32]byte{1})})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return pl, out
}

// TestGolden compares every generated file of every sample with its reviewed golden copy
// (go test ./generate -update rewrites them), and runs BuildKit's full lint on each
// Dockerfile: it must report nothing.
func TestGolden(t *testing.T) {
	for _, v := range samples.Variants(t) {
		t.Run(v.Name, func(t *testing.T) {
			_, out := generateVariant(t, v)
			for _, f := range out.Files {
				assertGolden(t, v.Name, goldenName(f.Path), f.Data)
			}
			if _, err := os.Stat(filepath.Join(samples.Dir(), v.Sample, ".env")); err != nil {
				assertGolden(t, v.Name, "env", out.Env) // init writes it
			}
			for _, b := range out.Blocks {
				assertGolden(t, v.Name, "settings-block.py", b.Body)
			}
			var notes strings.Builder
			for _, n := range out.Notes {
				notes.WriteString(n + "\n")
			}
			assertGolden(t, v.Name, "notes.txt", []byte(notes.String()))

			// compose-spec's own loader (schema, consistency) accepts the compose file with the
			// values .env.example gives.
			env, err := composespec.EnvFromDotenv(fileData(t, out, ".env.example"))
			if err != nil {
				t.Fatal(err)
			}
			if err := composespec.Compose(context.Background(), "docker-compose.yml", fileData(t, out, "docker-compose.yml"), v.Sample, env); err != nil {
				t.Errorf("compose-spec: %v", err)
			}

			findings, err := fulllint.Lint(context.Background(), fileData(t, out, "Dockerfile"))
			if err != nil {
				t.Fatalf("lint: %v", err)
			}
			for _, f := range findings {
				t.Errorf("BuildKit lint: %s", f)
			}
		})
	}
}

// assertGolden compares a generated file with its golden copy: testdata/VARIANT/NAME, or,
// when the variant has none, the one copy most variants share, testdata/NAME (the
// .dockerignore, an empty notes.txt). With -update a variant's file is written only when it
// differs from the shared copy, and removed when it no longer does.
func assertGolden(t *testing.T, variant, name string, got []byte) {
	t.Helper()
	own, shared := filepath.Join(variant, name), name
	sharedData, sharedErr := os.ReadFile(filepath.Join("testdata", shared))
	if golden.FlagUpdate() && sharedErr == nil {
		if string(got) == string(sharedData) {
			os.Remove(filepath.Join("testdata", own))
			return
		}
		golden.Assert(t, string(got), own)
		return
	}
	if _, err := os.Stat(filepath.Join("testdata", own)); err != nil && sharedErr == nil {
		golden.Assert(t, string(got), shared)
		return
	}
	golden.Assert(t, string(got), own)
}

// goldenName keeps dotfiles visible in the golden folders (".env" is stored as "env").
func goldenName(path string) string {
	return strings.TrimPrefix(path, ".")
}

func fileData(t *testing.T, out *Output, path string) []byte {
	t.Helper()
	for _, f := range out.Files {
		if f.Path == path {
			return f.Data
		}
	}
	t.Fatalf("no %s generated", path)
	return nil
}

func TestMergeEnv(t *testing.T) {
	existing := []byte("# mine\nSECRET_KEY=keep\nexport DEBUG=1\n")
	fresh := []byte("# fresh\nSECRET_KEY=new\nDEBUG=False\nPOSTGRES_PASSWORD=abc\n")
	merged, added := MergeEnv(existing, fresh)
	want := "# mine\nSECRET_KEY=keep\nexport DEBUG=1\n\n# Added by containerize init: the compose files need these.\nPOSTGRES_PASSWORD=abc\n"
	if string(merged) != want || len(added) != 1 || added[0] != "POSTGRES_PASSWORD" {
		t.Fatalf("MergeEnv = %q, %v", merged, added)
	}
	if again, added := MergeEnv(merged, fresh); string(again) != string(merged) || added != nil {
		t.Fatalf("second merge changed the file: %q", again)
	}
}

// devcontainer is what devcontainer.json may hold: the Dev Containers specification's
// properties the generator uses, decoded strictly so that a misspelt one fails.
type devcontainer struct {
	Name                string   `json:"name"`
	DockerComposeFile   []string `json:"dockerComposeFile"`
	Service             string   `json:"service"`
	WorkspaceFolder     string   `json:"workspaceFolder"`
	OverrideCommand     *bool    `json:"overrideCommand"`
	ShutdownAction      string   `json:"shutdownAction"`
	UpdateRemoteUserUID *bool    `json:"updateRemoteUserUID"`
	ForwardPorts        []int    `json:"forwardPorts"`
	Customizations      struct {
		VSCode struct {
			Extensions []string       `json:"extensions"`
			Settings   map[string]any `json:"settings"`
		} `json:"vscode"`
	} `json:"customizations"`
}

// TestDevEnvironment loads every sample's compose file with its override as Compose does
// (compose-spec's loader, merged), and checks that the services that run the application
// run the dev image as the developer with the source mounted where production copies it,
// that production alone is untouched, and that devcontainer.json points at what is there.
func TestDevEnvironment(t *testing.T) {
	ctx := context.Background()
	for _, v := range samples.Variants(t) {
		t.Run(v.Name, func(t *testing.T) {
			pl, out := generateVariant(t, v)
			n := FileNames(pl)
			env, err := composespec.EnvFromDotenv(fileData(t, out, n.EnvExample))
			if err != nil {
				t.Fatal(err)
			}
			base := composespec.File{Name: n.Compose, Data: fileData(t, out, n.Compose)}
			override := composespec.File{Name: n.Override, Data: fileData(t, out, n.Override)}
			prod, err := composespec.Files(ctx, []composespec.File{base}, v.Sample, env)
			if err != nil {
				t.Fatalf("compose-spec, production: %v", err)
			}
			dev, err := composespec.Files(ctx, []composespec.File{base, override}, v.Sample, env)
			if err != nil {
				t.Fatalf("compose-spec, %s on %s: %v", n.Override, n.Compose, err)
			}
			if web := prod.Services["web"]; web.Image != pl.Name+":latest" || web.Build.Target != "" || web.User != "" || len(web.Volumes) != len(pl.Compose.AppVolumes) {
				t.Errorf("production web: image %q, target %q, user %q, volumes %v", web.Image, web.Build.Target, web.User, web.Volumes)
			}
			devOnly := 0
			if a := pl.Image.Assets; a != nil && a.Watch != nil {
				devOnly = 1 // the assets watcher
			}
			if len(dev.Services) != len(prod.Services)+devOnly {
				t.Errorf("the override adds services: %d, production has %d", len(dev.Services), len(prod.Services))
			}
			for name, svc := range dev.Services {
				if svc.Image == pl.Name+":latest" {
					t.Errorf("%s runs the production image in development", name)
				}
			}
			names := []string{"web", "migrate"}
			for _, w := range pl.Compose.Workers {
				names = append(names, w.Name)
			}
			for _, name := range names {
				svc, ok := dev.Services[name]
				if !ok {
					continue
				}
				if svc.Image != pl.Dev.Image || svc.User != "1000:1000" {
					t.Errorf("%s: image %q, user %q", name, svc.Image, svc.User)
				}
				mounted := slices.ContainsFunc(svc.Volumes, func(vol types.ServiceVolumeConfig) bool {
					return vol.Type == types.VolumeTypeBind && vol.Target == pl.Dev.Target && filepath.Base(vol.Source) == filepath.Base(filepath.Join(v.Sample, pl.Dev.Mount))
				})
				if !mounted {
					t.Errorf("%s does not mount the source at %s: %v", name, pl.Dev.Target, svc.Volumes)
				}
				for _, vol := range svc.Volumes {
					if vol.Type == types.VolumeTypeVolume && vol.Source == "app-data" {
						t.Errorf("%s uses production's app-data volume", name)
					}
				}
			}
			web := dev.Services["web"]
			if web.Build == nil || web.Build.Target != "dev" || !slices.Equal(web.Command, types.ShellCommand(pl.Dev.Command)) {
				t.Errorf("dev web: build %+v, command %q", web.Build, web.Command)
			}
			var watched []string
			if web.Develop != nil {
				for _, w := range web.Develop.Watch {
					if w.Action != types.WatchActionRebuild {
						t.Errorf("watch %s: action %s", w.Path, w.Action)
					}
					rel, _ := filepath.Rel(v.Sample, w.Path)
					watched = append(watched, filepath.ToSlash(rel))
				}
			}
			if !slices.Equal(watched, pl.Dev.Watch) {
				t.Errorf("watched %q, want %q", watched, pl.Dev.Watch)
			}

			var dc devcontainer
			dec := json.NewDecoder(bytes.NewReader(fileData(t, out, n.Devcontainer)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&dc); err != nil {
				t.Fatalf("%s: %v", n.Devcontainer, err)
			}
			var files []string
			for _, f := range dc.DockerComposeFile {
				files = append(files, path.Join(path.Dir(n.Devcontainer), f))
			}
			if !slices.Equal(files, []string{n.Compose, n.Override}) {
				t.Errorf("dockerComposeFile %q names %q", dc.DockerComposeFile, files)
			}
			if _, ok := dev.Services[dc.Service]; !ok || dc.WorkspaceFolder != pl.Dev.Target {
				t.Errorf("service %q, workspaceFolder %q", dc.Service, dc.WorkspaceFolder)
			}
			if dc.OverrideCommand == nil || *dc.OverrideCommand || dc.UpdateRemoteUserUID == nil || *dc.UpdateRemoteUserUID {
				t.Errorf("overrideCommand and updateRemoteUserUID must be false (the server is the service's command; compose maps the user)")
			}
			if !slices.Contains(dc.ForwardPorts, pl.Image.Runtime.Port) || pl.Compose.Mail != slices.Contains(dc.ForwardPorts, 8025) {
				t.Errorf("forwardPorts %v", dc.ForwardPorts)
			}
		})
	}
}

// TestHostUser checks .env's DEV_UID and DEV_GID: this machine's ids, or .env.example's
// where they are root's or there are none (Windows).
func TestHostUser(t *testing.T) {
	pl := samples.Plan(t, samples.Variants(t)[0])
	for _, tc := range []struct {
		host     HostUser
		uid, gid string
	}{
		{HostUser{UID: 1234, GID: 1235}, "1234", "1235"},
		{HostUser{UID: 501, GID: 20}, "501", "20"},
		{HostUser{UID: 0, GID: 0}, "1000", "1000"},
		{HostUser{UID: -1, GID: -1}, "1000", "1000"},
	} {
		out, err := Generate(pl, Options{Rand: rand.NewChaCha8([32]byte{1}), HostUser: tc.host})
		if err != nil {
			t.Fatal(err)
		}
		env := string(out.Env)
		if !strings.Contains(env, "\nDEV_UID="+tc.uid+"\n") || !strings.Contains(env, "\nDEV_GID="+tc.gid+"\n") {
			t.Errorf("%+v: .env has\n%s", tc.host, env)
		}
		if example := string(fileData(t, out, ".env.example")); !strings.Contains(example, "\nDEV_UID=1000\nDEV_GID=1000\n") {
			t.Errorf(".env.example depends on the machine:\n%s", example)
		}
	}
}

// TestParseEnv holds ParseEnv to Compose's own dotenv parser on the forms .env files use.
func TestParseEnv(t *testing.T) {
	data := "# comment\n\nA=plain\nexport B=exported\nC = spaced  \nD=value # comment\nE=a#b\n" +
		"F='single # kept'\nG=\"double \\\"q\\\" \\\\ \\$x\\tt\"\nH=\nI=''\nJ='it\\'s'\nexporter=1\nK=x=y\nA=again\n"
	got := map[string]string{}
	var lines []int
	for _, v := range ParseEnv([]byte(data)) {
		got[v.Key] = v.Value
		lines = append(lines, v.Line)
	}
	want, err := composespec.EnvFromDotenv([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("ParseEnv read %d keys, Compose %d: %q vs %q", len(got), len(want), got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: ParseEnv %q, Compose %q", k, got[k], w)
		}
	}
	if lines[0] != 3 || lines[len(lines)-1] != 15 {
		t.Errorf("lines %v", lines)
	}
}
