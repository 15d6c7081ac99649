package pep

import (
	"slices"
	"strings"
	"testing"
)

func tagStrings(tags []Tag) []string {
	var out []string
	for _, t := range tags {
		out = append(out, t.String())
	}
	return out
}

func TestParseWheelFilename(t *testing.T) {
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
		{"foo-1.0-2-py3-none-any.whl", "foo", "1.0", "2", []string{"py3-none-any"}},
		{"foo-1.0-12abc-py3-none-any.whl", "foo", "1.0", "12abc", []string{"py3-none-any"}},
		{"Django-5.0-py3-none-any.whl", "Django", "5.0", "", []string{"py3-none-any"}},
		{"django-3.2.25-py3-none-any.whl", "django", "3.2.25", "", []string{"py3-none-any"}},
		{"psycopg2_binary-2.9.5-cp311-cp311-linux_x86_64.whl", "psycopg2_binary", "2.9.5", "", []string{"cp311-cp311-linux_x86_64"}},
		{"virtualenv-20.17.1+ds-py3-none-any.whl", "virtualenv", "20.17.1+ds", "", []string{"py3-none-any"}},
		{"zope.interface-6.0-cp311-cp311-MANYLINUX_2_17_X86_64.whl", "zope.interface", "6.0", "", []string{"cp311-cp311-manylinux_2_17_x86_64"}},
		{"torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl", "torch", "2.1.0+cpu", "", []string{"cp311-cp311-linux_x86_64"}},
		{"https://files.example/packages/ab/cd/attrs-23.1.0-py3-none-any.whl", "attrs", "23.1.0", "", []string{"py3-none-any"}},
		{"a-1-py2.py3-cp3.none-x.y.whl", "a", "1", "", []string{
			"py2-cp3-x", "py2-cp3-y", "py2-none-x", "py2-none-y", "py3-cp3-x", "py3-cp3-y", "py3-none-x", "py3-none-y"}},
		{"a-1-py3.py3-none-any.whl", "a", "1", "", []string{"py3-none-any"}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			f, err := ParseWheelFilename(tc.in)
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

func TestParseWheelFilenameErrors(t *testing.T) {
	for in, want := range map[string]string{
		"foo-1.0.tar.gz":                   `wheel file name "foo-1.0.tar.gz": does not end in .whl`,
		"foo-1.0-py3-none.whl":             "got 4 dash-separated fields",
		"foo-py3-none-any.whl":             "got 4 dash-separated fields",
		"a-b-c-d-e-f-g.whl":                "got 7 dash-separated fields",
		"foo-1.0-1-2-py3-none-any.whl":     "got 7 dash-separated fields",
		"foo-1.0-x1-py3-none-any.whl":      `build tag "x1" must start with a digit`,
		"foo-1.0--py3-none-any.whl":        `build tag "" must start with a digit`,
		"foo-1.0-1+x-py3-none-any.whl":     `invalid build tag "1+x"`,
		"-1.0-py3-none-any.whl":            `invalid distribution name ""`,
		"foo--py3-none-any.whl":            `invalid version ""`,
		"foo-notaversion-py3-none-any.whl": `invalid version "notaversion" (not PEP 440)`,
		"foo-1.0-py3..py2-none-any.whl":    `invalid tag "py3..py2"`,
		"foo-1.0-py3-none-.whl":            `invalid tag ""`,
		"foo-1.0-py3-no+ne-any.whl":        `invalid tag "no+ne"`,
		"fo/o-1.0-py3-none-any.whl/":       "does not end in .whl", // a directory, not a file
		"foo bar-1.0-py3-none-any.whl":     `invalid distribution name "foo bar"`,
		"f-1-a.b.c.d.e.f.g.h.i.j.k-a.b.c.d.e.f.g.h.i.j.k-a.b.c.d.e.f.g.h.i.j.k.whl": "expand to more than 1024 tags", // 1331 tags
	} {
		if f, err := ParseWheelFilename(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseWheelFilename(%q) = %+v, %v; want an error about %q", in, f, err, want)
		}
	}
}

func FuzzParseWheelFilename(f *testing.F) {
	for _, s := range []string{
		"requests-2.31.0-py3-none-any.whl",
		"numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"foo-1.0-1-py2.py3-none-any.whl",
		"torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl",
		"a-1-b.c-d.e-f.g.whl",
		"../x-1-py3-none-any.whl",
		"x-1--py3-none-any.whl",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		fn, err := ParseWheelFilename(name)
		if err != nil {
			return
		}
		if fn.Name == "" || fn.Version == "" || len(fn.Tags) == 0 || len(fn.Tags) > maxWheelTags {
			t.Fatalf("accepted %q as %+v", name, fn)
		}
		for _, tag := range fn.Tags {
			for _, part := range []string{tag.Python, tag.ABI, tag.Platform} {
				if part == "" || part != strings.ToLower(part) || strings.ContainsAny(part, ".-/") {
					t.Fatalf("%q: bad tag %v", name, tag)
				}
			}
		}
		if fn.Build != "" && (fn.Build[0] < '0' || fn.Build[0] > '9') {
			t.Fatalf("%q: build tag %q", name, fn.Build)
		}
		again, err := ParseWheelFilename(name[strings.LastIndex(name, "/")+1:])
		if err != nil || again.Name != fn.Name || len(again.Tags) != len(fn.Tags) {
			t.Fatalf("%q: the base name parses differently: %+v, %v", name, again, err)
		}
	})
}
