#!/usr/bin/env bash
# Scenario 5, unreachable-db (negative): the library project with postgres, but the app's
# DATABASE_URL carries a wrong password (as after a regenerated .env against an existing
# volume). `compose up --wait` must fail within its bound, not hang, and the harness must
# say which service failed and why. The scenario passes when it does.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start unreachable-db library
prepare_sample library
lock_pipfile
init_project --services postgres

# The harness's second compose file: the app services get a DATABASE_URL whose password
# the db service was never given. Nothing of the project changes.
cat >"$RUN_DIR/compose.wrong-password.yml" <<-'YAML'
	# Written by the e2e harness: a database the app cannot log in to.
	services:
	  migrate:
	    environment:
	      DATABASE_URL: "postgres://${POSTGRES_USER}:not-the-password@db:5432/${POSTGRES_DB}"
	  web:
	    environment:
	      DATABASE_URL: "postgres://${POSTGRES_USER}:not-the-password@db:5432/${POSTGRES_DB}"
YAML
EXTRA_COMPOSE_FILES=("$RUN_DIR/compose.wrong-password.yml")
build first

UP_WAIT_TIMEOUT=120
start=$(date +%s)
rc=0
COMPOSE_TIMEOUT=$((UP_WAIT_TIMEOUT + 60)) compose up --build --wait --wait-timeout "$UP_WAIT_TIMEOUT" \
	>"$RUN_DIR/up-first.log" 2>&1 || rc=$?
[ $rc -ne 0 ] || die "compose up --wait succeeded although the app cannot log in to postgres"
took=$(($(date +%s) - start))
record up_fails_after_s "$took"
log "[$SCENARIO] compose up --wait failed as expected after ${took}s (exit $rc); compose said:"
tail -n 3 "$RUN_DIR/up-first.log" | sed 's/^/    /' >&2
# A timeout (124) would mean the harness waited out its own bound instead of seeing the failure.
check "up --wait failed on its own, before the harness's timeout" test "$rc" != 124
report_services >"$RUN_DIR/report.txt" 2>&1 || true
sed 's/^/    /' "$RUN_DIR/report.txt" >&2
check "the report names the migrate service as failed" grep -Eq '^--- migrate: exited, exit code [1-9]' "$RUN_DIR/report.txt"
check "the report shows postgres refusing the password" grep -q 'password authentication failed' "$RUN_DIR/report.txt"
check "the report says web never started" grep -q '^--- web: never started' "$RUN_DIR/report.txt"
scenario_end
