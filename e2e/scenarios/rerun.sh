#!/usr/bin/env bash
# Issue 10, re-run: the library project with postgres runs; its user then adds redis in
# containerize.toml and edits the generated Dockerfile by hand. `init --yes` must write nothing
# and exit 3 naming the Dockerfile; with keep = ["Dockerfile"] it updates the other generated
# files (compose gets redis, .env keeps its secrets), leaves the Dockerfile as edited, and
# the stack comes up again, with redis, on the same database volume.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start rerun library
prepare_sample library
lock_pipfile
init_project --services postgres
config_check
build first
up first
check "GET /api/v1/ answers 200 before the change" status_is 200 /api/v1/ -H 'Accept: application/json'

# The user's two changes: a service in containerize.toml, and a hand edit of a generated file
# (a comment and a label, which the rebuilt image shows).
sed -i 's/^services = \["postgres"\]$/services = ["postgres", "redis"]/' "$APP/containerize.toml"
grep -qx 'services = \["postgres", "redis"\]' "$APP/containerize.toml" ||
	die "containerize.toml has no services line to change: $(grep -n services "$APP/containerize.toml")"
printf '\n# Edited by hand: this comment and the label below are ours.\nLABEL org.example.edited-by-hand="yes"\n' >>"$APP/Dockerfile"
cp "$APP/Dockerfile" "$RUN_DIR/Dockerfile.edited"
secrets() { grep -E '^(SECRET_KEY|POSTGRES_PASSWORD)=' "$APP/.env"; }
secrets >"$RUN_DIR/secrets.before"
tree_sum >"$RUN_DIR/tree.edited"

# 1. Without consent: nothing written, exit 3, the file named, the ways on.
init_again refused --yes
check "init --yes exits 3 when a generated file was edited by hand (got $INIT_RC)" test "$INIT_RC" = 3
check "init --yes wrote nothing (every file as before the run)" tree_is "$RUN_DIR/tree.edited"
check "init --yes names the edited Dockerfile on stderr" grep -q 'Dockerfile was edited' "$RUN_DIR/init-refused.err"
says_how_to_proceed() {
	grep -q -- '--force' "$RUN_DIR/init-refused.err" && grep -qF 'keep = ["Dockerfile"]' "$RUN_DIR/init-refused.err"
}
check "init --yes says how to proceed (--force, or keep = [\"Dockerfile\"])" says_how_to_proceed
init_again refused-json --yes --json
check "init --yes --json exits 3 too (got $INIT_RC)" test "$INIT_RC" = 3
check "init --yes --json wrote nothing" tree_is "$RUN_DIR/tree.edited"
init_again dry-run --dry-run --json
dry_run_names_consent() {
	jq -e '.dry_run and ([.files[] | select(.consent != null and .consent != "") | .path] == ["Dockerfile"])' \
		"$RUN_DIR/init-dry-run.out" >/dev/null
}
check "init --dry-run --json: the Dockerfile (only) needs consent" dry_run_names_consent
check "init --dry-run --json wrote nothing" tree_is "$RUN_DIR/tree.edited"

# 2. keep = ["Dockerfile"]: the rest follows the new answers.
sed -i 's/^keep = \[\]$/keep = ["Dockerfile"]/' "$APP/containerize.toml"
grep -qx 'keep = \["Dockerfile"\]' "$APP/containerize.toml" ||
	die "containerize.toml has no keep line to change: $(grep -n keep "$APP/containerize.toml")"
init_again kept --yes --json
[ "$INIT_RC" = 0 ] || die "init --yes with keep = [\"Dockerfile\"] failed (exit $INIT_RC)"
action_of() { jq -r --arg p "$1" '[.files[] | select(.path == $p) | .action][0] // "absent"' "$RUN_DIR/init-kept.out"; }
json_says_what_happened() {
	local f a ok=0
	for f in docker-compose.yml .env.example .env containerize.sum; do
		a=$(action_of "$f")
		log "[$SCENARIO] --json: $f $a"
		[ "$a" = updated ] || ok=1
	done
	a=$(action_of Dockerfile)
	log "[$SCENARIO] --json: Dockerfile $a"
	case $a in created | updated) ok=1 ;; esac
	jq -e '.plan.answers.services == ["postgres", "redis"] and .plan.compose.redis == true' "$RUN_DIR/init-kept.out" >/dev/null || ok=1
	return "$ok"
}
check "init --json: compose, .env.example, .env and containerize.sum updated, the Dockerfile not; the plan has redis" json_says_what_happened
check "the hand-edited Dockerfile is untouched" cmp "$RUN_DIR/Dockerfile.edited" "$APP/Dockerfile"
compose_has_redis() { compose config --services | grep -qx redis; }
check "docker compose -f docker-compose.yml config lists the redis service" compose_has_redis
check ".env keeps its secrets (SECRET_KEY, POSTGRES_PASSWORD)" cmp "$RUN_DIR/secrets.before" <(secrets)
tree_sum >"$RUN_DIR/tree.kept"
init_again again --yes
check "a third init --yes exits 0 (got $INIT_RC)" test "$INIT_RC" = 0
check "a third init --yes changes nothing" tree_is "$RUN_DIR/tree.kept"

# 3. The stack follows: redis up and reachable from web, the database where it was.
snapshot_generated
compose_ready
config_check
up second
redis_healthy() {
	local id
	id=$(compose ps -q redis) && [ -n "$id" ] &&
		[ "$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$id")" = healthy ]
}
check "the redis service is healthy" redis_healthy
web_reaches_redis() {
	compose exec -T web python -c '
import os, socket, urllib.parse
u = urllib.parse.urlsplit(os.environ["REDIS_URL"])
s = socket.create_connection((u.hostname, u.port or 6379), 5)
s.sendall(b"PING\r\n")
assert s.recv(16).startswith(b"+PONG"), "no PONG"
'
}
check "web reaches redis at REDIS_URL (PING -> PONG)" web_reaches_redis
check "GET /api/v1/ answers 200 after the change" status_is 200 /api/v1/ -H 'Accept: application/json'
built_from_edited() {
	[ "$("$DOCKER" image inspect -f '{{index .Config.Labels "org.example.edited-by-hand"}}' "$APP_IMAGE")" = yes ]
}
check "the image was built from the hand-edited Dockerfile (its label)" built_from_edited
check "the web process runs as a non-root user" runs_as_non_root web
check "database and cache ports are published on 127.0.0.1 only" ports_are_local
check "the generated files were not changed by the run" generated_files_unchanged
scenario_end
