package resolve

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A small bookworm-like world.
func testIndex() []Package {
	return []Package{
		{Name: "libgdal32", Version: "3.6.2+dfsg-1+b2", Architecture: "amd64", Depends: "libc6 (>= 2.34), libproj25 (>= 9.1.1), libgeos-c1v5 (>= 3.11.1), libstdc++6 (>= 12)", Filename: "pool/main/g/gdal/libgdal32_3.6.2+dfsg-1+b2_amd64.deb", SHA256: "aa", Size: 10},
		{Name: "libproj25", Version: "9.1.1-1+b1", Architecture: "amd64", Depends: "libc6 (>= 2.34), libsqlite3-0 (>= 3.11.0), proj-data", Filename: "pool/main/p/proj/libproj25.deb"},
		{Name: "proj-data", Version: "9.1.1-1", Architecture: "all"},
		{Name: "libsqlite3-0", Version: "3.40.1-2", Architecture: "amd64", Depends: "libc6 (>= 2.34)", MultiArch: "same"},
		{Name: "libsqlite3-0", Version: "3.40.1-2", Architecture: "arm64", Depends: "libc6 (>= 2.34)", MultiArch: "same"},
		{Name: "libgeos-c1v5", Version: "3.11.1-1", Architecture: "amd64", Depends: "libgeos3.11.1 (= 3.11.1-1), libc6 (>= 2.4)"},
		{Name: "libgeos3.11.1", Version: "3.11.1-1", Architecture: "amd64", Depends: "libc6 (>= 2.34), libstdc++6:any (>= 11)"},
		{Name: "libstdc++6", Version: "12.2.0-14", Architecture: "amd64", Depends: "gcc-12-base (= 12.2.0-14), libc6 (>= 2.36), libgcc-s1 (>= 4.2)", MultiArch: "same"},
		{Name: "gcc-12-base", Version: "12.2.0-14", Architecture: "amd64"},
		{Name: "libc6", Version: "2.36-9+deb12u4", Architecture: "amd64", PreDepends: "libgcc-s1"},
		{Name: "libgcc-s1", Version: "12.2.0-14", Architecture: "amd64"},
		// Virtual package: libmagic1 depends on libmagic-mgc; mail-transport-agent style virtual.
		{Name: "libmagic1", Version: "1:5.44-3", Architecture: "amd64", Depends: "libbz2-1.0, libc6 (>= 2.33), liblzma5 (>= 5.1.1alpha+20120614), zlib1g (>= 1:1.1.4), libmagic-mgc (= 1:5.44-3)"},
		{Name: "libmagic-mgc", Version: "1:5.44-3", Architecture: "amd64"},
		{Name: "libbz2-1.0", Version: "1.0.8-5+b1", Architecture: "amd64"},
		// Alternatives and versioned provides.
		{Name: "libpq5", Version: "15.5-0+deb12u1", Architecture: "amd64", Depends: "libc6 (>= 2.34), libgssapi-krb5-2 (>= 1.17), libldap-2.5-0 (>= 2.5.4), libssl3 (>= 3.0.0)"},
		{Name: "libgssapi-krb5-2", Version: "1.20.1-2+deb12u1", Architecture: "amd64", Depends: "libkrb5-3 | libheimdal-krb5"},
		{Name: "libkrb5-3", Version: "1.20.1-2+deb12u1", Architecture: "amd64"},
		{Name: "libheimdal-krb5", Version: "7.8", Architecture: "amd64"},
		{Name: "libldap-2.5-0", Version: "2.5.13+dfsg-5", Architecture: "amd64", PreDepends: "libsasl2-2-pre (>= 2.1)", Depends: "libsasl2-modules-db"},
		{Name: "libsasl2-2", Version: "2.1.28+dfsg-10", Architecture: "amd64", Provides: "libsasl2-2-pre (= 2.1.28)"},
		{Name: "libsasl2-modules-db", Version: "2.1.28+dfsg-10", Architecture: "amd64"},
		// Several versions of one package.
		{Name: "libmariadb3", Version: "1:10.11.4-1~deb12u1", Architecture: "amd64", Depends: "mariadb-common (>= 1:10.11)"},
		{Name: "libmariadb3", Version: "1:10.11.6-0+deb12u1", Architecture: "amd64", Depends: "mariadb-common (>= 1:10.11)"},
		{Name: "mariadb-common", Version: "1:10.11.4-1~deb12u1", Architecture: "all", Depends: "mysql-common"},
		{Name: "mariadb-common", Version: "1:10.11.6-0+deb12u1", Architecture: "all", Depends: "mysql-common"},
		{Name: "mariadb-common", Version: "1:11.0-1", Architecture: "arm64"},
		{Name: "mysql-common", Version: "5.8+1.1.0", Architecture: "all"},
		{Name: "wants-old-mariadb", Version: "1", Architecture: "amd64", Depends: "libmariadb3 (<< 1:10.11.5)"},
		// Missing dependency.
		{Name: "libpoppler-glib8", Version: "22.08.0-2.1", Architecture: "amd64", Depends: "libpoppler126 (>= 22.08), libc6 (>= 2.34)"},
		// Needs a newer libc than the base has.
		{Name: "libtrixie", Version: "1.0-1", Architecture: "amd64", Depends: "libc6 (>= 2.38)"},
		// A virtual with only an unversioned provider, asked with a version.
		{Name: "needs-vv", Version: "1", Architecture: "amd64", Depends: "vv (>= 2)"},
		{Name: "vv-impl", Version: "1", Architecture: "amd64", Provides: "vv"},
		// Alternative where the second choice is installed.
		{Name: "uses-awk", Version: "1", Architecture: "amd64", Depends: "gawk | mawk"},
		{Name: "gawk", Version: "1:5.2.1-2", Architecture: "amd64"},
		// Alternative whose first choice is not in the archive.
		{Name: "uses-krb", Version: "1", Architecture: "amd64", Depends: "libmit-gone | libkrb5-3 (>= 1.20)"},
		// Arch qualifiers against the base: :native, :any (a foreign-arch
		// Multi-Arch: allowed package satisfies :any only), explicit arch.
		{Name: "qualified", Version: "1", Architecture: "amd64", Depends: "libc6:native (>= 2.30), python3-foreign:any, zlib1g:amd64"},
		{Name: "wants-foreign", Version: "1", Architecture: "amd64", Depends: "python3-foreign"},
		// Essential packages in the base are never re-added nor upgraded.
		{Name: "base-files", Version: "13.1", Architecture: "amd64"},
		{Name: "needs-base", Version: "1", Architecture: "amd64", Depends: "base-files (>= 12)"},
		{Name: "needs-new-base", Version: "1", Architecture: "amd64", Depends: "base-files (>= 13)"},
	}
}

