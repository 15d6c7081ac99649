package pypi

import (
	"html"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"
)

// A PEP 503 page needs only its <a>, <meta> and <base> start tags, so rather than a full
// HTML5 parser this is a scanner that follows the HTML5 tokenizer where it matters for
// those: comments, doctype and processing instructions, raw-text elements whose content
// is not markup, quoted and unquoted attribute values, first-attribute-wins, and entity
// decoding with the attribute-value exceptions.

// tag is a start tag with the attributes this package reads; text is what follows it up
// to the next tag.
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

// rawText elements hold text, not markup, up to their end tag.
var rawText = map[string]bool{
	"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
	"iframe": true, "noembed": true, "noframes": true, "plaintext": true,
}

// scanTags returns the <a>, <meta> and <base> start tags of s in document order, each <a>
// with the raw text that follows it.
func scanTags(s string) []tag {
	var tags []tag
	i := 0
	for {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			return tags
		}
		i += lt
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			// "-->" may overlap the opening, so "<!-->" is a whole (empty) comment.
			end := strings.Index(rest[2:], "-->")
			if end < 0 {
				return tags
			}
			i += 2 + end + 3
		case strings.HasPrefix(rest, "<!"), strings.HasPrefix(rest, "<?"), strings.HasPrefix(rest, "</"):
			// Doctype, bogus comment or end tag: nothing in it matters here.
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				return tags
			}
			i += end + 1
		case len(rest) > 1 && isLetter(rest[1]):
			t, n, ok := scanStartTag(rest)
			if !ok {
				return tags // EOF inside a tag: HTML5 drops the tag
			}
			i += n
			if rawText[t.name] {
				end := indexEndTag(s[i:], t.name)
				if end < 0 || t.name == "plaintext" {
					return tags // the rest of the page is text
				}
				i += end
			}
			switch t.name {
			case "a":
				if next := strings.IndexByte(s[i:], '<'); next >= 0 {
					t.text = s[i : i+next]
				} else {
					t.text = s[i:]
				}
				tags = append(tags, t)
			case "meta", "base":
				tags = append(tags, t)
			}
		default:
			i++ // a lone '<' is text
		}
	}
}

func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// indexEndTag finds "</name" (any case) followed by a delimiter in s.
func indexEndTag(s, name string) int {
	for i := 0; ; {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return -1
		}
		i += j
		k := i + 2 + len(name)
		if k <= len(s) && strings.EqualFold(s[i+2:k], name) &&
			(k == len(s) || isSpace(s[k]) || s[k] == '/' || s[k] == '>') {
			return i
		}
		i += 2
	}
}

var wantedAttr = map[string]bool{
	"href": true, "name": true, "content": true, "data-requires-python": true,
	"data-yanked": true, "data-core-metadata": true, "data-dist-info-metadata": true,
}

// scanStartTag reads the start tag at the beginning of s ("<name ...>") and returns it
// with the number of bytes it spans; ok is false when s ends inside the tag.
func scanStartTag(s string) (t tag, n int, ok bool) {
	i := 1
	for i < len(s) && !isSpace(s[i]) && s[i] != '/' && s[i] != '>' {
		i++
	}
	t.name = strings.ToLower(s[1:i])
	for {
		for i < len(s) && (isSpace(s[i]) || s[i] == '/') {
			i++
		}
		if i >= len(s) {
			return t, 0, false
		}
		if s[i] == '>' {
			return t, i + 1, true
		}
		// Attribute name; a leading '=' belongs to the name, as in HTML5.
		start := i
		i++
		for i < len(s) && !isSpace(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=' {
			i++
		}
		name := strings.ToLower(s[start:i])
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		value := ""
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			if i >= len(s) {
				return t, 0, false
			}
			switch q := s[i]; q {
			case '"', '\'':
				end := strings.IndexByte(s[i+1:], q)
				if end < 0 {
					return t, 0, false
				}
				value = s[i+1 : i+1+end]
				i += end + 2
			case '>':
				// "a=>" is an empty value; the '>' closes the tag on the next turn.
			default:
				vs := i
				for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
					i++
				}
				value = s[vs:i]
			}
		}
		// Keeping only the attributes this package reads bounds the list, so that the
		// duplicate check stays cheap on a hostile tag with thousands of attributes.
		if wantedAttr[name] {
			if _, dup := t.get(name); !dup {
				t.attrs = append(t.attrs, attr{name: name, value: unescapeAttr(value)})
			}
		}
	}
}

// unescapeAttr decodes character references in an attribute value. It differs from
// html.UnescapeString in one HTML5 rule that matters for URLs: a named reference without
// ';' is left alone when an alphanumeric or '=' follows, so "?a=1&copy=2" stays as written.
func unescapeAttr(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for {
		amp := strings.IndexByte(s, '&')
		if amp < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:amp])
		s = s[amp:]
		if len(s) > 1 && s[1] == '#' {
			n := 2
			if n < len(s) && (s[n] == 'x' || s[n] == 'X') {
				n++
			}
			for n < len(s) && isAlnum(s[n]) {
				n++
			}
			if n < len(s) && s[n] == ';' {
				n++
			}
			b.WriteString(html.UnescapeString(s[:n]))
			s = s[n:]
			continue
		}
		n := 1
		for n < len(s) && isAlnum(s[n]) {
			n++
		}
		ref := s[:n]
		switch {
		case n < len(s) && s[n] == ';':
			// A whole reference decodes to at most two runes; more means only a legacy
			// prefix matched ("&notit;"), which in an attribute stays literal.
			if d := html.UnescapeString(s[:n+1]); utf8.RuneCountInString(d) <= 2 {
				b.WriteString(d)
			} else {
				b.WriteString(s[:n+1])
			}
			n++
		case n < len(s) && s[n] == '=':
			b.WriteString(ref)
		default:
			// Without ';' only a legacy reference that spans the whole run decodes.
			if d := html.UnescapeString(ref); d != ref && utf8.RuneCountInString(d) == 1 {
				b.WriteString(d)
			} else {
				b.WriteString(ref)
			}
		}
		s = s[n:]
	}
}

func isAlnum(c byte) bool { return isLetter(c) || (c >= '0' && c <= '9') }

// parseHTML reads a PEP 503 project page served at page. Anchors without a usable href
// are skipped, as pip skips them; only a newer major API version is an error.
func parseHTML(body []byte, page *url.URL) ([]File, error) {
	tags := scanTags(string(body))
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
	name := ""
	if p := u.EscapedPath(); !strings.HasSuffix(p, "/") {
		if n, err := url.PathUnescape(path.Base(p)); err == nil {
			name = n
		}
	}
	if name == "" || name == "." || name == "/" {
		// The spec makes the anchor text the filename; the URL names it unless it cannot.
		name = strings.TrimSpace(html.UnescapeString(t.text))
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
