package workflow

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/containerize/containerize/internal/samples"
	"github.com/containerize/containerize/kube"
	"github.com/containerize/containerize/safewrite"
)

// TestPrepareInitKubernetes: --kubernetes adds deploy/kubernetes to the writes; a run after
// build --push set the digest keeps it, and a run without --kubernetes leaves the files
// containerize's own, so a later --kubernetes run updates them without asking.
func TestPrepareInitKubernetes(t *testing.T) {
	dir := samples.Copy(t, "requirements-celery")
	o := yes(dir)
	o.Kubernetes = &kube.Options{Host: "shop.example.com"}
	c, err := PrepareInit(o)
	if err != nil {
		t.Fatal(err)
	}
	staging := kube.Dir + "/overlays/staging/kustomization.yaml"
	for _, p := range []string{kube.Dir + "/base/web.yaml", kube.Dir + "/base/beat.yaml", kube.Dir + "/base/ingress.yaml", staging} {
		if ch, ok := byPath(c)[p]; !ok || ch.Action != safewrite.Create {
			t.Errorf("%s is not created", p)
		}
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), "kubectl apply -k") {
		t.Errorf("notes: %q", c.Notes)
	}
	apply(t, dir, c)

	// build --push wrote the digest.
	file := filepath.Join(dir, filepath.FromSlash(staging))
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pushed, err := kube.SetImage(data, "registry.example.com/shop@sha256:"+strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, pushed, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, k := range []*kube.Options{{Host: "shop.example.com"}, nil} {
		o := yes(dir)
		o.Kubernetes = k
		again, err := PrepareInit(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range again.Changes {
			// The record takes the pushed release in: it is what init leaves there now.
			if ch.Action != safewrite.Unchanged && ch.File.Path != RecordFile {
				t.Errorf("kubernetes %v: %s would %s:\n%s", k != nil, ch.File.Path, ch.Action, ch.Diff)
			}
		}
		apply(t, dir, again)
	}
	// The Ingress host changes: containerize's own files follow without consent.
	o = yes(dir)
	o.Kubernetes = &kube.Options{Host: "www.example.com"}
	c, err = PrepareInit(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.NeedConsent(); err != nil {
		t.Error(err)
	}
	if ch := byPath(c)[kube.Dir+"/base/ingress.yaml"]; ch.Action != safewrite.Update {
		t.Errorf("ingress.yaml: %s", ch.Action)
	}
}
