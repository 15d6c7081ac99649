package pypi

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func ptr(s string) *string { return &s }

var (
	djangoMeta = []byte("Metadata-Version: 2.1\nName: Django\nVersion: 4.2.7\nRequires-Dist: asgiref<4,>=3.6.0\n")
	oldMeta    = []byte("Metadata-Version: 2.1\nName: Django\nVersion: 4.2.6\n")
)

func fixtures() map[string][]dist {
	return map[string][]dist{
		"django": {
			{name: "Django-4.2.7-py3-none-any.whl", data: []byte("PK django 4.2.7 wheel bytes"), requiresPython: ">=3.8", metadata: djangoMeta},
			{name: "Django-4.2.7.tar.gz", data: []byte("django 4.2.7 sdist bytes"), requiresPython: ">=3.8"},
			{name: "Django-4.2.6-py3-none-any.whl", data: []byte("PK django 4.2.6"), yanked: ptr("security: see <CVE-2023-0001> & co"), metadata: oldMeta, oldMetadataKey: true},
			{name: "Django-4.2.5-py3-none-any.whl", data: []byte("PK django 4.2.5"), yanked: ptr("")},
		},
		"zope-interface": {
			{name: "zope.interface-6.1-cp312-cp312-manylinux_2_17_x86_64.whl", data: []byte("PK zope"), requiresPython: ">=3.7, <4"},
		},
		"unhashed": {{name: "unhashed-1.0-py3-none-any.whl", data: []byte("PK unhashed"), noHash: true}},
		"tampered": {{name: "tampered-1.0-py3-none-any.whl", data: []byte("PK tampered"), wrongHash: true}},
	}
}

// expectFile is what the client should report for d when the page came from ti in format.
func expectFile(ti *testIndex, d dist, fileBase, format string) File {
	f := File{
		Filename:       d.name,
		URL:            fileBase + d.name,
		RequiresPython: d.requiresPython,
		Index:          ti.srv.URL + "/simple/",
	}
	if !d.noHash {
		f.Hashes = map[string]string{"sha256": d.sha256()}
	}
	if d.yanked != nil {
		f.Yanked, f.YankedReason = true, *d.yanked
	}
	if d.metadata != nil {
		f.CoreMetadata = true
		f.MetadataHash = map[string]string{"sha256": sha256Hex(d.metadata)}
	}
	if format == "json" {
		f.Size = int64(len(d.data))
	}
	return f
}

func newTestClient(t *testing.T, opts Options) *Client {
	t.Helper()
	if opts.CacheDir == "" {
		opts.CacheDir = t.TempDir()
	}
	if opts.RetryBackoff == 0 {
		opts.RetryBackoff = time.Millisecond
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func paths(log []served) []string {
	var out []string
	for _, s := range log {
		out = append(out, s.path)
	}
	return out
}

// TestFilesJSONAndHTML reads the same project as PEP 691 JSON from a negotiating index and
// as PEP 503 HTML from one that only speaks HTML; the results must agree.
func TestFilesJSONAndHTML(t *testing.T) {
	for _, tc := range []struct {
		name     string
		htmlOnly bool
		format   string
	}{
		{"negotiated JSON", false, "json"},
		{"HTML-only index", true, "html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ti := newTestIndex(t, fixtures())
			ti.htmlOnly = tc.htmlOnly
			c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client(), UserAgent: "containerize-test/1"})
			got, err := c.Files(t.Context(), "Django")
			if err != nil {
				t.Fatal(err)
			}
			var want []File
			for _, d := range fixtures()["django"] {
				want = append(want, expectFile(ti, d, ti.srv.URL+"/files/", tc.format))
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("files (-want +got):\n%s", d)
			}
			log := ti.requests()
			if len(log) != 1 || log[0].path != "/simple/django/" || log[0].format != tc.format {
				t.Fatalf("requests = %+v, want one %s request for /simple/django/", log, tc.format)
			}
			if log[0].accept != acceptHeader || log[0].userAgent != "containerize-test/1" {
				t.Errorf("Accept = %q, User-Agent = %q", log[0].accept, log[0].userAgent)
			}
		})
	}
}

