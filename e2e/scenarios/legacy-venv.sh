#!/usr/bin/env bash
# Scenario 4, legacy-venv: no dependency file, only a committed virtualenv. init writes
# requirements.txt from the virtualenv's metadata; the image installs it, migrates into the
# sqlite database on the app-data volume, and serves the API and the admin.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start legacy-venv legacy-venv
prepare_sample legacy-venv
# venv/pyvenv.cfg says 3.8, which no image has; the stand-ins have 3.11 only.
init_project --python 3.11
# The pins may sit in requirements.txt or in a lock file it constrains with (-c).
requirements_from_venv() {
	local pins
	pins=$(cat "$APP"/requirements*.txt "$APP"/requirements*.lock 2>/dev/null)
	grep -qix 'django==3.2.25' <<<"$pins" && grep -qix 'djangorestframework==3.14.0' <<<"$pins"
}
check "init wrote requirements.txt from venv/" requirements_from_venv
as_a_checkout
config_check
build first
up first

api_root() {
	status_is 200 /api/ -H 'Accept: application/json' && jq -e .items "$RUN_DIR/body" >/dev/null
}
check "GET /api/ answers 200 with JSON listing items" api_root
check "the admin login page answers 200" status_is 200 /admin/login/
check "static files are served (admin CSS 200)" status_is 200 /static/admin/css/base.css
sqlite_on_volume() { compose exec -T web sh -c 'test -s /data/db.sqlite3'; }
check "migrations ran into /data/db.sqlite3 (the app-data volume)" sqlite_on_volume
# The committed venv/ is in the folder; .dockerignore (its **/venv line) keeps it out of the image.
committed_venv_ignored() { [ -d "$APP/venv" ] && compose exec -T web sh -c '! test -e /app/venv'; }
check ".dockerignore keeps the committed venv/ out of the build context (not in the image)" committed_venv_ignored

common_checks inventory/views.py
scenario_end
