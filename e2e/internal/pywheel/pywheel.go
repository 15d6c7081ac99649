// Package pywheel holds the small pieces of Python packaging that the e2e harness's tools
// share: project name normalisation (PEP 503), wheel file names (PEP 427), core metadata
// headers (METADATA / PKG-INFO) and hashes in the forms wheels and indexes write them.
package pywheel

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"
)

var runs = regexp.MustCompile(`[-_.]+`)

// NormalizeName is the PEP 503 form of a project name: lower case, runs of "-", "_" and "."
// replaced by one "-". Index URLs and lockfile keys use it.
func NormalizeName(name string) string {
	return runs.ReplaceAllString(strings.ToLower(strings.TrimSpace(name)), "-")
}

// FileName is the escaped form of a name or version inside wheel and dist-info names
// (PEP 427 as amended by the binary distribution format spec): runs of "-", "_" and "."
// become "_", so "-" separates only the file name's fields.
func FileName(s string) string {
	return runs.ReplaceAllString(strings.ToLower(s), "_")
}

// escapeVersion keeps a version's dots and "+" but not "-", which separates fields.
func escapeVersion(v string) string { return strings.ReplaceAll(v, "-", "_") }

// Wheel is a parsed wheel file name.
type Wheel struct {
	Name    string // normalised project name (PEP 503)
	Version string
	Build   string // optional build tag
	Tag     string // python-abi-platform, e.g. "py3-none-any"
}

// WheelFileName is the file name of the wheel for name, version and tag.
func WheelFileName(name, version, tag string) string {
	return FileName(name) + "-" + escapeVersion(version) + "-" + tag + ".whl"
}

// DistInfoDir is the .dist-info folder name of name and version inside a wheel.
func DistInfoDir(name, version string) string {
	return FileName(name) + "-" + escapeVersion(version) + ".dist-info"
}

// ParseWheelFileName splits name-version[-build]-python-abi-platform.whl.
func ParseWheelFileName(file string) (Wheel, error) {
	base, ok := strings.CutSuffix(file, ".whl")
	if !ok {
		return Wheel{}, fmt.Errorf("%s: not a .whl file", file)
	}
	parts := strings.Split(base, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return Wheel{}, fmt.Errorf("%s: want name-version[-build]-python-abi-platform.whl", file)
	}
	for _, p := range parts {
		if p == "" {
			return Wheel{}, fmt.Errorf("%s: empty field in the file name", file)
		}
	}
	w := Wheel{Name: NormalizeName(parts[0]), Version: parts[1]}
	if len(parts) == 6 {
		w.Build = parts[2]
	}
	n := len(parts)
	w.Tag = parts[n-3] + "-" + parts[n-2] + "-" + parts[n-1]
	return w, nil
}

// Header is one "Key: value" line of core metadata; Value keeps continuation lines joined
// by "\n" as they were written (indentation included).
type Header struct{ Key, Value string }

// Metadata is a parsed METADATA / PKG-INFO file: headers in order and the body (the long
// description after the blank line), if any.
type Metadata struct {
	Headers []Header
	Body    string
}

// ParseMetadata reads RFC 822 style core metadata. It is lenient: lines that are neither a
// header nor a continuation end the headers, as in the email parser pip uses.
func ParseMetadata(data []byte) Metadata {
	var m Metadata
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var body strings.Builder
	inBody := false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if inBody {
			body.WriteString(line)
			body.WriteByte('\n')
			continue
		}
		if line == "" {
			inBody = true
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(m.Headers) > 0 {
			m.Headers[len(m.Headers)-1].Value += "\n" + line
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			inBody = true
			body.WriteString(line)
			body.WriteByte('\n')
			continue
		}
		m.Headers = append(m.Headers, Header{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	m.Body = body.String()
	return m
}

// Get returns the first value of key (case-insensitive), or "".
func (m Metadata) Get(key string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Key, key) {
			return h.Value
		}
	}
	return ""
}

// All returns every value of key (case-insensitive), in order.
func (m Metadata) All(key string) []string {
	var out []string
	for _, h := range m.Headers {
		if strings.EqualFold(h.Key, key) {
			out = append(out, h.Value)
		}
	}
	return out
}

// Set replaces the first header key (or appends one) and drops later duplicates.
func (m *Metadata) Set(key, value string) {
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
		m.Headers = append(m.Headers, Header{Key: key, Value: value})
	}
}

// Bytes renders the metadata back to its file form.
func (m Metadata) Bytes() []byte {
	var b bytes.Buffer
	for _, h := range m.Headers {
		fmt.Fprintf(&b, "%s: %s\n", h.Key, h.Value)
	}
	if m.Body != "" {
		b.WriteByte('\n')
		b.WriteString(m.Body)
	}
	return b.Bytes()
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
