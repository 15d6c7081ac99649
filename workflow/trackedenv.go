package workflow

import (
	"errors"

	"github.com/containerize/containerize/safewrite"
)

// errTrackedEnv is the refusal to write secrets into a .env that git tracks.
var errTrackedEnv = errors.New(".env is tracked by git (it is in .git/index), and init would write fresh secrets into it, to be committed with the next commit. " +
	"Stop tracking it and keep it out of git, then run init again: git rm --cached .env && echo .env >> .gitignore " +
	"(if it already holds real secrets, they are in the history: change them)")

// trackedEnv refuses a write of .env when git tracks it: every .env init writes or
// extends holds generated secrets (the key, the database password).
func trackedEnv(files []safewrite.File) error {
	for _, f := range files {
		if f.Path == ".env" {
			return errTrackedEnv
		}
	}
	return nil
}
