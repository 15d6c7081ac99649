//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package wizard

import "golang.org/x/term"

// rawInput switches the terminal fd to raw mode (on Windows: virtual-terminal input, no
// line editing, Ctrl-C as a key) and returns how to restore the mode it found.
func rawInput(fd int) (func() error, error) {
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	return func() error { return term.Restore(fd, old) }, nil
}
