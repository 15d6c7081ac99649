package venv

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// summary is what most Read tests compare: everything but Requires, which
// is compared on its own as strings.
type summary struct {
	Name, RawName, Version string
	Requires               []string
	RequiresPython         string
	Requested, Editable    bool
	EditablePath           string
	URL, VCS, Commit       string
	TopLevel               []string
	Installer, Source      string
	Problems               []string
}

func summarize(ds []Dist) []summary {
	var out []summary
	for _, d := range ds {
		s := summary{Name: d.Name, RawName: d.RawName, Version: d.Version, RequiresPython: d.RequiresPython,
			Requested: d.Requested, Editable: d.Editable, EditablePath: d.EditablePath, URL: d.URL, VCS: d.VCS,
			Commit: d.Commit, TopLevel: d.TopLevel, Installer: d.Installer, Source: d.Source, Problems: d.Problems}
		for _, r := range d.Requires {
			s.Requires = append(s.Requires, r.String())
		}
		out = append(out, s)
	}
	return out
}

var cmpSummary = cmpopts.EquateEmpty()

func TestReadPyvenv(t *testing.T) {
	fsys := fstest.MapFS{}
	site := posixVenv(fsys, "proj/venv", "3.11.4")
	addDistInfo(fsys, site, pkg{
		name: "Django", version: "4.2.7", requested: true, topLevel: "django\n",
		requires: []string{"asgiref (<4,>=3.6.0)", "sqlparse>=0.3.1", "backports.zoneinfo ; python_version < \"3.9\"",
			"argon2-cffi>=19.1.0 ; extra == 'argon2'"},
		files: []string{"django/__init__.py", "django/__pycache__/__init__.cpython-311.pyc"},
		meta:  map[string]string{"METADATA": "Metadata-Version: 2.1\nName: Django\nVersion: 4.2.7\nRequires-Python: >=3.8\nRequires-Dist: asgiref (<4,>=3.6.0)\nRequires-Dist: sqlparse>=0.3.1\nRequires-Dist: backports.zoneinfo ; python_version < \"3.9\"\nProvides-Extra: argon2\nRequires-Dist: argon2-cffi>=19.1.0 ; extra == 'argon2'\n\nDjango is a framework.\n"},
	})
	// No top_level.txt: names come from RECORD (a package, a module, an extension, a .pth).
	addDistInfo(fsys, site, pkg{name: "typing_extensions", version: "4.8.0",
		files: []string{"typing_extensions.py", "_cffi_backend.cpython-311-x86_64-linux-gnu.so", "distutils-precedence.pth", "asgiref/__init__.py"}})
	// Installed by uv from git.
	addDistInfo(fsys, site, pkg{name: "django-extensions", version: "3.2.4.dev0", requested: true, files: []string{"django_extensions/__init__.py"},
		meta: map[string]string{
			"INSTALLER":       "uv",
			"direct_url.json": `{"url": "https://github.com/django-extensions/django-extensions.git", "vcs_info": {"vcs": "git", "commit_id": "4fa8a1b2c3d4e5f60718293a4b5c6d7e8f901234", "requested_revision": "main"}}`,
		}})
	// pip install -e ../lib (PEP 660).
	addDistInfo(fsys, site, pkg{name: "mylib", version: "0.1.0", requested: true, files: []string{"__editable__.mylib-0.1.0.pth"},
		meta: map[string]string{"direct_url.json": `{"url": "file:///home/u/src/my%20lib", "dir_info": {"editable": true}}`}})
	// pip install ./wheels/helper-1.0-py3-none-any.whl
	addDistInfo(fsys, site, pkg{name: "helper", version: "1.0", files: []string{"helper.py"},
		meta: map[string]string{"direct_url.json": `{"url": "file:///srv/wheels/helper-1.0-py3-none-any.whl", "archive_info": {"hashes": {"sha256": "ab"}}}`}})

	got, err := Read(fsys, Venv{Path: "proj/venv", SitePackages: []string{"proj/venv/lib/python3.11/site-packages"}})
	if err != nil {
		t.Fatal(err)
	}
	sp := "proj/venv/lib/python3.11/site-packages/"
	want := []summary{
		{Name: "django", RawName: "Django", Version: "4.2.7", RequiresPython: ">=3.8", Requested: true,
			Requires: []string{"asgiref<4,>=3.6.0", "sqlparse>=0.3.1", `backports.zoneinfo; python_version < "3.9"`, "argon2-cffi>=19.1.0; extra == 'argon2'"},
			TopLevel: []string{"django"}, Installer: "pip", Source: sp + "Django-4.2.7.dist-info"},
		{Name: "django-extensions", RawName: "django-extensions", Version: "3.2.4.dev0", Requested: true,
			URL: "https://github.com/django-extensions/django-extensions.git", VCS: "git", Commit: "4fa8a1b2c3d4e5f60718293a4b5c6d7e8f901234",
			TopLevel: []string{"django_extensions"}, Installer: "uv", Source: sp + "django_extensions-3.2.4.dev0.dist-info"},
		{Name: "helper", RawName: "helper", Version: "1.0", URL: "file:///srv/wheels/helper-1.0-py3-none-any.whl",
			TopLevel: []string{"helper"}, Installer: "pip", Source: sp + "helper-1.0.dist-info"},
		{Name: "mylib", RawName: "mylib", Version: "0.1.0", Requested: true, Editable: true, EditablePath: "/home/u/src/my lib",
			URL: "file:///home/u/src/my%20lib", Installer: "pip", Source: sp + "mylib-0.1.0.dist-info"},
		{Name: "typing-extensions", RawName: "typing_extensions", Version: "4.8.0",
			TopLevel: []string{"_cffi_backend", "asgiref", "typing_extensions"}, Installer: "pip", Source: sp + "typing_extensions-4.8.0.dist-info"},
	}
	if diff := cmp.Diff(want, summarize(got), cmpSummary); diff != "" {
		t.Errorf("Read() mismatch (-want +got):\n%s", diff)
	}
	// Requirements carry their evidence: the METADATA line.
	if r := got[0].Requires[2]; r.Name != "backports-zoneinfo" || r.Where() != sp+"Django-4.2.7.dist-info/METADATA:7" {
		t.Errorf("Requires[2] = %+v at %s", r, r.Where())
	}
}

