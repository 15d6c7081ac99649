package manifest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io/fs"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/containerize/containerize/internal/lazy"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// ReadText reads a text file the way pip reads a requirements file (pip's auto_decode): a byte-order mark
// for UTF-8, UTF-32 or UTF-16 decides the encoding; else a PEP 263 "# -*- coding: X -*-" comment in
// the first two lines; else UTF-8, the preferred encoding of every Python in a container. Files saved by
// Windows tools (Notepad's "Unicode" is UTF-16 LE with a BOM, PowerShell's `>` too) therefore read as
// pip reads them. It is the one decoder for requirements-style text: requirements and constraints files
// and their includes, runtime.txt, .python-version. Split the result with SplitLines.
func ReadText(fsys fs.FS, name string) (string, error) {
	data, err := ReadFile(fsys, name)
	if err != nil {
		return "", err
	}
	return DecodeText(data, name)
}

// boms: UTF-32 before UTF-16 because the UTF-32 LE mark begins with the UTF-16 LE one (pip tries UTF-16
// first and so misreads UTF-32 LE as UTF-16 with a leading NUL; reading it right costs nothing).
var boms = []struct {
	mark []byte
	enc  string
}{
	{[]byte{0xEF, 0xBB, 0xBF}, "utf-8"},
	{[]byte{0x00, 0x00, 0xFE, 0xFF}, "utf-32-be"},
	{[]byte{0xFF, 0xFE, 0x00, 0x00}, "utf-32-le"},
	{[]byte{0xFE, 0xFF}, "utf-16-be"},
	{[]byte{0xFF, 0xFE}, "utf-16-le"},
}

// codingRE is pip's ENCODING_RE, applied to the first two lines when they are comments.
var codingRE = lazy.Regexp(`coding[:=]\s*([-\w.]+)`)

// DecodeText decodes data (the contents of the file name, for messages) as pip's auto_decode does; see
// ReadText. Undecodable input is an error naming the file and, where it helps, the line.
func DecodeText(data []byte, name string) (string, error) {
	for _, b := range boms {
		if !bytes.HasPrefix(data, b.mark) {
			continue
		}
		body := data[len(b.mark):]
		switch b.enc {
		case "utf-8":
			return decodeUTF8(body, name, "UTF-8 (with a byte-order mark)")
		case "utf-16-le", "utf-16-be":
			return decodeUTF16(body, name, b.enc == "utf-16-be")
		default:
			return decodeUTF32(body, name, b.enc == "utf-32-be")
		}
	}
	lines := bytes.SplitN(data, []byte("\n"), 3)
	for _, line := range lines[:min(2, len(lines))] {
		if !bytes.HasPrefix(line, []byte("#")) {
			continue
		}
		if m := codingRE().FindSubmatch(line); m != nil {
			return decodeNamed(data, name, string(m[1]))
		}
	}
	return decodeUTF8(data, name, "UTF-8")
}

func decodeUTF8(data []byte, name, what string) (string, error) {
	if utf8.Valid(data) {
		return string(data), nil
	}
	return "", notText(data, name, what)
}

// notText reports the first line holding a byte sequence that is not valid UTF-8.
func notText(data []byte, name, what string) error {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return &ParseError{File: name, Line: line, Msg: fmt.Sprintf("not valid %s text (byte 0x%02x) — pip cannot read it either; save the file as UTF-8, or declare its encoding in a first-line comment such as \"# -*- coding: latin-1 -*-\"", what, data[0])}
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return nil
}

func decodeUTF16(data []byte, name string, big bool) (string, error) {
	if len(data)%2 != 0 {
		return "", &ParseError{File: name, Msg: "starts with a UTF-16 byte-order mark but has an odd number of bytes — the file is cut short or is not UTF-16; save it again as UTF-8"}
	}
	var order binary.ByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = order.Uint16(data[2*i:])
	}
	// utf16.Decode turns an unpaired surrogate into U+FFFD where Python raises; refuse it as Python does.
	for i := 0; i < len(units); i++ {
		u := units[i]
		switch {
		case u >= 0xD800 && u < 0xDC00 && i+1 < len(units) && units[i+1] >= 0xDC00 && units[i+1] < 0xE000:
			i++
		case u >= 0xD800 && u < 0xE000:
			return "", &ParseError{File: name, Line: lineAt(utf16.Decode(units[:i])), Msg: "not valid UTF-16 text (an unpaired surrogate) — save the file again as UTF-8"}
		}
	}
	return string(utf16.Decode(units)), nil
}

