#!/usr/bin/env bash
# Scenario 2, celery: the requirements/ project with postgres, redis, a celery worker and
# beat. A task the web container enqueues (POST /api/runs/add/, which calls add.delay) is run
# by the worker, and its result shows through the API; beat has stored its schedule.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start celery requirements-celery
prepare_sample requirements-celery
init_project
as_a_checkout
config_check
build first
up first

# service_log SERVICE: its last lines, to show why a check failed.
service_log() { compose logs --no-color --tail 12 "$1" 2>&1 | sed 's/^/    | /' >&2; }

# diagnose_enqueue: the settings log nothing for a 500 (DEBUG off, no LOGGING), so send the
# same task from a shell in the web container, where the exception reaches the terminal.
diagnose_enqueue() {
	log "[$SCENARIO] sending the task from manage.py shell in the web container, for the error:"
	compose exec -T web python manage.py shell -c 'from tasks.tasks import add; add.delay(0, 1, 2)' 2>&1 |
		tail -n 3 | sed 's/^/    | /' >&2
}

RUN_ID=
# 45 s: long enough for a broker or result backend that cannot be reached to turn into a 500
# (kombu retries for about 20 s) rather than a client timeout.
enqueue() {
	local got
	: >"$RUN_DIR/body"
	got=$(curl -sS -m 45 -o "$RUN_DIR/body" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d '{"x": 2, "y": 40}' "$WEB_URL/api/runs/add/") || true
	log "[$SCENARIO] POST /api/runs/add/ -> $got $(tr -s "\n " " " 2>/dev/null <"$RUN_DIR/body" | head -c 160)"
	[ "$got" = 202 ] || { service_log web; diagnose_enqueue; return 1; }
	RUN_ID=$(jq -r .id "$RUN_DIR/body")
}
run_succeeded() {
	[ "$(http_get "/api/runs/$RUN_ID/")" = 200 ] &&
		jq -e '.status == "success" and .result.sum == 42' "$RUN_DIR/body" >/dev/null
}
worker_ran_task() {
	[ -n "$RUN_ID" ] || return 1
	wait_until 60 "run $RUN_ID to succeed" run_succeeded || { cat "$RUN_DIR/body" >&2; echo >&2; service_log worker; return 1; }
	log "[$SCENARIO] GET /api/runs/$RUN_ID/ -> $(jq -c '{status, result, finished}' "$RUN_DIR/body")"
}
check "the web container enqueues a task (POST /api/runs/add/ 202)" enqueue
check "the worker ran it and the API shows the result" worker_ran_task

# shellcheck disable=SC2016 # expanded by the db container's shell
psql_db() { compose exec -T db sh -c 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "$0"' "$1"; }
beat_schedule_stored() {
	[ "$(psql_db "select count(*) from django_celery_beat_periodictask where name = 'purge-old-task-runs'")" = 1 ]
}
check "beat stored its schedule in postgres" wait_until 30 "beat's schedule" beat_schedule_stored
check "the worker runs as a non-root user" runs_as_non_root worker

common_checks tasks/views.py
scenario_end
