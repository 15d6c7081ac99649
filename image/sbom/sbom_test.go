package sbom

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"slices"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"gotest.tools/v3/assert"
	"gotest.tools/v3/golden"

	"github.com/containerize/containerize/image/layer"
)

func file(p, data string) layer.Entry { return layer.Entry{Path: p, Mode: 0o644, Data: []byte(data)} }
func link(p, target string) layer.Entry {
	return layer.Entry{Path: p, Mode: fs.ModeSymlink, Link: target}
}

const site = "/opt/venv/lib/python3.12/site-packages/"

func metadata(name, version string, headers ...string) string {
	s := "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"
	for _, h := range headers {
		s += h + "\n"
	}
	return s + "\nA long description.\nLicense: not a header here\n"
}

// testLayers are a base (dpkg status, os-release, copyright files, a system distribution), a Debian layer
// (status.d and the merged status), a dependency layer and an app layer that deletes one distribution and
// empties a folder.
func testLayers() [][]layer.Entry {
	return [][]layer.Entry{
		{
			file("/usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"),
			link("/etc/os-release", "../usr/lib/os-release"),
			file("/var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u4\n\n"+
				"Package: libgcc-s1\nStatus: install ok installed\nArchitecture: amd64\nSource: gcc-12 (12.2.0-14)\nVersion: 12.2.0-14\n\n"+
				"Package: removed\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1.0\n"),
			file("/usr/share/doc/libc6/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: LGPL-2.1+\n\nFiles: x/*\nLicense: GPL-2+ or Expat\n\nFiles: y/*\nLicense: public-domain\n"),
			link("/usr/share/doc/libgcc-s1", "gcc-12-base"),
			file("/usr/share/doc/gcc-12-base/copyright", "This is the Debian GNU/Linux prepackaged version of the GNU compiler collection.\nLicense: GPL-3+\n"),
			file("/usr/local/lib/python3.12/site-packages/pip-24.0.dist-info/METADATA", metadata("pip", "24.0", "License: MIT", "Classifier: License :: OSI Approved :: MIT License")),
			file("/usr/lib/python3/dist-packages/hidden-1.0.dist-info/METADATA", metadata("hidden", "1.0")),
		},
		{
			file("/var/lib/dpkg/status.d/libpq5", "Package: libpq5\nStatus: install ok installed\nArchitecture: amd64\nSource: postgresql-15\nVersion: 1:15.8-0+deb12u1\n"),
			file("/var/lib/dpkg/status.d/libpq5.md5sums", "0123456789abcdef0123456789abcdef  usr/lib/x86_64-linux-gnu/libpq.so.5\n"),
			file("/usr/share/doc/libpq5/copyright", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: PostgreSQL\n"),
			file("/var/lib/dpkg/status", "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u4\n\n"+
				"Package: libgcc-s1\nStatus: install ok installed\nArchitecture: amd64\nSource: gcc-12 (12.2.0-14)\nVersion: 12.2.0-14\n\n"+
				"Package: libpq5\nStatus: install ok installed\nArchitecture: amd64\nSource: postgresql-15\nVersion: 1:15.8-0+deb12u1\n"),
		},
		{
			file(site+"Django-5.0.dist-info/METADATA", metadata("Django", "5.0", "License-Expression: BSD-3-Clause")),
			file(site+"django_environ-0.11.2.dist-info/METADATA", metadata("django-environ", "0.11.2", "License: MIT license", "Classifier: License :: OSI Approved :: MIT License")),
			file(site+"six-1.16.0.dist-info/METADATA", metadata("six", "1.16.0", "Classifier: License :: OSI Approved :: MIT License")),
			file(site+"psycopg-3.2.dist-info/METADATA", metadata("psycopg", "3.2", "License: GNU Lesser General Public License v3 (LGPLv3)", "Classifier: License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)")),
			file(site+"gone-1.0.dist-info/METADATA", metadata("gone", "1.0")),
			file(site+"gone-1.0.dist-info/RECORD", ""),
			file(site+"legacy-2.0-py3.12.egg-info/PKG-INFO", metadata("legacy", "2.0", "License: Apache License, Version 2.0")),
			file("/usr/local/lib/python3.12/site-packages/oldfile-0.1.egg-info", metadata("oldfile", "0.1")),
		},
		{
			file(site+".wh.gone-1.0.dist-info", ""),
			file("/usr/lib/python3/dist-packages/.wh..wh..opq", ""),
			file("/app/manage.py", "print()\n"),
		},
	}
}

func testImage(t *testing.T, layers [][]layer.Entry) v1.Image {
	t.Helper()
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	for _, entries := range layers {
		l, _, err := layer.Build(entries, layer.Options{ModTime: time.Unix(0, 0)}, types.OCILayer)
		assert.NilError(t, err)
		img, err = mutate.Append(img, mutate.Addendum{Layer: l})
		assert.NilError(t, err)
	}
	cf, err := img.ConfigFile()
	assert.NilError(t, err)
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cf)
	assert.NilError(t, err)
	return img
}

