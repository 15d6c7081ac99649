package kube

import (
	"bytes"
	"path"
	"strings"
	"testing"
)

const digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func overlayFile(t *testing.T, files []File, overlay string) *File {
	t.Helper()
	for i := range files {
		if files[i].Path == path.Join(Dir, "overlays", overlay, "kustomization.yaml") {
			return &files[i]
		}
	}
	t.Fatalf("no kustomization.yaml for %s", overlay)
	return nil
}

// TestSetImage: after SetImage, every container of the app runs the pushed digest and the
// migrations Job is named after it; nothing else in the file changed.
func TestSetImage(t *testing.T) {
	files, err := Generate(planOf(t, "requirements-celery"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := overlayFile(t, files, "staging")
	before := f.Data
	ref := "registry.example.com/shop:v2@" + digest
	if f.Data, err = SetImage(f.Data, ref); err != nil {
		t.Fatal(err)
	}
	outside := func(b []byte) string {
		s := string(b)
		return s[:strings.Index(s, releaseBegin)] + s[strings.Index(s, releaseEnd):]
	}
	if outside(before) != outside(f.Data) {
		t.Errorf("SetImage changed more than the release block:\n%s", f.Data)
	}
	objs, _ := build(t, files, "staging")
	want := "registry.example.com/shop@" + digest
	for name, p := range objs.pods() {
		if strings.HasPrefix(name, "StatefulSet/") {
			continue
		}
		for _, c := range append(p.Spec.InitContainers, p.Spec.Containers...) {
			if c.Image != want {
				t.Errorf("%s/%s runs %s, want %s", name, c.Name, c.Image, want)
			}
		}
	}
	if len(objs.jobs) != 1 || objs.jobs[0].Name != "migrate-0123456789ab" {
		t.Errorf("the migrations Job is not named for the release: %v", objs.jobs[0].Name)
	}
	// Setting it again gives the same file: a re-run of build --push changes nothing.
	again, err := SetImage(f.Data, ref)
	if err != nil || !bytes.Equal(again, f.Data) {
		t.Errorf("SetImage is not idempotent: %v", err)
	}
}

func TestSetImageErrors(t *testing.T) {
	files, err := Generate(planOf(t, "library"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := overlayFile(t, files, "production").Data
	for _, ref := range []string{"shop", "shop@sha256:abc", "@" + digest, "registry:5000/shop", "shop:"} {
		if _, err := SetImage(data, ref); err == nil {
			t.Errorf("SetImage(%q) accepted", ref)
		}
	}
	if _, err := SetImage([]byte("images: []\n"), "shop:v1"); err == nil || !strings.Contains(err.Error(), "containerize:release") {
		t.Errorf("a file without the block: %v", err)
	}
	for ref, id := range map[string]string{"registry:5000/shop:V1.2_rc": "v1-2-rc", "shop@" + digest: "0123456789ab"} {
		r, err := parseRelease(ref)
		if err != nil || r.ID != id {
			t.Errorf("parseRelease(%q) = %+v, %v; want ID %s", ref, r, err, id)
		}
	}
}

// TestReapply: a settings change re-applied with the same release leaves the migrations
// Job as it was (its pod template cannot change) while the Deployments roll.
func TestReapply(t *testing.T) {
	files, err := Generate(planOf(t, "requirements-celery"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, _ := build(t, files, "staging")
	for i := range files {
		if strings.HasSuffix(files[i].Path, "base/config.env") {
			files[i].Data = append(files[i].Data, []byte("NEW_SETTING=1\n")...)
		}
	}
	second, _ := build(t, files, "staging")
	if !equalYAML(t, first.jobs[0], second.jobs[0]) {
		t.Error("a settings change changed the migrations Job: re-applying it would fail (field is immutable)")
	}
	if equalYAML(t, first.deployment(t, "web").Spec.Template, second.deployment(t, "web").Spec.Template) {
		t.Error("a settings change does not roll web")
	}
}

func TestObjectName(t *testing.T) {
	for in, want := range map[string]string{"release_worker": "release-worker", "chat_project": "chat-project", "__": "app", "Beat": "beat"} {
		if got := ObjectName(in); got != want {
			t.Errorf("ObjectName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := dnsLabel(strings.Repeat("a", 70), 52); len(got) != 52 {
		t.Errorf("dnsLabel kept %d characters", len(got))
	}
}

// TestKeepRelease: init run again keeps the release build --push wrote, and only that.
func TestKeepRelease(t *testing.T) {
	files, err := Generate(planOf(t, "library"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	fresh := overlayFile(t, files, "staging").Data
	pushed, err := SetImage(fresh, "registry.example.com/library@"+digest)
	if err != nil {
		t.Fatal(err)
	}
	if got := KeepRelease(fresh, pushed); !bytes.Equal(got, pushed) {
		t.Errorf("KeepRelease lost the release:\n%s", got)
	}
	if got := KeepRelease(fresh, []byte("hand-written\n")); !bytes.Equal(got, fresh) {
		t.Error("KeepRelease took something from a file without the block")
	}
}
