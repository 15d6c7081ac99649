package pypi

import (
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	h1 = "1111111111111111111111111111111111111111111111111111111111111111"
	h2 = "2222222222222222222222222222222222222222222222222222222222222222"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseHTML(t *testing.T) {
	const page = "https://idx.example/simple/demo/"
	for _, tc := range []struct {
		name string
		body string
		want []File
	}{
		{
			name: "relative href with hash fragment",
			body: `<a href="../../packages/demo-1.0.tar.gz#sha256=` + h1 + `">demo-1.0.tar.gz</a>`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: "https://idx.example/packages/demo-1.0.tar.gz", Hashes: map[string]string{"sha256": h1}}},
		},
		{
			name: "upper-case markup, unquoted value, upper-case hash",
			body: `<A HREF=demo-1.0-py3-none-any.whl#SHA256=` + strings.ToUpper(h1) + ` DATA-REQUIRES-PYTHON=&gt;=3.8>demo</A>`,
			want: []File{{Filename: "demo-1.0-py3-none-any.whl", URL: page + "demo-1.0-py3-none-any.whl", Hashes: map[string]string{"sha256": h1}, RequiresPython: ">=3.8"}},
		},
		{
			name: "single quotes, entities, '>' inside a quoted value",
			body: `<a data-requires-python='>=3.8, &lt;4' href='https://cdn.example/f/demo-1.0.whl'>x</a>`,
			want: []File{{Filename: "demo-1.0.whl", URL: "https://cdn.example/f/demo-1.0.whl", RequiresPython: ">=3.8, <4"}},
		},
		{
			name: "anchors inside comments and raw text are not links",
			body: "<!-- <a href=\"c-1.whl\">c</a> --><!--><a href=\"a-1.whl\">a</a>" +
				"<script>var s = '<a href=\"s-1.whl\">';</script><title><a href=\"t-1.whl\"></title>" +
				"<textarea><a href=\"x-1.whl\"></TEXTAREA ><a href=\"b-1.whl\">b</a>",
			want: []File{
				{Filename: "a-1.whl", URL: page + "a-1.whl"},
				{Filename: "b-1.whl", URL: page + "b-1.whl"},
			},
		},
		{
			name: "base element sets where relative links point",
			body: `<head><base href="https://files.example/dl/"><base href="https://ignored.example/"></head><a href="demo-1.0.tar.gz">d</a>`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: "https://files.example/dl/demo-1.0.tar.gz"}},
		},
		{
			name: "links that are not downloads are skipped",
			body: `<a name="top">top</a><a href="">empty</a><a href="javascript:alert(1)">js</a>` +
				`<a href="mailto:a@b">m</a><a href="ftp://h/demo-1.0.tar.gz">ftp</a><a href="http://[::1">bad</a><a href="//::0">bad</a>` +
				`<a href="demo%2F..%2Fx.whl">slash</a><a href="demo-2.0.tar.gz">ok</a>`,
			want: []File{{Filename: "demo-2.0.tar.gz", URL: page + "demo-2.0.tar.gz"}},
		},
		{
			name: "first of duplicate attributes wins",
			body: `<a class="pkg" href="a-1.whl" HREF="b-1.whl" data-yanked="first" data-yanked="second" title="x">a</a>`,
			want: []File{{Filename: "a-1.whl", URL: page + "a-1.whl", Yanked: true, YankedReason: "first"}},
		},
		{
			name: "yanked with and without a reason",
			body: `<a href="a-1.whl" data-yanked>a</a><a href="b-1.whl" data-yanked="">b</a><a href="c-1.whl" data-yanked="broken &amp; bad">c</a>`,
			want: []File{
				{Filename: "a-1.whl", URL: page + "a-1.whl", Yanked: true},
				{Filename: "b-1.whl", URL: page + "b-1.whl", Yanked: true},
				{Filename: "c-1.whl", URL: page + "c-1.whl", Yanked: true, YankedReason: "broken & bad"},
			},
		},
		{
			name: "core metadata: PEP 714 name wins, PEP 658 name still read, bad values ignored",
			body: `<a href="a-1.whl" data-dist-info-metadata="sha256=` + h2 + `" data-core-metadata="sha256=` + h1 + `">a</a>` +
				`<a href="b-1.whl" data-dist-info-metadata="true">b</a>` +
				`<a href="c-1.whl" data-core-metadata="sha256=zz">c</a>` +
				`<a href="d-1.whl" data-core-metadata="false">d</a>`,
			want: []File{
				{Filename: "a-1.whl", URL: page + "a-1.whl", CoreMetadata: true, MetadataHash: map[string]string{"sha256": h1}},
				{Filename: "b-1.whl", URL: page + "b-1.whl", CoreMetadata: true},
				{Filename: "c-1.whl", URL: page + "c-1.whl"},
				{Filename: "d-1.whl", URL: page + "d-1.whl"},
			},
		},
		{
			name: "query strings keep their ampersands",
			body: `<a href="/get/demo-1.0.whl?a=1&amp;b=2&copy=3&amp#md5=` + h1[:32] + `&egg=demo">d</a>`,
			want: []File{{Filename: "demo-1.0.whl", URL: "https://idx.example/get/demo-1.0.whl?a=1&b=2&copy=3&", Hashes: map[string]string{"md5": h1[:32]}}},
		},
		{
			name: "malformed hashes are dropped",
			body: `<a href="a-1.whl#sha256=abc">a</a><a href="b-1.whl#sha256=` + strings.Repeat("g", 64) + `">b</a>`,
			want: []File{{Filename: "a-1.whl", URL: page + "a-1.whl"}, {Filename: "b-1.whl", URL: page + "b-1.whl"}},
		},
		{
			name: "percent-encoded filename",
			body: `<a href="foo%2Bbar-1.0.tar.gz">foo+bar-1.0.tar.gz</a>`,
			want: []File{{Filename: "foo+bar-1.0.tar.gz", URL: page + "foo%2Bbar-1.0.tar.gz"}},
		},
		{
			name: "filename from the text when the URL has none",
			body: `<a href="/download/?id=7"> demo-1.0.tar.gz </a>`,
			want: []File{{Filename: "demo-1.0.tar.gz", URL: "https://idx.example/download/?id=7"}},
		},
		{
			name: "a tag cut off by the end of the page is dropped",
			body: `<a href="a-1.whl">a</a><a href="b-1.whl`,
			want: []File{{Filename: "a-1.whl", URL: page + "a-1.whl"}},
		},
		{
			name: "whitespace, slashes and lone '<' around attributes",
			body: "a < b <a\n\thref = \"\n a-1.whl \" / >a</a><a/href=b-1.whl>b</a>",
			want: []File{{Filename: "a-1.whl", URL: page + "a-1.whl"}, {Filename: "b-1.whl", URL: page + "b-1.whl"}},
		},
		{
			name: "newer minor API version is fine",
			body: `<meta name="pypi:repository-version" content="1.4"><a href="a-1.whl">a</a>`,
			want: []File{{Filename: "a-1.whl", URL: page + "a-1.whl"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseHTML([]byte(tc.body), mustURL(t, page))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseHTMLVersion(t *testing.T) {
	for _, tc := range []struct{ meta, wantErr string }{
		{`<meta name="pypi:repository-version" content="1.0">`, ""},
		{`<META NAME="PYPI:REPOSITORY-VERSION" CONTENT="2.0">`, "Simple API version 2.0"},
		{`<meta content="10.1" name="pypi:repository-version">`, "Simple API version 10.1"},
		{`<meta name="pypi:repository-version" content="one">`, "malformed"},
		{`<meta name="description" content="2.0">`, ""},
	} {
		_, err := parseHTML([]byte(tc.meta+`<a href="a-1.whl">a</a>`), mustURL(t, "https://h/simple/a/"))
		if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%s: err = %v, want %q", tc.meta, err, tc.wantErr)
		}
	}
}

// Attribute values decode character references as HTML5 says for attributes: a named
// reference without ';' stays as written when an alphanumeric or '=' follows, so query
// strings keep their ampersands.
func TestParseHTMLAttributeValues(t *testing.T) {
	const page = "https://h/simple/a/"
	for in, want := range map[string]string{
		"plain":             "plain",
		"&gt;=3.8,&lt;4":    ">=3.8,<4",
		"a&amp;b":           "a&b",
		"&#62;&#x3C;&#X3c;": "><<",
		"&#62x":             ">x",
		"?a=1&copy=2":       "?a=1&copy=2",
		"&copy;":            "©",
		"&copy x":           "© x",
		"&notit;":           "&notit;",
		"&notit":            "&notit",
		"&amp":              "&",
		"& alone":           "& alone",
		"trailing &":        "trailing &",
		"&#":                "&#",
	} {
		files, err := parseHTML([]byte(`<a href="a-1.whl" data-yanked="`+in+`">a</a>`), mustURL(t, page))
		if err != nil || len(files) != 1 || files[0].YankedReason != want {
			t.Errorf("data-yanked=%q: got %+v, %v; want the reason %q", in, files, err, want)
		}
	}
}

func TestParseJSON(t *testing.T) {
	page := mustURL(t, "https://idx.example/simple/demo/")
	wrap := func(files string) string {
		return `{"meta": {"api-version": "1.1", "_last-serial": 3}, "name": "demo", "versions": ["1.0"], "files": [` + files + `]}`
	}
	for _, tc := range []struct {
		name, body string
		want       []File
		wantErr    string
	}{
		{
			name: "all fields",
			body: wrap(`{"filename": "demo-1.0-py3-none-any.whl", "url": "../../f/demo-1.0-py3-none-any.whl#frag",
				"hashes": {"SHA256": "` + strings.ToUpper(h1) + `", "blake2b_256": "abcd"}, "requires-python": " >=3.9 ",
				"core-metadata": {"sha256": "` + h2 + `"}, "dist-info-metadata": false, "yanked": "bad build",
				"size": 123, "upload-time": "2024-01-01T00:00:00Z", "provenance": null, "gpg-sig": false}`),
			want: []File{{Filename: "demo-1.0-py3-none-any.whl", URL: "https://idx.example/f/demo-1.0-py3-none-any.whl",
				Hashes: map[string]string{"sha256": h1, "blake2b_256": "abcd"}, RequiresPython: ">=3.9",
				CoreMetadata: true, MetadataHash: map[string]string{"sha256": h2}, Yanked: true, YankedReason: "bad build", Size: 123}},
		},
		{
			name: "minimal entries, booleans, the PEP 658 key, nulls, skipped schemes",
			body: wrap(`{"filename": "a-1.whl", "url": "https://cdn.example/a-1.whl", "hashes": {}},
				{"filename": "b-1.whl", "url": "b-1.whl", "hashes": {"sha256": "short"}, "yanked": true, "dist-info-metadata": true},
				{"filename": "c-1.whl", "url": "c-1.whl", "hashes": {}, "yanked": false, "core-metadata": false, "dist-info-metadata": {"sha256": "` + h1 + `"}, "requires-python": null},
				{"filename": "d-1.whl", "url": "ftp://h/d-1.whl", "hashes": {}}`),
			want: []File{
				{Filename: "a-1.whl", URL: "https://cdn.example/a-1.whl"},
				{Filename: "b-1.whl", URL: "https://idx.example/simple/demo/b-1.whl", Yanked: true, CoreMetadata: true},
				{Filename: "c-1.whl", URL: "https://idx.example/simple/demo/c-1.whl"},
			},
		},
		{name: "empty project", body: wrap(``), want: []File{}},
		{name: "newer major version", body: `{"meta": {"api-version": "2.0"}, "files": []}`, wantErr: "Simple API version 2.0"},
		{name: "not JSON", body: `<html>`, wantErr: "malformed Simple API JSON"},
		{name: "path in filename", body: wrap(`{"filename": "../evil.whl", "url": "x", "hashes": {}}`), wantErr: "unsafe or missing filename"},
		{name: "control character in filename", body: wrap(`{"filename": "a\u001b[2J.whl", "url": "x", "hashes": {}}`), wantErr: "unsafe or missing filename"},
		{name: "missing url", body: wrap(`{"filename": "a-1.whl", "hashes": {}}`), wantErr: "bad url"},
		{name: "yanked of the wrong type", body: wrap(`{"filename": "a-1.whl", "url": "a", "yanked": 1}`), wantErr: "yanked: want a boolean or a string"},
		{name: "core-metadata of the wrong type", body: wrap(`{"filename": "a-1.whl", "url": "a", "core-metadata": "yes"}`), wantErr: "core-metadata: want a boolean"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseJSON([]byte(tc.body), page)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestPageKind(t *testing.T) {
	for _, tc := range []struct {
		contentType, body string
		want              kind
		wantErr           bool
	}{
		{"application/vnd.pypi.simple.v1+json", "", kindJSON, false},
		{"application/vnd.pypi.simple.v1+html", "{", kindHTML, false},
		{"text/html; charset=utf-8", "", kindHTML, false},
		{"TEXT/HTML", "", kindHTML, false},
		{"application/json", "", kindJSON, false},
		{"application/vnd.pypi.simple.v2+json", "{}", 0, true},
		{"application/octet-stream", "\n {\"meta\":{}}", kindJSON, false},
		{"", "<!DOCTYPE html>", kindHTML, false},
		{"text/plain", "hello", 0, true},
	} {
		got, err := pageKind(tc.contentType, []byte(tc.body))
		if (err != nil) != tc.wantErr || (err == nil && got != tc.want) {
			t.Errorf("pageKind(%q, %q) = %v, %v", tc.contentType, tc.body, got, err)
		}
	}
}

func TestOptionsFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Options
	}{
		{nil, Options{}},
		{map[string]string{"PIP_INDEX_URL": " https://i.example/simple \n"}, Options{IndexURL: "https://i.example/simple"}},
		{
			map[string]string{"PIP_EXTRA_INDEX_URL": "https://a.example/simple/\thttps://u:p@b.example/simple/  https://c.example/"},
			Options{ExtraIndexURLs: []string{"https://a.example/simple/", "https://u:p@b.example/simple/", "https://c.example/"}},
		},
	} {
		got := OptionsFromEnv(func(k string) string { return tc.env[k] })
		if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b Options) bool {
			return a.IndexURL == b.IndexURL && slices.Equal(a.ExtraIndexURLs, b.ExtraIndexURLs)
		})); d != "" {
			t.Errorf("env %v (-want +got):\n%s", tc.env, d)
		}
	}
}