func TestReadPython27Eggs(t *testing.T) {
	fsys := fstest.MapFS{}
	site := "env/lib/python2.7/site-packages"
	fsys["env/bin/activate"] = file("")
	fsys["env/lib/python2.7/orig-prefix.txt"] = file("/usr")
	// pip install of an sdist: an .egg-info folder with requires.txt and installed-files.txt.
	fsys[site+"/requests-2.27.1-py2.7.egg-info/PKG-INFO"] = file("Metadata-Version: 1.1\nName: requests\nVersion: 2.27.1\nSummary: HTTP\nDescription: Requests\n        is an HTTP library.\n        |  indented\nPlatform: UNKNOWN\n")
	fsys[site+"/requests-2.27.1-py2.7.egg-info/requires.txt"] = file("urllib3<1.27,>=1.21.1\ncertifi>=2017.4.17\n\n[:python_version < \"3\"]\nchardet<5,>=3.0.2\n\n[:python_version >= \"3\"]\ncharset_normalizer~=2.0.0\n\n[socks]\nPySocks!=1.5.7,>=1.5.6\n\n[use_chardet_on_py3:python_version >= \"3\"]\nchardet<5,>=3.0.2\n")
	fsys[site+"/requests-2.27.1-py2.7.egg-info/top_level.txt"] = file("requests\n")
	fsys[site+"/requests-2.27.1-py2.7.egg-info/installed-files.txt"] = file("../requests/__init__.py\n../requests/__init__.pyc\nPKG-INFO\nrequires.txt\n")
	fsys[site+"/requests/__init__.py"] = file("")
	// An egg-info folder without top_level.txt: names from installed-files.txt.
	fsys[site+"/six-1.16.0-py2.7.egg-info/PKG-INFO"] = file("Metadata-Version: 1.2\nName: six\nVersion: 1.16.0\nRequires-Python: >=2.7, !=3.0.*\n")
	fsys[site+"/six-1.16.0-py2.7.egg-info/installed-files.txt"] = file("../six.py\n../six.pyc\n")
	fsys[site+"/six.py"] = file("")
	// distutils: a single-file .egg-info.
	fsys[site+"/MySQL_python-1.2.5-py2.7.egg-info"] = file("Metadata-Version: 1.0\nName: MySQL-python\nVersion: 1.2.5\nSummary: Python interface to MySQL\n")
	// easy_install: an .egg folder and a zipped .egg.
	fsys[site+"/simplejson-3.17.6-py2.7-linux-x86_64.egg/EGG-INFO/PKG-INFO"] = file("Metadata-Version: 1.1\nName: simplejson\nVersion: 3.17.6\n")
	fsys[site+"/simplejson-3.17.6-py2.7-linux-x86_64.egg/EGG-INFO/top_level.txt"] = file("simplejson\n")
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	for name, content := range map[string]string{
		"EGG-INFO/PKG-INFO":      "Metadata-Version: 1.1\nName: pytz\nVersion: 2013b\n",
		"EGG-INFO/top_level.txt": "pytz\n",
		"EGG-INFO/requires.txt":  "",
		"pytz/__init__.py":       "",
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(content))
	}
	zw.Close()
	fsys[site+"/pytz-2013b-py2.7.egg"] = &fstest.MapFile{Data: zipped.Bytes()}
	fsys[site+"/broken-1.0-py2.7.egg"] = file("not a zip")
	// An egg-info folder that lost its PKG-INFO.
	fsys[site+"/half-0.5-py2.7.egg-info/top_level.txt"] = file("half\n")

	vs, err := Locator{Project: "/", FS: fsys}.Find()
	if err != nil || len(vs) != 1 || vs[0].Python != "2.7" || vs[0].Layout != "virtualenv-legacy" {
		t.Fatalf("Find() = %+v, %v", vs, err)
	}
	got, err := Read(fsys, vs[0])
	if err != nil {
		t.Fatal(err)
	}
	want := []summary{
		{Name: "broken", RawName: "broken", Version: "1.0", Source: site + "/broken-1.0-py2.7.egg",
			Problems: []string{"read " + site + "/broken-1.0-py2.7.egg: zip: not a valid zip file"}},
		{Name: "half", RawName: "half", Version: "0.5", TopLevel: []string{"half"}, Source: site + "/half-0.5-py2.7.egg-info",
			Problems: []string{"PKG-INFO missing from " + site + "/half-0.5-py2.7.egg-info: name and version come from the folder name; reinstall half"}},
		{Name: "mysql-python", RawName: "MySQL-python", Version: "1.2.5", Source: site + "/MySQL_python-1.2.5-py2.7.egg-info"},
		{Name: "pytz", RawName: "pytz", Version: "2013b", TopLevel: []string{"pytz"}, Source: site + "/pytz-2013b-py2.7.egg"},
		{Name: "requests", RawName: "requests", Version: "2.27.1", TopLevel: []string{"requests"}, Source: site + "/requests-2.27.1-py2.7.egg-info",
			Requires: []string{
				"urllib3<1.27,>=1.21.1", "certifi>=2017.4.17", `chardet<5,>=3.0.2; python_version < "3"`,
				`charset_normalizer~=2.0.0; python_version >= "3"`, `PySocks!=1.5.7,>=1.5.6; extra == "socks"`,
				`chardet<5,>=3.0.2; (extra == "use_chardet_on_py3") and (python_version >= "3")`,
			}},
		{Name: "simplejson", RawName: "simplejson", Version: "3.17.6", TopLevel: []string{"simplejson"}, Source: site + "/simplejson-3.17.6-py2.7-linux-x86_64.egg"},
		{Name: "six", RawName: "six", Version: "1.16.0", RequiresPython: ">=2.7, !=3.0.*", TopLevel: []string{"six"}, Source: site + "/six-1.16.0-py2.7.egg-info"},
	}
	if diff := cmp.Diff(want, summarize(got), cmpSummary); diff != "" {
		t.Errorf("Read() mismatch (-want +got):\n%s", diff)
	}
	if r := got[4].Requires[4]; r.Where() != site+"/requests-2.27.1-py2.7.egg-info/requires.txt:11" {
		t.Errorf("requires.txt evidence = %s", r.Where())
	}
}