func TestFilesNormalizesNames(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
	for _, tc := range []struct{ project, path, first string }{
		{"Django", "/simple/django/", "Django-4.2.7-py3-none-any.whl"},
		{"DJANGO", "/simple/django/", "Django-4.2.7-py3-none-any.whl"},
		{"zope.interface", "/simple/zope-interface/", "zope.interface-6.1-cp312-cp312-manylinux_2_17_x86_64.whl"},
		{"Zope__Interface", "/simple/zope-interface/", "zope.interface-6.1-cp312-cp312-manylinux_2_17_x86_64.whl"},
	} {
		before := len(ti.requests())
		files, err := c.Files(t.Context(), tc.project)
		if err != nil {
			t.Fatalf("%s: %v", tc.project, err)
		}
		if len(files) == 0 || files[0].Filename != tc.first {
			t.Errorf("%s: files = %+v, want first %s", tc.project, files, tc.first)
		}
		// The index would redirect an unnormalized name, but the client must not need it.
		if got := paths(ti.requests()[before:]); !cmp.Equal(got, []string{tc.path}) {
			t.Errorf("%s: requested %v, want only %s", tc.project, got, tc.path)
		}
	}
	for _, bad := range []string{"", "../etc", "a/b", "-django", "django-", "dj ango", "dj%61ngo"} {
		if _, err := c.Files(t.Context(), bad); err == nil || !strings.Contains(err.Error(), "invalid project name") {
			t.Errorf("Files(%q) err = %v, want invalid project name", bad, err)
		}
	}
}

// TestFilesRelativeToFinalPage moves the project page elsewhere; relative links must be
// resolved against where the page was finally served, and the files must download.
func TestFilesRelativeToFinalPage(t *testing.T) {
	for _, htmlOnly := range []bool{false, true} {
		ti := newTestIndex(t, fixtures())
		ti.htmlOnly = htmlOnly
		ti.hrefPrefix = "files/"
		ti.redirect["/simple/django/"] = "/mirror/v2/django/"
		c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
		files, err := c.Files(t.Context(), "django")
		if err != nil {
			t.Fatal(err)
		}
		want := ti.srv.URL + "/mirror/v2/django/files/Django-4.2.7-py3-none-any.whl"
		if files[0].URL != want {
			t.Fatalf("htmlOnly=%v: URL = %s, want %s", htmlOnly, files[0].URL, want)
		}
		p, err := c.Download(t.Context(), files[0], "")
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); !bytes.Equal(b, fixtures()["django"][0].data) {
			t.Errorf("downloaded %q", b)
		}
	}
}

func TestFilesExtraIndexes(t *testing.T) {
	primary := newTestIndex(t, map[string][]dist{
		"django": {{name: "Django-4.2.7-py3-none-any.whl", data: []byte("primary")}},
	})
	extra := newTestIndex(t, map[string][]dist{
		"django":   {{name: "Django-4.2.7-py3-none-any.whl", data: []byte("extra")}, {name: "Django-5.0-py3-none-any.whl", data: []byte("extra 5")}},
		"internal": {{name: "internal-1.0-py3-none-any.whl", data: []byte("internal")}},
	})
	extra.htmlOnly = true
	env := map[string]string{
		"PIP_INDEX_URL":       primary.url(""),
		"PIP_EXTRA_INDEX_URL": "  " + extra.url("") + "\n" + primary.url("") + " ",
	}
	opts := OptionsFromEnv(func(k string) string { return env[k] })
	opts.HTTP = http.DefaultClient
	c := newTestClient(t, opts)
	if got, want := c.Indexes(), []string{primary.url(""), extra.url("")}; !cmp.Equal(got, want) {
		t.Errorf("Indexes() = %v, want %v (duplicates dropped)", got, want)
	}

	type row struct{ Filename, Index, Hash string }
	rows := func(files []File) []row {
		var out []row
		for _, f := range files {
			out = append(out, row{f.Filename, f.Index, f.Hashes["sha256"]})
		}
		return out
	}
	files, err := c.Files(t.Context(), "django")
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{"Django-4.2.7-py3-none-any.whl", primary.url(""), sha256Hex([]byte("primary"))},
		{"Django-4.2.7-py3-none-any.whl", extra.url(""), sha256Hex([]byte("extra"))},
		{"Django-5.0-py3-none-any.whl", extra.url(""), sha256Hex([]byte("extra 5"))},
	}
	if d := cmp.Diff(want, rows(files)); d != "" {
		t.Errorf("django (-want +got):\n%s", d)
	}

	// A project one index lacks (404) comes from the other alone.
	files, err = c.Files(t.Context(), "internal")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]row{{"internal-1.0-py3-none-any.whl", extra.url(""), sha256Hex([]byte("internal"))}}, rows(files)); d != "" {
		t.Errorf("internal (-want +got):\n%s", d)
	}
	files, err = c.Files(t.Context(), "nowhere")
	if err != nil || len(files) != 0 {
		t.Errorf("nowhere: files = %v, err = %v; want none and no error", files, err)
	}
}

func TestFilesRetriesServerErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(ti *testIndex)
		retries  int
		requests int
		wantErr  string
	}{
		{"500 then success", func(ti *testIndex) { ti.fail["/simple/django/"] = 1 }, 0, 2, ""},
		{"connection dropped then success", func(ti *testIndex) { ti.reset["/simple/django/"] = 1 }, 0, 2, ""},
		{"500 until retries run out", func(ti *testIndex) { ti.fail["/simple/django/"] = 10 }, 0, 3, "500 Internal Server Error"},
		{"503 with retries off", func(ti *testIndex) { ti.status["/simple/django/"] = 503 }, -1, 1, "503 Service Unavailable"},
		{"403 is not retried", func(ti *testIndex) { ti.status["/simple/django/"] = 403 }, 0, 1, "403 Forbidden"},
		{"406 is not retried", func(ti *testIndex) { ti.status["/simple/django/"] = 406 }, 0, 1, "406 Not Acceptable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ti := newTestIndex(t, fixtures())
			tc.setup(ti)
			c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client(), Retries: tc.retries})
			files, err := c.Files(t.Context(), "django")
			if n := len(ti.requests()); n != tc.requests {
				t.Errorf("server saw %d requests, want %d", n, tc.requests)
			}
			if got := c.Stats().Requests; got != int64(tc.requests) {
				t.Errorf("Stats().Requests = %d, want %d", got, tc.requests)
			}
			if tc.wantErr == "" {
				if err != nil || len(files) != 4 {
					t.Fatalf("files = %d, err = %v", len(files), err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range []string{tc.wantErr, "index " + ti.url(""), "/simple/django/"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	ti.user, ti.pass = "alice", "hunter2"
	c := newTestClient(t, Options{IndexURL: ti.url("alice:hunter2"), HTTP: ti.srv.Client()})
	files, err := c.Files(t.Context(), "django")
	if err != nil {
		t.Fatal(err)
	}
	if files[0].Index != ti.url("") || strings.Contains(files[0].URL, "hunter2") {
		t.Errorf("credentials leaked into File: %+v", files[0])
	}
	// Files on the index's host get the index's credentials.
	if _, err := c.Download(t.Context(), files[0], ""); err != nil {
		t.Fatal(err)
	}
	for _, s := range ti.requests() {
		if s.auth == "" {
			t.Errorf("%s sent without credentials", s.path)
		}
	}

	bad := newTestClient(t, Options{IndexURL: ti.url("alice:wrong-password"), HTTP: ti.srv.Client()})
	_, err = bad.Files(t.Context(), "django")
	if err == nil {
		t.Fatal("wrong password accepted")
	}
	msg := err.Error()
	if !strings.Contains(msg, "401 Unauthorized") || !strings.Contains(msg, ti.url("")) {
		t.Errorf("error %q should name the index and the status", msg)
	}
	if strings.Contains(msg, "wrong-password") || strings.Contains(msg, "alice") {
		t.Errorf("error %q leaks credentials", msg)
	}
}

// TestCredentialsStayOnTheirHost lists files on a private index whose links point at
// another host; that host must not receive the index's password.
func TestCredentialsStayOnTheirHost(t *testing.T) {
	files := newTestIndex(t, fixtures())
	ti := newTestIndex(t, fixtures())
	ti.user, ti.pass = "alice", "hunter2"
	ti.hrefPrefix = files.srv.URL + "/files/"
	c := newTestClient(t, Options{IndexURL: ti.url("alice:hunter2"), HTTP: http.DefaultClient})
	list, err := c.Files(t.Context(), "django")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Download(t.Context(), list[0], ""); err != nil {
		t.Fatal(err)
	}
	log := files.requests()
	if len(log) != 1 || log[0].auth != "" {
		t.Errorf("file host saw %+v, want one request without Authorization", log)
	}
}

func TestFilesRejectsNewerMajorAPIVersion(t *testing.T) {
	for _, htmlOnly := range []bool{false, true} {
		ti := newTestIndex(t, fixtures())
		ti.htmlOnly = htmlOnly
		ti.apiVersion = "2.0"
		c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
		_, err := c.Files(t.Context(), "django")
		if err == nil || !strings.Contains(err.Error(), "Simple API version 2.0") {
			t.Errorf("htmlOnly=%v: err = %v, want a version error", htmlOnly, err)
		}
		if n := len(ti.requests()); n != 1 {
			t.Errorf("htmlOnly=%v: %d requests; a version error is not transient", htmlOnly, n)
		}
	}
	// A newer minor version is read as far as it is understood.
	ti := newTestIndex(t, fixtures())
	ti.apiVersion = "1.9"
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
	if files, err := c.Files(t.Context(), "django"); err != nil || len(files) != 4 {
		t.Errorf("1.9: %d files, err %v", len(files), err)
	}
}

func TestFilesBoundsPageSize(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client(), MaxPageBytes: 100})
	_, err := c.Files(t.Context(), "django")
	if err == nil || !strings.Contains(err.Error(), "larger than the 100-byte limit") {
		t.Errorf("err = %v, want a size error", err)
	}
}

func TestContextCancellation(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	ti.block["/simple/django/"] = true
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Files(ctx, "django")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %v after the deadline", time.Since(start))
	}
	if n := len(ti.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (cancellation is not retried)", n)
	}

	done, cancelNow := context.WithCancel(t.Context())
	cancelNow()
	files := fixtures()["django"]
	_, err = c.Download(done, expectFile(ti, files[0], ti.srv.URL+"/files/", "json"), "")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Download with a cancelled context: err = %v", err)
	}
}

