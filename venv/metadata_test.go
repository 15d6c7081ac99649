package venv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMetadata(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want metadata
	}{
		{
			name: "headers and a body",
			in:   "Metadata-Version: 2.1\nName: Django\nRequires-Dist: asgiref (<4,>=3.3.2)\nRequires-Dist: pytz\n\nDjango\n======\n\nbody\n",
			want: metadata{headers: []header{
				{"Metadata-Version", "2.1", 1}, {"Name", "Django", 2},
				{"Requires-Dist", "asgiref (<4,>=3.3.2)", 3}, {"Requires-Dist", "pytz", 4},
			}, body: "Django\n======\n\nbody\n"},
		},
		{
			name: "continuation lines (Metadata 1.x descriptions), spaces and tabs",
			in:   "Name: x\nDescription: first\n        second\n        |   third\n\tfourth\n \nVersion:1.0  \n",
			want: metadata{headers: []header{
				{"Name", "x", 1}, {"Description", "first\nsecond\n|   third\nfourth\n", 2}, {"Version", "1.0", 7},
			}},
		},
		{
			name: "CRLF",
			in:   "Name: x\r\nVersion: 1\r\n\r\nbody\r\n",
			want: metadata{headers: []header{{"Name", "x", 1}, {"Version", "1", 2}}, body: "body\r\n"},
		},
		{
			name: "a value with a colon, an empty value",
			in:   "Project-URL: Home, https://example.com:8080/x\nSummary:\n",
			want: metadata{headers: []header{{"Project-URL", "Home, https://example.com:8080/x", 1}, {"Summary", "", 2}}},
		},
		{
			name: "a line that is no header starts the body early",
			in:   "Name: x\nnot a header\nVersion: 1\n",
			want: metadata{headers: []header{{"Name", "x", 1}},
				body:    "not a header\nVersion: 1\n",
				defects: []string{`2: "not a header" is not a "Name: value" header; the rest is read as the description`}},
		},
		{
			name: "a continuation before any header",
			in:   "  stray\nName: x\n",
			want: metadata{headers: []header{{"Name", "x", 2}}, defects: []string{"1: continuation line before any header"}},
		},
		{
			name: "empty",
			in:   "",
			want: metadata{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseMetadata([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(metadata{}, header{}), cmpSummary); diff != "" {
				t.Errorf("parseMetadata() mismatch (-want +got):\n%s", diff)
			}
		})
	}
	m := parseMetadata([]byte("name: a\nREQUIRES-DIST: b\nRequires-Dist: c\n"))
	if m.get("Name") != "a" || len(m.all("requires-dist")) != 2 || m.get("Version") != "" {
		t.Errorf("lookups are not case-insensitive: %+v", m)
	}
}

// render writes m back as a METADATA file.
func render(m metadata) string {
	var b strings.Builder
	for _, h := range m.headers {
		b.WriteString(h.key + ": " + strings.ReplaceAll(h.value, "\n", "\n        ") + "\n")
	}
	if m.body != "" {
		b.WriteString("\n" + m.body)
	}
	return b.String()
}

func FuzzParseMetadata(f *testing.F) {
	seeds, _ := filepath.Glob("../testdata/projects/legacy-venv/venv/lib/python3.8/site-packages/*/METADATA")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"Name: x\nDescription: a\n        b\n\nbody", "Name: x\r\n\r\n", " lead\nName: x", "Name x\n", ":\n", "a: \n\t\n\n",
		"Name: x\nVersion: 1\nRequires-Dist: y; extra == 'z'\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := parseMetadata(data)
		for _, h := range m.headers {
			if !validKey(h.key) || h.line < 1 || strings.HasPrefix(h.value, " ") || strings.HasSuffix(h.value, " ") {
				t.Fatalf("bad header %+v", h)
			}
		}
		if len(m.body) > len(data) {
			t.Fatalf("body longer than the input")
		}
		// Written back and read again, the headers survive.
		again := parseMetadata([]byte(render(m)))
		if len(again.headers) != len(m.headers) {
			t.Fatalf("round trip: %d headers, then %d\n%q", len(m.headers), len(again.headers), render(m))
		}
		for i := range m.headers {
			if again.headers[i].key != m.headers[i].key || again.headers[i].value != m.headers[i].value {
				t.Fatalf("round trip: %+v became %+v", m.headers[i], again.headers[i])
			}
		}
	})
}