var testOptions = Options{Name: "shop:latest", Tool: "containerize-test", Created: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)}

type listed struct{ Name, Version, Purl, License string }

func packagesOf(t *testing.T, doc []byte) []listed {
	t.Helper()
	var d spdxDocument
	assert.NilError(t, json.Unmarshal(doc, &d))
	var out []listed
	for _, p := range d.Packages[1:] {
		out = append(out, listed{p.Name, p.VersionInfo, p.ExternalRefs[0].ReferenceLocator, p.LicenseDeclared})
	}
	return out
}

func TestGenerateListsWhatTheUnionHolds(t *testing.T) {
	img := testImage(t, testLayers())
	doc, sum, err := Generate(img, testOptions)
	assert.NilError(t, err)
	assert.Equal(t, sum, Summary{Debian: 3, Python: 7})
	got := packagesOf(t, doc)
	slices.SortFunc(got, func(a, b listed) int { return compareStrings(a.Purl, b.Purl) })
	assert.DeepEqual(t, got, []listed{
		{"libc6", "2.36-9+deb12u4", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc", "LGPL-2.1-or-later AND (GPL-2.0-or-later OR MIT) AND LicenseRef-public-domain"},
		{"libgcc-s1", "12.2.0-14", "pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12%4012.2.0-14", "NOASSERTION"},
		{"libpq5", "1:15.8-0+deb12u1", "pkg:deb/debian/libpq5@1%3A15.8-0%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=postgresql-15", "PostgreSQL"},
		{"django-environ", "0.11.2", "pkg:pypi/django-environ@0.11.2", "MIT"},
		{"Django", "5.0", "pkg:pypi/django@5.0", "BSD-3-Clause"},
		{"legacy", "2.0", "pkg:pypi/legacy@2.0", "Apache-2.0"},
		{"oldfile", "0.1", "pkg:pypi/oldfile@0.1", "NOASSERTION"},
		{"pip", "24.0", "pkg:pypi/pip@24.0", "MIT"},
		{"psycopg", "3.2", "pkg:pypi/psycopg@3.2", "NOASSERTION"},
		{"six", "1.16.0", "pkg:pypi/six@1.16.0", "MIT"},
	})
	golden.Assert(t, string(doc), "shop.spdx.json")
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, _, err := Generate(testImage(t, testLayers()), testOptions)
	assert.NilError(t, err)
	b, _, err := Generate(testImage(t, testLayers()), Options{Name: testOptions.Name, Tool: testOptions.Tool, Created: testOptions.Created, CacheDir: t.TempDir()})
	assert.NilError(t, err)
	assert.Equal(t, string(a), string(b))
}

// unreadable is a layer whose contents cannot be read, as a registry's layer that must not be downloaded.
type unreadable struct{ v1.Layer }

func (unreadable) Uncompressed() (io.ReadCloser, error) { return nil, errors.New("downloaded") }
func (unreadable) Compressed() (io.ReadCloser, error)   { return nil, errors.New("downloaded") }

func TestGenerateReadsCachedLayersNotTheirContents(t *testing.T) {
	cache := t.TempDir()
	img := testImage(t, testLayers())
	o := testOptions
	o.CacheDir = cache
	first, _, err := Generate(img, o)
	assert.NilError(t, err)

	ls, err := img.Layers()
	assert.NilError(t, err)
	again := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	again = mutate.ConfigMediaType(again, types.OCIConfigJSON)
	for _, l := range ls {
		again, err = mutate.Append(again, mutate.Addendum{Layer: unreadable{l}})
		assert.NilError(t, err)
	}
	cf, _ := img.ConfigFile()
	again, err = mutate.ConfigFile(again, cf)
	assert.NilError(t, err)
	d1, _ := img.Digest()
	d2, _ := again.Digest()
	assert.Equal(t, d1, d2)
	second, _, err := Generate(again, o)
	assert.NilError(t, err)
	assert.Equal(t, string(first), string(second))

	_, _, err = Generate(again, testOptions)
	assert.ErrorContains(t, err, "downloaded")
}
