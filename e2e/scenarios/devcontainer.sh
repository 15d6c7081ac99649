#!/usr/bin/env bash
# Issue 10, devcontainer: the Dev Containers reference CLI (@devcontainers/cli, setup.sh's
# devcontainer step) brings the library project's workspace up from the generated
# .devcontainer/devcontainer.json (the compose services), and runs the project's tests inside
# it with `devcontainer exec`.
#
# The CLI calls `docker` and `docker compose`; it gets the harness's: a wrapper of
# /usr/bin/docker (BuildKit built in, the Compose v2 plugin through DOCKER_CONFIG) that adds
# the harness's compose file (build networking, as every scenario has it) after the
# project's own on each compose call. The compose project is the harness's
# (COMPOSE_PROJECT_NAME), so the usual cleanup removes it.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start devcontainer library
[ -x "$DEVCONTAINER" ] || die "no devcontainer CLI at $DEVCONTAINER; run: e2e/setup.sh devcontainer"
prepare_sample library
lock_pipfile
init_project --services postgres
CONFIG=$APP/.devcontainer/devcontainer.json
[ -f "$CONFIG" ] || die "init wrote no .devcontainer/devcontainer.json"
sed 's/^/    devcontainer.json: /' "$CONFIG" >&2
OVERRIDE=docker-compose.override.yml
[ -f "$APP/$OVERRIDE" ] || die "init wrote no $OVERRIDE"
COMPOSE_FILES=(docker-compose.yml "$OVERRIDE")
compose_ready
config_check

# The harness's docker for the CLI.
mkdir -p "$RUN_DIR/bin"
cat >"$RUN_DIR/bin/docker" <<-SH
	#!/usr/bin/env bash
	# Written by the e2e harness: $DOCKER for the Dev Containers CLI, with the harness's compose
	# file ($RUN_DIR/compose.e2e.yml: builds on the host network) after the last -f of a compose call.
	if [ "\${1:-}" = compose ]; then
	    args=("\$@") last=-1
	    for ((i = 1; i < \${#args[@]}; i++)); do [ "\${args[i]}" = -f ] && last=\$((i + 1)); done
	    if [ \$last -gt 0 ]; then
	        set -- "\${args[@]:0:last+1}" -f "$RUN_DIR/compose.e2e.yml" "\${args[@]:last+1}"
	    fi
	fi
	exec "$DOCKER" "\$@"
SH
chmod 0755 "$RUN_DIR/bin/docker"
export COMPOSE_PROJECT_NAME=$PROJECT PIP_INDEX_URL=$E2E_INDEX_URL
dc() {
	timeout "${DC_TIMEOUT:-300}" "$DEVCONTAINER" "$1" --workspace-folder "$APP" --docker-path "$RUN_DIR/bin/docker" "${@:2}"
}

start=$(date +%s)
if ! DC_TIMEOUT=$((BUILD_TIMEOUT + UP_WAIT_TIMEOUT)) dc up --log-format json >"$RUN_DIR/devcontainer-up.json" 2>"$RUN_DIR/devcontainer-up.log"; then
	tail -n 40 "$RUN_DIR/devcontainer-up.log" >&2
	tail -n 3 "$RUN_DIR/devcontainer-up.json" >&2
	die "devcontainer up failed (log: $RUN_DIR/devcontainer-up.log)"
fi
record devcontainer_up_s $(($(date +%s) - start))
log "[$SCENARIO] devcontainer up: $(($(date +%s) - start))s: $(tail -n1 "$RUN_DIR/devcontainer-up.json")"
up_result() { tail -n1 "$RUN_DIR/devcontainer-up.json"; }
up_succeeded() { up_result | jq -e '.outcome == "success" and .remoteWorkspaceFolder == "/app"' >/dev/null; }
check "devcontainer up succeeded, workspace /app" up_succeeded
is_the_web_service() {
	local id labels
	id=$(up_result | jq -r .containerId)
	labels=$("$DOCKER" inspect -f '{{index .Config.Labels "com.docker.compose.project"}}/{{index .Config.Labels "com.docker.compose.service"}}' "$id") || return 1
	log "[$SCENARIO] the dev container is $labels"
	[ "$labels" = "$PROJECT/web" ]
}
check "the dev container is the compose project's web service" is_the_web_service
same_user() {
	local want got
	want=$(sed -n 's/^DEV_UID=//p' "$APP/.env")
	got=$(dc exec id -u 2>>"$RUN_DIR/devcontainer-exec.log") || return 1
	log "[$SCENARIO] devcontainer exec id -u: $got (DEV_UID=$want)"
	[ "$got" = "$want" ]
}
check "devcontainer exec runs as DEV_UID from .env" same_user
# The command inside the container: the test command init documents (--json's
# commands.test), without its `docker compose run --rm web`.
"$E2E_BIN/containerize" init --dry-run --json "$APP" >"$RUN_DIR/init-dry-run.json" 2>/dev/null ||
	die "init --dry-run --json failed"
tests_pass_inside() {
	local cmd words
	cmd=$(jq -r '.commands.test // empty' "$RUN_DIR/init-dry-run.json")
	log "[$SCENARIO] the documented test command: ${cmd:-none}"
	case $cmd in "docker compose run --rm web "?*) cmd=${cmd#docker compose run --rm web } ;;
	*) log "[$SCENARIO] not a 'docker compose run --rm web' command"; return 1 ;; esac
	read -ra words <<<"$cmd"
	log "[$SCENARIO] devcontainer exec $cmd"
	dc exec "${words[@]}" </dev/null >"$RUN_DIR/tests.log" 2>&1 || { tail -n 30 "$RUN_DIR/tests.log" >&2; return 1; }
	tail -n 4 "$RUN_DIR/tests.log" | sed 's/^/    | /' >&2
}
check "the tests pass inside the dev container (devcontainer exec)" tests_pass_inside
check "the development-only package (coverage) is importable in it" dc exec python -c 'import coverage'
check "the web server of the dev container answers (GET /api/v1/ 200)" status_is 200 /api/v1/ -H 'Accept: application/json'
check "the generated files were not changed by the run" generated_files_unchanged
scenario_end
