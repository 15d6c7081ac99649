package image

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/image/layer"
	"github.com/containerize/containerize/plan"
)

// userEntries adds the app user and group to the base's /etc/passwd and /etc/group, as the Dockerfile's
// groupadd and useradd do (home /app, no login shell), and creates the folders the app owns.
func userEntries(b *base.Base, rt *plan.Runtime) ([]layer.Entry, error) {
	passwdLine := fmt.Sprintf("%s:x:%d:%d::/app:/usr/sbin/nologin", rt.UserName, rt.UID, rt.GID)
	groupLine := fmt.Sprintf("%s:x:%d:", rt.UserName, rt.GID)
	passwd, err := addLine("/etc/passwd", b.Passwd, rt.UserName, rt.UID, passwdLine, 2)
	if err != nil {
		return nil, err
	}
	group, err := addLine("/etc/group", b.Group, rt.UserName, rt.GID, groupLine, 2)
	if err != nil {
		return nil, err
	}
	entries := []layer.Entry{
		{Path: "/etc", Mode: fs.ModeDir | 0o755},
		{Path: "/etc/passwd", Mode: 0o644, Data: passwd},
		{Path: "/etc/group", Mode: 0o644, Data: group},
	}
	for _, d := range rt.OwnedDirs {
		entries = append(entries, layer.Entry{Path: d, Mode: fs.ModeDir | 0o755, UID: rt.UID, GID: rt.GID})
	}
	return entries, nil
}

// addLine appends line to an /etc/passwd or /etc/group file unless an entry for name with id already exists.
// The name or the id taken by another entry is an error, as it is for useradd and groupadd.
func addLine(file string, content []byte, name string, id int, line string, idField int) ([]byte, error) {
	text := string(content)
	for i, l := range strings.Split(text, "\n") {
		fields := strings.Split(l, ":")
		if len(fields) <= idField {
			continue
		}
		sameName, sameID := fields[0] == name, fields[idField] == strconv.Itoa(id)
		switch {
		case sameName && sameID:
			return content, nil
		case sameName:
			return nil, fmt.Errorf("base image %s:%d: %q has id %s, not %d: use a base without that entry", file, i+1, name, fields[idField], id)
		case sameID:
			return nil, fmt.Errorf("base image %s:%d: id %d belongs to %q already: use a base where %d is free", file, i+1, id, fields[0], id)
		}
	}
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return []byte(text + line + "\n"), nil
}

// checkSymlinks refuses layers that would put a directory where the base has a symlink (/bin on usr-merged
// Debian): the directory would replace the link and break the base.
func checkSymlinks(b *base.Base, entries []layer.Entry) error {
	links := map[string]bool{}
	for _, s := range b.Symlinks {
		links[s] = true
	}
	for _, e := range entries {
		top := "/" + strings.SplitN(strings.TrimPrefix(e.Path, "/"), "/", 2)[0]
		if links[top] {
			return fmt.Errorf("%s is a symlink in the base image; the image cannot put %s below it", top, path.Clean(e.Path))
		}
	}
	return nil
}
