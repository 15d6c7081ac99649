package image

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/containerize/containerize/detect"
	"github.com/containerize/containerize/image/base"
	"github.com/containerize/containerize/image/internal/testkit"
	"github.com/containerize/containerize/lockset"
	"github.com/containerize/containerize/pep"
	"github.com/containerize/containerize/pypi"
)

// pyBase is the image the resolver tests resolve for: CPython 3.12.7, glibc 2.36, x86_64.
var pyBase = &base.Base{Python: "3.12.7", Arch: "x86_64", Libc: "glibc", LibcVersion: "2.36"}

// wheelIndex is an index of in-memory wheels for resolver tests.
type wheelIndex struct {
	*testkit.Index
	hashes map[string]string // "name version" → "sha256:<hex>" of its (last added) wheel
}

func newWheelIndex(t *testing.T, coreMetadata bool) *wheelIndex {
	t.Helper()
	ix := &wheelIndex{Index: testkit.NewIndex(), hashes: map[string]string{}}
	ix.CoreMetadata = coreMetadata
	t.Cleanup(ix.Close)
	return ix
}

// add serves a wheel of name version with tag ("" is py3-none-any) requiring requires; it returns its file name.
func (ix *wheelIndex) add(name, version, tag string, requires ...string) string {
	file, data := testkit.Wheel(testkit.WheelSpec{Name: name, Version: version, Tag: tag, Requires: requires,
		Files: map[string]string{strings.ReplaceAll(name, "-", "_") + "/__init__.py": version}})
	ix.Add(name, file, data)
	ix.hashes[name+" "+version] = "sha256:" + testkit.SHA256(data)
	return file
}

func (ix *wheelIndex) client(t *testing.T) *pypi.Client {
	t.Helper()
	c, err := pypi.New(pypi.Options{IndexURL: ix.URL(), CacheDir: t.TempDir(), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pin is a locked requirement for a wheel the index serves, with its hash.
func (ix *wheelIndex) pin(name, version string) lockset.Pin {
	return lockset.Pin{Name: name, Version: version, Hashes: []string{ix.hashes[name+" "+version]}}
}

func versions(us []unpinnedDist) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.Name+"=="+u.Version)
	}
	return out
}

