package generate

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	want := "# mine\nSECRET_KEY=keep\nexport DEBUG=1\n\n# Added by containerize init: docker-compose.yml needs these.\nPOSTGRES_PASSWORD=abc\n"
	if string(merged) != want || len(added) != 1 || added[0] != "POSTGRES_PASSWORD" {
		t.Fatalf("MergeEnv = %q, %v", merged, added)
	}
	if again, added := MergeEnv(merged, fresh); string(again) != string(merged) || added != nil {
		t.Fatalf("second merge changed the file: %q", again)
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
