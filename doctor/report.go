package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// SchemaVersion is the version of WriteJSON's output. Keys are only ever added within a
// version; a change that removes or renames one increments it.
const SchemaVersion = 1

// WriteText writes the report for people: one line a finding, its severity first, and
// under a warning or a blocking finding what was seen and the fix, indented; then a verdict.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	const indent = "          "
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%-9s %s\n", f.Severity, f.Summary)
		if f.Severity == OK {
			continue
		}
		if f.Detail != "" {
			for _, line := range strings.Split(f.Detail, "\n") {
				b.WriteString(indent + line + "\n")
			}
		}
		if f.Fix != "" {
			b.WriteString(indent + "fix: " + f.Fix + "\n")
		}
	}
	b.WriteString("\n" + r.verdict() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) verdict() string {
	warnings := ""
	switch n := r.Warnings(); n {
	case 0:
	case 1:
		warnings = "1 warning"
	default:
		warnings = fmt.Sprintf("%d warnings", n)
	}
	switch n := r.Blocking(); n {
	case 0:
		if warnings != "" {
			return "Nothing blocks `docker compose up` (" + warnings + ")."
		}
		return "Nothing blocks `docker compose up`."
	case 1:
		return strings.TrimSuffix("1 finding blocks `docker compose up`; "+warnings, "; ") + "."
	default:
		return strings.TrimSuffix(fmt.Sprintf("%d findings block `docker compose up`; %s", n, warnings), "; ") + "."
	}
}

// jsonReport is WriteJSON's document, SchemaVersion 1:
//
//	{
//	  "schema": 1,
//	  "dir": "/abs/project",
//	  "ok": true,          // nothing blocks `docker compose up` (the exit status is 0)
//	  "blocking": 0,       // findings with severity "blocking"
//	  "warnings": 1,       // findings with severity "warning"
//	  "findings": [{"id": "docker.engine", "subject": "", "severity": "ok",
//	                "summary": "…", "detail": "…", "fix": "…"}, …]
//	}
//
// subject, detail and fix are left out when empty; see Finding and Check for the values.
type jsonReport struct {
	Schema   int       `json:"schema"`
	Dir      string    `json:"dir"`
	OK       bool      `json:"ok"`
	Blocking int       `json:"blocking"`
	Warnings int       `json:"warnings"`
	Findings []Finding `json:"findings"`
}

// WriteJSON writes the report as JSON for scripts (see jsonReport for the schema).
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	findings := r.Findings
	if findings == nil {
		findings = []Finding{}
	}
	return enc.Encode(jsonReport{Schema: SchemaVersion, Dir: r.Dir, OK: r.Blocking() == 0,
		Blocking: r.Blocking(), Warnings: r.Warnings(), Findings: findings})
}
