// Package wheel chooses the best wheel for a target image (PEP 425/600/656 compatibility tags) and installs a
// wheel the way pip or pypa/installer would (PEP 427), producing tar entries instead of writing to disk, so a
// container layer can be built without running Python.
package wheel

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/containerize/containerize/pep"
)

// Target describes the image's interpreter and platform, discovered from the base image by the caller.
// Nothing here is read from the build machine: the image is usually not the host.
type Target struct {
	PythonVersion  string // "3.12" (major.minor; a patch part is ignored)
	Implementation string // "cp" (CPython); "" means "cp"
	Arch           string // "x86_64", "aarch64", ... (wheel tag spelling)
	Libc           string // "glibc" or "musl"
	LibcVersion    string // "2.36" (glibc) or "1.2" (musl)
	ABIFlags       string // "" normally ("t" for free-threaded, "d" for debug builds)
}

// Tag is one (python, abi, platform) compatibility tag, lower-case.
type Tag = pep.Tag

// Libc families understood by Target.
const (
	Glibc = "glibc"
	Musl  = "musl"
)

// manylinuxArchs are the architectures for which manylinux/musllinux wheels exist (packaging's
// _ALLOWED_ARCHS plus the 32-bit ones it accepts after an ELF check we cannot run).
var manylinuxArchs = map[string]bool{
	"x86_64": true, "i686": true, "aarch64": true, "armv7l": true, "armv8l": true, "ppc64": true, "ppc64le": true,
	"s390x": true, "loongarch64": true, "riscv64": true,
}

// legacyManylinux maps the glibc 2.x minors that have pre-PEP 600 aliases to those aliases.
var legacyManylinux = map[int]string{17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}

// lastGlibcMinor stands in for packaging's _LAST_GLIBC_MINOR: the highest minor of a glibc major
// that has been superseded. No glibc 3 exists yet, so every older major is assumed to end at .50.
const lastGlibcMinor = 50

// Validate reports why t cannot produce a useful tag list.
func (t Target) Validate() error {
	if _, _, err := t.pyVersion(); err != nil {
		return err
	}
	for _, r := range t.Implementation {
		if r < 'a' || r > 'z' {
			return fmt.Errorf("target: implementation %q is not a lower-case tag like \"cp\"", t.Implementation)
		}
	}
	for _, r := range t.ABIFlags {
		if r < 'a' || r > 'z' {
			return fmt.Errorf("target: ABI flags %q are not lower-case letters like \"t\"", t.ABIFlags)
		}
	}
	if t.Arch == "" {
		return errors.New("target: architecture is empty")
	}
	if strings.ContainsFunc(t.Arch, func(r rune) bool { return r != '_' && (r < '0' || r > '9') && (r < 'a' || r > 'z') }) {
		return fmt.Errorf("target: architecture %q is not in wheel tag spelling (e.g. x86_64, aarch64)", t.Arch)
	}
	switch t.Libc {
	case Glibc, Musl:
	default:
		return fmt.Errorf("target: libc %q is neither %q nor %q", t.Libc, Glibc, Musl)
	}
	if _, _, err := parseMajorMinor(t.LibcVersion); err != nil {
		return fmt.Errorf("target: %s version: %w", t.Libc, err)
	}
	return nil
}

func (t Target) pyVersion() (major, minor int, err error) {
	major, minor, err = parseMajorMinor(t.PythonVersion)
	if err != nil {
		return 0, 0, fmt.Errorf("target: python version: %w", err)
	}
	return major, minor, nil
}

// parseMajorMinor reads "X.Y" or "X.Y.Z..." and ignores anything after the minor, as packaging does for
// glibc strings like "2.20-2014.11".
func parseMajorMinor(s string) (int, int, error) {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("%q is not MAJOR.MINOR", s)
	}
	minorDigits := parts[1]
	if i := strings.IndexFunc(minorDigits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minorDigits = minorDigits[:i]
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(minorDigits)
	if err1 != nil || err2 != nil || major < 0 || minor < 0 || major > 99 || minor > 999 {
		return 0, 0, fmt.Errorf("%q is not MAJOR.MINOR", s)
	}
	return major, minor, nil
}