// cacheFiles lists the regular files under dir.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDownloadAndCache(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	cache := t.TempDir()
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client(), CacheDir: cache})
	files, err := c.Files(t.Context(), "django")
	if err != nil {
		t.Fatal(err)
	}
	whl := fixtures()["django"][0]
	sum := sha256Hex(whl.data)
	p, err := c.Download(t.Context(), files[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cache, "sha256", sum[:2], sum); p != want {
		t.Errorf("path = %s, want %s", p, want)
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, whl.data) {
		t.Errorf("content = %q", b)
	}
	if got, want := cacheFiles(t, cache), []string{"sha256/" + sum[:2] + "/" + sum}; !cmp.Equal(got, want) {
		t.Errorf("cache holds %v, want %v", got, want)
	}
	before := c.Stats()
	if before.Requests != 2 || before.CacheHits != 0 {
		t.Errorf("stats after first download = %+v", before)
	}

	// A warm cache answers without the network: the index is gone.
	ti.srv.Close()
	for _, want := range []string{"", sum, strings.ToUpper(sum)} {
		p2, err := c.Download(t.Context(), files[0], want)
		if err != nil || p2 != p {
			t.Fatalf("cached download (want %q) = %s, %v", want, p2, err)
		}
	}
	after := c.Stats()
	if after.Requests != before.Requests || after.BytesDownloaded != before.BytesDownloaded || after.CacheHits != 3 {
		t.Errorf("stats after cache hits = %+v, before %+v", after, before)
	}

	// Another client on the same cache directory also hits.
	c2 := newTestClient(t, Options{IndexURL: ti.url(""), CacheDir: cache})
	if _, err := c2.Download(t.Context(), files[0], sum); err != nil || c2.Stats().Requests != 0 {
		t.Errorf("second client: err %v, stats %+v", err, c2.Stats())
	}
}

