#!/usr/bin/env bash
# smoke.sh: the quickest end-to-end proof, scenario 1 (library with postgres) alone. Kept for
# muscle memory and for checking the harness itself; run.sh runs every scenario.
exec "$(dirname "$0")/run.sh" library
