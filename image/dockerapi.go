package image

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// daemon is the Docker daemon load talks to: through the Engine API on its local socket when the docker CLI
// would use that socket, else by running the CLI. The API saves the CLI's start-up on each of the two
// requests (about 45 ms each; a warm --load is ~200 ms with the CLI), which is most of a warm --load that
// sends one small layer.
type daemon interface {
	// layers returns the layer diff IDs of each of names that the daemon has; nothing when it has none or
	// cannot say.
	layers(ctx context.Context, names []string) [][]v1.Hash
	// load sends what write writes to `docker load`; the daemon's report goes to out.
	load(ctx context.Context, out io.Writer, write func(io.Writer) error) error
}

// newDaemon is the CLI docker when one is named, else the API on the local socket when the docker CLI's
// settings in getenv (DOCKER_HOST, DOCKER_CONTEXT, the config file's currentContext) select it and it
// exists, else the CLI "docker", which knows every other way of reaching a daemon (contexts, TLS, ssh).
func newDaemon(docker string, getenv func(string) string) daemon {
	if docker != "" {
		return cliDaemon{docker}
	}
	if sock := localSocket(getenv); sock != "" {
		return &apiDaemon{sock: sock, fallback: cliDaemon{"docker"}}
	}
	return cliDaemon{"docker"}
}

// localSocket is the unix socket the docker CLI would use, or "" when it would use anything else.
func localSocket(getenv func(string) string) string {
	sock := "/var/run/docker.sock"
	if h := getenv("DOCKER_HOST"); h != "" {
		p, ok := strings.CutPrefix(h, "unix://")
		if !ok {
			return ""
		}
		sock = p
	}
	if c := getenv("DOCKER_CONTEXT"); c != "" && c != "default" {
		return ""
	}
	if getenv("DOCKER_HOST") == "" {
		// A context chosen with `docker context use` (Docker Desktop, rootless, colima) wins over the
		// default socket; DOCKER_HOST wins over it.
		dir := getenv("DOCKER_CONFIG")
		if dir == "" {
			home := getenv("HOME")
			if home == "" {
				return ""
			}
			dir = filepath.Join(home, ".docker")
		}
		data, err := os.ReadFile(filepath.Join(dir, "config.json"))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return ""
		}
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		if len(data) > 0 && json.Unmarshal(data, &cfg) != nil {
			return ""
		}
		if cfg.CurrentContext != "" && cfg.CurrentContext != "default" {
			return ""
		}
	}
	if st, err := os.Stat(sock); err != nil || st.Mode().Type() != fs.ModeSocket {
		return ""
	}
	return sock
}

// cliDaemon runs the docker command.
type cliDaemon struct{ docker string }

func (d cliDaemon) layers(ctx context.Context, names []string) [][]v1.Hash {
	return daemonLayers(ctx, d.docker, names)
}

func (d cliDaemon) load(ctx context.Context, out io.Writer, write func(io.Writer) error) error {
	return dockerLoad(ctx, d.docker, out, write)
}

// apiDaemon talks HTTP to the Engine API on a unix socket. When the socket does not answer the first
// request, it uses the CLI instead for everything.
type apiDaemon struct {
	sock     string
	fallback cliDaemon
	client   *http.Client
	useCLI   bool
}

func (d *apiDaemon) http() *http.Client {
	if d.client == nil {
		d.client = &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var dialer net.Dialer
				return dialer.DialContext(ctx, "unix", d.sock)
			},
		}}
	}
	return d.client
}

func (d *apiDaemon) layers(ctx context.Context, names []string) [][]v1.Hash {
	var all [][]v1.Hash
	for _, n := range names {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/images/"+n+"/json", nil)
		if err != nil {
			continue
		}
		resp, err := d.http().Do(req)
		if err != nil {
			d.useCLI = true
			return d.fallback.layers(ctx, names)
		}
		var img struct {
			RootFS struct{ Layers []string }
		}
		err = json.NewDecoder(resp.Body).Decode(&img)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			continue // not there (404), or an answer this cannot read: load sends those layers
		}
		if hs := parseDiffIDs(img.RootFS.Layers); hs != nil {
			all = append(all, hs)
		}
	}
	return all
}

func (d *apiDaemon) load(ctx context.Context, out io.Writer, write func(io.Writer) error) error {
	if d.useCLI {
		return d.fallback.load(ctx, out, write)
	}
	pr, pw := io.Pipe()
	written := make(chan error, 1)
	go func() {
		err := write(pw)
		pw.CloseWithError(err)
		written <- err
	}()
	err := d.post(ctx, pr, out)
	pr.CloseWithError(errors.New("docker load ended")) // unblocks the writer if the daemon stopped reading
	writeErr := <-written
	if err != nil {
		return fmt.Errorf("docker load (Engine API on %s): %w", d.sock, err)
	}
	if writeErr != nil {
		return fmt.Errorf("docker load: write image: %w", writeErr)
	}
	return nil
}

// post sends the archive to POST /images/load and copies the "Loaded image" lines to out, as the CLI does.
func (d *apiDaemon) post(ctx context.Context, body io.Reader, out io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://docker/images/load?quiet=1", body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-tar")
	resp, err := d.http().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Message string }
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(data, &e) != nil || e.Message == "" {
			e.Message = strings.TrimSpace(string(data))
		}
		return fmt.Errorf("%s: %s", resp.Status, e.Message)
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var m struct {
			Stream      string
			Error       string
			ErrorDetail *struct{ Message string }
		}
		if err := dec.Decode(&m); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("read the daemon's answer: %w", err)
		}
		if m.ErrorDetail != nil || m.Error != "" {
			msg := m.Error
			if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
				msg = m.ErrorDetail.Message
			}
			return errors.New(msg)
		}
		if _, err := io.WriteString(out, m.Stream); err != nil {
			return err
		}
	}
}

// parseDiffIDs is ids as hashes, nil when one does not parse.
func parseDiffIDs(ids []string) []v1.Hash {
	var hs []v1.Hash
	for _, id := range ids {
		h, err := v1.NewHash(id)
		if err != nil {
			return nil
		}
		hs = append(hs, h)
	}
	return hs
}
