package image

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// listenUnix listens on dir/docker.sock in a new folder (short: a socket's path is limited to ~100 bytes).
func listenUnix(t *testing.T) (string, net.Listener) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("unix sockets")
	}
	dir, err := os.MkdirTemp("", "sock")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	l, err := net.Listen("unix", filepath.Join(dir, "docker.sock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return dir, l
}

func TestLocalSocket(t *testing.T) {
	dir, l := listenUnix(t)
	sock := l.Addr().String()
	writeFile(t, filepath.Join(dir, "desktop", "config.json"), `{"currentContext": "desktop-linux"}`)
	writeFile(t, filepath.Join(dir, "plain", "config.json"), `{"auths": {}, "currentContext": "default"}`)
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"DOCKER_HOST": "unix://" + sock, "DOCKER_CONFIG": filepath.Join(dir, "plain")}, sock},
		{map[string]string{"DOCKER_HOST": "unix://" + sock, "DOCKER_CONFIG": filepath.Join(dir, "desktop")}, sock}, // DOCKER_HOST wins
		{map[string]string{"DOCKER_HOST": "unix://" + filepath.Join(dir, "none.sock")}, ""},
		{map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:2376"}, ""},
		{map[string]string{"DOCKER_HOST": "ssh://me@host"}, ""},
		{map[string]string{"DOCKER_HOST": "unix://" + sock, "DOCKER_CONTEXT": "rootless"}, ""},
		{map[string]string{"DOCKER_CONFIG": filepath.Join(dir, "desktop")}, ""},                          // a context chosen with `docker context use`
		{map[string]string{"DOCKER_HOST": "unix://" + filepath.Join(dir, "desktop", "config.json")}, ""}, // not a socket
	}
	for i, tc := range tests {
		if got := localSocket(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%d: %v: socket %q, want %q", i, tc.env, got, tc.want)
		}
	}
}

// fakeEngine answers the two Engine API requests load makes on a unix socket: image inspect from layers (by
// image name), and load, keeping each archive; load number refuse fails as the containerd store does.
type fakeEngine struct {
	mu     sync.Mutex
	layers map[string][]string
	loads  [][]byte
	refuse int
}

func (e *fakeEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/images/") && strings.HasSuffix(r.URL.Path, "/json"):
		ids, ok := e.layers[strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/images/"), "/json")]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"No such image"}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"RootFS": map[string]any{"Type": "layers", "Layers": ids}})
	case r.Method == http.MethodPost && r.URL.Path == "/images/load":
		data, _ := io.ReadAll(r.Body)
		e.loads = append(e.loads, data)
		if len(e.loads) == e.refuse {
			io.WriteString(w, `{"errorDetail":{"message":"content digest sha256:x: not found"},"error":"content digest sha256:x: not found"}`)
			return
		}
		io.WriteString(w, `{"stream":"Loaded image: library:dev\n"}`)
	default:
		http.NotFound(w, r)
	}
}

func TestLoadThroughEngineAPI(t *testing.T) {
	dir, l := listenUnix(t)
	engine := &fakeEngine{layers: map[string][]string{}}
	srv := &http.Server{Handler: engine}
	go srv.Serve(l)
	defer srv.Close()
	t.Setenv("DOCKER_HOST", "unix://"+l.Addr().String())
	t.Setenv("DOCKER_CONTEXT", "")
	t.Setenv("DOCKER_CONFIG", dir)

	f := newFixture(t)
	o := f.options(t, t.TempDir())
	o.Output = Output{Load: true, Tag: "library:dev"}
	var log strings.Builder
	o.Progress = &log
	first := f.build(t, o)
	tag, _ := name.NewTag("library:dev")
	loaded := func(i int) string {
		p := filepath.Join(t.TempDir(), "load.tar")
		if err := os.WriteFile(p, engine.loads[i], 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	img, err := tarball.ImageFromPath(loaded(0), &tag)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d != first.Digest {
		t.Fatalf("loaded %v, built %v", d, first.Digest)
	}
	if !strings.Contains(log.String(), "Loaded image: library:dev") {
		t.Errorf("the daemon's answer not shown:\n%s", log.String())
	}

	// The daemon has the image but for the application layer: only that one is sent.
	cf, _ := img.ConfigFile()
	ids := cf.RootFS.DiffIDs
	var have []string
	for _, h := range ids[:len(ids)-1] {
		have = append(have, h.String())
	}
	engine.layers["library:dev"] = have
	writeFile(t, filepath.Join(f.root, "books/views.py"), "def index(request):\n    return 'v2'\n")
	f.build(t, o)
	members, layers, _ := archiveFiles(t, loaded(1))
	if len(layers) != len(ids) || len(members) != 3 {
		t.Fatalf("slim archive: members %q, manifest layers %q", members, layers)
	}

	// A daemon that refuses it gets the whole image.
	engine.refuse = 3
	writeFile(t, filepath.Join(f.root, "books/views.py"), "def index(request):\n    return 'v3'\n")
	third := f.build(t, o)
	if !strings.Contains(log.String(), "content digest sha256:x: not found); sending the whole image") {
		t.Errorf("no fallback reported:\n%s", log.String())
	}
	img, err = tarball.ImageFromPath(loaded(3), &tag)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d != third.Digest {
		t.Errorf("fallback loaded %v, built %v", d, third.Digest)
	}
}
