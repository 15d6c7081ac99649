package safewrite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockName is the file at the project root that a run holds locked while it reads the
// files its plan compares against and writes, so two runs never interleave.
const LockName = ".containerize.lock"

// errLocked is what tryLock returns when another process holds the lock.
var errLocked = errors.New("locked")

// ErrBusy is in LockProject's error when another run held the lock all the time it waited.
var ErrBusy = errors.New("another containerize run is writing")

// Lock is a project's write lock, held until Unlock.
type Lock struct {
	f    *os.File
	name string
}

// LockProject takes the write lock of the project at root. When another run holds it,
// waiting is called once and the lock is tried again until wait has passed; then the error
// says what to do. The lock is released by Unlock, or by the system when the process ends.
func LockProject(root string, wait time.Duration, waiting func()) (*Lock, error) {
	name := filepath.Join(root, LockName)
	deadline := time.Now().Add(wait)
	said := false
	for {
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, tempMode)
		if err != nil {
			return nil, fmt.Errorf("lock the project: %w; containerize needs to create %s in the project folder while it writes (make the folder writable, or move away what is there)", err, LockName)
		}
		err = tryLock(f)
		if err == nil {
			// The holder before us may have removed the file it unlocked; a lock on a
			// removed file keeps no one out, so take the one now at the name.
			fi, ferr := f.Stat()
			ni, nerr := os.Stat(name)
			if ferr == nil && nerr == nil && os.SameFile(fi, ni) {
				return &Lock{f: f, name: name}, nil
			}
			unlock(f)
			f.Close()
			continue
		}
		f.Close()
		if !errors.Is(err, errLocked) {
			return nil, fmt.Errorf("lock the project (%s): %w", name, err)
		}
		if !time.Now().Before(deadline) {
			return nil, fmt.Errorf("%w in %s (it holds %s) and did not finish within %v; nothing was written: wait for it to finish, then run again", ErrBusy, root, LockName, wait)
		}
		if !said && waiting != nil {
			waiting()
			said = true
		}
		time.Sleep(min(50*time.Millisecond, time.Until(deadline)))
	}
}

// Unlock releases the lock. Where a held file can be removed safely (unix), the lock file is
// removed first, so a run that ends normally leaves none behind.
func (l *Lock) Unlock() error {
	if removeHeld {
		os.Remove(l.name)
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	return err
}