func TestResolveUnpinned(t *testing.T) {
	for _, tc := range []struct {
		name     string
		index    func(ix *wheelIndex)
		lock     func(ix *wheelIndex) *lockset.Set
		extras   []string
		want     []string
		wantErr  string
		conflict bool
	}{{
		name: "newest version with a wheel for the image",
		index: func(ix *wheelIndex) {
			ix.add("gunicorn", "22.0.0", "")
			ix.add("gunicorn", "23.0.0", "")
			ix.Yank(ix.add("gunicorn", "23.1.0", ""))
			ix.RequiresPython(ix.add("gunicorn", "24.0.0", ""), ">=3.13")
			ix.add("gunicorn", "25.0rc1", "")
			ix.add("gunicorn", "26.0.0", "cp312-cp312-win_amd64")
			ix.Add("gunicorn", "gunicorn-27.0.0.tar.gz", []byte("sdist"))
		},
		extras: []string{"Gunicorn"},
		want:   []string{"gunicorn==23.0.0"},
	}, {
		name: "pre-releases only when nothing else is in range",
		index: func(ix *wheelIndex) {
			ix.add("uvicorn", "1.0.0", "", "h11>1.0")
			ix.add("h11", "1.0.0", "")
			ix.add("h11", "1.1b1", "")
		},
		extras: []string{"uvicorn"},
		want:   []string{"h11==1.1b1", "uvicorn==1.0.0"},
	}, {
		name: "markers, extras and pinned dependencies",
		index: func(ix *wheelIndex) {
			ix.add("django", "5.1.2", "")
			ix.add("daphne", "4.1.0", "", "twisted[tls]>=22.4", "asgiref<4,>=3.5.2", "Django>=4; extra == 'django'",
				"importlib-metadata; python_version < '3.8'", "pywin32; sys_platform == 'win32'")
			ix.add("twisted", "24.3.0", "", "attrs>=21.3.0", "pyopenssl>=21.0.0; extra == 'tls'", "pywin32!=226; platform_system == 'Windows'")
			ix.add("attrs", "24.2.0", "")
			ix.add("pyopenssl", "24.2.1", "", "cryptography<44,>=41.0.5")
			ix.add("cryptography", "43.0.1", "cp39-abi3-manylinux_2_28_x86_64")
			ix.add("cryptography", "44.0.0", "cp39-abi3-manylinux_2_28_x86_64")
			ix.add("asgiref", "3.8.1", "")
		},
		lock: func(ix *wheelIndex) *lockset.Set {
			return &lockset.Set{Pins: []lockset.Pin{ix.pin("django", "5.1.2")}, Complete: true}
		},
		extras: []string{"daphne", "django"},
		want:   []string{"asgiref==3.8.1", "attrs==24.2.0", "cryptography==43.0.1", "daphne==4.1.0", "pyopenssl==24.2.1", "twisted==24.3.0"},
	}, {
		name: "a later requirement narrows an earlier choice",
		index: func(ix *wheelIndex) {
			ix.add("gunicorn", "23.0.0", "", "packaging")
			ix.add("whitenoise", "6.7.0", "", "packaging<24")
			ix.add("packaging", "23.2", "")
			ix.add("packaging", "24.1", "")
		},
		extras: []string{"gunicorn", "whitenoise"},
		want:   []string{"gunicorn==23.0.0", "packaging==23.2", "whitenoise==6.7.0"},
	}, {
		name: "a pinned version the image's packages rule out",
		index: func(ix *wheelIndex) {
			ix.add("django", "3.2.25", "")
			ix.add("whitenoise", "6.7.0", "", "Django>=4.2")
		},
		lock: func(ix *wheelIndex) *lockset.Set {
			return &lockset.Set{Pins: []lockset.Pin{ix.pin("django", "3.2.25")}, Complete: true, File: "Pipfile.lock"}
		},
		extras:   []string{"whitenoise"},
		wantErr:  "Pipfile.lock pins django 3.2.25, but whitenoise 6.7.0 requires django>=4.2",
		conflict: true,
	}, {
		name: "nothing installable",
		index: func(ix *wheelIndex) {
			ix.Add("psycopg2", "psycopg2-2.9.9.tar.gz", []byte("sdist"))
			ix.add("psycopg2", "2.9.8", "cp312-cp312-win_amd64")
		},
		extras:  []string{"psycopg2"},
		wantErr: "psycopg2 (required by the image, not pinned by the lock): no version has a wheel for the image (CPython 3.12, glibc 2.36, x86_64): 2.9.9 (sdist only), 2.9.8 (no wheel for this image); use psycopg2-binary",
	}, {
		name:    "unknown project",
		extras:  []string{"nosuch"},
		wantErr: "nosuch (required by the image, not pinned by the lock): the index (",
	}, {
		name: "no version in range",
		index: func(ix *wheelIndex) {
			ix.add("gunicorn", "23.0.0", "", "packaging>=30")
			ix.add("packaging", "24.1", "")
		},
		extras:  []string{"gunicorn"},
		wantErr: "packaging (required by gunicorn 23.0.0, not pinned by the lock): no version on the index fits >=30 (from gunicorn 23.0.0)",
	}, {
		name: "incomplete requirements: missing dependencies are added",
		index: func(ix *wheelIndex) {
			ix.add("djangorestframework", "3.15.2", "", "django>=4.2", "markdown; extra == 'docs'")
			ix.add("django", "5.1.2", "", "asgiref<4,>=3.8.1", "sqlparse>=0.3.1", "tzdata; sys_platform == 'win32'")
			ix.add("asgiref", "3.8.1", "")
			ix.add("sqlparse", "0.5.1", "")
		},
		lock: func(ix *wheelIndex) *lockset.Set {
			return &lockset.Set{Pins: []lockset.Pin{{Name: "djangorestframework", Version: "3.15.2"}, {Name: "Django", Version: "5.1.2"}}}
		},
		want: []string{"asgiref==3.8.1", "sqlparse==0.5.1"},
	}, {
		name: "incomplete requirements: pins that disagree",
		index: func(ix *wheelIndex) {
			ix.add("djangorestframework", "3.15.2", "", "django>=4.2")
			ix.add("django", "3.2.25", "")
		},
		lock: func(ix *wheelIndex) *lockset.Set {
			return &lockset.Set{File: "requirements.txt", Pins: []lockset.Pin{{Name: "djangorestframework", Version: "3.15.2"}, {Name: "django", Version: "3.2.25"}}}
		},
		wantErr:  "requirements.txt pins django 3.2.25, but djangorestframework 3.15.2 requires django>=4.2: the lock is inconsistent",
		conflict: true,
	}} {
		for _, pep658 := range []bool{false, true} {
			name := tc.name
			if pep658 {
				name += " (PEP 658 metadata)"
			}
			t.Run(name, func(t *testing.T) {
				ix := newWheelIndex(t, pep658)
				if tc.index != nil {
					tc.index(ix)
				}
				lock := &lockset.Set{Complete: true}
				if tc.lock != nil {
					lock = tc.lock(ix)
				}
				got, cached, err := resolveUnpinned(context.Background(), newIndexClient(ix.client(t)), "", pyBase, lock, tc.extras)
				if tc.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
						t.Fatalf("err = %v\nwant %q", err, tc.wantErr)
					}
					var ce *ConflictError
					if errors.As(err, &ce) != tc.conflict {
						t.Errorf("ConflictError: %v, want %v", !tc.conflict, tc.conflict)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if cached || !slices.Equal(versions(got), tc.want) {
					t.Fatalf("resolved %q (cached %v), want %q", versions(got), cached, tc.want)
				}
				for _, u := range got {
					if u.SHA256 != strings.TrimPrefix(ix.hashes[u.Name+" "+u.Version], "sha256:") || !strings.HasPrefix(u.URL, ix.Server.URL) {
						t.Errorf("%s: sha256 %s, url %s", u.Name, u.SHA256, u.URL)
					}
				}
				if pep658 && ix.Downloads.Load() != 0 {
					t.Errorf("%d wheels downloaded to read metadata the index offers", ix.Downloads.Load())
				}
				if !pep658 && ix.Metadata.Load() != 0 {
					t.Errorf("metadata requested from an index that does not offer it")
				}
			})
		}
	}
}