func bookwormBase() []Installed {
	return []Installed{
		{Package: "base-files", Version: "12.4+deb12u4", Architecture: "amd64", Essential: "yes", Priority: "required"},
		{Package: "libc6", Version: "2.36-9+deb12u3", Architecture: "amd64", Priority: "optional", MultiArch: "same"},
		{Package: "libgcc-s1", Version: "12.2.0-14", Architecture: "amd64"},
		{Package: "libssl3", Version: "3.0.11-1~deb12u2", Architecture: "amd64"},
		{Package: "zlib1g", Version: "1:1.2.13.dfsg-1", Architecture: "amd64"},
		{Package: "liblzma5", Version: "5.4.1-0.2", Architecture: "amd64"},
		{Package: "mawk", Version: "1.3.4.20200120-3.1", Architecture: "amd64", Provides: "awk"},
		{Package: "python3-foreign", Version: "3.11.2-1", Architecture: "arm64", MultiArch: "allowed"},
	}
}

func names(p Plan) []string {
	var out []string
	for _, a := range p.Packages {
		out = append(out, a.Name+"="+a.Version)
	}
	return out
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		req  []string
		arch string
		want []string
		why  map[string]string // package → WhyString
		rel  map[string]string // package → Relation
	}{
		{
			name: "deep chain, :any, arch all, already in base",
			req:  []string{"libgdal32"},
			arch: "amd64",
			want: []string{
				"gcc-12-base=12.2.0-14", "libgdal32=3.6.2+dfsg-1+b2", "libgeos-c1v5=3.11.1-1",
				"libgeos3.11.1=3.11.1-1", "libproj25=9.1.1-1+b1", "libsqlite3-0=3.40.1-2",
				"libstdc++6=12.2.0-14", "proj-data=9.1.1-1",
			},
			why: map[string]string{
				"libsqlite3-0":  "requested → libgdal32 → libproj25 → libsqlite3-0",
				"proj-data":     "requested → libgdal32 → libproj25 → proj-data",
				"libgdal32":     "requested → libgdal32",
				"libgeos3.11.1": "requested → libgdal32 → libgeos-c1v5 → libgeos3.11.1",
			},
			rel: map[string]string{"libsqlite3-0": "libsqlite3-0 (>= 3.11.0)", "libgdal32": ""},
		},
		{
			name: "virtual via versioned Provides, Pre-Depends, alternative picks first that resolves",
			req:  []string{"libpq5"},
			arch: "amd64",
			want: []string{
				"libgssapi-krb5-2=1.20.1-2+deb12u1", "libkrb5-3=1.20.1-2+deb12u1", "libldap-2.5-0=2.5.13+dfsg-5",
				"libpq5=15.5-0+deb12u1", "libsasl2-2=2.1.28+dfsg-10", "libsasl2-modules-db=2.1.28+dfsg-10",
			},
			why: map[string]string{"libsasl2-2": "requested → libpq5 → libldap-2.5-0 → libsasl2-2"},
			rel: map[string]string{"libsasl2-2": "libsasl2-2-pre (>= 2.1)", "libkrb5-3": "libkrb5-3 | libheimdal-krb5"},
		},
		{
			name: "multiple versions: highest; other arch ignored",
			req:  []string{"libmariadb3"},
			arch: "amd64",
			want: []string{"libmariadb3=1:10.11.6-0+deb12u1", "mariadb-common=1:10.11.6-0+deb12u1", "mysql-common=5.8+1.1.0"},
		},
		{
			name: "multiple versions: highest that satisfies the constraint",
			req:  []string{"wants-old-mariadb"},
			arch: "amd64",
			want: []string{"libmariadb3=1:10.11.4-1~deb12u1", "mariadb-common=1:10.11.6-0+deb12u1", "mysql-common=5.8+1.1.0", "wants-old-mariadb=1"},
		},
		{
			name: "alternative: first not in the archive, second resolves",
			req:  []string{"uses-krb"},
			arch: "amd64",
			want: []string{"libkrb5-3=1.20.1-2+deb12u1", "uses-krb=1"},
			rel:  map[string]string{"libkrb5-3": "libmit-gone | libkrb5-3 (>= 1.20)"},
		},
		{
			name: ":native, :any (foreign Multi-Arch: allowed in the base), :amd64",
			req:  []string{"qualified"},
			arch: "amd64",
			want: []string{"qualified=1"},
		},
		{
			name: "essential package in the base not re-added though the archive is newer",
			req:  []string{"needs-base"},
			arch: "amd64",
			want: []string{"needs-base=1"},
		},
		{
			name: "alternative: the installed one is preferred",
			req:  []string{"uses-awk"},
			arch: "amd64",
			want: []string{"uses-awk=1"},
		},
		{
			name: "virtual package (exact-version real dep), base libs not re-added",
			req:  []string{"libmagic1"},
			arch: "amd64",
			want: []string{"libbz2-1.0=1.0.8-5+b1", "libmagic-mgc=1:5.44-3", "libmagic1=1:5.44-3"},
		},
		{
			name: "requested virtual",
			req:  []string{"libsasl2-2-pre"},
			arch: "amd64",
			want: []string{"libsasl2-2=2.1.28+dfsg-10"},
		},
		{
			name: "arm64: all fits, amd64 packages do not",
			req:  []string{"libsqlite3-0", "mysql-common"},
			arch: "arm64",
			want: []string{"libsqlite3-0=3.40.1-2", "mysql-common=5.8+1.1.0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := bookwormBase()
			if tt.arch == "arm64" {
				base = nil
				for _, b := range bookwormBase() {
					b.Architecture = "arm64"
					base = append(base, b)
				}
			}
			plan, err := Resolve(tt.req, testIndex(), base, tt.arch)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if d := cmp.Diff(tt.want, names(plan)); d != "" {
				t.Errorf("packages (-want +got):\n%s", d)
			}
			for _, a := range plan.Packages {
				if w, ok := tt.why[a.Name]; ok && a.WhyString() != w {
					t.Errorf("why %s = %q, want %q", a.Name, a.WhyString(), w)
				}
				if w, ok := tt.rel[a.Name]; ok && a.Relation != w {
					t.Errorf("relation %s = %q, want %q", a.Name, a.Relation, w)
				}
			}
			if len(plan.Notes) == 0 || !strings.Contains(plan.Notes[0], "Recommends") {
				t.Errorf("notes should say Recommends are not followed: %q", plan.Notes)
			}
		})
	}
}

