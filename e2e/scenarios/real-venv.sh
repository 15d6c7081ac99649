#!/usr/bin/env bash
# Issue 5's end-to-end case: a real virtualenv, made with `python3 -m venv` and filled by pip
# from the local index (wheels of Debian's packages), in a project that declares nothing.
# `containerize migrate` reads it without running its Python and declares it; init then
# containerizes the project, and the API answers.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start real-venv legacy-venv
prepare_sample legacy-venv
# The sample's committed (file-built) venv gives way to a real one.
rm -rf "${APP:?}/venv"
log "[$SCENARIO] python3 -m venv .venv && pip install django==3.2.25 djangorestframework==3.14.0"
timeout 120 python3 -m venv "$APP/.venv" || die "python3 -m venv failed"
timeout 300 "$APP/.venv/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir \
	--index-url "$E2E_INDEX_URL" django==3.2.25 djangorestframework==3.14.0 >"$RUN_DIR/pip.log" 2>&1 ||
	{ cat "$RUN_DIR/pip.log" >&2; die "pip install into the real virtualenv failed"; }

migrate_dry_run() {
	"$E2E_BIN/containerize" migrate --yes --dry-run "$APP" >"$RUN_DIR/migrate.out" 2>"$RUN_DIR/migrate.err" &&
		grep -q 'Installed, not declared' "$RUN_DIR/migrate.err" &&
		grep -qix '+django==3.2.25' "$RUN_DIR/migrate.out"
}
check "migrate --dry-run reports the undeclared packages and plans the pins" migrate_dry_run

init_project --python 3.11
declared() {
	grep -qix 'django==3.2.25' "$APP/requirements.txt" &&
		grep -qix 'djangorestframework==3.14.0' "$APP/requirements.txt" &&
		grep -qix 'sqlparse==.*' "$APP/requirements.lock"
}
check "init ran migrate: requirements.txt pins the top level, requirements.lock the rest" declared
config_check
build first
up first

api_root() {
	status_is 200 /api/ -H 'Accept: application/json' && jq -e .items "$RUN_DIR/body" >/dev/null
}
check "GET /api/ answers 200 with JSON listing items" api_root
check "the admin login page answers 200" status_is 200 /admin/login/
common_checks inventory/views.py
scenario_end
