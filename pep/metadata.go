package pep

import (
	"fmt"
	"strings"
)

// Metadata is a parsed core metadata file (METADATA, PKG-INFO): RFC
// 822-style headers (continuation lines start with a space or a tab), a
// blank line, a body (the long description).
type Metadata struct {
	Headers []Header
	Body    string
	// Defects are the lines that are neither headers nor continuations, as
	// "3: what is wrong" (1-based line numbers).
	Defects []string
}

// Header is one "Key: value" header. Value is trimmed; each continuation
// line adds "\n" and the line, trimmed.
type Header struct {
	Key, Value string
	Line       int // 1-based
}

// ParseMetadata reads headers up to the first empty line; the rest is the
// body. It never fails: like Python's email parser, which pip uses, it
// starts the body early at a line that is not a header, and records why in
// Defects. Lines may end in "\r\n".
func ParseMetadata(data []byte) Metadata {
	var m Metadata
	text := string(data)
	for n := 1; text != ""; n++ {
		line, rest, _ := strings.Cut(text, "\n")
		line = strings.TrimSuffix(line, "\r")
		switch {
		case line == "":
			m.Body = rest
			return m
		case line[0] == ' ' || line[0] == '\t':
			if len(m.Headers) == 0 {
				m.Defects = append(m.Defects, fmt.Sprintf("%d: continuation line before any header", n))
				break
			}
			h := &m.Headers[len(m.Headers)-1]
			h.Value += "\n" + strings.TrimSpace(line)
		default:
			key, value, ok := strings.Cut(line, ":")
			if !ok || !validHeaderKey(key) {
				m.Defects = append(m.Defects, fmt.Sprintf("%d: %q is not a \"Name: value\" header; the rest is read as the description", n, clip(line)))
				m.Body = text
				return m
			}
			m.Headers = append(m.Headers, Header{Key: key, Value: strings.TrimSpace(value), Line: n})
		}
		text = rest
	}
	return m
}

// validHeaderKey accepts what RFC 822 allows in a field name: printable
// ASCII other than space and colon.
func validHeaderKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] <= ' ' || k[i] > '~' || k[i] == ':' {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
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

// All returns every header named key (case-insensitive), in order.
func (m Metadata) All(key string) []Header {
	var hs []Header
	for _, h := range m.Headers {
		if strings.EqualFold(h.Key, key) {
			hs = append(hs, h)
		}
	}
	return hs
}

// Name is the Name header: the project name as the distribution spells it.
func (m Metadata) Name() string { return m.Get("Name") }

// Version is the Version header.
func (m Metadata) Version() string { return m.Get("Version") }

// RequiresPython is the Requires-Python header, a PEP 440 specifier set.
func (m Metadata) RequiresPython() string { return m.Get("Requires-Python") }

// RequiresDist is every Requires-Dist header: a PEP 508 requirement each,
// with its line for the caller to report.
func (m Metadata) RequiresDist() []Header { return m.All("Requires-Dist") }

// ProvidesExtra is the values of every Provides-Extra header.
func (m Metadata) ProvidesExtra() []string {
	var out []string
	for _, h := range m.All("Provides-Extra") {
		out = append(out, h.Value)
	}
	return out
}