func TestResolveCarriesIndexFields(t *testing.T) {
	plan, err := Resolve([]string{"libgdal32"}, testIndex(), bookwormBase(), "amd64")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range plan.Packages {
		if a.Name == "libgdal32" {
			if a.Filename != "pool/main/g/gdal/libgdal32_3.6.2+dfsg-1+b2_amd64.deb" || a.SHA256 != "aa" || a.Size != 10 {
				t.Errorf("index fields not carried: %+v", a.Package)
			}
			return
		}
	}
	t.Fatal("libgdal32 not in plan")
}

func TestResolveAlreadyInstalled(t *testing.T) {
	plan, err := Resolve([]string{"libssl3", "base-files", "awk"}, testIndex(), bookwormBase(), "amd64")
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Packages) != 0 {
		t.Errorf("nothing should be added, got %v", names(plan))
	}
	if d := cmp.Diff([]string{"awk", "base-files", "libssl3"}, plan.AlreadyInstalled); d != "" {
		t.Errorf("AlreadyInstalled (-want +got):\n%s", d)
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name string
		req  []string
		want []string // each must appear in the error text
	}{
		{"missing dependency names the chain", []string{"libpoppler-glib8"},
			[]string{"libpoppler-glib8 (requested) → libpoppler126 (>= 22.08) → not in the archive for amd64"}},
		{"missing requested", []string{"libnope"}, []string{"libnope (requested) → not in the archive for amd64"}},
		{"base too old", []string{"libtrixie"},
			[]string{"libtrixie (requested) → libc6 (>= 2.38) needed by libtrixie 1.0-1, the base has 2.36-9+deb12u3: use a base image of the same Debian release"}},
		{"unversioned provides does not satisfy a versioned dependency", []string{"needs-vv"},
			[]string{"needs-vv (requested) → vv (>= 2) → no provider satisfies it (provided by vv-impl 1)"}},
		{"two versions of one package", []string{"libmariadb3", "wants-old-mariadb"},
			[]string{"wants-old-mariadb (requested) → libmariadb3 (<< 1:10.11.5) conflicts with libmariadb3 1:10.11.6-0+deb12u1, added for requested → libmariadb3"}},
		{"essential package never upgraded", []string{"needs-new-base"},
			[]string{"needs-new-base (requested) → base-files (>= 13) needed by needs-new-base 1, the base has 12.4+deb12u4"}},
		{"foreign-arch package in the base does not satisfy a plain dependency", []string{"wants-foreign"},
			[]string{"wants-foreign (requested) → python3-foreign → the base has python3-foreign 3.11.2-1 (arm64), which does not satisfy it"}},
		{"all errors reported", []string{"libnope", "libpoppler-glib8"},
			[]string{"libnope (requested)", "libpoppler126 (>= 22.08)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Resolve(tt.req, testIndex(), bookwormBase(), "amd64")
			if err == nil {
				t.Fatal("no error")
			}
			var ce *ChainError
			if !errors.As(err, &ce) {
				t.Errorf("error is not a *ChainError: %T", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestResolveDeterministic(t *testing.T) {
	idx := testIndex()
	first, err := Resolve([]string{"libpq5", "libgdal32", "libmagic1"}, idx, bookwormBase(), "amd64")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		// Reverse the index: same result.
		rev := make([]Package, len(idx))
		for j := range idx {
			rev[len(idx)-1-j] = idx[j]
		}
		again, err := Resolve([]string{"libpq5", "libgdal32", "libmagic1"}, rev, bookwormBase(), "amd64")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(names(first), names(again)); d != "" {
			t.Fatalf("not deterministic:\n%s", d)
		}
	}
}
