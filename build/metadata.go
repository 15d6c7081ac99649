package build

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/containerize/containerize/pep"
)

// coreMetadata is what the resolver reads from a distribution's METADATA (core metadata, an RFC 822-style
// header block).
type coreMetadata struct {
	Name, Version  string
	RequiresPython string
	RequiresDist   []string
}

// parseCoreMetadata reads the header block of a METADATA file; the body (the long description) is ignored.
// Continuation lines (starting with a space or tab) extend the previous header, as email headers do.
func parseCoreMetadata(data []byte) coreMetadata {
	var md coreMetadata
	var key, value string
	flush := func() {
		v := strings.TrimSpace(value)
		switch strings.ToLower(key) {
		case "name":
			md.Name = v
		case "version":
			md.Version = v
		case "requires-python":
			md.RequiresPython = v
		case "requires-dist":
			if v != "" {
				md.RequiresDist = append(md.RequiresDist, v)
			}
		}
		key, value = "", ""
	}
	for _, line := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		if line == "" {
			break // end of the headers
		}
		if line[0] == ' ' || line[0] == '\t' {
			if key != "" {
				value += " " + strings.TrimSpace(line)
			}
			continue
		}
		flush()
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(k), v
	}
	flush()
	return md
}

// maxMetadata bounds a METADATA file (the largest on PyPI, with long descriptions, are a few hundred KiB).
const maxMetadata = 16 << 20

// wheelMetadata reads the METADATA of the wheel data named filename: the one in its .dist-info folder whose
// name matches the file name's distribution.
func wheelMetadata(data []byte, filename string) (coreMetadata, error) {
	fn, err := pep.ParseWheelFilename(filename)
	if err != nil {
		return coreMetadata{}, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return coreMetadata{}, fmt.Errorf("%s: not a zip archive: %w", filename, err)
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
			return coreMetadata{}, fmt.Errorf("%s: %s: %w", filename, f.Name, err)
		}
		// Bounded: the header in the zip directory may understate the size.
		md, err := io.ReadAll(io.LimitReader(rc, maxMetadata+1))
		rc.Close()
		if err != nil {
			return coreMetadata{}, fmt.Errorf("%s: %s: %w", filename, f.Name, err)
		}
		if len(md) > maxMetadata {
			return coreMetadata{}, fmt.Errorf("%s: %s is larger than %d MiB", filename, f.Name, maxMetadata>>20)
		}
		return parseCoreMetadata(md), nil
	}
	return coreMetadata{}, fmt.Errorf("%s: no %s-….dist-info/METADATA: the wheel is malformed", filename, fn.Name)
}
