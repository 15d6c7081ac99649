package unpack

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/containerize/containerize/image/layer"
)

// alternative is one `update-alternatives --install LINK NAME PATH PRIORITY [--slave LINK NAME PATH]…`.
type alternative struct {
	pkg, link, name, path string
	priority              int
	slaves                [][3]string // link, name, path
}

// Alternatives redoes the update-alternatives calls of pkgs' postinst scripts, as a fresh install in auto
// mode would: for each alternative name the highest priority wins (the first package on a tie), giving
// the symlinks LINK → /etc/alternatives/NAME → PATH (and the same for its slaves) and dpkg's
// /var/lib/dpkg/alternatives/NAME record. libblas3 and liblapack3, which GDAL pulls in, are found by the
// dynamic linker only through these links. Names the base already has in /etc/alternatives (base, rooted
// at /) are left as the base has them. Calls whose arguments use shell variables cannot be read and are
// reported in notes.
func Alternatives(pkgs []Unpacked, base fs.FS) (entries []layer.Entry, notes []string) {
	best := map[string]alternative{}
	var names []string
	for _, u := range pkgs {
		alts, skipped := parseAlternatives(u.Package, u.Scripts["postinst"])
		notes = append(notes, skipped...)
		for _, a := range alts {
			if _, err := fs.Stat(base, "etc/alternatives/"+a.name); err == nil {
				notes = append(notes, fmt.Sprintf("%s: the base already has the alternative %s; kept as it is", u.Package, a.name))
				continue
			}
			cur, ok := best[a.name]
			if !ok {
				names = append(names, a.name)
			}
			if !ok || a.priority > cur.priority {
				best[a.name] = a
			}
		}
	}
	sort.Strings(names)
	link := func(from, to string) {
		entries = append(entries, layer.Entry{Path: from, Mode: fs.ModeSymlink | 0o777, Link: to})
	}
	for _, n := range names {
		a := best[n]
		link(a.link, "/etc/alternatives/"+a.name)
		link("/etc/alternatives/"+a.name, a.path)
		var rec strings.Builder
		rec.WriteString("auto\n" + a.link + "\n")
		for _, s := range a.slaves {
			link(s[0], "/etc/alternatives/"+s[1])
			link("/etc/alternatives/"+s[1], s[2])
			rec.WriteString(s[1] + "\n" + s[0] + "\n")
		}
		rec.WriteString("\n" + a.path + "\n" + strconv.Itoa(a.priority) + "\n")
		for _, s := range a.slaves {
			rec.WriteString(s[2] + "\n")
		}
		rec.WriteString("\n")
		entries = append(entries, layer.Entry{Path: "/var/lib/dpkg/alternatives/" + a.name, Mode: 0o644, Data: []byte(rec.String())})
	}
	return entries, notes
}

// parseAlternatives finds the update-alternatives --install calls in a postinst script. Backslash-newline
// continuations are joined; a call with a shell expansion in it is reported, not guessed.
func parseAlternatives(pkg, script string) (alts []alternative, skipped []string) {
	script = strings.ReplaceAll(script, "\\\n", " ")
	for _, line := range strings.Split(script, "\n") {
		f := strings.Fields(line)
		i := indexOf(f, "--install")
		if i < 0 || !slices.ContainsFunc(f[:i], func(w string) bool { return path.Base(w) == "update-alternatives" }) {
			continue
		}
		args := f[i+1:]
		for j, a := range args {
			if a == ";" || a == "||" || a == "&&" || a == "|" {
				args = args[:j]
				break
			}
		}
		if strings.ContainsAny(strings.Join(args, " "), "$`") || len(args) < 4 {
			skipped = append(skipped, fmt.Sprintf("%s: postinst's `%s` was not run (it cannot be read without a shell)", pkg, strings.TrimSpace(line)))
			continue
		}
		for j, a := range args {
			args[j] = strings.Trim(a, `"'`)
		}
		prio, err := strconv.Atoi(args[3])
		if err != nil || !path.IsAbs(args[0]) || !path.IsAbs(args[2]) {
			skipped = append(skipped, fmt.Sprintf("%s: postinst's `%s` was not understood and not run", pkg, strings.TrimSpace(line)))
			continue
		}
		a := alternative{pkg: pkg, link: args[0], name: args[1], path: args[2], priority: prio}
		rest := args[4:]
		for len(rest) >= 4 && rest[0] == "--slave" {
			a.slaves = append(a.slaves, [3]string{rest[1], rest[2], rest[3]})
			rest = rest[4:]
		}
		if len(rest) > 0 {
			skipped = append(skipped, fmt.Sprintf("%s: postinst's `%s` has arguments not understood; only its main link was made", pkg, strings.TrimSpace(line)))
		}
		alts = append(alts, a)
	}
	return alts, skipped
}

func indexOf(f []string, s string) int {
	for i, v := range f {
		if v == s {
			return i
		}
	}
	return -1
}
