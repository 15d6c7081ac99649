// Command imagetar writes a one-layer image holding one static program as an image tarball
// that `ctr images import` reads: the e2e cluster's pause image (e2e/kube/cluster.sh), which
// cannot be pulled from a registry here.
//
//	imagetar -file PROGRAM -path /pause -ref registry.k8s.io/pause:3.10 -out pause.tar
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	file := flag.String("file", "", "the program to put in the image")
	path := flag.String("path", "/pause", "its path in the image, also the entry point")
	ref := flag.String("ref", "", "the image reference to tag the tarball with")
	out := flag.String("out", "", "the image tarball to write")
	flag.Parse()
	if *file == "" || *ref == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: imagetar -file PROGRAM -path /pause -ref NAME:TAG -out IMAGE.tar")
		os.Exit(2)
	}
	if err := run(*file, *path, *ref, *out); err != nil {
		fmt.Fprintln(os.Stderr, "imagetar:", err)
		os.Exit(1)
	}
}

func run(file, path, ref, out string) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("-ref %q is not an image tag: %w", ref, err)
	}
	prog, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("reading the program for the image: %w", err)
	}
	// The layer in memory: the program is a few MB, and the tarball is written once.
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: path[1:], Mode: 0o755, Size: int64(len(prog)), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(prog); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(buf.Bytes())), nil
	})
	if err != nil {
		return fmt.Errorf("making the image layer of %s: %w", file, err)
	}
	// The config first (it carries no layers yet), then the layer, which adds its diff ID.
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{
		Architecture: runtime.GOARCH,
		OS:           "linux",
		Config:       v1.Config{Entrypoint: []string{path}, User: "65535:65535"},
		RootFS:       v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return err
	}
	img, err = mutate.AppendLayers(img, layer)
	if err != nil {
		return err
	}
	if err := tarball.WriteToFile(out, tag, img); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}
