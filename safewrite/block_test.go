package safewrite

import (
	"bytes"
	"strings"
	"testing"
)

const (
	begin = "# >>> containerize >>>"
	end   = "# <<< containerize <<<"
)

func TestEnsureBlock(t *testing.T) {
	block := begin + "\nimport os\nDEBUG = os.environ.get('DEBUG') == '1'\n" + end + "\n"
	newBlock := begin + "\nimport os\nDEBUG = False\n" + end + "\n"
	tests := []struct {
		name, content, block, want string
	}{
		{"empty file", "", block, block},
		{"appended after a blank line", "X = 1\n", block, "X = 1\n\n" + block},
		{"missing final newline", "X = 1", block, "X = 1\n\n" + block},
		{"already ends in a blank line", "X = 1\n\n", block, "X = 1\n\n" + block},
		{"same block changes nothing", "X = 1\n\n" + block + "Y = 2\n", block, "X = 1\n\n" + block + "Y = 2\n"},
		{"changed block replaced in place", "X = 1\n\n" + block + "Y = 2\n", newBlock, "X = 1\n\n" + newBlock + "Y = 2\n"},
		{"markers matched ignoring white space", "X = 1\n  " + begin + "  \nold\n" + end + "\t\nY = 2\n", block, "X = 1\n" + block + "Y = 2\n"},
		{"block at end without final newline", "X = 1\n" + begin + "\nold\n" + end, block, "X = 1\n" + block},
		{"body only gets markers", "", "A = 1\n", begin + "\nA = 1\n" + end + "\n"},
		{"body without final newline", "", "A = 1", begin + "\nA = 1\n" + end + "\n"},
		{"empty body", "", "", begin + "\n" + end + "\n"},
		{"only the first block is replaced", begin + "\na\n" + end + "\n" + begin + "\nb\n" + end + "\n", newBlock, newBlock + begin + "\nb\n" + end + "\n"},
		{"end marker before begin is not used", end + "\nX\n" + begin + "\nold\n" + end + "\n", block, end + "\nX\n" + block},
		// Without an end marker the old block's extent is unknown: keep the text, replace the
		// marker line only (the diff shows the rest to the user).
		{"missing end marker keeps user text", "X = 1\n" + begin + "\nold\nY = 2\n", block, "X = 1\n" + block + "old\nY = 2\n"},
		{"CRLF file appended in CRLF", "X = 1\r\nY = 2\r\n", block,
			"X = 1\r\nY = 2\r\n\r\n" + strings.ReplaceAll(block, "\n", "\r\n")},
		{"CRLF file replaced in CRLF", "X = 1\r\n" + begin + "\r\nold\r\n" + end + "\r\nY\r\n", newBlock,
			"X = 1\r\n" + strings.ReplaceAll(newBlock, "\n", "\r\n") + "Y\r\n"},
		{"CRLF block into LF file", "X = 1\n", strings.ReplaceAll(block, "\n", "\r\n"), "X = 1\n\n" + block},
		{"unterminated CR line completed as CRLF", "X = 1\r", block, "X = 1\r\n\r\n" + strings.ReplaceAll(block, "\n", "\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.content)
			got := EnsureBlock(in, begin, end, []byte(tt.block))
			if string(got) != tt.want {
				t.Fatalf("EnsureBlock(%q)\n got %q\nwant %q", tt.content, got, tt.want)
			}
			if string(in) != tt.content {
				t.Fatalf("EnsureBlock modified its input: %q", in)
			}
			if again := EnsureBlock(got, begin, end, []byte(tt.block)); !bytes.Equal(again, got) {
				t.Fatalf("second EnsureBlock changed the result\nonce  %q\ntwice %q", got, again)
			}
		})
	}
}

