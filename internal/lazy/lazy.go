// Package lazy builds package-level values on first use, so that no command pays at start-up
// for what only another command needs (every package's initialisation runs on every start).
package lazy

import (
	"regexp"
	"sync"
)

// Regexp returns a function that compiles expr on its first call and returns the same
// *regexp.Regexp after; it panics on a bad expression, as regexp.MustCompile does.
func Regexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
