package wheel

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var (
	glibcX86 = Target{PythonVersion: "3.12", Implementation: "cp", Arch: "x86_64", Libc: Glibc, LibcVersion: "2.36"}
	glibcArm = Target{PythonVersion: "3.10", Implementation: "cp", Arch: "aarch64", Libc: Glibc, LibcVersion: "2.31"}
	muslArm  = Target{PythonVersion: "3.11", Implementation: "cp", Arch: "aarch64", Libc: Musl, LibcVersion: "1.2"}
)

func tagStrings(tags []Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.String()
	}
	return out
}

// TestTagsMatchPackaging compares the whole list with what packaging.tags produces for the same
// interpreter and platform (testdata/tags/gentags.py records how the golden files were made).
func TestTagsMatchPackaging(t *testing.T) {
	for _, tc := range []struct {
		golden string
		target Target
	}{
		{"glibc236_x86_64_cp312.txt", glibcX86},
		{"glibc231_aarch64_cp310.txt", glibcArm},
		{"musl12_aarch64_cp311.txt", muslArm},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "tags", tc.golden))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Fields(string(raw))
			got := tagStrings(tc.target.Tags())
			if len(got) != len(want) {
				t.Fatalf("got %d tags, packaging has %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("tag %d: got %s, packaging has %s", i, got[i], want[i])
				}
			}
		})
	}
}

func TestTagsPositions(t *testing.T) {
	tags := tagStrings(glibcX86.Tags())
	// 36 platforms: manylinux_2_36 … 2_5 (32) + manylinux2014/2010/1 + linux_x86_64.
	for _, tc := range []struct {
		i    int
		want string
	}{
		{0, "cp312-cp312-manylinux_2_36_x86_64"},
		{19, "cp312-cp312-manylinux_2_17_x86_64"},
		{20, "cp312-cp312-manylinux2014_x86_64"},
		{35, "cp312-cp312-linux_x86_64"},
		{36, "cp312-abi3-manylinux_2_36_x86_64"},
		{72, "cp312-none-manylinux_2_36_x86_64"},
		{108, "cp311-abi3-manylinux_2_36_x86_64"},
		{467, "cp32-abi3-linux_x86_64"},
		{468, "py312-none-manylinux_2_36_x86_64"},
		{504, "py3-none-manylinux_2_36_x86_64"},
		{972, "cp312-none-any"},
		{973, "py312-none-any"},
		{974, "py3-none-any"},
		{986, "py30-none-any"},
	} {
		if tc.i >= len(tags) || tags[tc.i] != tc.want {
			t.Errorf("tags[%d] = %q, want %q", tc.i, at(tags, tc.i), tc.want)
		}
	}
	if len(tags) != 987 {
		t.Errorf("got %d tags, want 987", len(tags))
	}
	// The order packaging documents: own ABI, then abi3, then none, then older abi3, then py*, then any.
	idx := func(s string) int { return slices.Index(tags, s) }
	order := []string{
		"cp312-cp312-linux_x86_64", "cp312-abi3-manylinux_2_36_x86_64", "cp312-none-linux_x86_64",
		"cp39-abi3-manylinux2014_x86_64", "py312-none-manylinux1_x86_64", "cp312-none-any", "py3-none-any", "py311-none-any",
	}
	for i := 1; i < len(order); i++ {
		if idx(order[i-1]) < 0 || idx(order[i]) < 0 || idx(order[i-1]) >= idx(order[i]) {
			t.Errorf("%s (at %d) should come before %s (at %d)", order[i-1], idx(order[i-1]), order[i], idx(order[i]))
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<missing>"
}

func TestPlatforms(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target Target
		want   []string // first entries, then last
		last   string
		n      int
	}{
		{"aarch64 stops at 2.17", Target{PythonVersion: "3.12", Arch: "aarch64", Libc: Glibc, LibcVersion: "2.17"},
			[]string{"manylinux_2_17_aarch64", "manylinux2014_aarch64"}, "linux_aarch64", 3},
		{"glibc older than 2.17 on aarch64 has only linux", Target{PythonVersion: "3.12", Arch: "aarch64", Libc: Glibc, LibcVersion: "2.16"},
			[]string{"linux_aarch64"}, "linux_aarch64", 1},
		{"musl 1.2", Target{PythonVersion: "3.12", Arch: "x86_64", Libc: Musl, LibcVersion: "1.2.4"},
			[]string{"musllinux_1_2_x86_64", "musllinux_1_1_x86_64", "musllinux_1_0_x86_64"}, "linux_x86_64", 4},
		{"armv8l runs armv7l too", Target{PythonVersion: "3.12", Arch: "armv8l", Libc: Musl, LibcVersion: "1.1"},
			[]string{"musllinux_1_1_armv7l", "musllinux_1_0_armv7l", "linux_armv8l", "linux_armv7l"}, "linux_armv7l", 6},
		{"unknown arch has only linux", Target{PythonVersion: "3.12", Arch: "sparc64", Libc: Glibc, LibcVersion: "2.36"},
			[]string{"linux_sparc64"}, "linux_sparc64", 1},
		{"glibc 3 covers every 2.x", Target{PythonVersion: "3.12", Arch: "x86_64", Libc: Glibc, LibcVersion: "3.1"},
			[]string{"manylinux_3_1_x86_64", "manylinux_3_0_x86_64", "manylinux_2_50_x86_64"}, "linux_x86_64", 2 + 46 + 3 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.target.Platforms()
			if len(got) != tc.n {
				t.Errorf("got %d platforms %v, want %d", len(got), got, tc.n)
			}
			if len(got) < len(tc.want) || !slices.Equal(got[:len(tc.want)], tc.want) && !slices.Equal(got[len(got)-len(tc.want):], tc.want) {
				t.Errorf("got %v, want it to start or end with %v", got, tc.want)
			}
			if len(got) == 0 || got[len(got)-1] != tc.last {
				t.Errorf("last platform = %v, want %s", got, tc.last)
			}
		})
	}
}

