package doctor

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWriteText(t *testing.T) {
	r := &Report{Dir: "/p", Findings: []Finding{
		{ID: "docker.engine", Severity: OK, Summary: "Docker Engine 27.4.0 answers", Detail: "not shown for ok"},
		{ID: "docker.buildkit", Severity: Warning, Summary: "legacy builder", Detail: "line one\nline two", Fix: "export DOCKER_BUILDKIT=1"},
		{ID: "ports", Subject: "127.0.0.1:5432/tcp", Severity: Blocking, Summary: "port 5432 is in use", Fix: "set POSTGRES_PUBLISH_PORT=5433 in .env"},
	}}
	want := `ok        Docker Engine 27.4.0 answers
warning   legacy builder
          line one
          line two
          fix: export DOCKER_BUILDKIT=1
blocking  port 5432 is in use
          fix: set POSTGRES_PUBLISH_PORT=5433 in .env

1 finding blocks ` + "`docker compose up`" + `; 1 warning.
`
	if got := text(r); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, tc := range []struct {
		sevs []Severity
		want string
	}{
		{nil, "Nothing blocks `docker compose up`."},
		{[]Severity{OK, Warning, Warning}, "Nothing blocks `docker compose up` (2 warnings)."},
		{[]Severity{Blocking, Blocking}, "2 findings block `docker compose up`."},
		{[]Severity{Blocking}, "1 finding blocks `docker compose up`."},
	} {
		r := &Report{}
		for _, s := range tc.sevs {
			r.Findings = append(r.Findings, Finding{Severity: s})
		}
		if got := r.verdict(); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.sevs, got, tc.want)
		}
	}
}

// TestWriteJSON holds the documented schema (README.md, jsonReport).
func TestWriteJSON(t *testing.T) {
	r := &Report{Dir: "/p", Findings: []Finding{
		{ID: "docker.engine", Severity: OK, Summary: "ok <>"},
		{ID: "ports", Subject: "127.0.0.1:5432/tcp", Severity: Blocking, Summary: "taken", Detail: "d", Fix: "f"},
	}}
	var b strings.Builder
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema"] != 1.0 || doc["dir"] != "/p" || doc["ok"] != false || doc["blocking"] != 1.0 || doc["warnings"] != 0.0 {
		t.Errorf("document %v", doc)
	}
	fs := doc["findings"].([]any)
	first, second := fs[0].(map[string]any), fs[1].(map[string]any)
	if len(first) != 3 || first["id"] != "docker.engine" || first["severity"] != "ok" || first["summary"] != "ok <>" {
		t.Errorf("ok finding %v (empty subject, detail and fix are left out)", first)
	}
	if len(second) != 6 || second["subject"] != "127.0.0.1:5432/tcp" || second["fix"] != "f" || second["detail"] != "d" {
		t.Errorf("blocking finding %v", second)
	}
	if !strings.Contains(b.String(), "ok <>") {
		t.Error("HTML characters escaped")
	}
	b.Reset()
	(&Report{Dir: "/p"}).WriteJSON(&b)
	if !strings.Contains(b.String(), `"findings": []`) || !strings.Contains(b.String(), `"ok": true`) {
		t.Errorf("empty report %s", b.String())
	}
}
