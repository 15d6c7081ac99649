package doctor

import (
	"errors"
	"syscall"
)

// Winsock's error numbers, which the syscall package does not name.
const (
	wsaeacces        = syscall.Errno(10013) // also a port in an excluded range (Hyper-V, WSL)
	wsaeaddrinuse    = syscall.Errno(10048)
	wsaeaddrnotavail = syscall.Errno(10049)
)

func sysPortError(err error) portErrorKind {
	switch {
	case errors.Is(err, wsaeaddrinuse), errors.Is(err, syscall.EADDRINUSE):
		return errInUse
	case errors.Is(err, wsaeaddrnotavail), errors.Is(err, syscall.EADDRNOTAVAIL):
		return errNotAvailable
	case errors.Is(err, wsaeacces):
		return errReserved
	}
	return errOther
}
