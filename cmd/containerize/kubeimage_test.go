package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/kube"
	"github.com/containerize/containerize/wizard"
)

func TestPushedRef(t *testing.T) {
	const d = "sha256:0123"
	for in, want := range map[string]string{
		"registry.example.com/team/app:1.4": "registry.example.com/team/app@" + d,
		"localhost:5000/app":                "localhost:5000/app@" + d,
		"app@sha256:ffff":                   "app@" + d,
	} {
		if got := pushedRef(in, d); got != want {
			t.Errorf("pushedRef(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSetKubeImage: build --push --kubernetes-overlay staging rewrites the staging overlay's
// release block only; a missing overlay fails before the build.
func TestSetKubeImage(t *testing.T) {
	dir := t.TempDir()
	pl := samples.Plan(t, samples.Variant{Name: "library", Sample: "library", Flags: wizard.Flags{Yes: true}})
	files, err := kube.Generate(pl, kube.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := checkKubeOverlays(dir, []string{"staging", "qa"}); err == nil || !strings.Contains(err.Error(), "overlays/qa/kustomization.yaml does not exist") {
		t.Errorf("a missing overlay: %v", err)
	}
	digest := "sha256:" + strings.Repeat("0a", 32)
	var errOut bytes.Buffer
	if err := setKubeImage(&IO{ErrOut: &errOut}, dir, []string{"staging"}, "registry.example.com/library@"+digest); err != nil {
		t.Fatal(err)
	}
	staging, _ := os.ReadFile(filepath.Join(dir, kube.Dir, "overlays/staging/kustomization.yaml"))
	production, _ := os.ReadFile(filepath.Join(dir, kube.Dir, "overlays/production/kustomization.yaml"))
	if !strings.Contains(string(staging), "digest: "+digest) || !strings.Contains(string(staging), "value: migrate-0a0a0a0a0a0a") {
		t.Errorf("staging:\n%s", staging)
	}
	if strings.Contains(string(production), digest) {
		t.Error("production changed too")
	}
	if _, err := os.Stat(filepath.Join(dir, kube.Dir, "overlays/staging/kustomization.yaml.bak")); err == nil {
		t.Error("a backup of containerize's own block")
	}
	if !strings.Contains(errOut.String(), "kubectl apply -k deploy/kubernetes/overlays/staging") {
		t.Errorf("said: %q", errOut.String())
	}
}
