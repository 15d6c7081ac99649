package django

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// isFile reports whether name exists and is not a directory; a missing file is not an error.
func isFile(fsys fs.FS, name string) (bool, error) {
	fi, err := fs.Stat(fsys, name)
	if notExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", name, err)
	}
	return !fi.IsDir(), nil
}

// isDir reports whether name exists and is a directory.
func isDir(fsys fs.FS, name string) (bool, error) {
	fi, err := fs.Stat(fsys, name)
	if notExist(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", name, err)
	}
	return fi.IsDir(), nil
}

// notExist treats "a path component is a file" like a missing file.
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, fs.ErrInvalid)
}