func TestDownloadRefetchesCorruptCacheEntry(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
	files, err := c.Files(t.Context(), "django")
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Download(t.Context(), files[0], "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("bit rot"), 0o600); err != nil {
		t.Fatal(err)
	}
	n := c.Stats().Requests
	p2, err := c.Download(t.Context(), files[0], "")
	if err != nil || p2 != p {
		t.Fatalf("re-download = %s, %v", p2, err)
	}
	if b, _ := os.ReadFile(p); !bytes.Equal(b, fixtures()["django"][0].data) {
		t.Errorf("cache entry still corrupt: %q", b)
	}
	if got := c.Stats(); got.Requests != n+1 || got.CacheHits != 0 {
		t.Errorf("stats = %+v, want one more request and no cache hit", got)
	}

	// A corrupt entry is removed even when it cannot be fetched again, so that nothing
	// later mistakes it for good bytes.
	if err := os.WriteFile(p, []byte("bit rot"), 0o600); err != nil {
		t.Fatal(err)
	}
	ti.srv.Close()
	if _, err := c.Download(t.Context(), files[0], ""); err == nil {
		t.Fatal("download with the index gone and a corrupt cache succeeded")
	}
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("corrupt entry still present: %v", err)
	}
}

func TestDownloadVerifiesHashes(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	list := func(project string) File {
		c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
		files, err := c.Files(t.Context(), project)
		if err != nil {
			t.Fatal(err)
		}
		return files[0]
	}
	django, tampered, unhashed := list("django"), list("tampered"), list("unhashed")
	wrong := strings.Repeat("ab", 32)

	for _, tc := range []struct {
		name          string
		file          File
		want          string
		allowUnhashed bool
		wantErr       string // empty: must succeed
		mismatch      bool
		requests      int64
	}{
		{"lock hash mismatch", django, wrong, false, "sha256 is " + django.Hashes["sha256"] + ", expected " + wrong, true, 1},
		{"index hash mismatch", tampered, "", false, "expected " + tampered.Hashes["sha256"], true, 1},
		{"lock hash wins over a wrong index hash", tampered, sha256Hex([]byte("PK tampered")), false, "", false, 1},
		{"no hash anywhere", unhashed, "", false, "cannot be verified", false, 0},
		{"no hash anywhere, allowed", unhashed, "", true, "", false, 1},
		{"lock hash for an unhashed file", unhashed, sha256Hex([]byte("PK unhashed")), false, "", false, 1},
		{"malformed lock hash", django, "sha256:abc", false, "not 64 hex digits", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cache := t.TempDir()
			c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client(), CacheDir: cache, AllowUnhashed: tc.allowUnhashed})
			p, err := c.Download(t.Context(), tc.file, tc.want)
			if got := c.Stats().Requests; got != tc.requests {
				t.Errorf("requests = %d, want %d (a mismatch is not retried)", got, tc.requests)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				b, _ := os.ReadFile(p)
				if filepath.Base(p) != sha256Hex(b) {
					t.Errorf("cache entry %s holds bytes hashing to %s", p, sha256Hex(b))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
			var hm *HashMismatchError
			if errors.As(err, &hm) != tc.mismatch {
				t.Errorf("errors.As(HashMismatchError) = %v, want %v", !tc.mismatch, tc.mismatch)
			}
			if left := cacheFiles(t, cache); len(left) != 0 {
				t.Errorf("cache holds %v after a failed download", left)
			}
		})
	}
}

