//go:build !unix && !windows

package safewrite

import "os"

// Systems without file locks run unlocked: concurrent runs are not kept apart.
func tryLock(*os.File) error { return nil }

// removeHeld says whether Unlock removes the lock file while holding it.
const removeHeld = false

func unlock(*os.File) error { return nil }
