package pyscan

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	ok := []string{
		"",
		"X = 1\n",
		"if DEBUG:\n    A = [\n  1,\n]\nelse:\n    pass\n",
		"def f():\n    return {\n        'a': 1}\n\nclass C:\n    x = 1\n",
		"print('x')\nprint >>sys.stderr, 'x'\nprint\nexec('x')\n",
		"try:\n    import x\nexcept (ImportError, OSError) as e:\n    pass\n",
		"A = 0o777\nB = 0\nC = 00\nD = 0.5\nE = 0e1\nF = 07j\nG = 0x1F\n",
		"S = rb'x' + Rb\"y\" + f'{a!r}' + rf'\\{{x}}' + u'é'\n",
		"# -*- coding: latin-1 -*-\nX = '\xe9'\n",
		"\xef\xbb\xbfX = 1\r\nY = 2\r\n",
		"if x: y = 1\nwhile x: pass\n",
		"match x:\n    case 1:\n        pass\n",
		"f = lambda a: a\nd = {k: v for k, v in x}\n",
		"X = '''\nmulti\n'''\n",
		"raise ValueError('x')\nraise\n",
		"@decorator\ndef f(): pass\n",
	}
	for _, src := range ok {
		if e := Check([]byte(src)); e != nil {
			t.Errorf("Check(%q) = %v, want nil", src, e)
		}
	}
	bad := []struct {
		src  string
		line int
		msg  string
	}{
		{"X = 1\nY = [1,\n", 2, "'[' was never closed"},
		{"X = (1]\n", 1, "does not match"},
		{"X = 1)\n", 1, "unmatched ')'"},
		{"X = 1\nY = 'abc\n", 2, "unterminated string"},
		{"X = 1\nY = '''abc\n", 2, "unterminated string"},
		{"X = 1\n  Y = 2\n", 2, "unexpected indent"},
		{"if X:\nY = 2\n", 2, "expected an indented block"},
		{"if X:\n", 1, "expected an indented block"},
		{"if X:\n    a = 1\n  b = 2\n", 3, "unindent does not match"},
		{"X = 1\nY = 2\x00\n", 2, "NUL bytes"},
		{"X = 1\nY = '\xe9'\n", 2, "not UTF-8"},
		{"print \"x\"\n", 1, "print"},
		{"if x:\n    print x\n", 2, "print"},
		{"exec \"X = 1\"\n", 1, "exec"},
		{"try:\n    pass\nexcept ImportError, e:\n    pass\n", 3, "except X as e"},
		{"raise ValueError, 'x'\n", 1, "raise E(message)"},
		{"X = `1`\n", 1, "backticks"},
		{"X = 0777\n", 1, "leading zeros"},
		{"X = 10L\n", 1, "long integer"},
		{"X = ur'x'\n", 1, "prefix ur"},
		{"if a <> b:\n    pass\n", 1, "<>"},
		{"X = 1 $ 2\n", 1, "invalid character"},
	}
	for _, tc := range bad {
		e := Check([]byte(tc.src))
		if e == nil || e.Line != tc.line || !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("Check(%q) = %v, want line %d: …%s…", tc.src, e, tc.line, tc.msg)
		}
	}
}