func decodeUTF32(data []byte, name string, big bool) (string, error) {
	if len(data)%4 != 0 {
		return "", &ParseError{File: name, Msg: "starts with a UTF-32 byte-order mark but its length is not a multiple of 4 bytes — save it again as UTF-8"}
	}
	var order binary.ByteOrder = binary.LittleEndian
	if big {
		order = binary.BigEndian
	}
	runes := make([]rune, 0, len(data)/4)
	for i := 0; i < len(data); i += 4 {
		r := rune(order.Uint32(data[i:]))
		if !utf8.ValidRune(r) {
			return "", &ParseError{File: name, Line: lineAt(runes), Msg: "not valid UTF-32 text — save the file again as UTF-8"}
		}
		runes = append(runes, r)
	}
	return string(runes), nil
}

func lineAt(before []rune) int { return 1 + strings.Count(string(before), "\n") }

// pythonCodecs maps Python's spellings of common codecs (after lower-casing and '_' → '-') to IANA names
// that x/text knows; other names are looked up in the IANA registry directly.
var pythonCodecs = map[string]string{
	"utf8": "utf-8", "u8": "utf-8", "utf": "utf-8", "utf-8-sig": "utf-8", "cp65001": "utf-8",
	"latin-1": "iso-8859-1", "latin1": "iso-8859-1", "l1": "iso-8859-1", "iso8859-1": "iso-8859-1", "8859": "iso-8859-1",
	"latin-9": "iso-8859-15", "latin9": "iso-8859-15", "iso8859-15": "iso-8859-15",
	"ascii": "us-ascii", "646": "us-ascii",
}

func decodeNamed(data []byte, name, coding string) (string, error) {
	norm := strings.ReplaceAll(strings.ToLower(coding), "_", "-")
	if alias, ok := pythonCodecs[norm]; ok {
		norm = alias
	}
	if rest, ok := strings.CutPrefix(norm, "cp"); ok && len(rest) == 4 && strings.HasPrefix(rest, "125") {
		norm = "windows-" + rest
	}
	if norm == "utf-8" {
		return decodeUTF8(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), name, "UTF-8")
	}
	var enc encoding.Encoding
	if norm == "utf-16" || norm == "utf-16le" || norm == "utf-16-le" {
		// Without a BOM, Python's "utf-16" is the machine's order: little-endian everywhere it runs.
		enc = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	} else if e, err := ianaindex.IANA.Encoding(norm); err == nil && e != nil {
		enc = e
	}
	if enc == nil {
		return "", &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("declares the encoding %q, which containerize does not know — save the file as UTF-8 and remove the coding comment", coding)}
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", &ParseError{File: name, Msg: fmt.Sprintf("not valid %s text as its coding comment declares — save the file as UTF-8", coding), Err: err}
	}
	if norm == "us-ascii" {
		for i, c := range data {
			if c >= 0x80 {
				return "", &ParseError{File: name, Line: 1 + bytes.Count(data[:i], []byte("\n")), Msg: fmt.Sprintf("not ASCII (byte 0x%02x) although its coding comment says so — fix the comment or the text", c)}
			}
		}
	}
	return string(out), nil
}

// SplitLines splits text into lines as Python's str.splitlines does (pip numbers requirement lines this
// way): at "\r\n", a lone "\r", "\n" and the other Unicode line boundaries; the separators are dropped
// and a final separator does not start an empty line.
func SplitLines(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		sep := 0
		switch r {
		case '\r':
			sep = 1
			if i+1 < len(text) && text[i+1] == '\n' {
				sep = 2
			}
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			sep = size
		}
		if sep == 0 {
			i += size
			continue
		}
		out = append(out, text[start:i])
		i += sep
		start = i
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}
