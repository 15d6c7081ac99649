//go:build !windows

package doctor

import (
	"errors"
	"syscall"
)

func sysPortError(err error) portErrorKind {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return errInUse
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return errNotAvailable
	}
	return errOther
}
