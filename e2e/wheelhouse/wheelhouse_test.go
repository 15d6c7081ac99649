package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/containerize/containerize/e2e/internal/pywheel"
	"github.com/containerize/containerize/pep"
)

func TestRequiresDist(t *testing.T) {
	in := `Django>=2.2
pytz

[:python_version < "3.8"]
importlib-metadata

[argon2]
argon2-cffi>=19.1.0

[brotli:platform_python_implementation == "CPython"]
brotli>=1.0.0

[tls]
pyopenssl; sys_platform != "win32"
`
	reqs, extras := requiresDist(in)
	want := []string{
		"Django>=2.2",
		"pytz",
		`importlib-metadata; python_version < "3.8"`,
		`argon2-cffi>=19.1.0; extra == "argon2"`,
		`brotli>=1.0.0; (platform_python_implementation == "CPython") and extra == "brotli"`,
		`pyopenssl; (sys_platform != "win32") and extra == "tls"`,
	}
	if !reflect.DeepEqual(reqs, want) {
		t.Errorf("reqs:\n%q\nwant\n%q", reqs, want)
	}
	if !reflect.DeepEqual(extras, []string{"argon2", "brotli", "tls"}) {
		t.Errorf("extras: %q", extras)
	}
	for _, r := range reqs {
		if _, err := pep.ParseRequirement(r); err != nil {
			t.Errorf("%q does not parse: %v", r, err)
		}
	}
	if unconditional(reqs[2:]) || !unconditional(reqs) {
		t.Error("unconditional misjudged")
	}
}

func TestSplitDeps(t *testing.T) {
	got := splitDeps("python3-asgiref (>= 3.3), python3-importlib-metadata | python3 (>> 3.8), python3:any, libc6 (>= 2.15)")
	want := [][]string{{"python3-asgiref"}, {"python3-importlib-metadata", "python3"}, {"python3"}, {"libc6"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("splitDeps = %q, want %q", got, want)
	}
}

func TestRecordFiles(t *testing.T) {
	rec := "foo/__init__.py,sha256=x,1\n\"foo/a,b.py\",sha256=y,2\n../../../bin/foo,sha256=z,3\nfoo-1.0.dist-info/METADATA,,\nfoo/__pycache__/x.cpython-311.pyc,,\n"
	got, err := recordFiles([]byte(rec), "foo-1.0.dist-info")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"foo/__init__.py", "foo/a,b.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("recordFiles = %q, want %q", got, want)
	}
}

