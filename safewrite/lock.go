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

// Lock is a project's write lock, held until Unlock.
type Lock struct{ f *os.File }

// LockProject takes the write lock of the project at root. When another run holds it,
// waiting is called once and the lock is tried again until wait has passed; then the error
// says what to do. The lock is released by Unlock, or by the system when the process ends.
func LockProject(root string, wait time.Duration, waiting func()) (*Lock, error) {
	name := filepath.Join(root, LockName)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, tempMode)
	if err != nil {
		return nil, fmt.Errorf("lock the project: %w", err)
	}
	deadline := time.Now().Add(wait)
	for said := false; ; said = true {
		err := tryLock(f)
		if err == nil {
			return &Lock{f: f}, nil
		}
		if !errors.Is(err, errLocked) {
			f.Close()
			return nil, fmt.Errorf("lock the project (%s): %w", name, err)
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, fmt.Errorf("another containerize run is writing in %s (it holds %s) and did not finish within %v; nothing was written: wait for it to finish, then run again", root, LockName, wait)
		}
		if !said && waiting != nil {
			waiting()
		}
		time.Sleep(min(50*time.Millisecond, time.Until(deadline)))
	}
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	return err
}
