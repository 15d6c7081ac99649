package pep

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseMetadata(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Metadata
	}{
		{
			name: "headers and a body",
			in:   "Metadata-Version: 2.1\nName: Django\nRequires-Dist: asgiref (<4,>=3.3.2)\nRequires-Dist: pytz\n\nDjango\n======\n\nbody\n",
			want: Metadata{Headers: []Header{
				{"Metadata-Version", "2.1", 1}, {"Name", "Django", 2},
				{"Requires-Dist", "asgiref (<4,>=3.3.2)", 3}, {"Requires-Dist", "pytz", 4},
			}, Body: "Django\n======\n\nbody\n"},
		},
		{
			name: "continuation lines (Metadata 1.x descriptions), spaces and tabs",
			in:   "Name: x\nDescription: first\n        second\n        |   third\n\tfourth\n \nVersion:1.0  \n",
			want: Metadata{Headers: []Header{
				{"Name", "x", 1}, {"Description", "first\nsecond\n|   third\nfourth\n", 2}, {"Version", "1.0", 7},
			}},
		},
		{
			name: "CRLF",
			in:   "Name: x\r\nVersion: 1\r\n\r\nbody\r\n",
			want: Metadata{Headers: []Header{{"Name", "x", 1}, {"Version", "1", 2}}, Body: "body\r\n"},
		},
		{
			name: "a value with a colon, an empty value",
			in:   "Project-URL: Home, https://example.com:8080/x\nSummary:\n",
			want: Metadata{Headers: []Header{{"Project-URL", "Home, https://example.com:8080/x", 1}, {"Summary", "", 2}}},
		},
		{
			name: "a line that is no header starts the body early",
			in:   "Name: x\nnot a header\nVersion: 1\n",
			want: Metadata{Headers: []Header{{"Name", "x", 1}},
				Body:    "not a header\nVersion: 1\n",
				Defects: []string{`2: "not a header" is not a "Name: value" header; the rest is read as the description`}},
		},
		{
			name: "a key with a space is no header",
			in:   "Name : x\n",
			want: Metadata{Body: "Name : x\n",
				Defects: []string{`1: "Name : x" is not a "Name: value" header; the rest is read as the description`}},
		},
		{
			name: "a long line is clipped in the defect",
			in:   strings.Repeat("x", 70) + "\n",
			want: Metadata{Body: strings.Repeat("x", 70) + "\n",
				Defects: []string{`1: "` + strings.Repeat("x", 60) + `…" is not a "Name: value" header; the rest is read as the description`}},
		},
		{
			name: "a continuation before any header",
			in:   "  stray\nName: x\n",
			want: Metadata{Headers: []Header{{"Name", "x", 2}}, Defects: []string{"1: continuation line before any header"}},
		},
		{
			name: "empty",
			in:   "",
			want: Metadata{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseMetadata([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseMetadata() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMetadataFields(t *testing.T) {
	m := ParseMetadata([]byte("Metadata-Version: 2.1\r\nname: Foo.Bar\r\nVERSION: 1.0\r\nRequires-Python: >=3.8\r\n" +
		"Requires-Dist: six\r\nrequires-dist: attrs>=21;\r\n  python_version >= '3.8'\r\nProvides-Extra: test\r\nProvides-Extra: Docs\r\n" +
		"Classifier: A\r\nClassifier: B\r\n\r\nLong text\nmore\n"))
	if m.Name() != "Foo.Bar" || m.Version() != "1.0" || m.RequiresPython() != ">=3.8" || m.Get("Summary") != "" {
		t.Errorf("Name %q, Version %q, Requires-Python %q", m.Name(), m.Version(), m.RequiresPython())
	}
	want := []Header{{"Requires-Dist", "six", 5}, {"requires-dist", "attrs>=21;\npython_version >= '3.8'", 6}}
	if diff := cmp.Diff(want, m.RequiresDist()); diff != "" {
		t.Errorf("RequiresDist (-want +got):\n%s", diff)
	}
	if got := m.ProvidesExtra(); !slices.Equal(got, []string{"test", "Docs"}) {
		t.Errorf("ProvidesExtra = %q", got)
	}
	if got := m.All("classifier"); len(got) != 2 || got[1].Value != "B" {
		t.Errorf("All = %+v", got)
	}
	if m.Body != "Long text\nmore\n" {
		t.Errorf("Body = %q", m.Body)
	}
	var empty Metadata
	if empty.ProvidesExtra() != nil || empty.RequiresDist() != nil || empty.Name() != "" {
		t.Error("empty metadata has fields")
	}
}

// render writes m back as a METADATA file.
func render(m Metadata) string {
	var b strings.Builder
	for _, h := range m.Headers {
		b.WriteString(h.Key + ": " + strings.ReplaceAll(h.Value, "\n", "\n        ") + "\n")
	}
	if m.Body != "" {
		b.WriteString("\n" + m.Body)
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
		"Metadata-Version: 2.1\nName: x\nVersion: 1\nRequires-Dist: a>=1; extra == 'b'\n\nbody\n",
		"Name: x\r\n\tcontinued\r\nRequires-Dist:\r\n  folded\r\n", ":\n \n\t\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := ParseMetadata(data)
		for _, h := range m.Headers {
			if !validHeaderKey(h.Key) || h.Line < 1 || strings.HasPrefix(h.Value, " ") || strings.HasSuffix(h.Value, " ") {
				t.Fatalf("bad header %+v", h)
			}
		}
		for _, h := range m.All("Requires-Dist") {
			for _, line := range strings.Split(h.Value, "\n") {
				if strings.TrimSpace(line) != line {
					t.Fatalf("Requires-Dist %q: line %q is not trimmed", h.Value, line)
				}
			}
		}
		if len(m.Body) > len(data) {
			t.Fatalf("body longer than the input")
		}
		// Written back and read again, the headers survive.
		again := ParseMetadata([]byte(render(m)))
		if len(again.Headers) != len(m.Headers) {
			t.Fatalf("round trip: %d headers, then %d\n%q", len(m.Headers), len(again.Headers), render(m))
		}
		for i := range m.Headers {
			if again.Headers[i].Key != m.Headers[i].Key || again.Headers[i].Value != m.Headers[i].Value {
				t.Fatalf("round trip: %+v became %+v", m.Headers[i], again.Headers[i])
			}
		}
	})
}
