package excerpt

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"django>=4.2":             `"django>=4.2"`,
		"a\x1b[31mred\r\n":        `"a\x1b[31mred\r\n"`,
		strings.Repeat("é", 70):   `"` + strings.Repeat("é", Max) + `…"`,
		"root:$6$salt$hash:19000": `"root:$6$salt$hash:19000"`,
		"\xff":                    `"\xff"`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
	long := "root:$6$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRST:19000:0:99999:7:::"
	if got := Quote(long); strings.Contains(got, "19000") {
		t.Errorf("Quote of a long line = %s: not cut", got)
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		`f"{x}" + 'y'`:       `f"{x}" + 'y'`,
		"a\x1b[31mb\tc\xffd": `a\x1b[31mb\tc\xffd`,
		"ok \uFFFD":          "ok \uFFFD",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %s, want %s", in, got, want)
		}
	}
}
