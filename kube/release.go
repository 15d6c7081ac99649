package kube

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/containerize/containerize/internal/lazy"
)

// The lines around an overlay's release block (templates/kubernetes/release.tmpl).
const (
	releaseBegin = "# containerize:release begin"
	releaseEnd   = "# containerize:release end"
)

var (
	digestRE = lazy.Regexp(`^sha256:[0-9a-f]{64}$`)
	tagRE    = lazy.Regexp(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	idRE     = lazy.Regexp(`[^a-z0-9-]+`)
)

// SetImage points an overlay's kustomization.yaml (its data) at ref, an image pushed as
// REPOSITORY@sha256:DIGEST (or REPOSITORY:TAG), and renames the overlay's migrations Job
// after it: a new release gets a new Job, which runs once; re-applying the same release
// changes nothing. It replaces the block between the release markers and nothing else.
func SetImage(kustomization []byte, ref string) ([]byte, error) {
	r, err := parseRelease(ref)
	if err != nil {
		return nil, err
	}
	begin := bytes.Index(kustomization, []byte(releaseBegin))
	end := bytes.Index(kustomization, []byte(releaseEnd))
	if begin < 0 || end < begin {
		return nil, fmt.Errorf("no %q … %q block: the image cannot be set; run containerize init --kubernetes again, or set images: and the migrations Job's name by hand", releaseBegin, releaseEnd)
	}
	block, err := render("release", "overlays/*/kustomization.yaml", r)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Write(kustomization[:begin])
	out.Write(block)
	out.Write(kustomization[end+len(releaseEnd):])
	return out.Bytes(), nil
}

// parseRelease reads REPOSITORY@sha256:HEX or REPOSITORY:TAG. The Job's name takes the
// digest's first 12 hex digits, or the tag in a DNS label's characters.
func parseRelease(ref string) (release, error) {
	bad := func(why string) (release, error) {
		return release{}, fmt.Errorf("image %q: %s; give REPOSITORY@sha256:DIGEST (as `containerize build --push` prints) or REPOSITORY:TAG", ref, why)
	}
	if repo, digest, ok := strings.Cut(ref, "@"); ok {
		if repo == "" || !digestRE().MatchString(digest) {
			return bad("not a sha256 digest")
		}
		// A tag beside the digest is dropped: the digest alone says what runs.
		if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
			repo = repo[:i]
		}
		return release{Image: repo, Digest: digest, ID: digest[len("sha256:") : len("sha256:")+12]}, nil
	}
	i := strings.LastIndex(ref, ":")
	if i <= strings.LastIndex(ref, "/") {
		return bad("no tag or digest")
	}
	repo, tag := ref[:i], ref[i+1:]
	if repo == "" || !tagRE().MatchString(tag) {
		return bad("not a tag")
	}
	id := strings.Trim(idRE().ReplaceAllString(strings.ToLower(tag), "-"), "-")
	if len(id) > 40 {
		id = strings.TrimRight(id[:40], "-")
	}
	if id == "" {
		return bad("the tag has no letter or digit")
	}
	return release{Image: repo, Tag: tag, ID: id}, nil
}

// KeepRelease is a freshly generated overlay kustomization.yaml with the release block of
// the one already on disk (existing), so running init again keeps what SetImage wrote there;
// generated unchanged when existing has no such block.
func KeepRelease(generated, existing []byte) []byte {
	ob, oe := bytes.Index(existing, []byte(releaseBegin)), bytes.Index(existing, []byte(releaseEnd))
	nb, ne := bytes.Index(generated, []byte(releaseBegin)), bytes.Index(generated, []byte(releaseEnd))
	if ob < 0 || oe < ob || nb < 0 || ne < nb {
		return generated
	}
	return slices.Concat(generated[:nb], existing[ob:oe], generated[ne:])
}
