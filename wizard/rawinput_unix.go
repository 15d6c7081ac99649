//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package wizard

import "golang.org/x/sys/unix"

// rawInput switches the terminal fd to raw input: keys arrive one by one, unechoed, and
// Ctrl-C is a key rather than a signal. Unlike a fully raw mode, output processing stays
// on, so a line feed printed between prompts still starts a new line. It returns how to
// restore the mode it found.
func rawInput(fd int) (func() error, error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &t); err != nil {
		return nil, err
	}
	return func() error { return unix.IoctlSetTermios(fd, ioctlSetTermios, old) }, nil
}