func TestDownloadFailures(t *testing.T) {
	whl := fixtures()["django"][0]
	filePath := "/files/" + whl.name
	for _, tc := range []struct {
		name     string
		setup    func(ti *testIndex)
		opts     Options
		requests int64
		wantErr  string
	}{
		{"truncated body is retried", func(ti *testIndex) { ti.truncate[filePath] = 1 }, Options{}, 2, ""},
		{"500 is retried", func(ti *testIndex) { ti.fail[filePath] = 2 }, Options{}, 3, ""},
		{"404", func(ti *testIndex) { ti.status[filePath] = 404 }, Options{}, 1, "404 Not Found"},
		{"larger than allowed", func(*testIndex) {}, Options{MaxFileBytes: 5}, 1, "larger than the 5-byte limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ti := newTestIndex(t, fixtures())
			tc.setup(ti)
			opts := tc.opts
			opts.IndexURL, opts.HTTP, opts.CacheDir = ti.url(""), ti.srv.Client(), t.TempDir()
			c := newTestClient(t, opts)
			p, err := c.Download(t.Context(), expectFile(ti, whl, ti.srv.URL+"/files/", "html"), "")
			if got := c.Stats().Requests; got != tc.requests {
				t.Errorf("requests = %d, want %d", got, tc.requests)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if b, _ := os.ReadFile(p); !bytes.Equal(b, whl.data) {
					t.Errorf("content %q", b)
				}
				if left := cacheFiles(t, opts.CacheDir); len(left) != 1 {
					t.Errorf("cache holds %v, want the one entry", left)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), whl.name) {
				t.Fatalf("err = %v, want %q naming the file", err, tc.wantErr)
			}
			if left := cacheFiles(t, opts.CacheDir); len(left) != 0 {
				t.Errorf("cache holds %v after a failed download", left)
			}
		})
	}

	// The size the JSON API gives bounds the download too.
	ti := newTestIndex(t, fixtures())
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
	f := expectFile(ti, whl, ti.srv.URL+"/files/", "json")
	f.Size = 3
	if _, err := c.Download(t.Context(), f, ""); err == nil || !strings.Contains(err.Error(), "larger than the 3 bytes the index gives") {
		t.Errorf("err = %v, want a size error", err)
	}

	noCache, err := New(Options{IndexURL: ti.url("")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := noCache.Download(t.Context(), f, ""); err == nil || !strings.Contains(err.Error(), "CacheDir") {
		t.Errorf("err = %v, want a missing cache directory error", err)
	}
	f.URL = "file:///etc/passwd"
	if _, err := c.Download(t.Context(), f, ""); err == nil || !strings.Contains(err.Error(), "not an http or https URL") {
		t.Errorf("err = %v, want a scheme error", err)
	}
}

func TestDownloadConcurrent(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
	files, err := c.Files(t.Context(), "django")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([]string, 8)
	errs := make([]error, 8)
	for i := range got {
		wg.Go(func() { got[i], errs[i] = c.Download(t.Context(), files[i%2], "") })
	}
	wg.Wait()
	for i := range got {
		if errs[i] != nil || got[i] != got[i%2] {
			t.Errorf("download %d = %s, %v", i, got[i], errs[i])
		}
	}
}

// TestStats checks the counts against what the server saw, including a retried failure.
func TestStats(t *testing.T) {
	ti := newTestIndex(t, fixtures())
	ti.fail["/simple/zope-interface/"] = 1
	c := newTestClient(t, Options{IndexURL: ti.url(""), HTTP: ti.srv.Client()})
	if s := c.Stats(); s != (Stats{}) {
		t.Errorf("fresh client stats = %+v", s)
	}
	for _, project := range []string{"django", "zope-interface", "missing"} {
		files, err := c.Files(t.Context(), project)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files[:min(2, len(files))] {
			if _, err := c.Download(t.Context(), f, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Download(t.Context(), f, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := Stats{Requests: int64(len(ti.requests())), BytesDownloaded: ti.bytesWritten(), CacheHits: 3}
	if want.Requests != 7 {
		t.Errorf("server saw %v, want 7 requests", paths(ti.requests()))
	}
	if got := c.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
}
