package venv

import (
	"fmt"
	"strings"
)

// metadata is a parsed METADATA or PKG-INFO file: RFC 822-style headers
// (continuation lines start with a space or a tab), a blank line, a body.
type metadata struct {
	headers []header
	body    string
	defects []string // lines that are neither headers nor continuations, "3: ..."
}

type header struct {
	key, value string
	line       int // 1-based
}

// parseMetadata reads headers up to the first empty line; the rest is the
// body. It never fails: like Python's email parser, which pip uses, it
// starts the body early at a line that is not a header, and records why.
func parseMetadata(data []byte) metadata {
	var m metadata
	text := string(data)
	for n := 1; text != ""; n++ {
		line, rest, _ := strings.Cut(text, "\n")
		line = strings.TrimSuffix(line, "\r")
		switch {
		case line == "":
			m.body = rest
			return m
		case line[0] == ' ' || line[0] == '\t':
			if len(m.headers) == 0 {
				m.defects = append(m.defects, fmt.Sprintf("%d: continuation line before any header", n))
				break
			}
			h := &m.headers[len(m.headers)-1]
			h.value += "\n" + strings.TrimSpace(line)
		default:
			key, value, ok := strings.Cut(line, ":")
			if !ok || !validKey(key) {
				m.defects = append(m.defects, fmt.Sprintf("%d: %q is not a \"Name: value\" header; the rest is read as the description", n, clip(line)))
				m.body = text
				return m
			}
			m.headers = append(m.headers, header{key: key, value: strings.TrimSpace(value), line: n})
		}
		text = rest
	}
	return m
}

// validKey accepts what RFC 822 allows in a field name: printable ASCII
// other than space and colon.
func validKey(k string) bool {
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

// get returns the first value of key (case-insensitive), or "".
func (m metadata) get(key string) string {
	for _, h := range m.headers {
		if strings.EqualFold(h.key, key) {
			return h.value
		}
	}
	return ""
}

// all returns every header named key (case-insensitive), in order.
func (m metadata) all(key string) []header {
	var hs []header
	for _, h := range m.headers {
		if strings.EqualFold(h.key, key) {
			hs = append(hs, h)
		}
	}
	return hs
}