func TestTagsABIVariants(t *testing.T) {
	ft := Target{PythonVersion: "3.13", Arch: "x86_64", Libc: Glibc, LibcVersion: "2.17", ABIFlags: "t"}
	tags := tagStrings(ft.Tags())
	if tags[0] != "cp313-cp313t-manylinux_2_17_x86_64" {
		t.Errorf("free-threaded first tag = %s", tags[0])
	}
	for _, s := range tags {
		if strings.Contains(s, "-abi3-") {
			t.Errorf("free-threaded build must not accept abi3: %s", s)
		}
	}
	if !slices.Contains(tags, "cp313-abi3t-manylinux_2_17_x86_64") || !slices.Contains(tags, "cp39-abi3t-linux_x86_64") {
		t.Errorf("free-threaded build should accept abi3t")
	}

	debug := Target{PythonVersion: "3.12", Arch: "x86_64", Libc: Glibc, LibcVersion: "2.17", ABIFlags: "d"}
	tags = tagStrings(debug.Tags())
	n := len(debug.Platforms())
	if tags[0] != "cp312-cp312d-manylinux_2_17_x86_64" || tags[n] != "cp312-cp312-manylinux_2_17_x86_64" {
		t.Errorf("debug build tags start %v", tags[:n+1])
	}

	pypy := Target{PythonVersion: "3.10", Implementation: "pp", Arch: "x86_64", Libc: Glibc, LibcVersion: "2.17"}
	tags = tagStrings(pypy.Tags())
	if tags[0] != "pp310-none-manylinux_2_17_x86_64" || !slices.Contains(tags, "pp3-none-any") || slices.Contains(tags, "cp310-abi3-linux_x86_64") {
		t.Errorf("pypy tags: %v", tags[:3])
	}
}

func TestTargetValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target Target
		ok     bool
	}{
		{"valid", glibcX86, true},
		{"patch version ignored", Target{PythonVersion: "3.12.4", Arch: "x86_64", Libc: Glibc, LibcVersion: "2.36"}, true},
		{"no python", Target{Arch: "x86_64", Libc: Glibc, LibcVersion: "2.36"}, false},
		{"python major only", Target{PythonVersion: "3", Arch: "x86_64", Libc: Glibc, LibcVersion: "2.36"}, false},
		{"docker arch spelling", Target{PythonVersion: "3.12", Arch: "linux/amd64", Libc: Glibc, LibcVersion: "2.36"}, false},
		{"upper-case arch", Target{PythonVersion: "3.12", Arch: "X86_64", Libc: Glibc, LibcVersion: "2.36"}, false},
		{"no arch", Target{PythonVersion: "3.12", Libc: Glibc, LibcVersion: "2.36"}, false},
		{"unknown libc", Target{PythonVersion: "3.12", Arch: "x86_64", Libc: "uclibc", LibcVersion: "1.0"}, false},
		{"bad libc version", Target{PythonVersion: "3.12", Arch: "x86_64", Libc: Glibc, LibcVersion: "bookworm"}, false},
		{"bad implementation", Target{PythonVersion: "3.12", Implementation: "c-p", Arch: "x86_64", Libc: Glibc, LibcVersion: "2.36"}, false},
		{"bad abi flags", Target{PythonVersion: "3.12", ABIFlags: "-x", Arch: "x86_64", Libc: Glibc, LibcVersion: "2.36"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.target.Validate()
			if (err == nil) != tc.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tc.ok)
			}
			if !tc.ok && tc.target.Tags() != nil {
				t.Errorf("an invalid target must support no tags")
			}
		})
	}
}
