package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/containerize/containerize/pep"
)

// requiresDist turns an egg-info requires.txt into Requires-Dist values and the extras it
// declares. Sections are "[extra]", "[:marker]" or "[extra:marker]" (setuptools' format).
func requiresDist(requires string) (reqs, extras []string) {
	extra, marker := "", ""
	seenExtra := map[string]bool{}
	for line := range strings.SplitSeq(requires, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			extra, marker, _ = strings.Cut(line[1:len(line)-1], ":")
			extra, marker = strings.TrimSpace(extra), strings.TrimSpace(marker)
			if extra != "" && !seenExtra[extra] {
				seenExtra[extra] = true
				extras = append(extras, extra)
			}
			continue
		}
		req, own, _ := strings.Cut(line, ";")
		req, own = strings.TrimSpace(req), strings.TrimSpace(own)
		var conds []string
		for _, m := range []string{own, marker} {
			if m != "" {
				conds = append(conds, m)
			}
		}
		if extra != "" {
			conds = append(conds, fmt.Sprintf("extra == %q", extra))
		}
		switch len(conds) {
		case 0:
		case 1:
			req += "; " + conds[0]
		default:
			for i, c := range conds[:len(conds)-1] {
				conds[i] = "(" + c + ")"
			}
			req += "; " + strings.Join(conds, " and ")
		}
		reqs = append(reqs, req)
	}
	return reqs, extras
}

// unconditional reports whether any requirement applies without an extra or marker.
func unconditional(reqs []string) bool {
	for _, r := range reqs {
		if !strings.Contains(r, ";") {
			return true
		}
	}
	return false
}

// debianRequirements rebuilds a distribution's runtime requirements from its Debian
// package's Depends. Debian strips install_requires from many egg-infos (Django's names no
// asgiref, pipenv's no virtualenv), yet its Depends lists the python3-* packages that carry
// them. Each installed python3-* dependency maps to the distributions it owns (byPkg).
func debianRequirements(d *dist, db *dpkgDB, byPkg map[string][]string) (reqs, missing []string) {
	seen := map[string]bool{pep.NormalizeName(d.name): true}
	for _, alts := range splitDeps(db.depends[d.pkg]) {
		for _, alt := range alts {
			pkg, ok := db.installed(alt)
			if !ok {
				if strings.HasPrefix(alt, "python3-") && len(alts) == 1 {
					missing = append(missing, alt)
				}
				continue
			}
			names := byPkg[pkg]
			if len(names) == 0 {
				if strings.HasPrefix(pkg, "python3-") {
					continue // python3-distutils and the like: part of the stand-in's Python
				}
				break // "python3-foo | python3 (>> 3.8)": the interpreter satisfies it
			}
			for _, n := range names {
				if nn := pep.NormalizeName(n); !seen[nn] {
					seen[nn] = true
					reqs = append(reqs, n)
				}
			}
			break
		}
	}
	sort.Strings(reqs)
	return reqs, missing
}
