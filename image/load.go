package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/containerize/containerize/image/base"
)

// loadedBefore names the images the daemon may already hold layers of: the previous image of this tag (a
// rebuild shares all but its last layers with it) and the base, when it is a registry reference.
func (o *Options) loadedBefore(tag name.Tag) []string {
	names := []string{tag.String()}
	if ref := o.baseRef(); !strings.HasPrefix(ref, base.OCIPrefix) && !strings.HasPrefix(ref, base.DockerPrefix) {
		names = append(names, ref)
	}
	return names
}

// load puts the image into the local Docker daemon with `docker load`, which prints what it loaded to out.
//
// A docker archive must name every layer, but the daemon (its classic layer store) reads a layer's bytes
// only when it lacks that layer: so when it already has the image's first layers (the base, and on a
// rebuild the dependency layer too, asked with `docker image inspect` of the images in known), those bytes
// are left out and only the rest is streamed. A daemon that insists on every layer (the containerd image
// store) refuses that archive, and then gets the whole image.
//
// With no docker command named, the daemon is reached the way the docker CLI would reach it, through its
// Engine API when that is the local socket (see newDaemon).
func load(ctx context.Context, docker string, tag name.Tag, a artifact, known []string, out io.Writer, logf func(string, ...any)) error {
	img, err := a.single("docker load")
	if err != nil {
		return err
	}
	d := newDaemon(docker, os.Getenv)
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	skip := 0
	for _, have := range d.layers(ctx, known) {
		skip = max(skip, commonPrefix(cf.RootFS.DiffIDs, have))
	}
	if skip > 0 {
		var buf bytes.Buffer
		err := d.load(ctx, &buf, func(w io.Writer) error { return writeDockerArchive(w, tag, img, skip) })
		if err == nil {
			_, err = out.Write(buf.Bytes())
			return err
		}
		logf("docker load without the %d layers the daemon has failed (%v); sending the whole image", skip, err)
	}
	return d.load(ctx, out, func(w io.Writer) error { return tarball.Write(tag, img, w) })
}

// daemonLayers returns the layer diff IDs of each of names that the daemon has; nothing when it has none or
// cannot say.
func daemonLayers(ctx context.Context, docker string, names []string) [][]v1.Hash {
	cmd := exec.CommandContext(ctx, docker, append([]string{"image", "inspect", "--format", "{{json .RootFS.Layers}}"}, names...)...)
	// Missing images make it fail, after it printed the others: the exit status says nothing useful.
	stdout, _ := cmd.Output()
	var all [][]v1.Hash
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	for sc.Scan() {
		var ids []string
		if json.Unmarshal(sc.Bytes(), &ids) != nil {
			continue
		}
		all = append(all, parseDiffIDs(ids))
	}
	return all
}

func commonPrefix(a, b []v1.Hash) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// writeDockerArchive writes img as a `docker load` tarball tagged tag (the layout of tarball.Write), without
// the bytes of its first skip layers: manifest.json still lists them.
func writeDockerArchive(w io.Writer, tag name.Tag, img v1.Image, skip int) error {
	cfgName, err := img.ConfigName()
	if err != nil {
		return err
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	tw := tar.NewWriter(w)
	file := func(name string, size int64, r io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Size: size, Mode: 0o644, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		return err
	}
	var names []string
	for i, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		names = append(names, d.Hex+".tar.gz")
		if i < skip {
			continue
		}
		size, err := l.Size()
		if err != nil {
			return err
		}
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		err = file(names[i], size, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("layer %s: %w", d, err)
		}
	}
	if err := file(cfgName.String(), int64(len(cfg)), bytes.NewReader(cfg)); err != nil {
		return err
	}
	manifest, err := json.Marshal([]struct {
		Config   string
		RepoTags []string
		Layers   []string
	}{{cfgName.String(), []string{tag.String()}, names}})
	if err != nil {
		return err
	}
	if err := file("manifest.json", int64(len(manifest)), bytes.NewReader(manifest)); err != nil {
		return err
	}
	return tw.Close()
}

// dockerLoad runs `docker load` with what write writes as its input; docker's output goes to out.
func dockerLoad(ctx context.Context, docker string, out io.Writer, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, docker, "load")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pr, out, &stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("docker load: %w (is Docker installed? write a file with --output docker,dest=FILE instead)", err)
	}
	written := make(chan error, 1)
	go func() {
		err := write(pw)
		pw.CloseWithError(err)
		written <- err
	}()
	waitErr := cmd.Wait()
	pr.CloseWithError(errors.New("docker load exited")) // unblocks the writer if docker stopped reading
	writeErr := <-written
	if waitErr != nil {
		return fmt.Errorf("docker load: %w: %s", waitErr, strings.TrimSpace(stderr.String()))
	}
	if writeErr != nil {
		return fmt.Errorf("docker load: write image: %w", writeErr)
	}
	return nil
}