func TestNew(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Indexes(); !cmp.Equal(got, []string{DefaultIndexURL}) {
		t.Errorf("default indexes = %v", got)
	}
	c, err = New(Options{IndexURL: "https://u:p@h.example/pypi/simple", ExtraIndexURLs: []string{"http://h2.example:8080"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Indexes(), []string{"https://h.example/pypi/simple/", "http://h2.example:8080/"}; !cmp.Equal(got, want) {
		t.Errorf("indexes = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		opts    Options
		wantErr string
	}{
		{Options{IndexURL: "ftp://h.example/simple/"}, "index URL: ftp://h.example/simple/: scheme must be http or https"},
		{Options{IndexURL: "/srv/simple"}, "scheme must be http or https"},
		{Options{IndexURL: "https:///simple"}, "no host"},
		{Options{ExtraIndexURLs: []string{"https://alice:hunter2@h.example:port/"}}, "extra index URL: cannot parse"},
		{Options{ExtraIndexURLs: []string{"file://alice:hunter2@/x"}}, "extra index URL: file:///x: scheme"},
	} {
		_, err := New(tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("New(%+v) err = %v, want %q", tc.opts, err, tc.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %q leaks a password", err)
		}
	}
}

// renderHTML writes files as a PEP 503 page, escaping as a server would.
func renderHTML(files []File) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><body>\n")
	for _, f := range files {
		href := f.URL
		var frag []string
		for _, k := range slices.Sorted(mapKeys(f.Hashes)) {
			frag = append(frag, k+"="+f.Hashes[k])
		}
		if len(frag) > 0 {
			href += "#" + strings.Join(frag, "&")
		}
		fmt.Fprintf(&b, `<a href="%s"`, html.EscapeString(href))
		if f.RequiresPython != "" {
			fmt.Fprintf(&b, ` data-requires-python="%s"`, html.EscapeString(f.RequiresPython))
		}
		if f.Yanked {
			fmt.Fprintf(&b, ` data-yanked="%s"`, html.EscapeString(f.YankedReason))
		}
		if f.CoreMetadata {
			v := "true"
			for k, h := range f.MetadataHash {
				v = k + "=" + h
			}
			fmt.Fprintf(&b, ` data-core-metadata="%s"`, html.EscapeString(v))
		}
		fmt.Fprintf(&b, ">%s</a><br>\n", html.EscapeString(f.Filename))
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// FuzzParseHTML feeds arbitrary pages to the HTML parser. Whatever it returns must be
// well formed, and must read back the same after being written out as a page again.
func FuzzParseHTML(f *testing.F) {
	for _, seed := range []string{
		"",
		"<",
		"<a",
		"<!--",
		"<!-->",
		"<a href=x>",
		`<a href="../../p/demo-1.0.tar.gz#sha256=` + h1 + `" data-requires-python="&gt;=3.8" data-yanked="r" data-core-metadata="sha256=` + h2 + `">demo-1.0.tar.gz</a>`,
		`<base href="https://cdn.example/x/"><A HREF=a-1.whl data-yanked>a</A>`,
		`<meta name="pypi:repository-version" content="1.1"><a href='b-1.whl#md5=` + h1[:32] + `&egg=b'>b</a>`,
		"<script><a href=s.whl></script><a href=\"?q=1&amp;r=2&copy=3\">text-1.whl</a>",
		`<a href="/download/">name-from-text.zip</a><a href="%zz">bad</a><a href="http://[::1">bad</a>`,
		renderTestHTML("demo", "1.0", "../../files/", fixtures()["django"]),
	} {
		f.Add([]byte(seed))
	}
	page, err := url.Parse("https://idx.example/simple/demo/")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		files, err := parseHTML(body, page)
		if err != nil {
			if !strings.Contains(err.Error(), "Simple API version") {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for _, fl := range files {
			u, err := url.Parse(fl.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
				t.Fatalf("bad URL %q (%v)", fl.URL, err)
			}
			if !safeFilename(fl.Filename) {
				t.Fatalf("unsafe filename %q", fl.Filename)
			}
			for _, hs := range []map[string]string{fl.Hashes, fl.MetadataHash} {
				if hs != nil && len(hs) == 0 {
					t.Fatalf("empty non-nil hash map in %+v", fl)
				}
				for k, v := range hs {
					if k != strings.ToLower(k) || !isHex(v) || (hashLen[k] != 0 && len(v) != hashLen[k]) {
						t.Fatalf("bad hash %s=%s", k, v)
					}
				}
			}
			if fl.MetadataHash != nil && !fl.CoreMetadata {
				t.Fatalf("metadata hash without metadata: %+v", fl)
			}
		}
		again, err := parseHTML([]byte(renderHTML(files)), page)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if len(files) == 0 {
			files = nil
		}
		if d := cmp.Diff(files, again); d != "" {
			t.Fatalf("round trip changed the files (-first +second):\n%s\npage:\n%s", d, renderHTML(files))
		}
	})
}
