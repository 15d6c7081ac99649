package manifest

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

func utf16Bytes(s string, big bool) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if big {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func utf32Bytes(s string, big bool) []byte {
	var out []byte
	for _, r := range s {
		if big {
			out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
		} else {
			out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
		}
	}
	return out
}

func TestDecodeText(t *testing.T) {
	const text = "Django==4.2 # café\r\nrequests\r\n"
	tests := []struct {
		name string
		data []byte
	}{
		{"utf-8", []byte(text)},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, text...)},
		{"utf-16 le bom", append([]byte{0xFF, 0xFE}, utf16Bytes(text, false)...)},
		{"utf-16 be bom", append([]byte{0xFE, 0xFF}, utf16Bytes(text, true)...)},
		{"utf-32 le bom", append([]byte{0xFF, 0xFE, 0, 0}, utf32Bytes(text, false)...)},
		{"utf-32 be bom", append([]byte{0, 0, 0xFE, 0xFF}, utf32Bytes(text, true)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeText(tt.data, "requirements.txt")
			if err != nil {
				t.Fatal(err)
			}
			if got != text {
				t.Errorf("got %q, want %q", got, text)
			}
		})
	}
}

func TestDecodeTextCoding(t *testing.T) {
	// PEP 263 comment in the first two lines decides, as in pip's auto_decode.
	latin1 := []byte("# -*- coding: latin-1 -*-\nDjango==4.2 # caf\xe9\n")
	got, err := DecodeText(latin1, "r.txt")
	if err != nil || !strings.Contains(got, "café") {
		t.Errorf("latin-1: got %q, %v", got, err)
	}
	cp := []byte("Django==4.2\n# vim: set fileencoding=cp1252 :\n# \x80\n")
	if got, err := DecodeText(cp, "r.txt"); err != nil || !strings.Contains(got, "€") {
		t.Errorf("cp1252: got %q, %v", got, err)
	}
	// A coding comment on line 3 is not read: the text must then be UTF-8.
	late := []byte("a\nb\n# coding: latin-1\n\xe9\n")
	if _, err := DecodeText(late, "r.txt"); err == nil || !strings.Contains(err.Error(), "r.txt:4:") {
		t.Errorf("coding on line 3: got %v, want an error at r.txt:4", err)
	}
	if _, err := DecodeText([]byte("# coding: klingon\nx\n"), "r.txt"); err == nil || !strings.Contains(err.Error(), `"klingon"`) {
		t.Errorf("unknown coding: %v", err)
	}
}

func TestDecodeTextErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"invalid utf-8":   []byte("Django\nfoo\xff\n"),
		"odd utf-16":      {0xFF, 0xFE, 'a', 0, 'b'},
		"lone surrogate":  {0xFF, 0xFE, 'a', 0, 0x00, 0xD8, 'b', 0},
		"bad utf-32":      {0, 0, 0xFE, 0xFF, 0, 0x11, 0, 0},
		"short utf-32 be": {0, 0, 0xFE, 0xFF, 0, 0},
	} {
		_, err := DecodeText(data, "requirements/base.txt")
		if err == nil || !strings.HasPrefix(err.Error(), "requirements/base.txt") {
			t.Errorf("%s: got %v, want an error naming the file", name, err)
		}
	}
	_, err := DecodeText([]byte("Django\nfoo\xff\n"), "r.txt")
	if err == nil || !strings.HasPrefix(err.Error(), "r.txt:2: ") {
		t.Errorf("invalid utf-8: %v, want r.txt:2", err)
	}
}

func TestSplitLines(t *testing.T) {
	got := SplitLines("a\r\nb\rc\nd\x0ce\u2028f\r\n")
	want := []string{"a", "b", "c", "d", "e", "f"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	if got := SplitLines("a\n\nb"); !cmp.Equal(got, []string{"a", "", "b"}) {
		t.Errorf("blank line lost: %q", got)
	}
}

// TestRequirementsEncodings: a UTF-16 LE file with CRLF endings that includes a UTF-8-BOM file and a
// lone-CR constraints file reads as pip reads it, with pip's line numbers.
func TestRequirementsEncodings(t *testing.T) {
	root := append([]byte{0xFF, 0xFE}, utf16Bytes("# base\r\nDjango==4.2.7\r\n-r base.txt\r\n-c constraints.txt\r\n", false)...)
	fsys := fstest.MapFS{
		"requirements.txt": {Data: root},
		"base.txt":         {Data: []byte("\xEF\xBB\xBFgunicorn==21.2.0\r\n")},
		"constraints.txt":  {Data: []byte("sqlparse==0.4.4\rasgiref==3.7.2\r")},
	}
	rs, err := ParseRequirementsFile(fsys, "requirements.txt")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rs.Requirements {
		names = append(names, fmt.Sprintf("%s@%s:%d", r.Name, r.File, r.Line))
	}
	for _, r := range rs.Constraints {
		names = append(names, "c:"+fmt.Sprintf("%s@%s:%d", r.Name, r.File, r.Line))
	}
	want := []string{"django@requirements.txt:2", "gunicorn@base.txt:1", "c:sqlparse@constraints.txt:1", "c:asgiref@constraints.txt:2"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Error(diff)
	}
	fsys["base.txt"] = &fstest.MapFile{Data: []byte("gunicorn==21.2.0 # caf\xe9\n")}
	if _, err := ParseRequirementsFile(fsys, "requirements.txt"); err == nil || !strings.HasPrefix(err.Error(), "base.txt:1: not valid UTF-8") {
		t.Errorf("undecodable include: %v", err)
	}
}
