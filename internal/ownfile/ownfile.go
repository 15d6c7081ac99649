// Package ownfile tells a file containerize wrote from one of the project's: the first line
// of every file it generates says "written by containerize". Such a file is never the
// project's evidence of anything (a settings module, a Python version, a worker), so a
// second run reads the project as the first did.
package ownfile

import "bytes"

// Is reports whether b, a file's contents, starts with containerize's header line.
func Is(b []byte) bool {
	first, _, _ := bytes.Cut(b, []byte("\n"))
	return bytes.Contains(first, []byte("written by containerize"))
}