// fakeRoot lays out a Debian-like file system: dpkg's database and a site directory with
// an egg-info whose requires.txt Debian stripped, a namespace package shared by two
// Debian packages, a dist-info with a RECORD naming a file Debian removed, and a symlink
// into /usr/share.
func fakeRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	site := "usr/lib/python3/dist-packages"
	files := map[string]string{
		site + "/Django-3.2.25.egg-info/PKG-INFO":                      "Metadata-Version: 1.2\nName: Django\nVersion: 3.2.25\nRequires-Python: >=3.6\n",
		site + "/Django-3.2.25.egg-info/requires.txt":                  "\n[argon2]\nargon2-cffi>=19.1.0\n",
		site + "/Django-3.2.25.egg-info/top_level.txt":                 "django\n",
		site + "/Django-3.2.25.egg-info/entry_points.txt":              "[console_scripts]\ndjango-admin = django.core.management:execute_from_command_line\n",
		site + "/django/__init__.py":                                   "VERSION = (3, 2, 25)\n",
		site + "/django/__pycache__/__init__.cpython-311.pyc":          "junk",
		"usr/share/javascript/jquery/jquery.js":                        "/* jquery */\n",
		site + "/asgiref-3.6.0.egg-info/PKG-INFO":                      "Metadata-Version: 2.1\nName: asgiref\nVersion: 3.6.0\n",
		site + "/asgiref-3.6.0.egg-info/top_level.txt":                 "asgiref\n",
		site + "/asgiref/__init__.py":                                  "",
		site + "/zope.interface-5.5.2.egg-info/PKG-INFO":               "Metadata-Version: 2.1\nName: zope.interface\nVersion: 5.5.2\n",
		site + "/zope.interface-5.5.2.egg-info/requires.txt":           "setuptools\n",
		site + "/zope.interface-5.5.2.egg-info/top_level.txt":          "zope\n",
		site + "/zope.interface-5.5.2.egg-info/namespace_packages.txt": "zope\n",
		site + "/zope/__init__.py":                                     "",
		site + "/zope/interface/__init__.py":                           "",
		site + "/zope/event/__init__.py":                               "",
		site + "/tomli-2.0.1.dist-info/METADATA":                       "Metadata-Version: 2.1\nName: tomli\nVersion: 2.0.1\n",
		site + "/tomli-2.0.1.dist-info/RECORD":                         "tomli/__init__.py,,\ntomli/gone.py,,\ntomli-2.0.1.dist-info/METADATA,,\n",
		site + "/tomli-2.0.1.dist-info/INSTALLER":                      "debian\n",
		site + "/tomli-2.0.1.dist-info/LICENSE":                        "MIT\n",
		site + "/tomli/__init__.py":                                    "",
		"var/lib/dpkg/status": "Package: python3-django\nStatus: install ok installed\nVersion: 3:3.2.25-0+deb12u7\nDepends: python3-asgiref, python3-importlib-metadata | python3 (>> 3.8), libjs-jquery, python3:any\n\n" +
			"Package: python3-asgiref\nStatus: install ok installed\nVersion: 3.6.0-1\nDepends: python3:any\n\n" +
			"Package: python3\nStatus: install ok installed\nVersion: 3.11.2-1\nProvides: python3-profiler\n\n" +
			"Package: libjs-jquery\nStatus: install ok installed\nVersion: 3.6.1\n\n" +
			"Package: python3-zope.interface\nStatus: install ok installed\nVersion: 5.5.2-1\nDepends: python3-pkg-resources\n\n" +
			"Package: python3-zope.event\nStatus: install ok installed\nVersion: 4.4-3\n\n" +
			"Package: python3-tomli\nStatus: install ok installed\nVersion: 2.0.1-2\n",
	}
	lists := map[string][]string{
		"python3-django":         {"Django-3.2.25.egg-info", "django", "django/__init__.py", "django/static/jquery.js"},
		"python3-asgiref":        {"asgiref-3.6.0.egg-info", "asgiref/__init__.py"},
		"python3-zope.interface": {"zope.interface-5.5.2.egg-info", "zope/__init__.py", "zope/interface/__init__.py"},
		"python3-zope.event":     {"zope/event/__init__.py"},
		"python3-tomli":          {"tomli-2.0.1.dist-info", "tomli/__init__.py"},
	}
	for pkg, paths := range lists {
		var b strings.Builder
		for _, p := range paths {
			b.WriteString("/" + site + "/" + p + "\n")
		}
		files["var/lib/dpkg/info/"+pkg+".list"] = b.String()
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Debian's python3-django links its bundled jQuery to libjs-jquery's copy; a second,
	// dangling link must be skipped, not fail the build.
	if err := os.Symlink(filepath.Join(root, "usr/share/javascript/jquery/jquery.js"), filepath.Join(root, site, "django/jquery.js")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "nowhere.js"), filepath.Join(root, site, "django/dangling.js")); err != nil {
		t.Fatal(err)
	}
	return root
}

func readWheel(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(data)
	}
	return out
}

func keys(m map[string]string) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	sort.Strings(k)
	return k
}