func TestResolveUnpinnedWhy(t *testing.T) {
	ix := newWheelIndex(t, true)
	ix.add("whitenoise", "6.7.0", "", "gunicorn>=20")
	ix.add("gunicorn", "23.0.0", "", "packaging")
	ix.add("packaging", "24.1", "")
	got, _, err := resolveUnpinned(context.Background(), newIndexClient(ix.client(t)), "", pyBase, &lockset.Set{Complete: true}, []string{"whitenoise", "gunicorn"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"gunicorn":   "the image", // asked for by the image too: requested, though whitenoise came first
		"packaging":  "required by gunicorn 23.0.0",
		"whitenoise": "the image",
	}
	for _, u := range got {
		if !strings.HasPrefix(u.Why, want[u.Name]) || u.Requested != (want[u.Name] == "the image") {
			t.Errorf("%s: why %q, requested %v", u.Name, u.Why, u.Requested)
		}
	}
}

func TestResolveUnpinnedCache(t *testing.T) {
	ix := newWheelIndex(t, true)
	ix.add("django", "5.1.2", "")
	ix.add("gunicorn", "23.0.0", "", "packaging")
	ix.add("packaging", "24.1", "")
	dir := t.TempDir()
	lock := &lockset.Set{Pins: []lockset.Pin{ix.pin("django", "5.1.2")}, Complete: true}
	first, cached, err := resolveUnpinned(context.Background(), newIndexClient(ix.client(t)), dir, pyBase, lock, []string{"gunicorn"})
	if err != nil || cached {
		t.Fatalf("first: cached %v, %v", cached, err)
	}
	ix.add("gunicorn", "24.0.0", "") // a new release: not seen until the lock changes
	c := ix.client(t)
	again, cached, err := resolveUnpinned(context.Background(), newIndexClient(c), dir, pyBase, lock, []string{"gunicorn"})
	if err != nil || !cached || !slices.Equal(versions(again), versions(first)) {
		t.Fatalf("second: %q cached %v, %v", versions(again), cached, err)
	}
	if st := c.Stats(); st.Requests != 0 {
		t.Errorf("a cached resolution asked the index: %+v", st)
	}
	// A damaged record is a miss.
	entries, _ := os.ReadDir(dir)
	if err := os.WriteFile(filepath.Join(dir, entries[0].Name()), []byte(`{"key":{"format":"`+resolveFormat+`"},"unpinned":[{"name":"gunicorn"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if again, cached, err := resolveUnpinned(context.Background(), newIndexClient(ix.client(t)), dir, pyBase, lock, []string{"gunicorn"}); err != nil || cached || !slices.Equal(versions(again), []string{"gunicorn==24.0.0"}) {
		t.Fatalf("damaged record: %q cached %v, %v", versions(again), cached, err)
	}
	ix.add("django", "5.1.3", "")
	lock = &lockset.Set{Pins: []lockset.Pin{ix.pin("django", "5.1.3")}, Complete: true}
	changed, cached, err := resolveUnpinned(context.Background(), newIndexClient(ix.client(t)), dir, pyBase, lock, []string{"gunicorn"})
	if err != nil || cached || !slices.Equal(versions(changed), []string{"gunicorn==24.0.0"}) {
		t.Fatalf("after a lock change: %q cached %v, %v", versions(changed), cached, err)
	}
	// Another target is another resolution.
	arm := *pyBase
	arm.Arch = "aarch64"
	if _, cached, _ := resolveUnpinned(context.Background(), newIndexClient(ix.client(t)), dir, &arm, lock, []string{"gunicorn"}); cached {
		t.Errorf("aarch64 reused the x86_64 resolution")
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%d cache records, want 3", len(entries))
	}
	// Nothing to add: no record, no request.
	c = ix.client(t)
	if got, _, err := resolveUnpinned(context.Background(), newIndexClient(c), filepath.Join(dir, "none"), pyBase, lock, []string{"Django"}); err != nil || got != nil || c.Stats().Requests != 0 {
		t.Errorf("pinned extra: %v %v %+v", got, err, c.Stats())
	}
}

func TestResolveUnpinnedChecksLockedHashes(t *testing.T) {
	ix := newWheelIndex(t, false)
	ix.add("djangorestframework", "3.15.2", "", "django>=4.2")
	lock := &lockset.Set{Pins: []lockset.Pin{{Name: "djangorestframework", Version: "3.15.2", Hashes: []string{"sha256:" + strings.Repeat("0", 64)}}}}
	_, _, err := resolveUnpinned(context.Background(), newIndexClient(ix.client(t)), "", pyBase, lock, nil)
	if err == nil || !strings.Contains(err.Error(), "djangorestframework 3.15.2") || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("err = %v", err)
	}
}

func TestRequiresDist(t *testing.T) {
	md := pep.ParseMetadata([]byte("Metadata-Version: 2.1\r\nName: Foo.Bar\r\nVersion: 1.0\r\nRequires-Python: >=3.8\r\n" +
		"Requires-Dist: six\r\nRequires-Dist: attrs>=21;\r\n  python_version >= '3.8'\r\nrequires-dist: x\r\nRequires-Dist:\r\n \r\n\r\nRequires-Dist: body\r\n"))
	if got := requiresDist(md); !slices.Equal(got, []string{"six", "attrs>=21; python_version >= '3.8'", "x"}) {
		t.Errorf("requiresDist = %q", got)
	}
	file, data := testkit.Wheel(testkit.WheelSpec{Name: "foo-bar", Version: "1.0", Requires: []string{"six"}})
	got, err := wheelMetadata(data, file)
	if err != nil || got.Name() != "foo-bar" || !slices.Equal(requiresDist(got), []string{"six"}) {
		t.Errorf("%+v %v", got, err)
	}
	if _, err := wheelMetadata([]byte("not a zip"), file); err == nil {
		t.Error("garbage accepted")
	}
	if _, err := wheelMetadata(data, "other-1.0-py3-none-any.whl"); err == nil || !strings.Contains(err.Error(), "no other-….dist-info/METADATA") {
		t.Errorf("wrong name: %v", err)
	}
}

// TestBuildUnpinnedExtras: the server the image runs is not locked, so the build resolves it (and its
// dependencies) from the index, says so, installs it, and remembers the resolution.
func TestBuildUnpinnedExtras(t *testing.T) {
	f := newFixture(t)
	f.index.CoreMetadata = true
	f.reqs = slices.DeleteFunc(f.reqs, func(r lockset.Pin) bool { return r.Name == "gunicorn" })
	f.project.Dependencies = slices.DeleteFunc(f.project.Dependencies, func(d detect.Dependency) bool { return d.Name == "gunicorn" })
	add := func(spec testkit.WheelSpec) string {
		file, data := testkit.Wheel(spec)
		f.index.Add(spec.Name, file, data)
		return file
	}
	add(testkit.WheelSpec{Name: "gunicorn", Version: "23.1.0", Requires: []string{"packaging", "Django>=4", "eventlet; extra == 'eventlet'"},
		Files: map[string]string{"gunicorn/__init__.py": ""}, Scripts: map[string]string{"gunicorn": "gunicorn.app.wsgiapp:run"}})
	f.index.RequiresPython(add(testkit.WheelSpec{Name: "gunicorn", Version: "24.0.0"}), ">=3.13")
	add(testkit.WheelSpec{Name: "packaging", Version: "24.1", Files: map[string]string{"packaging/__init__.py": ""}})

	cache := t.TempDir()
	o := f.options(t, cache)
	o.Output.Push = f.reg.Host + "/library:unpinned"
	var log strings.Builder
	o.Progress = &log
	first := f.build(t, o)
	img := first.Images[0]
	if !slices.Equal(img.Unpinned, []string{"gunicorn==23.1.0", "packaging==24.1"}) || img.Packages != 4 {
		t.Fatalf("unpinned %q, %d packages", img.Unpinned, img.Packages)
	}
	for _, want := range []string{
		"warning: the lock does not pin 2 package(s) the image needs; installing the newest with a wheel for this image (resolved from the index now):",
		"  gunicorn==23.1.0  (the image)\n",
		"  packaging==24.1  (required by gunicorn 23.1.0)\n",
		"remove " + filepath.Join(cache, "resolved") + " to resolve again",
	} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, log.String())
		}
	}
	fs := files(t, pulled(t, o.Output.Push))
	site := "opt/venv/lib/python3.12/site-packages/"
	for p, want := range map[string]bool{
		"opt/venv/bin/gunicorn": true, site + "gunicorn-23.1.0.dist-info/REQUESTED": true,
		site + "packaging-24.1.dist-info/RECORD": true, site + "packaging-24.1.dist-info/REQUESTED": false,
	} {
		if _, ok := fs[p]; ok != want {
			t.Errorf("%s present: %v, want %v", p, ok, want)
		}
	}

	// Warm: the resolution and the layer come from the cache; the index is not asked.
	ix := f.index.Pages.Load() + f.index.Downloads.Load() + f.index.Metadata.Load()
	log.Reset()
	o.Output = Output{}
	second := f.build(t, o)
	if second.Index.Requests != 0 || !second.Images[0].DependenciesCached || second.Digest != first.Digest {
		t.Errorf("warm build: %+v, cached %v, digest %v vs %v", second.Index, second.Images[0].DependenciesCached, second.Digest, first.Digest)
	}
	if n := f.index.Pages.Load() + f.index.Downloads.Load() + f.index.Metadata.Load(); n != ix {
		t.Errorf("the index served %d more requests", n-ix)
	}
	if !strings.Contains(log.String(), "(as resolved by an earlier build)") || !strings.Contains(log.String(), "gunicorn==23.1.0") {
		t.Errorf("warm build did not warn:\n%s", log.String())
	}

	// Resolving again (the resolution removed) picks up a new release, and the dependency layer follows.
	add(testkit.WheelSpec{Name: "gunicorn", Version: "23.2.0", Files: map[string]string{"gunicorn/__init__.py": "new"}})
	if err := os.RemoveAll(filepath.Join(cache, "resolved")); err != nil {
		t.Fatal(err)
	}
	third := f.build(t, o)
	if got := third.Images[0]; !slices.Equal(got.Unpinned, []string{"gunicorn==23.2.0"}) || got.DependenciesCached || got.Dependencies == img.Dependencies {
		t.Errorf("after a new release: %+v", got)
	}
}

// TestBuildIncompleteRequirements: a hand-written requirements file names only the direct dependencies;
// the build completes it from the wheels' Requires-Dist, as pip would.
func TestBuildIncompleteRequirements(t *testing.T) {
	f := newFixture(t)
	add := func(spec testkit.WheelSpec) {
		file, data := testkit.Wheel(spec)
		f.index.Add(spec.Name, file, data)
	}
	add(testkit.WheelSpec{Name: "djangorestframework", Version: "3.15.2", Requires: []string{"django>=4.2", "asgiref>=3.8; python_version >= '3.8'", "backports.zoneinfo; python_version < '3.9'"},
		Files: map[string]string{"rest_framework/__init__.py": ""}})
	add(testkit.WheelSpec{Name: "asgiref", Version: "3.7.2", Files: map[string]string{"asgiref/__init__.py": "old"}})
	add(testkit.WheelSpec{Name: "asgiref", Version: "3.8.1", Files: map[string]string{"asgiref/__init__.py": ""}})
	writeFile(t, filepath.Join(f.root, "requirements.txt"), "django==5.1.2\ngunicorn==23.0.0\nfastext==1.0\ndjangorestframework==3.15.2\n")
	o := f.options(t, t.TempDir())
	o.Requirements = Lockfile(os.DirFS(f.root), o.Plan.Image.Dependencies)
	var log strings.Builder
	o.Progress = &log
	res := f.build(t, o)
	if got := res.Images[0]; !slices.Equal(got.Unpinned, []string{"asgiref==3.8.1"}) || got.Packages != 5 {
		t.Fatalf("unpinned %q, %d packages", got.Unpinned, got.Packages)
	}
	if n := f.index.Pages.Load(); n != 5 {
		t.Errorf("%d project pages asked for 5 projects: each is listed once per build", n)
	}
	if !strings.Contains(log.String(), "requirements.txt does not pin 1 package(s)") || !strings.Contains(log.String(), "asgiref==3.8.1  (required by djangorestframework 3.15.2 (asgiref>=3.8))") {
		t.Errorf("progress:\n%s", log.String())
	}

	writeFile(t, filepath.Join(f.root, "requirements.txt"), "django==5.1.2\ngunicorn==23.0.0\nfastext==1.0\ndjangorestframework==3.15.2\nasgiref==3.7.2\n")
	_, err := Build(context.Background(), o)
	var ce *ConflictError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "requirements.txt pins asgiref 3.7.2, but djangorestframework 3.15.2 requires asgiref>=3.8") {
		t.Errorf("err = %v", err)
	}
}

// TestBuildLockIndexes: with no index given, the lock's own index is used (${VAR} expanded); an index given
// by the user replaces it.
func TestBuildLockIndexes(t *testing.T) {
	f := newFixture(t)
	host := strings.TrimPrefix(f.index.Server.URL, "http://")
	lock := &lockset.Set{Pins: f.reqs, Complete: true, File: "Pipfile.lock", PrimaryIndex: true,
		IndexURLs: []string{"http://${INDEX_HOST}/simple/", "http://127.0.0.1:1/extra/"}}
	o := f.options(t, t.TempDir())
	o.Requirements = func(context.Context, *base.Base) (*lockset.Set, error) { return lock, nil }
	o.Index = pypi.Options{Retries: -1}
	o.Getenv = func(k string) string { return map[string]string{"INDEX_HOST": host}[k] }
	_, err := Build(context.Background(), o)
	// The second index is unreachable: that both were asked shows both were used.
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1/extra/") {
		t.Fatalf("err = %v", err)
	}
	lock.IndexURLs = lock.IndexURLs[:1]
	res := f.build(t, o)
	if !slices.Equal(res.Indexes, []string{f.index.URL()}) || res.Index.Requests == 0 {
		t.Errorf("indexes %q, %+v", res.Indexes, res.Index)
	}

	o.Getenv = func(string) string { return "" }
	if _, err := Build(context.Background(), o); err == nil || !strings.Contains(err.Error(), "Pipfile.lock: index URL http://${INDEX_HOST}/simple/ uses $INDEX_HOST, which is not set") {
		t.Errorf("unset variable: %v", err)
	}

	// The user's index wins: the lock's (unexpandable) one is not even looked at.
	o.Index = pypi.Options{IndexURL: f.index.URL(), Retries: -1}
	if res := f.build(t, o); !slices.Equal(res.Indexes, []string{f.index.URL()}) {
		t.Errorf("indexes %q", res.Indexes)
	}
}

func TestIndexOptions(t *testing.T) {
	getenv := func(k string) string { return map[string]string{"TOKEN": "s3cret"}[k] }
	for _, tc := range []struct {
		name         string
		user         pypi.Options
		lock         lockset.Set
		index        string
		extra        []string
		wantCacheDir string
	}{
		{"no indexes anywhere", pypi.Options{}, lockset.Set{}, "", nil, filepath.Join("/c", "wheels")},
		{"lock primary and extra", pypi.Options{ExtraIndexURLs: []string{"https://u/"}},
			lockset.Set{PrimaryIndex: true, IndexURLs: []string{"https://a/", "https://b/"}}, "https://a/", []string{"https://u/", "https://b/"}, filepath.Join("/c", "wheels")},
		{"lock extras only: PyPI stays primary", pypi.Options{},
			lockset.Set{IndexURLs: []string{"https://x:${TOKEN}@b/"}}, "", []string{"https://x:s3cret@b/"}, filepath.Join("/c", "wheels")},
		{"the user's index replaces the lock's", pypi.Options{IndexURL: "https://mirror/", CacheDir: "/w"},
			lockset.Set{PrimaryIndex: true, IndexURLs: []string{"https://a/", "https://b/"}}, "https://mirror/", nil, "/w"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &Options{Index: tc.user, CacheDir: "/c", Getenv: getenv}
			got, err := indexOptions(o, &tc.lock)
			if err != nil {
				t.Fatal(err)
			}
			if got.IndexURL != tc.index || !slices.Equal(got.ExtraIndexURLs, tc.extra) || got.CacheDir != tc.wantCacheDir {
				t.Errorf("got %q %q %q", got.IndexURL, got.ExtraIndexURLs, got.CacheDir)
			}
			if len(tc.user.ExtraIndexURLs) > 0 && len(o.Index.ExtraIndexURLs) != len(tc.user.ExtraIndexURLs) {
				t.Errorf("the caller's options changed: %q", o.Index.ExtraIndexURLs)
			}
		})
	}
}

func pulled(t *testing.T, ref string) v1.Image {
	t.Helper()
	img, err := remote.Image(mustRef(t, ref))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