func TestEnsureLines(t *testing.T) {
	tests := []struct {
		name, content string
		lines         []string
		want          string
	}{
		{"empty file", "", []string{".env", "*.sqlite3"}, ".env\n*.sqlite3\n"},
		{"appended", "node_modules/\n", []string{".env"}, "node_modules/\n.env\n"},
		{"missing final newline fixed", "node_modules/", []string{".env"}, "node_modules/\n.env\n"},
		{"present line not repeated", "a\n.env\nb\n", []string{".env", "c"}, "a\n.env\nb\nc\n"},
		{"present with white space", "  .env \t\n", []string{".env"}, "  .env \t\n"},
		{"all present: unterminated content kept as is", "a\n.env", []string{".env"}, "a\n.env"},
		{"duplicate arguments added once", "", []string{".env", " .env ", ".env"}, ".env\n"},
		{"blank arguments ignored", "a\n", []string{"", "  "}, "a\n"},
		{"argument with several lines", "a\n", []string{"b\nc\n"}, "a\nb\nc\n"},
		{"CRLF file", "a\r\nb\r\n", []string{".env"}, "a\r\nb\r\n.env\r\n"},
		{"CRLF file without final newline", "a\r\nb", []string{".env"}, "a\r\nb\r\n.env\r\n"},
		{"CRLF line matches", "a\r\n.env\r\n", []string{".env"}, "a\r\n.env\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EnsureLines([]byte(tt.content), tt.lines...)
			if string(got) != tt.want {
				t.Fatalf("EnsureLines(%q, %q)\n got %q\nwant %q", tt.content, tt.lines, got, tt.want)
			}
			if again := EnsureLines(got, tt.lines...); !bytes.Equal(again, got) {
				t.Fatalf("second EnsureLines changed the result\nonce  %q\ntwice %q", got, again)
			}
		})
	}
}

func FuzzEnsureBlock(f *testing.F) {
	f.Add("", begin, end, "A = 1\n")
	f.Add("X = 1\n", begin, end, begin+"\nA = 1\n"+end+"\n")
	f.Add("X = 1\r\n"+begin+"\r\nold\r\n"+end+"\r\nY\r\n", begin, end, "A = 1\n")
	f.Add("X\n"+begin+"\nno end\n", begin, end, "B\n")
	f.Add(end+"\n"+begin+"\n", begin, end, "")
	f.Add("abc\r", "M", "M", "M\r")
	f.Add("\n\n", " M ", "E\t", "x\r\r\ny")
	f.Fuzz(func(t *testing.T, content, marker, endMarker, block string) {
		if !validMarker(marker) || !validMarker(endMarker) {
			t.Skip("markers must be non-blank single lines")
		}
		m, e := strings.TrimSpace(marker), strings.TrimSpace(endMarker)
		lines := strings.Split(string(managedBlock([]byte(block), marker, endMarker, "\n")), "\n")
		lines = lines[:len(lines)-1]
		for _, l := range lines[1 : len(lines)-1] {
			if l = strings.TrimSpace(l); l == m || l == e {
				t.Skip("the block's body may not contain a marker line")
			}
		}
		once := EnsureBlock([]byte(content), marker, endMarker, []byte(block))
		twice := EnsureBlock(once, marker, endMarker, []byte(block))
		if !bytes.Equal(once, twice) {
			t.Fatalf("not idempotent:\nonce  %q\ntwice %q", once, twice)
		}
		if !bytes.Contains(once, managedBlock([]byte(block), marker, endMarker, lineEnding([]byte(content)))) {
			t.Fatalf("result %q lacks the block", once)
		}
	})
}

func validMarker(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && !strings.ContainsAny(s, "\r\n")
}

func FuzzEnsureLines(f *testing.F) {
	f.Add("node_modules/\n", ".env", "*.sqlite3")
	f.Add("a\r\nb", ".env", " .env ")
	f.Add("x\r", "a\nb", "")
	f.Fuzz(func(t *testing.T, content, a, b string) {
		once := EnsureLines([]byte(content), a, b)
		if !bytes.HasPrefix(once, []byte(content)) {
			t.Fatalf("existing content not kept: %q → %q", content, once)
		}
		if twice := EnsureLines(once, a, b); !bytes.Equal(once, twice) {
			t.Fatalf("not idempotent:\nonce  %q\ntwice %q", once, twice)
		}
	})
}