// Platforms returns the platform tags of the target, most preferred first: manylinux_X_Y (newest glibc
// first, each legacy alias right after its equivalent) or musllinux_1_Y, then the non-portable linux_<arch>.
//
// linux_<arch> comes last, as in the packaging releases pip vendors and in uv; packaging 26.3 moved it
// first, which suits wheels built on the machine that runs them, not wheels fetched for an image.
func (t Target) Platforms() []string {
	if t.Validate() != nil {
		return nil
	}
	archs := []string{t.Arch}
	if t.Arch == "armv8l" { // a 32-bit interpreter on a 64-bit ARM kernel runs armv7l code too
		archs = []string{"armv8l", "armv7l"}
	}
	var plats []string
	libMajor, libMinor, _ := parseMajorMinor(t.LibcVersion)
	for _, arch := range archs {
		if !manylinuxArchs[arch] {
			continue
		}
		switch t.Libc {
		case Glibc:
			plats = append(plats, manylinuxPlatforms(libMajor, libMinor, arch)...)
		case Musl:
			for m := libMinor; m >= 0; m-- {
				plats = append(plats, fmt.Sprintf("musllinux_%d_%d_%s", libMajor, m, arch))
			}
		}
	}
	for _, arch := range archs {
		plats = append(plats, "linux_"+arch)
	}
	return plats
}

// manylinuxPlatforms follows packaging's _manylinux.platform_tags: every glibc from the target's down to
// 2.17 (2.5 on x86), across older majors as well.
func manylinuxPlatforms(major, minor int, arch string) []string {
	oldestMinor := 17
	if arch == "x86_64" || arch == "i686" {
		oldestMinor = 5
	}
	var plats []string
	for maj := major; maj >= 2; maj-- {
		top := minor
		if maj != major {
			top = lastGlibcMinor
		}
		bottom := 0
		if maj == 2 {
			bottom = oldestMinor
		}
		for m := top; m >= bottom; m-- {
			plats = append(plats, fmt.Sprintf("manylinux_%d_%d_%s", maj, m, arch))
			if maj == 2 {
				if legacy, ok := legacyManylinux[m]; ok {
					plats = append(plats, legacy+"_"+arch)
				}
			}
		}
	}
	return plats
}

// Tags returns the supported tags in priority order, best first, as packaging.tags.sys_tags would for that
// interpreter on that platform:
//
//  1. cpXY-cpXY{flags}-<plat> (and cpXY-cpXY{flags without d}-<plat> for debug builds)
//  2. cpXY-abi3-<plat> (abi3t on free-threaded builds)
//  3. cpXY-none-<plat>
//  4. cpXW-abi3-<plat> for every older minor W down to 3.2
//  5. pyXY-none-<plat>, pyX-none-<plat>, pyX(Y-1)...pyX0-none-<plat>
//  6. cpXY-none-any
//  7. pyXY-none-any, pyX-none-any, pyX(Y-1)...pyX0-none-any
//
// where <plat> runs over Platforms in order. An invalid Target (see Validate) supports no tags.
// Implementations other than CPython get packaging's generic_tags shape (<impl>XY-none-<plat>) followed by
// steps 5 and 7 (with pp3-none-any for PyPy), since their ABI tags cannot be derived without the interpreter.
func (t Target) Tags() []Tag {
	major, minor, err := t.pyVersion()
	if err != nil || t.Validate() != nil {
		return nil
	}
	plats := t.Platforms()
	nodot := fmt.Sprintf("%d%d", major, minor)
	impl := strings.ToLower(t.Implementation)
	if impl == "" {
		impl = "cp"
	}
	interp := impl + nodot
	var tags []Tag
	add := func(py, abi string) {
		for _, p := range plats {
			tags = append(tags, Tag{Python: py, ABI: abi, Platform: p})
		}
	}
	if impl == "cp" {
		flags := strings.ToLower(t.ABIFlags)
		threaded := strings.Contains(flags, "t")
		add(interp, "cp"+nodot+flags)
		if strings.Contains(flags, "d") && (major > 3 || (major == 3 && minor >= 8)) {
			// Debug builds load normal extension modules too (packaging _cpython_abis).
			add(interp, "cp"+nodot+strings.ReplaceAll(flags, "d", ""))
		}
		stable := "abi3"
		if threaded {
			stable = "abi3t"
		}
		abi3 := major == 3 && minor >= 2
		if abi3 {
			add(interp, stable)
		}
		add(interp, "none")
		if abi3 {
			for m := minor - 1; m >= 2; m-- {
				add(fmt.Sprintf("cp%d%d", major, m), stable)
			}
		}
	} else {
		add(interp, "none")
	}
	pyRange := []string{"py" + nodot, fmt.Sprintf("py%d", major)}
	for m := minor - 1; m >= 0; m-- {
		pyRange = append(pyRange, fmt.Sprintf("py%d%d", major, m))
	}
	for _, py := range pyRange {
		add(py, "none")
	}
	switch impl {
	case "cp":
		tags = append(tags, Tag{Python: interp, ABI: "none", Platform: "any"})
	case "pp":
		tags = append(tags, Tag{Python: "pp3", ABI: "none", Platform: "any"})
	}
	for _, py := range pyRange {
		tags = append(tags, Tag{Python: py, ABI: "none", Platform: "any"})
	}
	return tags
}