func TestReadEggLink(t *testing.T) {
	fsys := fstest.MapFS{}
	site := posixVenv(fsys, "home/u/proj/venv", "3.6.15")
	// setup.py develop / pip install -e with an old pip.
	fsys[site+"/Legacy_Lib.egg-link"] = file("/home/u/src/legacy\n.")
	fsys[site+"/easy-install.pth"] = file("/home/u/src/legacy\n")
	fsys["home/u/src/legacy/Legacy_Lib.egg-info/PKG-INFO"] = file("Metadata-Version: 2.1\nName: Legacy-Lib\nVersion: 2.0.dev0\n")
	fsys["home/u/src/legacy/Legacy_Lib.egg-info/requires.txt"] = file("requests\n")
	fsys["home/u/src/legacy/Legacy_Lib.egg-info/top_level.txt"] = file("legacy_lib\n")
	fsys["home/u/src/legacy/setup.py"] = file("")
	// One whose source is gone.
	fsys[site+"/gone.egg-link"] = file("/home/u/src/gone\n.\n")
	// One whose source has no egg-info.
	fsys[site+"/bare.egg-link"] = file("/home/u/src/bare\n.\n")
	fsys["home/u/src/bare/setup.py"] = file("")

	l := Locator{Project: "/home/u/proj", FS: fsys}
	vs, err := l.Find()
	if err != nil || len(vs) != 1 {
		t.Fatalf("Find() = %+v, %v", vs, err)
	}
	got, err := l.Read(vs[0])
	if err != nil {
		t.Fatal(err)
	}
	sp := "venv/lib/python3.6/site-packages/"
	want := []summary{
		{Name: "bare", RawName: "bare", Editable: true, EditablePath: "/home/u/src/bare", Source: sp + "bare.egg-link",
			Problems: []string{"no bare.egg-info in editable source /home/u/src/bare: run pip install -e there again"}},
		{Name: "gone", RawName: "gone", Editable: true, EditablePath: "/home/u/src/gone", Source: sp + "gone.egg-link",
			Problems: []string{"editable source /home/u/src/gone not found (named by " + sp + "gone.egg-link): restore the source or reinstall gone"}},
		{Name: "legacy-lib", RawName: "Legacy-Lib", Version: "2.0.dev0", Requires: []string{"requests"}, Editable: true,
			EditablePath: "/home/u/src/legacy", TopLevel: []string{"legacy_lib"}, Source: sp + "Legacy_Lib.egg-link"},
	}
	if diff := cmp.Diff(want, summarize(got), cmpSummary); diff != "" {
		t.Errorf("Read() mismatch (-want +got):\n%s", diff)
	}
	if w := got[2].Requires[0].Where(); w != "/home/u/src/legacy/Legacy_Lib.egg-info/requires.txt:1" {
		t.Errorf("requires.txt evidence = %s", w)
	}
}

