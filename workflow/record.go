package workflow

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// RecordFile is where init records what it last wrote: the SHA-256 of each file it
// generates whole. A file whose content still has its recorded hash is containerize's own
// and is updated on the next run; any other content is someone's edit and is only replaced
// with consent. It is committed with the files, so a teammate's clone knows the same.
const RecordFile = "containerize.sum"

const recordHeader = `# containerize.sum: the SHA-256 of each file containerize init last wrote, so the next run
# updates its own files and asks before replacing one you edited. Commit it; do not edit it.
`

// record maps a slash path to the hex SHA-256 of the content containerize wrote there.
type record map[string]string

// hashOf is the hex SHA-256 of data.
func hashOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// parseRecord reads containerize.sum: comment lines, then "<sha256>  <path>" lines (the
// format of sha256sum). Errors name the line and say what to do.
func parseRecord(data []byte) (record, error) {
	r := record{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sum, path, ok := strings.Cut(line, "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 64 || path == "" {
			return nil, fmt.Errorf("%s:%d: want \"<sha256>  <path>\", got %q: delete the file, and init will ask before replacing each generated file", RecordFile, n, line)
		}
		r[path] = sum
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", RecordFile, err)
	}
	return r, nil
}

// marshal writes the record sorted by path, so it is deterministic.
func (r record) marshal() []byte {
	var b bytes.Buffer
	b.WriteString(recordHeader)
	paths := make([]string, 0, len(r))
	for p := range r {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		fmt.Fprintf(&b, "%s  %s\n", r[p], p)
	}
	return b.Bytes()
}
