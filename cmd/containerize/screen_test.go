//go:build !windows

package main

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// screen replays what a program wrote to a terminal of the given size and returns the
// text on the screen at the end, trailing blanks trimmed: what a person would see. It
// knows what the terminal UI uses (cursor moves, erasing, tabs, scrolling) and skips the
// rest (styling, modes, queries).
func screen(out string, cols, rows int) string {
	grid := make([][]rune, rows)
	blank := func() []rune { return []rune(strings.Repeat(" ", cols)) }
	for i := range grid {
		grid[i] = blank()
	}
	x, y := 0, 0
	clampX := func() { x = max(0, min(x, cols-1)) }
	clampY := func() { y = max(0, min(y, rows-1)) }
	lineFeed := func() {
		if y == rows-1 {
			copy(grid, grid[1:])
			grid[rows-1] = blank()
		} else {
			y++
		}
	}
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case c == '\x1b' && i+1 < len(out) && out[i+1] == '[':
			j := i + 2
			for j < len(out) && (out[j] < 0x40 || out[j] > 0x7e) {
				j++
			}
			if j == len(out) {
				return render(grid)
			}
			params, final := out[i+2:j], out[j]
			i = j + 1
			if strings.ContainsAny(params, "?<>=") {
				continue // private modes and queries
			}
			n := 1
			var ps []int
			for p := range strings.SplitSeq(params, ";") {
				v, _ := strconv.Atoi(p)
				ps = append(ps, v)
			}
			if len(ps) > 0 && ps[0] > 0 {
				n = ps[0]
			}
			switch final {
			case 'A':
				y -= n
			case 'B':
				y += n
			case 'C':
				x += n
			case 'D':
				x -= n
			case 'E':
				x, y = 0, y+n
			case 'F':
				x, y = 0, y-n
			case 'G', '`':
				x = n - 1
			case 'd':
				y = n - 1
			case 'H', 'f':
				y, x = n-1, 0
				if len(ps) > 1 && ps[1] > 0 {
					x = ps[1] - 1
				}
			case 'K':
				from, to := x, cols
				switch ps[0] {
				case 1:
					from, to = 0, x+1
				case 2:
					from = 0
				}
				for k := from; k < min(to, cols); k++ {
					grid[y][k] = ' '
				}
			case 'J':
				switch ps[0] {
				case 0:
					for k := x; k < cols; k++ {
						grid[y][k] = ' '
					}
					for r := y + 1; r < rows; r++ {
						grid[r] = blank()
					}
				case 2, 3:
					for r := range grid {
						grid[r] = blank()
					}
				}
			case 'X':
				for k := x; k < min(x+n, cols); k++ {
					grid[y][k] = ' '
				}
			}
			clampX()
			clampY()
		case c == '\x1b':
			// Other escapes: ESC M moves up (scrolling down is not needed here); string
			// sequences (OSC, DCS, APC) end with BEL or ST; the rest is two bytes.
			if i+1 < len(out) && out[i+1] == 'M' {
				y--
				clampY()
			}
			if i+1 < len(out) && strings.IndexByte("]P_^", out[i+1]) >= 0 {
				rest := out[i+2:]
				bel, st := strings.IndexByte(rest, '\a'), strings.Index(rest, "\x1b\\")
				switch {
				case bel >= 0 && (st < 0 || bel < st):
					i += 2 + bel + 1
				case st >= 0:
					i += 2 + st + 2
				default:
					return render(grid)
				}
				continue
			}
			i += 2
		case c == '\r':
			x = 0
			i++
		case c == '\n':
			lineFeed()
			i++
		case c == '\t':
			x = min((x/8+1)*8, cols-1)
			i++
		case c == '\b':
			x = max(0, x-1)
			i++
		case c < 0x20 || c == 0x7f:
			i++
		default:
			r, size := utf8.DecodeRuneInString(out[i:])
			i += size
			if x >= cols {
				x = 0
				lineFeed()
			}
			grid[y][x] = r
			x++
		}
	}
	return render(grid)
}

func render(grid [][]rune) string {
	lines := make([]string, len(grid))
	for i, l := range grid {
		lines[i] = strings.TrimRight(string(l), " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func TestScreen(t *testing.T) {
	for _, tt := range []struct{ out, want string }{
		{"ab\r\ncd\x1b[1A\x1b[2DX", "Xb\ncd"},
		{"\x1b[31mred\x1b[m\tx\x1b]0;title\a!", "red     x!"},
		{"1\r\n2\r\n3\r\n4", "2\n3\n4"}, // scrolled
		{"abcdef\x1b[3D\x1b[K\r\n\x1b[2Xz", "abc\nz"},
		{"x\r\ny\x1b[2;1H\x1b[J", "x"},
	} {
		if got := screen(tt.out, 10, 3); got != tt.want {
			t.Errorf("screen(%q) = %q, want %q", tt.out, got, tt.want)
		}
	}
}
