package wheel

import (
	"cmp"
	"slices"
	"testing"
)

func TestCompareBuild(t *testing.T) {
	ordered := []string{"", "1", "1a", "1b", "2", "10", "010x", "123456789012345678901234567890"}
	for i := range ordered {
		for j := range ordered {
			want := cmp.Compare(i, j) // "10" < "010x": (10, "") < (10, "x")
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