func TestRun(t *testing.T) {
	root := fakeRoot(t)
	out := t.TempDir()
	var log bytes.Buffer
	o := options{root: root, site: "usr/lib/python3/dist-packages", out: out, aliases: aliases{}, stdout: &log}
	if err := o.aliases.Set("Django=django-alias"); err != nil {
		t.Fatal(err)
	}
	if err := run(o); err != nil {
		t.Fatalf("run: %v\n%s", err, &log)
	}
	wheels, _ := filepath.Glob(filepath.Join(out, "*.whl"))
	for i := range wheels {
		wheels[i] = filepath.Base(wheels[i])
	}
	want := []string{"asgiref-3.6.0-py3-none-any.whl", "django-3.2.25-py3-none-any.whl", "django_alias-3.2.25-py3-none-any.whl", "tomli-2.0.1-py3-none-any.whl", "zope_interface-5.5.2-py3-none-any.whl"}
	if !reflect.DeepEqual(wheels, want) {
		t.Fatalf("wheels %q, want %q\n%s", wheels, want, &log)
	}

	dj := readWheel(t, filepath.Join(out, "django-3.2.25-py3-none-any.whl"))
	if got, want := keys(dj), []string{
		"django-3.2.25.dist-info/METADATA", "django-3.2.25.dist-info/RECORD", "django-3.2.25.dist-info/WHEEL",
		"django-3.2.25.dist-info/entry_points.txt", "django-3.2.25.dist-info/top_level.txt",
		"django/__init__.py", "django/jquery.js",
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("django wheel files %q, want %q", got, want)
	}
	if dj["django/jquery.js"] != "/* jquery */\n" {
		t.Errorf("symlink not followed: %q", dj["django/jquery.js"])
	}
	md := pep.ParseMetadata([]byte(dj["django-3.2.25.dist-info/METADATA"]))
	// requires.txt had extras only (Debian stripped the rest): asgiref comes back from
	// Depends; the alternative satisfied by python3 and the non-Python libjs-jquery do not.
	if got, want := pywheel.Values(md.RequiresDist()), []string{`argon2-cffi>=19.1.0; extra == "argon2"`, "asgiref"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Requires-Dist %q, want %q", got, want)
	}
	if md.Get("Metadata-Version") != "2.1" || md.Get("Provides-Extra") != "argon2" || md.Get("Requires-Python") != ">=3.6" {
		t.Errorf("METADATA:\n%s", dj["django-3.2.25.dist-info/METADATA"])
	}
	if !strings.Contains(dj["django-3.2.25.dist-info/WHEEL"], "Tag: py3-none-any\n") || !strings.Contains(dj["django-3.2.25.dist-info/WHEEL"], "Root-Is-Purelib: true\n") {
		t.Errorf("WHEEL:\n%s", dj["django-3.2.25.dist-info/WHEEL"])
	}
	checkRecord(t, dj, "django-3.2.25.dist-info/RECORD")

	alias := readWheel(t, filepath.Join(out, "django_alias-3.2.25-py3-none-any.whl"))
	if n := pep.ParseMetadata([]byte(alias["django_alias-3.2.25.dist-info/METADATA"])).Name(); n != "django-alias" {
		t.Errorf("alias Name = %q", n)
	}

	// A namespace package keeps only its own Debian package's files (no zope/event).
	zope := readWheel(t, filepath.Join(out, "zope_interface-5.5.2-py3-none-any.whl"))
	if _, ok := zope["zope/event/__init__.py"]; ok {
		t.Error("zope.interface's wheel carries zope.event")
	}
	if _, ok := zope["zope/interface/__init__.py"]; !ok {
		t.Errorf("zope.interface's wheel lacks its package: %q", keys(zope))
	}
	// requires.txt named setuptools unconditionally, so Depends is not consulted.
	if got := pywheel.Values(pep.ParseMetadata([]byte(zope["zope_interface-5.5.2.dist-info/METADATA"])).RequiresDist()); !reflect.DeepEqual(got, []string{"setuptools"}) {
		t.Errorf("zope Requires-Dist %q", got)
	}

	// A dist-info keeps its licence, drops installer files, and skips RECORD entries Debian removed.
	tomli := readWheel(t, filepath.Join(out, "tomli-2.0.1-py3-none-any.whl"))
	if got, want := keys(tomli), []string{"tomli-2.0.1.dist-info/LICENSE", "tomli-2.0.1.dist-info/METADATA", "tomli-2.0.1.dist-info/RECORD", "tomli-2.0.1.dist-info/WHEEL", "tomli/__init__.py"}; !reflect.DeepEqual(got, want) {
		t.Errorf("tomli wheel files %q, want %q", got, want)
	}

	// Same input, same bytes; a second run reuses every wheel.
	before, _ := os.ReadFile(filepath.Join(out, "django-3.2.25-py3-none-any.whl"))
	log.Reset()
	if err := run(o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "built 0, reused 5, skipped 0") {
		t.Errorf("second run: %s", &log)
	}
	os.Remove(filepath.Join(out, stateFile))
	if err := run(o); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(out, "django-3.2.25-py3-none-any.whl"))
	if !bytes.Equal(before, after) {
		t.Error("rebuilding the same distribution gave a different wheel")
	}

	// A wheel no distribution produces any more is removed.
	stale := filepath.Join(out, "old-1.0-py3-none-any.whl")
	os.WriteFile(stale, []byte("x"), 0o644)
	if err := run(o); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("stale wheel kept")
	}
}

