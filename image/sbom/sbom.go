// Package sbom states what an image is made of: an SPDX 2.3 JSON document listing the Debian packages and
// Python distributions its layers hold, read from the files the package managers keep (dpkg's status
// database, each distribution's .dist-info/METADATA) as the image's union filesystem shows them. Being read
// from the layers, it is right by construction and can be checked against them with any scanner.
package sbom

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
	"testing/fstest"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/containerize/containerize/deb/archive"
	"github.com/containerize/containerize/deb/resolve"
	"github.com/containerize/containerize/pep"
)

// MediaType is the SPDX JSON document's media type, and the artifactType of the referrer that carries it.
const MediaType = "application/spdx+json"

// Options describe the document.
type Options struct {
	// Name is the image's name (REPO:TAG), the document's and the image package's name.
	Name string
	// Tool is the creating tool, "containerize-1.2.3".
	Tool string
	// Created is the document's creation time; zero means the image config's created time, the build's
	// epoch, so that one image has one SBOM.
	Created time.Time
	// CacheDir keeps each layer's facts by diffID (CacheDir/sbom/), so that a rebuild reads only the layers
	// it changed and never downloads the base's again. Empty reads every layer.
	CacheDir string
}

// Summary says what a document lists.
type Summary struct {
	Debian, Python int
}

// Generate writes img's SBOM. The same image and options give the same bytes.
func Generate(img v1.Image, o Options) ([]byte, Summary, error) {
	digest, err := img.Digest()
	if err != nil {
		return nil, Summary{}, fmt.Errorf("SBOM: image digest: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, Summary{}, fmt.Errorf("SBOM: read the image config: %w", err)
	}
	facts, err := layers(img, o.CacheDir)
	if err != nil {
		return nil, Summary{}, fmt.Errorf("SBOM: %w", err)
	}
	if o.Created.IsZero() {
		o.Created = cf.Created.Time
	}
	view := unionView(facts)
	refs := map[string]string{}
	debs, err := debianPackages(view, cf.Architecture, refs)
	if err != nil {
		return nil, Summary{}, fmt.Errorf("SBOM: %w", err)
	}
	pys := pythonPackages(view)
	doc := document(o, digest, cf, append(debs, pys...), refs)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, Summary{}, err
	}
	return b.Bytes(), Summary{Debian: len(debs), Python: len(pys)}, nil
}

// resolveLink follows symlinks among the files read, at most a few hops.
func resolveLink(view map[string]fileFact, name string) (string, fileFact, bool) {
	for range 8 {
		f, ok := view[name]
		if !ok || f.Link == "" {
			return name, f, ok
		}
		target := f.Link
		if !strings.HasPrefix(target, "/") {
			target = path.Join(path.Dir(name), target)
		}
		name = strings.TrimPrefix(path.Clean("/"+target), "/")
	}
	return name, fileFact{}, false
}

// debianPackages reads dpkg's database from the view, with deb/resolve's parser.
// Licenses SPDX has no identifier for are added to refs (see licenseRef).
func debianPackages(view map[string]fileFact, arch string, refs map[string]string) ([]pkg, error) {
	fsys := fstest.MapFS{}
	for name, f := range view {
		if (name == resolve.StatusFile || path.Dir(name) == resolve.StatusDir) && f.Link == "" && !f.Other {
			fsys[name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
		}
	}
	for _, name := range []string{osRelease, osReleaseLib} {
		if _, f, ok := resolveLink(view, name); ok && f.Data != nil {
			fsys[osRelease] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
			break
		}
	}
	installed, err := resolve.ParseStatus(fsys)
	if err != nil {
		return nil, err
	}
	if len(installed) == 0 {
		return nil, nil
	}
	namespace, distro := "debian", ""
	if sys, err := archive.ReadSystem(fsys, arch); err == nil {
		if sys.ID != "" {
			namespace = sys.ID
		}
		if sys.ID != "" && sys.VersionID != "" {
			distro = sys.ID + "-" + sys.VersionID
		}
	}
	var out []pkg
	seen := map[string]bool{}
	for _, p := range installed {
		// containerize's Debian layer registers a package both in status.d and in the merged status file.
		key := p.Package + ":" + p.Architecture
		if seen[key] {
			continue
		}
		seen[key] = true
		q := url.Values{}
		if p.Architecture != "" {
			q.Set("arch", p.Architecture)
		}
		if distro != "" {
			q.Set("distro", distro)
		}
		if p.Source != "" {
			q.Set("upstream", strings.Join(strings.Fields(strings.NewReplacer("(", "", ")", "").Replace(p.Source)), "@"))
		}
		licenses := debLicenses(view, p.Package)
		out = append(out, pkg{
			id:       "SPDXRef-deb-" + idSafe(p.Package+"-"+p.Architecture),
			name:     p.Package,
			version:  p.Version,
			purl:     purl("deb", namespace, p.Package, p.Version, q),
			declared: debianLicense(licenses, refs),
			comment:  strings.Join(licenses, "; "),
			source:   "the dpkg database (/" + resolve.StatusFile + ", /" + resolve.StatusDir + ")",
		})
	}
	return out, nil
}

// debLicenses reads /usr/share/doc/NAME/copyright, following a symlinked doc folder.
func debLicenses(view map[string]fileFact, name string) []string {
	dir, _, _ := resolveLink(view, "usr/share/doc/"+name)
	_, f, ok := resolveLink(view, dir+"/copyright")
	if !ok {
		return nil
	}
	return f.Licenses
}

// pythonPackages lists every installed distribution's METADATA in the view.
func pythonPackages(view map[string]fileFact) []pkg {
	var out []pkg
	for name, f := range view {
		m := distInfoRe().FindStringSubmatch(name)
		if m == nil || f.Dist == nil || f.Dist.Name == "" || f.Dist.Version == "" {
			continue
		}
		norm := pep.NormalizeName(f.Dist.Name)
		where := sha256.Sum256([]byte(name))
		declared, raw := pythonLicense(f.Dist)
		out = append(out, pkg{
			// The folder is in the ID: a venv and the system may hold the same distribution.
			id:       "SPDXRef-pypi-" + idSafe(norm+"-"+f.Dist.Version) + "-" + hex.EncodeToString(where[:4]),
			name:     f.Dist.Name,
			version:  f.Dist.Version,
			purl:     purl("pypi", "", norm, f.Dist.Version, nil),
			declared: declared,
			comment:  raw,
			source:   "/" + name,
		})
	}
	return out
}

// purl is a package URL (https://github.com/package-url/purl-spec): each part percent-encoded, qualifiers
// sorted by key.
func purl(typ, namespace, name, version string, q url.Values) string {
	var b strings.Builder
	b.WriteString("pkg:" + typ + "/")
	if namespace != "" {
		b.WriteString(purlEscape(namespace) + "/")
	}
	b.WriteString(purlEscape(name))
	if version != "" {
		b.WriteString("@" + purlEscape(version))
	}
	if len(q) > 0 {
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for i, k := range keys {
			sep := "&"
			if i == 0 {
				sep = "?"
			}
			b.WriteString(sep + k + "=" + purlEscape(q.Get(k)))
		}
	}
	return b.String()
}

// purlEscape percent-encodes all but unreserved characters; the purl spec requires "+" (in Debian versions)
// and ":" (an epoch) to be encoded.
func purlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// idSafe keeps the characters an SPDX identifier allows (letters, digits, ".", "-").
func idSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, s)
}
