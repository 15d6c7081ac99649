package resolve

import (
	"path"
	"sort"
	"strings"
)

// ControlMembers is what a .deb's control.tar holds, as another package
// reads it: the member names (e.g. "./postinst", "./triggers",
// "./md5sums") and, where available, the contents of the maintainer
// scripts and the triggers file keyed by base name ("postinst").
type ControlMembers struct {
	Package  string
	Members  []string
	Contents map[string]string
}

// ScriptKind classifies what a maintainer script or trigger would do.
type ScriptKind string

const (
	// KindLdconfig: the package ships shared libraries in the default
	// paths; /etc/ld.so.cache should be regenerated (or the default
	// paths relied on).
	KindLdconfig ScriptKind = "ldconfig"
	// KindAlternatives: update-alternatives symlinks to create.
	KindAlternatives ScriptKind = "alternatives"
	// KindNotRun: work that is not understood and will not be run.
	KindNotRun ScriptKind = "not-run"
)

// ScriptAction is one thing a package's scripts would do at install time.
type ScriptAction struct {
	Kind ScriptKind
	// Script is the control member it comes from: preinst, postinst or
	// triggers.
	Script string
	Text   string
}

// ScriptReport says which maintainer scripts a package has and what they
// would do. Maintainer scripts are never run.
type ScriptReport struct {
	Package string
	// Scripts are the preinst, postinst and triggers members present,
	// sorted.
	Scripts []string
	Actions []ScriptAction
}

// Texts for the common kinds.
const (
	ldconfigText     = "libraries in default paths; ld.so.cache to be regenerated"
	alternativesText = "alternatives symlinks"
)

// ReportScripts looks at each package's control members and reports the
// ones with a preinst, postinst or triggers member (packages with none are
// left out), sorted by package. It is a pure function of its input: an
// ldconfig trigger (or an ldconfig call) is "libraries in default paths;
// ld.so.cache to be regenerated", an update-alternatives call is
// "alternatives symlinks", and anything else, or a script whose contents
// were not given, is "not run: <script>".
func ReportScripts(pkgs []ControlMembers) []ScriptReport {
	var out []ScriptReport
	for _, p := range pkgs {
		rep := ScriptReport{Package: p.Package}
		for _, m := range p.Members {
			switch b := path.Base(m); b {
			case "preinst", "postinst", "triggers":
				rep.Scripts = append(rep.Scripts, b)
			}
		}
		if len(rep.Scripts) == 0 {
			continue
		}
		sort.Strings(rep.Scripts)
		rep.Scripts = dedup(rep.Scripts)
		for _, s := range rep.Scripts {
			content, ok := p.Contents[s]
			if !ok {
				rep.Actions = append(rep.Actions, ScriptAction{Kind: KindNotRun, Script: s, Text: "not run: " + s})
				continue
			}
			rep.Actions = append(rep.Actions, classify(s, content)...)
		}
		out = append(out, rep)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Package < out[j].Package })
	return out
}

func dedup(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// classify reads one script or triggers file.
func classify(script, content string) []ScriptAction {
	var ldconfig, alternatives, other bool
	content = strings.ReplaceAll(content, "\\\n", " ") // continued lines are one command
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "#"); i >= 0 && !strings.HasPrefix(line, "#!") {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || strings.HasPrefix(line, "#!") {
			continue
		}
		if script == "triggers" {
			// "activate-noawait ldconfig", "interest-noawait /usr/lib/…"
			f := strings.Fields(line)
			if len(f) == 2 && strings.HasPrefix(f[0], "activate") && f[1] == "ldconfig" {
				ldconfig = true
			} else {
				other = true
			}
			continue
		}
		switch {
		case strings.Contains(line, "update-alternatives"):
			alternatives = true
		case line == "ldconfig" || strings.HasPrefix(line, "ldconfig ") || strings.Contains(line, "/sbin/ldconfig"):
			ldconfig = true
		case boilerplate(line):
		default:
			other = true
		}
	}
	var out []ScriptAction
	if ldconfig {
		out = append(out, ScriptAction{Kind: KindLdconfig, Script: script, Text: ldconfigText})
	}
	if alternatives {
		out = append(out, ScriptAction{Kind: KindAlternatives, Script: script, Text: alternativesText})
	}
	if other {
		out = append(out, ScriptAction{Kind: KindNotRun, Script: script, Text: "not run: " + script})
	}
	return out
}

// boilerplate is shell control flow debhelper wraps its snippets in.
func boilerplate(line string) bool {
	switch line {
	case "set -e", "fi", "esac", ";;", "exit 0", "then", "else", "done", "}", "{":
		return true
	}
	for _, p := range []string{"if ", "elif ", "case ", "set -", "exit "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	// case labels like `configure)` or `abort-upgrade|abort-remove)`.
	if strings.HasSuffix(line, ")") && !strings.ContainsAny(line, " ($") {
		return true
	}
	return false
}