// checkRecord verifies every RECORD line against the archive, as pip does on install.
func checkRecord(t *testing.T, files map[string]string, record string) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(files[record])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, r := range rows {
		listed[r[0]] = true
		if r[0] == record {
			if r[1] != "" || r[2] != "" {
				t.Errorf("RECORD's own line: %q", r)
			}
			continue
		}
		data, ok := files[r[0]]
		if !ok {
			t.Errorf("RECORD lists %s, which is not in the wheel", r[0])
			continue
		}
		if r[1] != pywheel.RecordHash([]byte(data)) {
			t.Errorf("%s: hash %s, want %s", r[0], r[1], pywheel.RecordHash([]byte(data)))
		}
	}
	for n := range files {
		if !listed[n] {
			t.Errorf("%s is not in RECORD", n)
		}
	}
}

func TestRelax(t *testing.T) {
	shipped := map[string]string{"installer": "0.6.0", "resolvelib": "0.9.0", "cachecontrol": "0.12.12", "tomli": "2.0.1"}
	for _, tc := range []struct {
		req, want string
		changed   bool
	}{
		// Debian's pdm 2.2.1 metadata against the versions Debian ships with it.
		{"installer<0.6,>=0.5.1", "installer", true},
		{"resolvelib (<0.9,>=0.8)", "resolvelib", true},
		{`cachecontrol[filecache]<0.12; python_version >= "3.7"`, `cachecontrol[filecache]; python_version >= "3.7"`, true},
		// Met, unversioned, not shipped, or unparsable: unchanged.
		{"cachecontrol[filecache]>=0.12.11", "cachecontrol[filecache]>=0.12.11", false},
		{`tomli>=1.1.0; python_version < "3.11"`, `tomli>=1.1.0; python_version < "3.11"`, false},
		{"installer", "installer", false},
		{"argon2-cffi>=19.1.0", "argon2-cffi>=19.1.0", false},
		{"pkg @ https://example.invalid/pkg.whl", "pkg @ https://example.invalid/pkg.whl", false},
	} {
		got, changed := relax(tc.req, shipped)
		if got != tc.want || changed != tc.changed {
			t.Errorf("relax(%q) = %q, %v; want %q, %v", tc.req, got, changed, tc.want, tc.changed)
		}
	}
}

func TestSystemLibsFlag(t *testing.T) {
	s := projectSet{}
	for _, v := range []string{"psycopg2", "MySQLclient, Foo_Bar"} {
		if err := s.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"psycopg2", "mysqlclient", "foo-bar"} {
		if !s[n] {
			t.Errorf("%s not in %v", n, s)
		}
	}
	if s["psycopg2-binary"] {
		t.Error("an alias must not follow its distribution")
	}
}
