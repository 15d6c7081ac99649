package pypi

import (
	"bytes"
	"net/url"
	"path"
	"strings"

	"golang.org/x/net/html"
)

// A PEP 503 page needs only its <a>, <meta> and <base> start tags. x/net/html's tokenizer
// finds them as an HTML5 browser would: comments, doctype and processing instructions,
// raw-text elements whose content is not markup (script, style, textarea, title, …),
// quoted and unquoted attribute values, and character references decoded with the
// attribute-value exceptions ("?a=1&copy=2" stays as written).

// tag is a start tag with the attributes this package reads; for <a>, text is the
// (decoded) text that follows it, up to the next tag.
type tag struct {
	name  string
	attrs []attr
	text  string
}

type attr struct{ name, value string }

func (t tag) get(name string) (string, bool) {
	for _, a := range t.attrs {
		if a.name == name {
			return a.value, true
		}
	}
	return "", false
}

// wantedAttr reports whether this package reads an attribute: only those are kept, so a
// hostile tag with thousands of attributes costs no more than reading them.
func wantedAttr(name string) bool {
	switch name {
	case "href", "name", "content", "data-requires-python", "data-yanked", "data-core-metadata", "data-dist-info-metadata":
		return true
	}
	return false
}

// scanTags returns the <a>, <meta> and <base> start tags of body in document order, each
// <a> with the text that follows it. A tag cut off by the end of the page is dropped, as
// HTML5 drops it.
func scanTags(body []byte) []tag {
	z := html.NewTokenizer(bytes.NewReader(body))
	var tags []tag
	anchor := -1 // index in tags of an <a> whose text may follow
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tags // io.EOF: the tokenizer reads from memory and meets no other error
		case html.TextToken:
			if anchor >= 0 {
				tags[anchor].text = string(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			if n := string(name); n == "a" || n == "meta" || n == "base" {
				t := tag{name: n}
				for more {
					var k, v []byte
					k, v, more = z.TagAttr()
					if key := string(k); wantedAttr(key) {
						if _, dup := t.get(key); !dup { // the first of duplicate attributes wins
							t.attrs = append(t.attrs, attr{name: key, value: string(v)})
						}
					}
				}
				tags = append(tags, t)
				if n == "a" {
					anchor = len(tags) - 1
					continue
				}
			}
		}
		anchor = -1
	}
}

// parseHTML reads a PEP 503 project page served at page. Anchors without a usable href
// are skipped, as pip skips them; only a newer major API version is an error.
func parseHTML(body []byte, page *url.URL) ([]File, error) {
	tags := scanTags(body)
	base := page
	for _, t := range tags {
		if t.name != "base" {
			continue
		}
		// HTML5: the first <base> with an href sets the document base URL.
		if h, ok := t.get("href"); ok {
			if ref, err := url.Parse(strings.TrimSpace(h)); err == nil {
				base = page.ResolveReference(ref)
			}
			break
		}
	}
	var files []File
	for _, t := range tags {
		switch t.name {
		case "meta":
			if name, _ := t.get("name"); strings.EqualFold(strings.TrimSpace(name), "pypi:repository-version") {
				v, _ := t.get("content")
				if err := checkAPIVersion(v); err != nil {
					return nil, err
				}
			}
		case "a":
			if f, ok := anchorFile(t, base); ok {
				files = append(files, f)
			}
		}
	}
	return files, nil
}

// anchorFile turns one <a> into a File, reading the hash from the URL fragment and the
// data-* attributes of PEP 503, 592, 658 and 714.
func anchorFile(t tag, base *url.URL) (File, bool) {
	href, ok := t.get("href")
	href = strings.Trim(href, " \t\n\r\f")
	if !ok || href == "" {
		return File{}, false
	}
	ref, err := url.Parse(href)
	if err != nil {
		return File{}, false
	}
	u := base.ResolveReference(ref)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return File{}, false
	}
	hashes := fragmentHashes(u.Fragment)
	u.Fragment, u.RawFragment = "", ""
	if _, err := url.Parse(u.String()); err != nil {
		return File{}, false // a reference whose resolved URL does not read back ("//::0")
	}
	name := ""
	if p := u.EscapedPath(); !strings.HasSuffix(p, "/") {
		if n, err := url.PathUnescape(path.Base(p)); err == nil {
			name = n
		}
	}
	if name == "" || name == "." || name == "/" {
		// The spec makes the anchor text the filename; the URL names it unless it cannot.
		name = strings.TrimSpace(t.text)
	}
	if !safeFilename(name) {
		return File{}, false
	}
	f := File{Filename: name, URL: u.String(), Hashes: hashes}
	if rp, ok := t.get("data-requires-python"); ok {
		f.RequiresPython = strings.TrimSpace(rp)
	}
	if reason, ok := t.get("data-yanked"); ok {
		f.Yanked, f.YankedReason = true, reason
	}
	meta, ok := t.get("data-core-metadata")
	if !ok {
		meta, ok = t.get("data-dist-info-metadata")
	}
	if ok {
		f.CoreMetadata, f.MetadataHash = htmlMetadata(meta)
	}
	return f, true
}

// htmlMetadata reads data-core-metadata: "true", or "<hashname>=<hexdigest>".
func htmlMetadata(v string) (bool, map[string]string) {
	v = strings.TrimSpace(v)
	if strings.EqualFold(v, "true") {
		return true, nil
	}
	k, h, ok := strings.Cut(v, "=")
	if !ok {
		return false, nil
	}
	hs := normHashes(map[string]string{k: h})
	return hs != nil, hs
}

// fragmentHashes reads "#sha256=<hex>" (PEP 503); other fragment parts are ignored.
func fragmentHashes(frag string) map[string]string {
	raw := map[string]string{}
	for part := range strings.SplitSeq(frag, "&") {
		k, v, ok := strings.Cut(part, "=")
		if _, known := hashLen[strings.ToLower(k)]; ok && known {
			raw[k] = v
		}
	}
	return normHashes(raw)
}
