package wheel

import (
	"slices"
	"testing"
)

func TestParseFilename(t *testing.T) {
	for _, tc := range []struct {
		in                   string
		name, version, build string
		tags                 []string
	}{
		{"requests-2.31.0-py3-none-any.whl", "requests", "2.31.0", "", []string{"py3-none-any"}},
		{"six-1.16.0-py2.py3-none-any.whl", "six", "1.16.0", "", []string{"py2-none-any", "py3-none-any"}},
		{"numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "numpy", "1.26.4", "",
			[]string{"cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"}},
		{"foo-1.0-1-py3-none-any.whl", "foo", "1.0", "1", []string{"py3-none-any"}},
		{"foo-1.0-12abc-py3-none-any.whl", "foo", "1.0", "12abc", []string{"py3-none-any"}},
		{"Django-5.0-py3-none-any.whl", "Django", "5.0", "", []string{"py3-none-any"}},
		{"zope.interface-6.0-cp311-cp311-MANYLINUX_2_17_X86_64.whl", "zope.interface", "6.0", "", []string{"cp311-cp311-manylinux_2_17_x86_64"}},
		{"torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl", "torch", "2.1.0+cpu", "", []string{"cp311-cp311-linux_x86_64"}},
		{"https://files.example/packages/ab/cd/attrs-23.1.0-py3-none-any.whl", "attrs", "23.1.0", "", []string{"py3-none-any"}},
		{"a-1-py2.py3-cp3.none-x.y.whl", "a", "1", "", []string{
			"py2-cp3-x", "py2-cp3-y", "py2-none-x", "py2-none-y", "py3-cp3-x", "py3-cp3-y", "py3-none-x", "py3-none-y"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			f, err := ParseFilename(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if f.Name != tc.name || f.Version != tc.version || f.Build != tc.build {
				t.Errorf("got %q %q %q, want %q %q %q", f.Name, f.Version, f.Build, tc.name, tc.version, tc.build)
			}
			if got := tagStrings(f.Tags); !slices.Equal(got, tc.tags) {
				t.Errorf("tags %v, want %v", got, tc.tags)
			}
		})
	}
}

func TestParseFilenameErrors(t *testing.T) {
	for _, in := range []string{
		"foo-1.0.tar.gz",
		"foo-1.0-py3-none.whl",
		"foo-1.0-1-2-py3-none-any.whl",
		"foo-1.0-x1-py3-none-any.whl", // build tag must start with a digit
		"-1.0-py3-none-any.whl",
		"foo--py3-none-any.whl",
		"foo-notaversion-py3-none-any.whl",
		"foo-1.0-py3..py2-none-any.whl",
		"foo-1.0-py3-none-.whl",
		"foo-1.0-py3-no+ne-any.whl",
		"fo/o-1.0-py3-none-any.whl/", // a directory, not a file
		"foo bar-1.0-py3-none-any.whl",
		"f-1-a.b.c.d.e.f.g.h.i.j.k-a.b.c.d.e.f.g.h.i.j.k-a.b.c.d.e.f.g.h.i.j.k.whl", // 1331 tags
	} {
		if f, err := ParseFilename(in); err == nil {
			t.Errorf("ParseFilename(%q) = %+v, want an error", in, f)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"Django": "django", "zope.interface": "zope-interface", "typing__extensions": "typing-extensions",
		"A-_.B": "a-b", "friendly-bard": "friendly-bard",
	} {
		if got := NormalizeName(in); got != want {
			t.Errorf("NormalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompareBuild(t *testing.T) {
	ordered := []string{"", "1", "1a", "1b", "2", "10", "010x", "123456789012345678901234567890"}
	for i := range ordered {
		for j := range ordered {
			want := cmpInt(i, j) // "10" < "010x": (10, "") < (10, "x")
			if got := compareBuild(ordered[i], ordered[j]); got != want {
				t.Errorf("compareBuild(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestBest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target Target
		files  []string
		want   string // "" means none fits
	}{
		{"manylinux beats linux and pure", glibcX86, []string{
			"pkg-1.0-py3-none-any.whl",
			"pkg-1.0-cp312-cp312-linux_x86_64.whl",
			"pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		}, "pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"},
		{"newer manylinux preferred", glibcX86, []string{
			"pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
			"pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl",
		}, "pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl"},
		{"manylinux newer than the image's glibc is incompatible", glibcX86, []string{
			"pkg-1.0-cp312-cp312-manylinux_2_39_x86_64.whl",
			"pkg-1.0-py3-none-any.whl",
		}, "pkg-1.0-py3-none-any.whl"},
		{"exact ABI beats abi3", glibcX86, []string{
			"pkg-1.0-cp38-abi3-manylinux_2_28_x86_64.whl",
			"pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
		}, "pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"},
		{"abi3 from an older minor beats pure", glibcX86, []string{
			"pkg-1.0-py3-none-any.whl",
			"pkg-1.0-cp37-abi3-manylinux2014_x86_64.whl",
		}, "pkg-1.0-cp37-abi3-manylinux2014_x86_64.whl"},
		{"linux_x86_64 is still better than nothing", glibcX86, []string{
			"pkg-1.0-cp312-cp312-linux_x86_64.whl",
			"pkg-1.0-cp312-cp312-win_amd64.whl",
		}, "pkg-1.0-cp312-cp312-linux_x86_64.whl"},
		{"pure fallback", glibcX86, []string{
			"pkg-1.0-cp312-cp312-win_amd64.whl",
			"pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
			"pkg-1.0-py2.py3-none-any.whl",
			"pkg-1.0.tar.gz",
		}, "pkg-1.0-py2.py3-none-any.whl"},
		{"nothing fits", glibcX86, []string{
			"pkg-1.0-cp312-cp312-win_amd64.whl",
			"pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
			"pkg-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", // cp311 ABI on 3.12
			"pkg-1.0-cp312-cp312-manylinux_2_17_aarch64.whl",
			"pkg-1.0-cp312-cp312-musllinux_1_1_x86_64.whl",
			"pkg-1.0-py2-none-any.whl",
			"pkg-1.0.tar.gz",
		}, ""},
		{"musl target takes musllinux, not manylinux", muslArm, []string{
			"pkg-1.0-cp311-cp311-manylinux_2_17_aarch64.whl",
			"pkg-1.0-cp311-cp311-musllinux_1_1_aarch64.whl",
		}, "pkg-1.0-cp311-cp311-musllinux_1_1_aarch64.whl"},
		{"musl newer than the image's is incompatible", muslArm, []string{
			"pkg-1.0-cp311-cp311-musllinux_1_3_aarch64.whl",
		}, ""},
		{"aarch64 target", glibcArm, []string{
			"pkg-1.0-cp310-cp310-manylinux_2_17_x86_64.whl",
			"pkg-1.0-cp310-cp310-manylinux_2_17_aarch64.whl",
		}, "pkg-1.0-cp310-cp310-manylinux_2_17_aarch64.whl"},
		{"build tag breaks ties", glibcX86, []string{
			"pkg-1.0-2-py3-none-any.whl",
			"pkg-1.0-10-py3-none-any.whl",
			"pkg-1.0-py3-none-any.whl",
		}, "pkg-1.0-10-py3-none-any.whl"},
		{"tag priority beats build tag", glibcX86, []string{
			"pkg-1.0-9-py3-none-any.whl",
			"pkg-1.0-cp312-none-any.whl",
		}, "pkg-1.0-cp312-none-any.whl"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Best(tc.target, tc.files)
			if ok != (tc.want != "") || got != tc.want {
				t.Errorf("Best = %q, %v; want %q", got, ok, tc.want)
			}
			// The answer must not depend on the order of the candidates.
			rev := slices.Clone(tc.files)
			slices.Reverse(rev)
			if got2, _ := Best(tc.target, rev); got2 != got {
				t.Errorf("reversed input chose %q, forward chose %q", got2, got)
			}
		})
	}
}
