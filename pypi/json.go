package pypi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// jsonPage is the PEP 691 project page; unknown keys are ignored, as the spec requires.
type jsonPage struct {
	Meta struct {
		APIVersion string `json:"api-version"`
	} `json:"meta"`
	Files []jsonFile `json:"files"`
}

type jsonFile struct {
	Filename       string            `json:"filename"`
	URL            string            `json:"url"`
	Hashes         map[string]string `json:"hashes"`
	RequiresPython *string           `json:"requires-python"`
	// core-metadata (PEP 714) wins over its deprecated name dist-info-metadata (PEP 658).
	CoreMetadata     json.RawMessage `json:"core-metadata"`
	DistInfoMetadata json.RawMessage `json:"dist-info-metadata"`
	Yanked           json.RawMessage `json:"yanked"`
	Size             *int64          `json:"size"`
}

// parseJSON reads a PEP 691 project page served at page.
func parseJSON(body []byte, page *url.URL) ([]File, error) {
	var p jsonPage
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("malformed Simple API JSON: %w", err)
	}
	if err := checkAPIVersion(p.Meta.APIVersion); err != nil {
		return nil, err
	}
	files := make([]File, 0, len(p.Files))
	for i, jf := range p.Files {
		if !safeFilename(jf.Filename) {
			return nil, fmt.Errorf("files[%d]: unsafe or missing filename %q", i, jf.Filename)
		}
		ref, err := url.Parse(strings.TrimSpace(jf.URL))
		if err != nil || jf.URL == "" {
			return nil, fmt.Errorf("files[%d] (%s): bad url %q", i, jf.Filename, redactString(jf.URL))
		}
		u := page.ResolveReference(ref)
		if u.Scheme != "http" && u.Scheme != "https" {
			// Not downloadable by this client (ftp, file); the HTML parser skips these too.
			continue
		}
		u.Fragment, u.RawFragment = "", ""
		f := File{
			Filename: jf.Filename,
			URL:      u.String(),
			Hashes:   normHashes(jf.Hashes),
		}
		if jf.RequiresPython != nil {
			f.RequiresPython = strings.TrimSpace(*jf.RequiresPython)
		}
		meta := jf.CoreMetadata
		if isAbsent(meta) {
			meta = jf.DistInfoMetadata
		}
		if f.CoreMetadata, f.MetadataHash, err = jsonMetadata(meta); err != nil {
			return nil, fmt.Errorf("files[%d] (%s): core-metadata: %w", i, jf.Filename, err)
		}
		if f.Yanked, f.YankedReason, err = jsonYanked(jf.Yanked); err != nil {
			return nil, fmt.Errorf("files[%d] (%s): yanked: %w", i, jf.Filename, err)
		}
		if jf.Size != nil && *jf.Size > 0 {
			f.Size = *jf.Size
		}
		files = append(files, f)
	}
	return files, nil
}

func isAbsent(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// jsonMetadata reads core-metadata: a boolean, or a dictionary of hashes (which means true).
func jsonMetadata(raw json.RawMessage) (bool, map[string]string, error) {
	if isAbsent(raw) {
		return false, nil, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return b, nil, nil
	}
	var h map[string]string
	if err := json.Unmarshal(raw, &h); err != nil {
		return false, nil, fmt.Errorf("want a boolean or a dictionary of hashes, got %s", truncate(string(raw), 40))
	}
	return true, normHashes(h), nil
}

// jsonYanked reads yanked: a boolean, or a string giving the reason (which means true).
func jsonYanked(raw json.RawMessage) (bool, string, error) {
	if isAbsent(raw) {
		return false, "", nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err == nil {
		return b, "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return false, "", fmt.Errorf("want a boolean or a string, got %s", truncate(string(raw), 40))
	}
	return true, s, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// hashLen is the hex length of each digest Download can check.
var hashLen = map[string]int{
	"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128,
}

// normHashes lower-cases names and digests, and drops digests that cannot be right for a
// known algorithm (wrong length or not hex), so that a malformed entry never passes for a
// hash that was checked. Unknown algorithms (blake2b_256) are kept for the caller to see.
func normHashes(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.ToLower(strings.TrimSpace(v))
		if k == "" || !isHex(v) {
			continue
		}
		if n, ok := hashLen[k]; ok && len(v) != n {
			continue
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// safeFilename rejects names that could act as paths when a caller writes the file out,
// or garble a terminal when printed.
func safeFilename(name string) bool {
	return name != "" && name != "." && name != ".." && len(name) <= 255 &&
		!strings.ContainsFunc(name, func(r rune) bool {
			return r == '/' || r == '\\' || r < 0x20 || r == 0x7f
		})
}
