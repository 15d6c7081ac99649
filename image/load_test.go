package image

import (
	"archive/tar"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// fakeDocker answers `docker image inspect` with the contents of dir/layers (and fails, as for a missing
// image) and keeps what `docker load` gets as dir/load.N.tar; load number $FAKE_DOCKER_REFUSE fails, as a
// daemon with the containerd image store fails an archive that lacks layers.
const fakeDocker = `#!/bin/sh
case "$1" in
image) cat "$FAKE_DOCKER_DIR/layers" 2>/dev/null; echo "Error: No such image" >&2; exit 1 ;;
load)
	n=$(cat "$FAKE_DOCKER_DIR/n" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$FAKE_DOCKER_DIR/n"
	cat > "$FAKE_DOCKER_DIR/load.$n.tar"
	if [ "$n" = "$FAKE_DOCKER_REFUSE" ]; then echo "content digest sha256:x: not found" >&2; exit 1; fi
	echo "Loaded image: library:dev" ;;
*) exit 2 ;;
esac
`

// archiveFiles lists a docker archive's members and its manifest.json.
func archiveFiles(t *testing.T, file string) (members []string, layers []string, config string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return members, layers, config
		}
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, h.Name)
		if h.Name == "manifest.json" {
			var m []struct {
				Config string
				Layers []string
			}
			if err := json.NewDecoder(tr).Decode(&m); err != nil || len(m) != 1 {
				t.Fatalf("manifest.json: %v %+v", err, m)
			}
			layers, config = m[0].Layers, m[0].Config
		}
	}
}

func TestLoadSendsOnlyTheLayersTheDaemonLacks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a shell script stands in for docker")
	}
	f := newFixture(t)
	dir := t.TempDir()
	docker := filepath.Join(dir, "docker")
	if err := os.WriteFile(docker, []byte(fakeDocker), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FAKE_DOCKER_DIR", dir)
	t.Setenv("FAKE_DOCKER_REFUSE", "")
	o := f.options(t, t.TempDir())
	o.Output = Output{Load: true, Docker: docker, Tag: "library:dev"}
	var log strings.Builder
	o.Progress = &log

	// The daemon has nothing: the whole image goes.
	first := f.build(t, o)
	tag, _ := name.NewTag("library:dev")
	img, err := tarball.ImageFromPath(filepath.Join(dir, "load.1.tar"), &tag)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d != first.Digest {
		t.Fatalf("loaded %v, built %v", d, first.Digest)
	}
	cf, _ := img.ConfigFile()
	ids := cf.RootFS.DiffIDs
	var have []string
	for _, h := range ids[:len(ids)-1] {
		have = append(have, h.String())
	}
	line, _ := json.Marshal(have)
	if err := os.WriteFile(filepath.Join(dir, "layers"), append(line, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}

	// A rebuild after a code change: the daemon has every layer but the application's.
	writeFile(t, filepath.Join(f.root, "books/views.py"), "def index(request):\n    return 'v2'\n")
	o.Output.DockerArchive = filepath.Join(dir, "full.tar")
	f.build(t, o)
	o.Output.DockerArchive = ""
	members, layers, config := archiveFiles(t, filepath.Join(dir, "load.2.tar"))
	if len(layers) != len(ids) || len(members) != 3 || !slices.Contains(members, layers[len(layers)-1]) || !slices.Contains(members, config) {
		t.Fatalf("slim archive: members %q, manifest layers %q, config %s", members, layers, config)
	}
	_, fullLayers, fullConfig := archiveFiles(t, filepath.Join(dir, "full.tar"))
	if config != fullConfig || !slices.Equal(layers, fullLayers) {
		t.Errorf("slim archive: config %s, layers %q; the full one: %s, %q", config, layers, fullConfig, fullLayers)
	}
	if !strings.Contains(log.String(), "Loaded image: library:dev") {
		t.Errorf("docker's output not shown:\n%s", log.String())
	}

	// A daemon that wants every layer refuses the slim archive and gets the whole image.
	t.Setenv("FAKE_DOCKER_REFUSE", "3")
	writeFile(t, filepath.Join(f.root, "books/views.py"), "def index(request):\n    return 'v3'\n")
	third := f.build(t, o)
	if !strings.Contains(log.String(), "docker load without the 4 layers the daemon has failed") {
		t.Errorf("no fallback reported:\n%s", log.String())
	}
	img, err = tarball.ImageFromPath(filepath.Join(dir, "load.4.tar"), &tag)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d != third.Digest {
		t.Errorf("fallback loaded %v, built %v", d, third.Digest)
	}
}
