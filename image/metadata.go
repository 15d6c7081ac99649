package image

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/containerize/containerize/pep"
)

// requiresDist returns the Requires-Dist values of md, each a requirement on one line: a value folded
// over several lines is joined with spaces, and empty values are skipped.
func requiresDist(md pep.Metadata) []string {
	var out []string
	for _, h := range md.RequiresDist() {
		if v := strings.TrimSpace(strings.ReplaceAll(h.Value, "\n", " ")); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// maxMetadata bounds a METADATA file (the largest on PyPI, with long descriptions, are a few hundred KiB).
const maxMetadata = 16 << 20

// wheelMetadata reads the METADATA of the wheel data named filename: the one in its .dist-info folder whose
// name matches the file name's distribution.
func wheelMetadata(data []byte, filename string) (pep.Metadata, error) {
	return wheelMetadataAt(bytes.NewReader(data), int64(len(data)), filename)
}

// wheelMetadataAt is wheelMetadata on a wheel read from r (size bytes); only METADATA is read.
func wheelMetadataAt(r io.ReaderAt, size int64, filename string) (pep.Metadata, error) {
	fn, err := pep.ParseWheelFilename(filename)
	if err != nil {
		return pep.Metadata{}, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return pep.Metadata{}, fmt.Errorf("%s: not a zip archive: %w", filename, err)
	}
	for _, f := range zr.File {
		dir, base := path.Split(f.Name)
		dir = strings.TrimSuffix(dir, "/")
		if base != "METADATA" || strings.Contains(dir, "/") || !strings.HasSuffix(dir, ".dist-info") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimSuffix(dir, ".dist-info"), "-")
		if pep.NormalizeName(name) != pep.NormalizeName(fn.Name) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return pep.Metadata{}, fmt.Errorf("%s: %s: %w", filename, f.Name, err)
		}
		// Bounded: the header in the zip directory may understate the size.
		md, err := io.ReadAll(io.LimitReader(rc, maxMetadata+1))
		rc.Close()
		if err != nil {
			return pep.Metadata{}, fmt.Errorf("%s: %s: %w", filename, f.Name, err)
		}
		if len(md) > maxMetadata {
			return pep.Metadata{}, fmt.Errorf("%s: %s is larger than %d MiB", filename, f.Name, maxMetadata>>20)
		}
		return pep.ParseMetadata(md), nil
	}
	return pep.Metadata{}, fmt.Errorf("%s: no %s-….dist-info/METADATA: the wheel is malformed", filename, fn.Name)
}
