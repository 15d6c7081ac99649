package wheel

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Error categories, for errors.Is. Every error from Install wraps one of them together with the wheel's name
// and the member involved.
var (
	// ErrInvalidWheel: the archive is not a well-formed wheel (missing or malformed WHEEL, METADATA, RECORD
	// or entry_points.txt; names that disagree with the file name; unsupported Wheel-Version).
	ErrInvalidWheel = errors.New("invalid wheel")
	// ErrUnsafePath: a member or script would land outside its install directory, or is not a regular file.
	ErrUnsafePath = errors.New("unsafe path in wheel")
	// ErrHashMismatch: content does not match the hash or size recorded for it.
	ErrHashMismatch = errors.New("hash mismatch")
)

// newHash returns a hash for the algorithms the wheel spec allows ("sha256 or better"; md5 and sha1 are
// forbidden because signed wheels rely on RECORD's hashes).
func newHash(algo string) (hash.Hash, bool) {
	switch strings.ToLower(algo) {
	case "sha256":
		return sha256.New(), true
	case "sha384":
		return sha512.New384(), true
	case "sha512":
		return sha512.New(), true
	}
	return nil, false
}

// VerifyHash checks data against a lockfile-style digest, "sha256:<hex>" (also "sha256=<hex>", and
// sha384/sha512), and returns an error wrapping ErrHashMismatch that shows both digests on mismatch.
func VerifyHash(data []byte, want string) error {
	return VerifyHashReader(bytes.NewReader(data), want)
}

// VerifyHashReader is VerifyHash on what r yields, read once and never held.
func VerifyHashReader(r io.Reader, want string) error {
	algo, digest, ok := strings.Cut(want, ":")
	if !ok {
		algo, digest, ok = strings.Cut(want, "=")
	}
	if !ok {
		return fmt.Errorf("hash %q: want ALGORITHM:HEX, e.g. sha256:0123…", want)
	}
	h, known := newHash(algo)
	if !known {
		return fmt.Errorf("hash %q: unsupported algorithm %q (use sha256, sha384 or sha512)", want, algo)
	}
	wantSum, err := hex.DecodeString(digest)
	if err != nil || len(wantSum) != h.Size() {
		return fmt.Errorf("hash %q: %q is not a %d-byte hex digest", want, digest, h.Size())
	}
	if _, err := io.Copy(h, r); err != nil {
		return err
	}
	got := h.Sum(nil)
	if !bytes.Equal(got, wantSum) {
		return fmt.Errorf("%w: want %s:%s, got %s:%x", ErrHashMismatch, strings.ToLower(algo), strings.ToLower(digest), strings.ToLower(algo), got)
	}
	return nil
}

// recordEntry is one row of a wheel's RECORD.
type recordEntry struct {
	line   int
	algo   string
	digest []byte // nil when the row has no hash
	size   int64  // -1 when the row has no size
}

// parseRecord reads RECORD (CSV: path, algorithm=urlsafe-b64-nopad digest, size).
func parseRecord(data []byte) (map[string]recordEntry, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	out := map[string]recordEntry{}
	for {
		row, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			// FieldPos panics after a failed Read; the *csv.ParseError names the line.
			return nil, fmt.Errorf("RECORD: %w", err)
		}
		line, _ := r.FieldPos(0)
		if len(row) != 3 {
			return nil, fmt.Errorf("RECORD line %d: want 3 fields (path,hash,size), got %d", line, len(row))
		}
		e := recordEntry{line: line, size: -1}
		if row[1] != "" {
			algo, b64, ok := strings.Cut(row[1], "=")
			if !ok {
				return nil, fmt.Errorf("RECORD line %d: hash %q is not ALGORITHM=DIGEST", line, row[1])
			}
			// The spec says "no padding"; some tools pad anyway, which is harmless.
			digest, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "="))
			if err != nil {
				return nil, fmt.Errorf("RECORD line %d: hash %q is not urlsafe base64", line, row[1])
			}
			e.algo, e.digest = strings.ToLower(algo), digest
		}
		if row[2] != "" {
			n, err := strconv.ParseInt(row[2], 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("RECORD line %d: size %q is not a byte count", line, row[2])
			}
			e.size = n
		}
		if _, dup := out[row[0]]; dup {
			return nil, fmt.Errorf("RECORD line %d: %s is listed twice", line, row[0])
		}
		out[row[0]] = e
	}
}

// check verifies a member's content against its RECORD row.
// verify reads r to its end, checking it against e, and returns its sha256 and size (for the RECORD the
// installer writes). Nothing is held: a member of any size streams through.
func (e recordEntry) verify(member string, r io.Reader) (sum [32]byte, n int64, err error) {
	if e.digest == nil {
		return sum, 0, fmt.Errorf("%w: RECORD line %d: %s has no hash (every file but RECORD must have one)", ErrInvalidWheel, e.line, member)
	}
	h, ok := newHash(e.algo)
	if !ok {
		return sum, 0, fmt.Errorf("%w: RECORD line %d: %s uses hash algorithm %q; the wheel spec requires sha256 or stronger", ErrInvalidWheel, e.line, member, e.algo)
	}
	s256 := sha256.New()
	n, err = io.Copy(io.MultiWriter(h, s256), r)
	if err != nil {
		return sum, n, fmt.Errorf("%w: member %q: %v", ErrInvalidWheel, member, err)
	}
	if got := h.Sum(nil); !bytes.Equal(got, e.digest) {
		return sum, n, fmt.Errorf("%w: %s: RECORD line %d says %s=%s, content is %s=%s", ErrHashMismatch, member, e.line,
			e.algo, base64.RawURLEncoding.EncodeToString(e.digest), e.algo, base64.RawURLEncoding.EncodeToString(got))
	}
	if e.size >= 0 && e.size != n {
		return sum, n, fmt.Errorf("%w: %s: RECORD line %d says %d bytes, content is %d bytes", ErrHashMismatch, member, e.line, e.size, n)
	}
	copy(sum[:], s256.Sum(nil))
	return sum, n, nil
}

// recordRow is one line of the RECORD an installer writes.
type recordRow struct{ path, hash, size string }

func rowFor(relPath string, data []byte) recordRow {
	return rowForSum(relPath, sha256.Sum256(data), int64(len(data)))
}

func rowForSum(relPath string, sum [32]byte, size int64) recordRow {
	return recordRow{relPath, "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]), strconv.FormatInt(size, 10)}
}

// writeRecord renders rows sorted by path (as pip does), so the layer bytes do not depend on archive order.
func writeRecord(rows []recordRow) []byte {
	sort.Slice(rows, func(i, j int) bool { return rows[i].path < rows[j].path })
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		_ = w.Write([]string{r.path, r.hash, r.size}) // writes to a bytes.Buffer cannot fail
	}
	w.Flush()
	return buf.Bytes()
}
