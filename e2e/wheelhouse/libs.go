package main

import (
	"bytes"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Libraries a wheel may expect on any Linux system, so they are never bundled: glibc, the
// GCC runtime and the loader (the manylinux policy's list, less the X11/GL ones no Django
// stack loads). Everything else an extension links, libpq for psycopg2 say, travels in the
// wheel, as auditwheel does for PyPI's manylinux wheels: python:3.11-slim has no libpq.
var systemLibs = map[string]bool{
	"libc.so.6": true, "libm.so.6": true, "libdl.so.2": true, "librt.so.1": true,
	"libpthread.so.0": true, "libutil.so.1": true, "libnsl.so.1": true, "libresolv.so.2": true,
	"libgcc_s.so.1": true, "libstdc++.so.6": true, "libcrypt.so.1": true,
	"ld-linux-x86-64.so.2": true, "ld-linux-aarch64.so.1": true,
}

// libDirs is where the dynamic loader finds Debian's libraries (multiarch first).
func libDirs(root string) []string {
	var dirs []string
	for _, d := range []string{"lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib"} {
		dirs = append(dirs, filepath.Join(root, d))
	}
	return dirs
}

// neededLibs returns the shared libraries the ELF data needs, transitively, that are not
// system libraries: soname -> host path.
func neededLibs(data []byte, dirs []string) (map[string]string, error) {
	found := map[string]string{}
	var visit func(data []byte, what string) error
	visit = func(data []byte, what string) error {
		f, err := elf.NewFile(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		needed, err := f.ImportedLibraries()
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		for _, so := range needed {
			if systemLibs[so] || found[so] != "" || strings.HasPrefix(so, "libpython") {
				continue
			}
			p := ""
			for _, d := range dirs {
				if _, err := os.Stat(filepath.Join(d, so)); err == nil {
					p = filepath.Join(d, so)
					break
				}
			}
			if p == "" {
				return fmt.Errorf("%s needs %s, which is not installed", what, so)
			}
			found[so] = p
			lib, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := visit(lib, so); err != nil {
				return err
			}
		}
		return nil
	}
	return found, visit(data, "extension")
}

// patchRPath sets data's run path with patchelf (on a temporary copy) and returns the result.
func patchRPath(data []byte, rpath string) ([]byte, error) {
	tmp, err := os.CreateTemp("", "wheelhouse-*.so")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	out, err := exec.Command("patchelf", "--set-rpath", rpath, tmp.Name()).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("patchelf --set-rpath %s: %v: %s", rpath, err, out)
	}
	return os.ReadFile(tmp.Name())
}

// bundleLibs copies the non-system libraries the wheel's extension modules need into
// libsDir (a top-level folder of the wheel, e.g. psycopg2_binary.libs) and points each
// extension's and library's run path there, relative to $ORIGIN.
func bundleLibs(contents map[string][]byte, libsDir, root string) error {
	dirs := libDirs(root)
	all := map[string]string{}
	var exts []string
	for name := range contents {
		if strings.HasSuffix(name, ".so") {
			exts = append(exts, name)
		}
	}
	sort.Strings(exts)
	for _, name := range exts {
		libs, err := neededLibs(contents[name], dirs)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(libs) == 0 {
			continue
		}
		for so, p := range libs {
			all[so] = p
		}
		rel, err := filepath.Rel(path.Dir(name), libsDir)
		if err != nil {
			return err
		}
		patched, err := patchRPath(contents[name], "$ORIGIN/"+filepath.ToSlash(rel))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		contents[name] = patched
	}
	for so, p := range all {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		patched, err := patchRPath(data, "$ORIGIN")
		if err != nil {
			return fmt.Errorf("%s: %w", so, err)
		}
		contents[path.Join(libsDir, so)] = patched
	}
	return nil
}
