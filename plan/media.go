package plan

import (
	"fmt"
	"path"
	"strings"
)

// mediaVolume is the named volume uploaded files are kept in.
const mediaVolume = "media"

// media keeps MEDIA_ROOT in a named volume shared by web and every worker (a worker may
// write a thumbnail web serves), unless the default storage keeps uploads elsewhere; the
// notes say how media is served in production.
func media(f *facts, s *Compose, rt *Runtime) []string {
	d := f.d
	if d.Tasks.RemoteMedia() {
		return []string{fmt.Sprintf("uploaded files go to %s (%s), not to the container's disk: no media volume is needed; the storage's credentials belong in .env", d.Tasks.MediaStorage, d.Tasks.MediaStorageSource)}
	}
	if d.MediaRoot == "" || strings.Contains(d.MediaRoot, "/") {
		if d.MediaRootSource != "" || f.has("pillow") {
			return []string{"MEDIA_ROOT could not be read, so uploaded files are kept in the container and lost when it is recreated: mount a volume where MEDIA_ROOT points"}
		}
		return nil
	}
	// code() made the folder the app user owns, so a new volume starts writable by it.
	dir := path.Join(rt.WorkDir, d.MediaRoot)
	s.Media, s.MediaDir = mediaVolume, dir
	s.AppVolumes = append(s.AppVolumes, mediaVolume+":"+dir)
	s.Volumes = append(s.Volumes, mediaVolume)
	return []string{fmt.Sprintf("MEDIA_ROOT (%s) is the %s volume at %s, shared by web and the workers; with DEBUG off Django does not serve it (nor does whitenoise): serve %s from a reverse proxy in front of web, or keep uploads in object storage with django-storages", d.MediaRootSource, mediaVolume, dir, dir)}
}
