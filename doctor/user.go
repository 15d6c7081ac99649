package doctor

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/containerize/containerize/generate"
)

// userFindings (host.user): services whose `user:` comes from variables (the development
// services' "${DEV_UID:-1000}:${DEV_GID:-1000}") write files into the mounted project as
// that user. On a native Linux engine ids are shared with the host as they are, so they
// must be the developer's own (container root under a rootless engine); Docker Desktop and
// other VMs map ownership in their file sharing, where the values are harmless.
func userFindings(d *dockerFacts, p *project, h Host, getenv func(string) string) []Finding {
	var svcs []*service
	var vars []string
	for _, s := range p.services {
		if p.active(s) && len(s.userVars) > 0 {
			svcs = append(svcs, s)
			for _, v := range s.userVars {
				if !slices.Contains(vars, v) {
					vars = append(vars, v)
				}
			}
		}
	}
	kind := d.kind(h, getenv)
	if len(svcs) == 0 || kind == engineUnknown {
		return nil
	}
	f := Finding{ID: "host.user", Severity: OK}
	names := strings.Join(vars, ", ")
	switch kind {
	case engineDesktop:
		f.Summary = fmt.Sprintf("Docker Desktop maps file ownership itself: %s are harmless here", names)
		return []Finding{f}
	case engineVM:
		f.Summary = fmt.Sprintf("the engine is not on this machine (%s): its file sharing decides ownership; %s are not compared with yours", d.describe(h, getenv), names)
		return []Finding{f}
	}
	if !generate.Records(h.UID) {
		// Root (or a system without ids): init leaves .env.example's ids, whose files root
		// can edit anyway.
		return nil
	}
	wantUID, wantGID, whose := h.UID, h.GID, fmt.Sprintf("your own (uid %d, gid %d)", h.UID, h.GID)
	if d.rootless() {
		// Under a rootless engine container root is the developer; any other id is one of the
		// subordinate ids of /etc/subuid on the host.
		wantUID, wantGID, whose = 0, 0, "0:0, which a rootless engine maps to you"
	}
	var users []string              // the wrong users, in order
	byUser := map[string][]string{} // user → the services that run as it
	var fix string
	for _, s := range svcs {
		uid, gid, ok := numericUser(s.user)
		if !ok || (uid == wantUID && (gid < 0 || gid == wantGID || !generate.Records(wantGID) && !d.rootless())) {
			continue
		}
		if byUser[s.user] == nil {
			users = append(users, s.user)
		}
		byUser[s.user] = append(byUser[s.user], s.name)
		if fix == "" {
			fix = userFix(s, wantUID, wantGID)
		}
	}
	var wrong []string
	for _, u := range users {
		verb := "runs"
		if len(byUser[u]) > 1 {
			verb = "run"
		}
		wrong = append(wrong, fmt.Sprintf("%s %s as %s", strings.Join(byUser[u], ", "), verb, u))
	}
	if len(wrong) == 0 {
		f.Summary = fmt.Sprintf("the development containers run as %s", whose)
		return []Finding{f}
	}
	f.Severity = Warning
	f.Summary = fmt.Sprintf("files the containers write into the project will not be yours: %s", strings.Join(wrong, "; "))
	f.Detail = fmt.Sprintf("on a native Linux engine the containers' ids are the host's; the user should be %s, so that migrations, new apps and coverage files made in the container belong to you", whose)
	f.Fix = fix
	return []Finding{f}
}

// numericUser reads "UID[:GID]"; gid is -1 when not given.
func numericUser(u string) (uid, gid int, ok bool) {
	a, b, hasGID := strings.Cut(u, ":")
	uid, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, false
	}
	gid = -1
	if hasGID {
		if gid, err = strconv.Atoi(b); err != nil {
			return 0, 0, false
		}
	}
	return uid, gid, true
}

// userFix says which variables to set to what, from how the service's user names them.
func userFix(s *service, uid, gid int) string {
	switch v := s.userVars; {
	case len(v) >= 2:
		return fmt.Sprintf("set %s=%d and %s=%d in .env", v[0], uid, v[1], gid)
	case strings.Contains(s.user, ":"):
		return fmt.Sprintf("set %s=%d:%d in .env", v[0], uid, gid)
	}
	return fmt.Sprintf("set %s=%d in .env", s.userVars[0], uid)
}

// wslFindings (host.wsl): under WSL, a project on the Windows drives (/mnt/c/…) is slow to
// mount and sends no inotify events, so the autoreloading server misses edits.
func wslFindings(dir string, h Host) []Finding {
	if !h.WSL {
		return nil
	}
	f := Finding{ID: "host.wsl", Severity: OK, Summary: "the project is on WSL's Linux file system"}
	if drive, ok := windowsDrive(dir); ok {
		f.Severity = Warning
		f.Summary = fmt.Sprintf("the project is on Windows' %s: drive (%s)", strings.ToUpper(drive), dir)
		f.Detail = "bind mounts from /mnt are much slower, and files changed there send no inotify events into containers, so the autoreloading server misses edits"
		f.Fix = "clone the project into WSL's own file system (e.g. git clone … ~/src/… in the WSL shell) and work there; editors reach it through \\\\wsl$ or their WSL support"
	}
	return []Finding{f}
}

// windowsDrive is the drive letter of a WSL path on a Windows drive ("/mnt/c/src/app").
// WSL is Linux: its paths are slash-separated whatever machine built containerize.
func windowsDrive(dir string) (string, bool) {
	rest, ok := strings.CutPrefix(dir, "/mnt/")
	if !ok {
		return "", false
	}
	drive, _, _ := strings.Cut(rest, "/")
	if len(drive) != 1 || !(drive[0] >= 'a' && drive[0] <= 'z' || drive[0] >= 'A' && drive[0] <= 'Z') {
		return "", false
	}
	return drive, true
}
