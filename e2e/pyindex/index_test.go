package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/containerize/containerize/e2e/internal/pywheel"
	"github.com/containerize/containerize/pep"
)

func wheelBytes(t *testing.T, distInfo, metadata string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{distInfo + "/METADATA": metadata, "pkg/__init__.py": ""} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testIndex(t *testing.T) (*httptest.Server, map[string][]byte) {
	t.Helper()
	files := map[string][]byte{
		"django-3.2.25-py3-none-any.whl":                     wheelBytes(t, "django-3.2.25.dist-info", "Name: Django\nVersion: 3.2.25\nRequires-Python: >=3.6\n"),
		"psycopg2_binary-2.9.5-cp311-cp311-linux_x86_64.whl": wheelBytes(t, "psycopg2_binary-2.9.5.dist-info", "Name: psycopg2-binary\nVersion: 2.9.5\n"),
		"zope_interface-5.5.2-py3-none-any.whl":              wheelBytes(t, "zope_interface-5.5.2.dist-info", "Name: zope.interface\nVersion: 5.5.2\n"),
	}
	fsys := fstest.MapFS{"README": {Data: []byte("not a wheel")}, ".tmp-x.whl": {Data: []byte("partial")}}
	for n, d := range files {
		fsys[n] = &fstest.MapFile{Data: d, ModTime: time.Unix(1, 0)}
	}
	srv := httptest.NewServer(newIndex(fsys))
	t.Cleanup(srv.Close)
	return srv, files
}

// get fetches path without following redirects.
func get(t *testing.T, srv *httptest.Server, path, accept string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestNegotiate(t *testing.T) {
	tests := map[string]string{
		"": typeHTML,
		"application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01": typeJSON,
		"text/html":                           "text/html",
		"*/*":                                 "text/html",
		"application/vnd.pypi.simple.v1+html": typeHTML,
		"application/vnd.pypi.simple.latest+json":            typeJSON,
		"application/vnd.pypi.simple.v1+json;q=0, text/html": "text/html",
		"application/json":                    "",
		"application/vnd.pypi.simple.v2+json": "",
	}
	for accept, want := range tests {
		if got := negotiate(accept); got != want {
			t.Errorf("negotiate(%q) = %q, want %q", accept, got, want)
		}
	}
}

func TestRoot(t *testing.T) {
	srv, _ := testIndex(t)
	resp, body := get(t, srv, "/simple/", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != typeHTML {
		t.Fatalf("HTML root: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<meta name="pypi:repository-version" content="1.0">`, `<a href="/simple/django/">django</a>`, `<a href="/simple/psycopg2-binary/">`, `<a href="/simple/zope-interface/">`} {
		if !strings.Contains(body, want) {
			t.Errorf("root lacks %s:\n%s", want, body)
		}
	}
	if strings.Contains(body, "tmp") || strings.Contains(body, "README") {
		t.Errorf("root lists a non-wheel:\n%s", body)
	}
	resp, body = get(t, srv, "/simple/", typeJSON)
	var root struct {
		Meta     map[string]string `json:"meta"`
		Projects []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(body), &root); err != nil || resp.Header.Get("Content-Type") != typeJSON {
		t.Fatalf("JSON root: %v %s\n%s", err, resp.Header.Get("Content-Type"), body)
	}
	if root.Meta["api-version"] != "1.0" || len(root.Projects) != 3 || root.Projects[0].Name != "django" {
		t.Errorf("JSON root: %+v", root)
	}
	if resp.Header.Get("Vary") != "Accept" {
		t.Error("no Vary: Accept")
	}
	if resp, _ := get(t, srv, "/simple/", "application/json"); resp.StatusCode != http.StatusNotAcceptable {
		t.Errorf("unsupported Accept: %d", resp.StatusCode)
	}
}

func TestProject(t *testing.T) {
	srv, files := testIndex(t)
	for _, p := range []string{"/simple/Django/", "/simple/django", "/simple/Zope.Interface/"} {
		resp, _ := get(t, srv, p, "")
		if resp.StatusCode != http.StatusMovedPermanently || !strings.HasSuffix(resp.Header.Get("Location"), "/") ||
			resp.Header.Get("Location") != "/simple/"+pep.NormalizeName(strings.Trim(strings.TrimPrefix(p, "/simple/"), "/"))+"/" {
			t.Errorf("%s: %d -> %q", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if resp, _ := get(t, srv, "/simple/flask/", ""); resp.StatusCode != 404 {
		t.Errorf("unknown project: %d", resp.StatusCode)
	}

	djangoSHA := pywheel.HexSHA256(files["django-3.2.25-py3-none-any.whl"])
	_, body := get(t, srv, "/simple/django/", "text/html")
	want := `<a href="/files/django-3.2.25-py3-none-any.whl#sha256=` + djangoSHA + `" data-core-metadata="sha256=`
	if !strings.Contains(body, want) || !strings.Contains(body, `data-requires-python="&gt;=3.6"`) {
		t.Errorf("project page lacks %s or requires-python:\n%s", want, body)
	}
	if strings.Contains(body, "data-dist-info-metadata") {
		t.Error("the old PEP 658 attribute crashes pip 23.0's JSON path; use data-core-metadata only")
	}

	_, body = get(t, srv, "/simple/django/", typeJSON)
	var page struct {
		Name  string
		Files []struct {
			Filename, URL  string
			Hashes         map[string]string
			RequiresPython string            `json:"requires-python"`
			CoreMetadata   map[string]string `json:"core-metadata"`
		}
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	if page.Name != "django" || len(page.Files) != 1 || page.Files[0].Hashes["sha256"] != djangoSHA ||
		page.Files[0].RequiresPython != ">=3.6" || page.Files[0].URL != "/files/django-3.2.25-py3-none-any.whl" {
		t.Fatalf("JSON page: %+v", page)
	}

	// The file and its metadata match the advertised hashes.
	resp, whl := get(t, srv, page.Files[0].URL, "")
	if resp.StatusCode != 200 || pywheel.HexSHA256([]byte(whl)) != djangoSHA {
		t.Errorf("download: %d, hash mismatch", resp.StatusCode)
	}
	resp, md := get(t, srv, page.Files[0].URL+".metadata", "")
	if resp.StatusCode != 200 || pywheel.HexSHA256([]byte(md)) != page.Files[0].CoreMetadata["sha256"] || !strings.HasPrefix(md, "Name: Django") {
		t.Errorf("metadata: %d %q", resp.StatusCode, md)
	}
	for _, p := range []string{"/files/README", "/files/.tmp-x.whl", "/files/../go.mod", "/files/flask-1.0-py3-none-any.whl", "/files/flask-1.0-py3-none-any.whl.metadata", "/other"} {
		if resp, _ := get(t, srv, p, ""); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
}

func TestMethodAndBadWheel(t *testing.T) {
	srv, _ := testIndex(t)
	resp, err := http.Post(srv.URL+"/simple/", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	bad := httptest.NewServer(newIndex(fstest.MapFS{"broken-1.0-py3-none-any.whl": {Data: []byte("not a zip")}}))
	defer bad.Close()
	resp, err = http.Get(bad.URL + "/simple/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(body), "broken-1.0-py3-none-any.whl") {
		t.Errorf("a broken wheel should be named in a 500: %d %s", resp.StatusCode, body)
	}
}
