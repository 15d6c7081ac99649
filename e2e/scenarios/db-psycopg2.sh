#!/usr/bin/env bash
# Issue 14, psycopg2 from source: the db-psycopg2 sample (psycopg2, not -binary, whose wheel
# links Debian's libpq5) with postgres. The Dockerfile's image installs libpq5 with apt-get;
# `containerize build` adds it as a layer. Both images, run with the generated compose file,
# must answer the same: notes created through the API and read back from postgres.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"
# shellcheck source=e2e/daemonless.sh
source "$(dirname "$0")/../daemonless.sh"

questions() {
	answer GET /notes/
	answer POST /notes/ -H 'Content-Type: application/json' -d '{"text": "buy milk"}'
	answer POST /notes/ -H 'Content-Type: application/json' -d '{"text": "call the plumber", "pinned": true}'
	answer POST /notes/ -H 'Content-Type: application/json' -d '{"pinned": true}'
	answer GET /notes/
	answer GET /notes/1/
	answer GET /notes/99/
	printf 'libpq -> %s\n' "$(compose exec -T web python -c 'import psycopg2.extensions as e; print(e.libpq_version())')"
	printf 'server -> %s\n' "$(compose exec -T web python manage.py shell -c 'from django.db import connection; connection.ensure_connection(); print(connection.vendor, connection.pg_version // 10000)')"
}
expect() {
	printf '%s\n' '^POST /notes/ -> 201 ' '^POST /notes/ -> 400 ' \
		'^GET /notes/ -> 200 \{"count":2,"notes":\[\{"id":2,"pinned":true,"text":"call the plumber"\}' \
		'^GET /notes/99/ -> 404 ' '^libpq -> 15' '^server -> postgresql 15$'
}

scenario_start db-psycopg2 db-psycopg2
prepare_sample db-psycopg2
init_project
as_a_checkout
config_check
build first
up first
check "the Dockerfile image's stack answers (notes stored in postgres)" ask docker
check "in the Dockerfile image psycopg2's libraries resolve (ldd)" libs_resolve "$APP_IMAGE" 'py:import psycopg2._psycopg as m; print(m.__file__)'
common_checks notes/views.py

daemonless_half libpq5 -- 'py:import psycopg2._psycopg as m; print(m.__file__)'
scenario_end