func TestReadWindowsVenv(t *testing.T) {
	fsys := fstest.MapFS{
		"proj/winenv/pyvenv.cfg":           file("home = C:\\Python310\r\nversion = 3.10.11\r\n"),
		"proj/winenv/Scripts/python.exe":   file(""),
		"proj/winenv/Scripts/activate.bat": file(""),
	}
	site := "proj/winenv/Lib/site-packages"
	addDistInfo(fsys, site, pkg{name: "pywin32", version: "306", requested: true, topLevel: "win32\nwin32com\npythoncom\n"})
	addDistInfo(fsys, site, pkg{name: "colorama", version: "0.4.6", files: []string{"colorama/__init__.py"}})
	// METADATA written on Windows: CRLF line ends.
	fsys[site+"/colorama-0.4.6.dist-info/METADATA"] = file("Metadata-Version: 2.1\r\nName: colorama\r\nVersion: 0.4.6\r\n\r\nbody\r\n")
	l := Locator{Project: "/proj", FS: fsys}
	vs, err := l.Find()
	if err != nil || len(vs) != 1 || vs[0].Layout != "windows" || vs[0].Python != "3.10" {
		t.Fatalf("Find() = %+v, %v", vs, err)
	}
	got, err := l.Read(vs[0])
	if err != nil {
		t.Fatal(err)
	}
	sp := "winenv/Lib/site-packages/"
	want := []summary{
		{Name: "colorama", RawName: "colorama", Version: "0.4.6", TopLevel: []string{"colorama"}, Installer: "pip", Source: sp + "colorama-0.4.6.dist-info"},
		{Name: "pywin32", RawName: "pywin32", Version: "306", Requested: true, TopLevel: []string{"pythoncom", "win32", "win32com"},
			Installer: "pip", Source: sp + "pywin32-306.dist-info"},
	}
	if diff := cmp.Diff(want, summarize(got), cmpSummary); diff != "" {
		t.Errorf("Read() mismatch (-want +got):\n%s", diff)
	}
}

