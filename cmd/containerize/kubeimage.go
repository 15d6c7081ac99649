package main

import (
	"fmt"
	"path"
	"strings"

	"github.com/containerize/containerize/kube"
	"github.com/containerize/containerize/safewrite"
)

// kubeOverlayFile is the kustomization.yaml of an overlay of deploy/kubernetes.
func kubeOverlayFile(overlay string) string {
	return path.Join(kube.Dir, "overlays", overlay, "kustomization.yaml")
}

// checkKubeOverlays fails, before anything is built, when an overlay --kubernetes-overlay
// names has no kustomization.yaml to write the digest into.
func checkKubeOverlays(dir string, overlays []string) error {
	for _, o := range overlays {
		p := kubeOverlayFile(o)
		if _, ok, err := safewrite.Read(dir, p); err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		} else if !ok {
			return fmt.Errorf("--kubernetes-overlay %s: %s does not exist; write deploy/kubernetes first (containerize init --kubernetes) or name one of its overlays (%s)", o, p, strings.Join(kube.Overlays, ", "))
		}
	}
	return nil
}

// setKubeImage points each overlay at the pushed image by digest (ref is
// REPOSITORY@sha256:…) and names its migrations Job after it, so what runs is exactly what
// was built and the release migrates once.
func setKubeImage(io *IO, dir string, overlays []string, ref string) error {
	unlock, err := lockProject(io, dir, writeFlags{})
	if err != nil {
		return err
	}
	defer unlock()
	var files []safewrite.File
	for _, o := range overlays {
		p := kubeOverlayFile(o)
		data, ok, err := safewrite.Read(dir, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p, err)
		}
		if !ok {
			return fmt.Errorf("%s disappeared during the build; the image is pushed as %s: run containerize init --kubernetes and set it there", p, ref)
		}
		out, err := kube.SetImage(data, ref)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		files = append(files, safewrite.File{Path: p, Data: out, NoBackup: true})
	}
	changes, err := safewrite.Plan(dir, files)
	if err != nil {
		return err
	}
	if _, err := safewrite.Apply(dir, changes, safewrite.Options{Force: true, Log: io.ErrOut}); err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(io.ErrOut, "%s: runs %s (kubectl apply -k %s)\n", f.Path, ref, path.Dir(f.Path))
	}
	return nil
}

// pushedRef is the pushed reference by digest: the repository of --push (its tag dropped:
// the digest alone says what runs) and the digest.
func pushedRef(push, digest string) string {
	if i := strings.LastIndex(push, "@"); i >= 0 {
		push = push[:i]
	}
	if i := strings.LastIndex(push, ":"); i > strings.LastIndex(push, "/") {
		push = push[:i]
	}
	return push + "@" + digest
}
