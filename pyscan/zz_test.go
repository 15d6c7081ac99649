package pyscan

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestZZBraces(t *testing.T) {
	for _, n := range []int{100, 1000, 10000, 100000, 1000000} {
		for _, open := range []string{"{", "[", "(", "{a:", "f(", "x[", "-", "not ", "lambda:", "a if b else ", "*", "**", "{**", "(yield "} {
			src := strings.Repeat(open, n)
			var ms runtime.MemStats
			runtime.GC()
			start := time.Now()
			Parse([]byte(src))
			runtime.ReadMemStats(&ms)
			if d := time.Since(start); d > 100*time.Millisecond {
				t.Logf("%q x %d: %v, heap %d MB", open, n, d, ms.HeapAlloc>>20)
			}
		}
	}
}