// A virtualenv broken halfway: metadata gone, symlinks dangling, files
// missing, a name installed twice, a garbled Requires-Dist. Every
// distribution is still listed, with what is wrong.
func TestReadBrokenVenv(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("dangling symlinks to Unix paths")
	}
	root := t.TempDir()
	site := "venv/lib/python3.9/site-packages"
	fsys := fstest.MapFS{}
	posixVenv(fsys, "venv", "3.9.2")
	addDistInfo(fsys, site, pkg{name: "nometa", version: "1.0", noMetadata: true, files: []string{"nometa.py"}})
	addDistInfo(fsys, site, pkg{name: "halfgone", version: "2.0", topLevel: "halfgone\n",
		files: []string{"halfgone/__init__.py"}, unwritten: []string{"halfgone/core.py", "halfgone/util.py"}})
	addDistInfo(fsys, site, pkg{name: "linked", version: "1.1", topLevel: "linked\n"})
	fsys[site+"/linked-1.1.dist-info/RECORD"] = file("linked/__init__.py,,\n")
	addDistInfo(fsys, site, pkg{name: "twice", version: "1.0", files: []string{"twice.py"}})
	addDistInfo(fsys, site, pkg{name: "Twice", version: "2.0"})
	fsys[site+"/Twice-2.0.dist-info/RECORD"] = file("twice.py,,\n")
	addDistInfo(fsys, site, pkg{name: "garbled", version: "0.1", files: []string{"garbled.py"},
		requires: []string{"ok-dep>=1", "bad dep ==", "other; python_version >>> '3'"}})
	addDistInfo(fsys, site, pkg{name: "norecord", version: "0.2", topLevel: "norecord\n"})
	delete(fsys, site+"/norecord-0.2.dist-info/RECORD")
	fsys[site+"/renamed-1.0.dist-info/METADATA"] = file("Metadata-Version: 2.1\nName: original\nVersion: 1.0\nthis line is no header\nRequires-Dist: hidden\n")
	for name, f := range fsys {
		full := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if f.Mode.IsDir() {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(full, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sp := filepath.Join(root, filepath.FromSlash(site))
	for link, target := range map[string]string{
		"gone-3.0.dist-info":              "/nonexistent/gone-3.0.dist-info", // the whole dist-info dangles
		"linked":                          "../../../../src/linked",          // the package folder dangles
		"metalink-1.0.dist-info/METADATA": "/nonexistent/METADATA",           // METADATA dangles
	} {
		full := filepath.Join(sp, filepath.FromSlash(link))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
	}

	l := Locator{Project: root, FS: SystemFS()}
	vs, err := l.Find()
	if err != nil || len(vs) != 1 {
		t.Fatalf("Find() = %+v, %v", vs, err)
	}
	got, err := l.Read(vs[0])
	if err != nil {
		t.Fatal(err)
	}
	s := site + "/"
	want := []summary{
		{Name: "garbled", RawName: "garbled", Version: "0.1", Requires: []string{"ok-dep>=1"}, TopLevel: []string{"garbled"}, Installer: "pip",
			Source: s + "garbled-0.1.dist-info", Problems: []string{
				s + `garbled-0.1.dist-info/METADATA:6: invalid requirement "bad dep ==": expected a version operator such as '==' or '>=' before the version at column 5 (found "d")`,
				s + `garbled-0.1.dist-info/METADATA:7: invalid requirement "other; python_version >>> '3'": marker "python_version >>> '3'": expected a marker variable or quoted string but found ">"`,
			}},
		{Name: "gone", RawName: "gone", Version: "3.0", Source: s + "gone-3.0.dist-info", Problems: []string{
			s + "gone-3.0.dist-info is a symlink to /nonexistent/gone-3.0.dist-info, which does not exist: its metadata is gone; reinstall gone"}},
		{Name: "halfgone", RawName: "halfgone", Version: "2.0", TopLevel: []string{"halfgone"}, Installer: "pip", Source: s + "halfgone-2.0.dist-info",
			Problems: []string{"RECORD lists 2 files that do not exist, e.g. halfgone/core.py: reinstall halfgone"}},
		{Name: "linked", RawName: "linked", Version: "1.1", TopLevel: []string{"linked"}, Installer: "pip", Source: s + "linked-1.1.dist-info",
			Problems: []string{
				s + "linked is a symlink to ../../../../src/linked, which does not exist",
				"RECORD lists 1 file that does not exist, e.g. linked/__init__.py: reinstall linked",
			}},
		{Name: "metalink", RawName: "metalink", Version: "1.0", Source: s + "metalink-1.0.dist-info", Problems: []string{
			s + "metalink-1.0.dist-info/METADATA is a symlink to /nonexistent/METADATA, which does not exist: name and version come from the folder name; reinstall metalink",
			s + "metalink-1.0.dist-info/RECORD missing: which files metalink installed is unknown; reinstall it",
		}},
		// The rest of a dist-info still counts without METADATA.
		{Name: "nometa", RawName: "nometa", Version: "1.0", TopLevel: []string{"nometa"}, Installer: "pip", Source: s + "nometa-1.0.dist-info", Problems: []string{
			"METADATA missing from " + s + "nometa-1.0.dist-info: name and version come from the folder name; reinstall nometa"}},
		{Name: "norecord", RawName: "norecord", Version: "0.2", TopLevel: []string{"norecord"}, Installer: "pip", Source: s + "norecord-0.2.dist-info",
			Problems: []string{s + "norecord-0.2.dist-info/RECORD missing: which files norecord installed is unknown; reinstall it"}},
		{Name: "original", RawName: "original", Version: "1.0", Source: s + "renamed-1.0.dist-info", Problems: []string{
			s + `renamed-1.0.dist-info/METADATA:4: "this line is no header" is not a "Name: value" header; the rest is read as the description`,
			s + "renamed-1.0.dist-info/METADATA names original, but its folder says renamed: the folder was renamed or copied over",
			s + "renamed-1.0.dist-info/RECORD missing: which files original installed is unknown; reinstall it",
		}},
		{Name: "twice", RawName: "twice", Version: "1.0", TopLevel: []string{"twice"}, Installer: "pip", Source: s + "twice-1.0.dist-info",
			Problems: []string{"installed twice: Twice 2.0 is also at " + s + "Twice-2.0.dist-info; pip sees only one, remove the other"}},
		{Name: "twice", RawName: "Twice", Version: "2.0", TopLevel: []string{"twice"}, Installer: "pip", Source: s + "Twice-2.0.dist-info",
			Problems: []string{"installed twice: twice 1.0 is also at " + s + "twice-1.0.dist-info; pip sees only one, remove the other"}},
	}
	if diff := cmp.Diff(want, summarize(got), cmpSummary); diff != "" {
		t.Errorf("Read() mismatch (-want +got):\n%s", diff)
	}
}

// The committed sample virtualenv of testdata/projects/legacy-venv.
func TestReadLegacyVenvSample(t *testing.T) {
	project, err := filepath.Abs("../testdata/projects/legacy-venv")
	if err != nil {
		t.Fatal(err)
	}
	if project, err = filepath.EvalSymlinks(project); err != nil {
		t.Fatal(err)
	}
	l := Locator{Project: filepath.ToSlash(project), FS: SystemFS(), Getenv: env(nil), Home: "/nonexistent"}
	vs, err := l.Find()
	if err != nil {
		t.Fatal(err)
	}
	wantVenv := []Venv{{Path: "venv", Python: "3.8", PythonFull: "3.8.10", PythonSpec: "3.8.10", PythonSource: "venv/pyvenv.cfg:3", Layout: "pyvenv",
		Origin: "project", SitePackages: []string{"venv/lib/python3.8/site-packages"}}}
	if diff := cmp.Diff(wantVenv, vs); diff != "" {
		t.Fatalf("Find() mismatch (-want +got):\n%s", diff)
	}
	got, err := l.Read(vs[0])
	if err != nil {
		t.Fatal(err)
	}
	// Reading through the project's own file system gives the same.
	direct, err := Read(os.DirFS(project), vs[0])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(summarize(got), summarize(direct), cmpSummary); diff != "" {
		t.Errorf("Locator.Read and Read differ:\n%s", diff)
	}
	sp := "venv/lib/python3.8/site-packages/"
	// The sample keeps only the metadata and a stub django/__init__.py, so
	// RECORD's other files are reported missing, as they would be in a
	// virtualenv copied in part.
	trimmed := func(n int, first, name string) []string {
		what := fmt.Sprintf("%d files that do", n)
		if n == 1 {
			what = "1 file that does"
		}
		return []string{fmt.Sprintf("RECORD lists %s not exist, e.g. %s: reinstall %s", what, first, name)}
	}
	want := []summary{
		{Name: "asgiref", RawName: "asgiref", Version: "3.7.2", RequiresPython: ">=3.7",
			Requires: []string{`typing-extensions>=4; python_version < "3.11"`, "pytest; extra == 'tests'", "pytest-asyncio; extra == 'tests'", "mypy>=0.800; extra == 'tests'"},
			TopLevel: []string{"asgiref"}, Installer: "pip", Source: sp + "asgiref-3.7.2.dist-info", Problems: trimmed(7, "asgiref/__init__.py", "asgiref")},
		{Name: "django", RawName: "Django", Version: "3.2.25", RequiresPython: ">=3.6", Requested: true,
			Requires: []string{"asgiref<4,>=3.3.2", "pytz", "sqlparse>=0.2.2", "argon2-cffi>=19.1.0; extra == 'argon2'", "bcrypt; extra == 'bcrypt'"},
			TopLevel: []string{"django"}, Installer: "pip", Source: sp + "Django-3.2.25.dist-info", Problems: trimmed(7, "django/__main__.py", "Django")},
		{Name: "djangorestframework", RawName: "djangorestframework", Version: "3.12.4", RequiresPython: ">=3.5", Requested: true,
			Requires: []string{"django>=2.2"}, TopLevel: []string{"rest_framework"}, Installer: "pip",
			Source: sp + "djangorestframework-3.12.4.dist-info", Problems: trimmed(5, "rest_framework/__init__.py", "djangorestframework")},
		{Name: "pip", RawName: "pip", Version: "20.0.2", RequiresPython: ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*,!=3.4.*",
			TopLevel: []string{"pip"}, Installer: "pip", Source: sp + "pip-20.0.2.dist-info", Problems: trimmed(3, "pip/__init__.py", "pip")},
		{Name: "pytz", RawName: "pytz", Version: "2024.1", TopLevel: []string{"pytz"}, Installer: "pip",
			Source: sp + "pytz-2024.1.dist-info", Problems: trimmed(8, "pytz/__init__.py", "pytz")},
		{Name: "sqlparse", RawName: "sqlparse", Version: "0.4.4", RequiresPython: ">=3.5",
			Requires: []string{`flake8; extra == "dev"`, `build; extra == "dev"`, `sphinx; extra == "doc"`, `pytest; extra == "test"`, `pytest-cov; extra == "test"`},
			TopLevel: []string{"sqlparse"}, Installer: "pip", Source: sp + "sqlparse-0.4.4.dist-info", Problems: trimmed(7, "sqlparse/__init__.py", "sqlparse")},
		{Name: "typing-extensions", RawName: "typing_extensions", Version: "4.9.0", RequiresPython: ">=3.8",
			TopLevel: []string{"typing_extensions"}, Installer: "pip", Source: sp + "typing_extensions-4.9.0.dist-info",
			Problems: trimmed(1, "typing_extensions.py", "typing_extensions")},
	}
	if diff := cmp.Diff(want, summarize(got), cmpSummary); diff != "" {
		t.Errorf("Read() mismatch (-want +got):\n%s", diff)
	}

	// What migrate pins as top level: the REQUESTED pair; pip is left out.
	var names []string
	for _, d := range TopLevel(got, vs[0].Python, nil) {
		names = append(names, d.Name+"=="+d.Version)
	}
	if diff := cmp.Diff([]string{"django==3.2.25", "djangorestframework==3.12.4"}, names); diff != "" {
		t.Errorf("TopLevel() mismatch (-want +got):\n%s", diff)
	}
}

func TestReadErrors(t *testing.T) {
	if _, err := Read(fstest.MapFS{}, Venv{Path: "v"}); err == nil || !strings.Contains(err.Error(), "no site-packages folder") {
		t.Errorf("no site-packages: err = %v", err)
	}
	if _, err := Read(fstest.MapFS{}, Venv{Path: "v", SitePackages: []string{"v/lib/python3.8/site-packages"}}); err == nil ||
		!strings.Contains(err.Error(), "read v/lib/python3.8/site-packages") {
		t.Errorf("missing site-packages: err = %v", err)
	}
}
