package image

import (
	"archive/tar"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"

	"github.com/containerize/containerize/generate"
	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/plan"
)

// secretDepths are the folders (relative to the build context) where the secrets test
// plants every pattern: the root and two levels down.
var secretDepths = []string{".", "deep/er"}

// plantSecrets writes, under root, each example of plan.Exclusions at every depth, and what
// only the daemonless build can recognise: a virtualenv and an OCI layout of other names.
// It returns the planted paths that must stay out of the context and those that must stay in.
func plantSecrets(t *testing.T, root string) (out, in []string) {
	t.Helper()
	for _, d := range secretDepths {
		for _, g := range plan.Exclusions() {
			for _, e := range g.Items {
				p := path.Join(d, e.Example)
				writeFile(t, filepath.Join(root, filepath.FromSlash(p)), "secret "+e.Pattern+"\n")
				if strings.HasPrefix(e.Pattern, "!") {
					in = append(in, p)
				} else {
					out = append(out, p)
				}
			}
		}
		// init's backup of the settings module, beside it.
		p := path.Join(d, "library/settings.py.bak")
		writeFile(t, filepath.Join(root, filepath.FromSlash(p)), "SECRET_KEY = 'old'\n")
		out = append(out, p)
	}
	return out, in
}

// dockerContext is the set of files docker build sends from root with this .dockerignore,
// computed as BuildKit computes it (moby/patternmatcher).
func dockerContext(t *testing.T, root string, dockerignore []byte) map[string]bool {
	t.Helper()
	patterns, err := ignorefile.ReadAll(strings.NewReader(string(dockerignore)))
	if err != nil {
		t.Fatal(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	ctx := map[string]bool{}
	err = fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." || d.IsDir() {
			return err
		}
		excluded, err := pm.MatchesOrParentMatches(p)
		if err == nil && !excluded {
			ctx[p] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

// checkContext fails for every planted secret in got and every file of in missing from it.
func checkContext(t *testing.T, what string, got map[string]bool, out, in []string) {
	t.Helper()
	for _, p := range out {
		if got[p] {
			t.Errorf("%s holds %s", what, p)
		}
	}
	for _, p := range in {
		if !got[p] {
			t.Errorf("%s lacks %s", what, p)
		}
	}
}

// TestSecretsStayOut plants every excluded pattern at the root and two levels down and
// checks that none reaches the daemonless image's layers, nor the docker build context the
// generated .dockerignore leaves; the code and .env.example do.
func TestSecretsStayOut(t *testing.T) {
	f := newFixture(t)
	out, in := plantSecrets(t, f.root)
	// Only the daemonless build can tell these folders by their content.
	daemonlessOut := append(slices.Clone(out), "tools/myenv/pyvenv.cfg", "tools/myenv/lib/site.py", "dist/img/oci-layout", "dist/img/index.json")
	for _, p := range daemonlessOut[len(out):] {
		writeFile(t, filepath.Join(f.root, filepath.FromSlash(p)), "x")
	}
	in = append(in, "manage.py", "mysite/settings.py", "books/views.py", ".env.example")

	pl := f.plan(t)
	gen, err := generate.Generate(pl, generate.Options{Rand: rand.NewChaCha8([32]byte{1})})
	if err != nil {
		t.Fatal(err)
	}
	var dockerignore []byte
	for _, file := range gen.Files {
		if file.Path == pl.Files.Dockerignore {
			dockerignore = file.Data
		}
	}
	checkContext(t, "the docker build context", dockerContext(t, f.root, dockerignore), out, in)

	// The daemonless build, with the project's own .dockerignore (a narrow one) and with none.
	for _, tc := range []struct{ name, dockerignore string }{{"own .dockerignore", "**/__pycache__\n"}, {"no .dockerignore", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			ignore := filepath.Join(f.root, ".dockerignore")
			if err := os.Remove(ignore); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			if tc.dockerignore != "" {
				writeFile(t, ignore, tc.dockerignore)
			}
			o := f.options(t, t.TempDir())
			o.Output.Push = f.reg.Host + "/secrets:" + strings.ReplaceAll(tc.name, " ", "-")[:3]
			f.build(t, o)
			img, err := remote.Image(mustRef(t, o.Output.Push))
			if err != nil {
				t.Fatal(err)
			}
			layers, err := img.Layers()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, l := range layers {
				rc, err := l.Uncompressed()
				if err != nil {
					t.Fatal(err)
				}
				tr := tar.NewReader(rc)
				for {
					h, err := tr.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					if rel, ok := strings.CutPrefix(strings.TrimPrefix(h.Name, "/"), "app/"); ok && h.Typeflag != tar.TypeDir {
						got[rel] = true
					}
				}
				rc.Close()
			}
			checkContext(t, "the daemonless image", got, daemonlessOut, in)
		})
	}
}

// TestSecretsStayOutOfSamples plants every excluded pattern in a copy of each sample, at the
// root and two levels down, and checks both contexts: docker build's with the generated
// .dockerignore, and the daemonless build's application files.
func TestSecretsStayOutOfSamples(t *testing.T) {
	for _, v := range samples.Variants(t) {
		if v.Name != v.Sample {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			dir := samples.Copy(t, v.Sample)
			pl := samples.Plan(t, v)
			gen, err := generate.Generate(pl, generate.Options{Rand: rand.NewChaCha8([32]byte{1})})
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range gen.Files {
				writeFile(t, filepath.Join(dir, filepath.FromSlash(file.Path)), string(file.Data))
			}
			out, in := plantSecrets(t, dir)
			dockerignore, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(pl.Files.Dockerignore)))
			if err != nil {
				t.Fatal(err)
			}
			checkContext(t, "the docker build context", dockerContext(t, dir, dockerignore), out, in)

			rt := pl.Image.Runtime
			entries, err := appEntries(os.DirFS(dir), &rt, pl.Ignore.Virtualenvs)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, e := range entries {
				if !e.Mode.IsDir() {
					got[path.Join(rt.SourceDir, strings.TrimPrefix(e.Path, AppDir+"/"))] = true
				}
			}
			var inSource []string
			for _, p := range in {
				if rt.SourceDir == "." || strings.HasPrefix(p, rt.SourceDir+"/") {
					inSource = append(inSource, p)
				}
			}
			checkContext(t, "the daemonless image", got, out, append(inSource, path.Join(rt.SourceDir, strings.TrimPrefix(strings.TrimPrefix(rt.WorkDir, AppDir), "/"), "manage.py")))
		})
	}
}
