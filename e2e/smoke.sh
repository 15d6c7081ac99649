#!/usr/bin/env bash
# smoke.sh: prove the harness end to end on one sample. Copy testdata/projects/library,
# overlay its e2e variant (e2e/projects/library: a Pipfile pinned to what Debian ships), lock
# it against the local index, run `containerize init --yes --services postgres`, then
# `docker compose up --build --wait`, ask the API for its router root, and tear it all down.
#
# The generated files are used exactly as written. The harness controls only the
# environment (PIP_INDEX_URL; the index lives on 127.0.0.1) and adds a compose file of its
# own, outside the project, that builds on the host network. It checks at the end that the
# generated files were not changed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SAMPLE=library
PROJECT=$E2E_PROJECT_PREFIX-$SAMPLE
RUN_DIR=$E2E_CACHE/work/$SAMPLE
APP=$RUN_DIR/$SAMPLE
WEB_PORT=8000

"$E2E_DIR/setup.sh"

started_index=0
if ! "$E2E_DIR/index.sh" status >/dev/null 2>&1; then
	"$E2E_DIR/index.sh" start
	started_index=1
fi

# compose ARGS...: docker compose on this scenario's project, bounded in time. The project
# name carries the harness prefix so teardown.sh finds leftovers.
compose() {
	timeout "${COMPOSE_TIMEOUT:-600}" "$DOCKER" compose -p "$PROJECT" --project-directory "$APP" \
		-f "$APP/docker-compose.yml" -f "$RUN_DIR/compose.e2e.yml" "$@"
}

# down: remove the project's containers, networks and volumes (by project name, so it works
# even when the run failed before the override file existed).
down() { timeout 120 "$DOCKER" compose -p "$PROJECT" down -v --remove-orphans --timeout 10 >"$RUN_DIR/down.log" 2>&1; }

cleanup() {
	local rc=$?
	if [ -f "$RUN_DIR/compose.e2e.yml" ]; then
		if [ $rc -ne 0 ]; then
			log "smoke: FAILED (exit $rc); service logs follow"
			timeout 60 "$DOCKER" compose -p "$PROJECT" logs --no-color --timestamps 2>&1 | tail -n 200 >&2 || true
		fi
		timed "compose down -v" down || log "smoke: compose down failed (log: $RUN_DIR/down.log); e2e/teardown.sh removes leftovers"
	fi
	if [ $started_index = 1 ]; then
		"$E2E_DIR/index.sh" stop
	fi
	exit $rc
}
trap cleanup EXIT

for p in $WEB_PORT 5432; do
	port_free "$p" || die "127.0.0.1:$p is taken; the generated .env publishes web on $WEB_PORT and postgres on 5432"
done

log "smoke: preparing $APP"
rm -rf "$RUN_DIR"
mkdir -p "$RUN_DIR"
cp -R "$REPO_ROOT/testdata/projects/$SAMPLE" "$APP"
cp "$E2E_DIR/projects/$SAMPLE/Pipfile" "$APP/Pipfile"
"$E2E_BIN/pinlock" -wheels "$E2E_WHEELS" -pipfile "$APP/Pipfile" \
	-python "$(image_env python:3.11-slim PYTHON_VERSION)" >"$APP/Pipfile.lock"

(cd "$REPO_ROOT" && go build -o "$E2E_BIN/containerize" ./cmd/containerize)
init_project() { "$E2E_BIN/containerize" init --yes --services postgres "$APP" >"$RUN_DIR/init.log" 2>&1; }
timed "containerize init" init_project || { cat "$RUN_DIR/init.log" >&2; die "containerize init failed"; }
generated=(Dockerfile docker-compose.yml .dockerignore .env containerize.toml)
(cd "$APP" && sha256sum "${generated[@]}") >"$RUN_DIR/generated.sha256"

compose_override "$RUN_DIR/compose.e2e.yml" "$APP"
export PIP_INDEX_URL=$E2E_INDEX_URL

# Build first, then up --build --wait (which then finds every layer cached), so the log
# shows the build time and the start-until-healthy time apart.
log "smoke: docker compose build (log: $RUN_DIR/build.log)"
build() { COMPOSE_TIMEOUT=900 compose build >"$RUN_DIR/build.log" 2>&1; }
timed "compose build" build || { tail -n 60 "$RUN_DIR/build.log" >&2; die "docker compose build failed"; }
log "smoke: docker compose up --build --wait (log: $RUN_DIR/up.log)"
up() { compose up --build --wait --wait-timeout 180 >"$RUN_DIR/up.log" 2>&1; }
timed "compose up --build --wait" up || { tail -n 60 "$RUN_DIR/up.log" >&2; die "docker compose up failed"; }

url=http://127.0.0.1:$WEB_PORT/api/v1/
wait_until 30 "$url" curl -fsS -m 5 -o /dev/null "$url" || true
status=$(curl -sS -m 10 -o "$RUN_DIR/response.json" -w '%{http_code}' -H 'Accept: application/json' "$url")
log "smoke: GET $url -> $status $(head -c 300 "$RUN_DIR/response.json")"
[ "$status" = 200 ] || die "expected 200 from $url"
jq -e .books "$RUN_DIR/response.json" >/dev/null || die "the router root did not list books"

# A few of issue 3's properties that cost nothing once the stack is up.
uid=$(compose exec -T web id -u)
[ "$uid" != 0 ] || die "the web process runs as root"
log "smoke: web runs as uid $uid"
css=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/static/admin/css/base.css")
log "smoke: GET /static/admin/css/base.css -> $css"
[ "$css" = 200 ] || die "static files are not served"
# shellcheck disable=SC2016 # expanded by the db container's shell
migrations=$(compose exec -T db sh -c 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "select count(*) from django_migrations"')
log "smoke: $migrations migrations recorded in postgres"
[ "${migrations:-0}" -gt 0 ] || die "migrations did not run against postgres"
"$DOCKER" run --rm --entrypoint sh "$SAMPLE:latest" -c 'test ! -e /app/.env && test ! -e /app/.git' ||
	die "the image contains .env or .git"

(cd "$APP" && sha256sum --quiet -c "$RUN_DIR/generated.sha256") || die "the generated files changed during the run"
"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' "$SAMPLE:latest" | while read -r line; do log "smoke: image $line"; done
log "smoke: PASS"
