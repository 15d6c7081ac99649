// Package pywheel holds the small pieces of Python packaging that the e2e harness's tools
// share and that package pep (which reads them) does not write: wheel and dist-info names
// (PEP 427), core metadata files (METADATA / PKG-INFO), hashes in the forms wheels and
// indexes write them, and a version check.
package pywheel

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/containerize/containerize/pep"
)

var runs = regexp.MustCompile(`[-_.]+`)

// FileName is the escaped form of a name or version inside wheel and dist-info names
// (PEP 427 as amended by the binary distribution format spec): runs of "-", "_" and "."
// become "_", so "-" separates only the file name's fields.
func FileName(s string) string {
	return runs.ReplaceAllString(strings.ToLower(s), "_")
}

// escapeVersion keeps a version's dots and "+" but not "-", which separates fields.
func escapeVersion(v string) string { return strings.ReplaceAll(v, "-", "_") }

// WheelFileName is the file name of the wheel for name, version and tag.
func WheelFileName(name, version, tag string) string {
	return FileName(name) + "-" + escapeVersion(version) + "-" + tag + ".whl"
}

// DistInfoDir is the .dist-info folder name of name and version inside a wheel.
func DistInfoDir(name, version string) string {
	return FileName(name) + "-" + escapeVersion(version) + ".dist-info"
}

// SetHeader replaces the first header key of m (or appends one) and drops later duplicates.
func SetHeader(m *pep.Metadata, key, value string) {
	done := false
	kept := m.Headers[:0]
	for _, h := range m.Headers {
		if strings.EqualFold(h.Key, key) {
			if done {
				continue
			}
			h.Value, done = value, true
		}
		kept = append(kept, h)
	}
	m.Headers = kept
	if !done {
		m.Headers = append(m.Headers, pep.Header{Key: key, Value: value})
	}
}

// MetadataBytes renders m as a core metadata file: each header on its line, a value of
// several lines continued on lines indented by eight spaces, then a blank line and the
// body, if any.
func MetadataBytes(m pep.Metadata) []byte {
	var b bytes.Buffer
	for _, h := range m.Headers {
		fmt.Fprintf(&b, "%s: %s\n", h.Key, strings.ReplaceAll(h.Value, "\n", "\n        "))
	}
	if m.Body != "" {
		b.WriteByte('\n')
		b.WriteString(m.Body)
	}
	return b.Bytes()
}

// Values returns the values of the headers hs.
func Values(hs []pep.Header) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Value)
	}
	return out
}

// Satisfies reports whether version meets a specifier such as ">=3.2,<4" ("" and "*" match
// everything).
func Satisfies(version, specifier string) (bool, error) {
	specifier = strings.TrimSpace(specifier)
	if specifier == "" || specifier == "*" {
		return true, nil
	}
	v, err := pep.ParseVersion(version)
	if err != nil {
		return false, fmt.Errorf("version %q: %w", version, err)
	}
	s, err := pep.ParseSpecifierSet(specifier)
	if err != nil {
		return false, fmt.Errorf("specifier %q: %w", specifier, err)
	}
	// Pre-releases are admitted: a wheel in the house is what it is.
	return s.Check(v, true), nil
}

// RecordHash is the hash form of a wheel RECORD line: sha256=<urlsafe base64, no padding>.
func RecordHash(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:])
}

// HexSHA256 is the hex sha256 indexes and lockfiles use.
func HexSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// HexSHA256Reader hashes a stream.
func HexSHA256Reader(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadWheelMetadata returns the METADATA file of the wheel in r (size bytes long).
func ReadWheelMetadata(r io.ReaderAt, size int64) ([]byte, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	for _, f := range zr.File {
		dir, name, ok := strings.Cut(f.Name, "/")
		if ok && name == "METADATA" && strings.HasSuffix(dir, ".dist-info") {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, fmt.Errorf("no *.dist-info/METADATA in the wheel")
}
