# shellcheck shell=bash
# scenario.sh: what every scenario in e2e/scenarios/ shares. A scenario sources this file,
# calls `scenario_start NAME SAMPLE`, prepares and starts its copy of the sample with the
# helpers below, runs its checks and ends with `scenario_end`.
#
# Contract, the same for every scenario:
#   - the generated files are used exactly as `containerize init` wrote them; the harness only
#     sets PIP_INDEX_URL and adds its own compose file (outside the project) for build networking;
#   - every docker/compose call and every wait is bounded in time;
#   - on failure the EXIT trap prints which service failed, its state, health log and log
#     tail, and saves the full `compose logs` to $RUN_DIR/compose.log;
#   - on every exit the trap runs `compose down -v` and removes the scenario's app images,
#     so containers, networks, volumes and images are not left behind (the build cache stays);
#   - `check` records a failed assertion and goes on, so one run reports every problem of a
#     scenario; `die` stops at once (for steps later checks cannot do without).
#
# Results for run.sh's summary are appended to $RUN_DIR/results as KEY=VALUE lines.

# shellcheck source=e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Bounds, in seconds. `up --wait` covers image start-up and the first healthchecks; the
# generated healthchecks run every 10 s (web) to 30 s (celery), so 180 s is generous.
UP_WAIT_TIMEOUT=${UP_WAIT_TIMEOUT:-180}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-900}
WEB_PORT=8000
WEB_URL=http://127.0.0.1:$WEB_PORT

SCENARIO=
PROJECT=
RUN_DIR=
APP=
FAILURES=()
# The project's compose files the scenario's stack runs on, relative to $APP, always passed
# with -f: the production stack is the generated compose file alone, without the development
# override Compose would add by itself in the folder (docker-compose.override.yml). A scenario
# on an adopted compose file, or on the development environment, sets its own.
COMPOSE_FILES=(docker-compose.yml)
# Extra compose files a scenario adds after the harness's own (the negative case does).
EXTRA_COMPOSE_FILES=()

# scenario_start NAME SAMPLE: a fresh work folder $E2E_CACHE/work/NAME with the sample copied
# to $APP later by prepare_sample; compose project $E2E_PROJECT_PREFIX-NAME.
scenario_start() {
	SCENARIO=$1
	PROJECT=$E2E_PROJECT_PREFIX-$1
	RUN_DIR=$E2E_CACHE/work/$1
	APP=$RUN_DIR/$2
	rm -rf "$RUN_DIR"
	mkdir -p "$RUN_DIR"
	: >"$RUN_DIR/results"
	trap scenario_cleanup EXIT
	log "[$SCENARIO] start (work folder $RUN_DIR)"
	# Leftovers of a killed run of this scenario would hold the ports.
	down_project >/dev/null 2>&1 || true
	local p
	for p in $WEB_PORT 5432 6379; do
		port_free "$p" || die "127.0.0.1:$p is taken; the generated .env files publish web on $WEB_PORT, postgres on 5432 and redis on 6379"
	done
}

# record KEY VALUE: one line of results for run.sh's summary (and the README's numbers).
record() { printf '%s=%s\n' "$1" "$2" >>"$RUN_DIR/results"; }

# check DESCRIPTION CMD...: run CMD; if it fails, record DESCRIPTION as a failure and go on.
check() {
	local what=$1
	shift
	if "$@"; then
		log "[$SCENARIO] ok: $what"
	else
		log "[$SCENARIO] FAIL: $what"
		FAILURES+=("$what")
	fi
}

# dev_stack OVERRIDE: the development environment becomes the stack the helpers below run
# (COMPOSE_FILES: the compose file and OVERRIDE), checked to be what Compose loads in the
# folder by itself, as a developer's plain `docker compose up` does.
dev_stack() {
	local override=$1
	[ -f "$APP/$override" ] || die "init wrote no $override: no development environment to start"
	COMPOSE_FILES=(docker-compose.yml "$override")
	check "docker compose in the folder loads docker-compose.yml and $override (the stack below)" compose_loads_override "$override"
}
compose_loads_override() {
	local own named
	own=$(cd "$APP" && timeout 60 "$DOCKER" compose config --format json | jq -S .) || return 1
	named=$(timeout 60 "$DOCKER" compose --project-directory "$APP" -f "$APP/docker-compose.yml" -f "$APP/$1" config --format json | jq -S .) || return 1
	[ "$own" = "$named" ]
}

# scenario_end: PASS when no check failed; otherwise list the failures and exit 1.
scenario_end() {
	if [ ${#FAILURES[@]} -gt 0 ]; then
		log "[$SCENARIO] ${#FAILURES[@]} check(s) failed:"
		local f
		for f in "${FAILURES[@]}"; do log "[$SCENARIO]   - $f"; done
		exit 1
	fi
	log "[$SCENARIO] PASS"
	exit 0
}

# ---------------------------------------------------------------------------------------
# Preparing the project

# prepare_sample SAMPLE: copy testdata/projects/SAMPLE to $APP with its e2e variant
# (e2e/projects/SAMPLE.patch, when there is one) applied: copy_sample in lib.sh.
prepare_sample() { copy_sample "$1" "$APP"; }

# lock_pipfile: Pipfile.lock from the wheels the index serves (pins and hashes match it).
lock_pipfile() {
	"$E2E_BIN/pinlock" -wheels "$E2E_WHEELS" -pipfile "$APP/Pipfile" \
		-python "$(image_env python:3.11-slim PYTHON_VERSION)" >"$APP/Pipfile.lock.tmp" ||
		die "pinlock failed for $APP/Pipfile"
	mv "$APP/Pipfile.lock.tmp" "$APP/Pipfile.lock"
}

# lock_pdm: pdm.lock written by Debian's pdm (the same 2.2.1 the image installs from the
# index, so its lock format is one that pdm reads), resolved against the local index. pdm
# runs in a scratch copy with its own HOME, so none of its state files reach the project.
lock_pdm() {
	local scratch=$RUN_DIR/pdm-lock
	rm -rf "$scratch"
	mkdir -p "$scratch/home" "$scratch/project"
	cp "$APP/pyproject.toml" "$scratch/project/"
	(cd "$scratch/project" && HOME=$scratch/home PDM_PYPI_URL=$E2E_INDEX_URL PDM_USE_VENV=false \
		PDM_CHECK_UPDATE=false timeout 120 pdm lock) >"$RUN_DIR/pdm-lock.log" 2>&1 ||
		{ cat "$RUN_DIR/pdm-lock.log" >&2; die "pdm lock failed"; }
	cp "$scratch/project/pdm.lock" "$APP/pdm.lock"
}

# GENERATED: the files init writes whole, which the run must leave as they are, when the
# project has no containerize.sum (which lists them).
GENERATED=(Dockerfile docker-compose.yml .dockerignore .env.example containerize.toml)

# generated_files: the files init wrote whole: those containerize.sum lists (the Dockerfile,
# compose files, .dockerignore, .env.example, … wherever init wrote them), containerize.toml
# and containerize.sum itself.
generated_files() {
	if [ -f "$APP/containerize.sum" ]; then
		sed -n 's/^[0-9a-f]\{64\}  //p' "$APP/containerize.sum"
		echo containerize.toml
		echo containerize.sum
	else
		printf '%s\n' "${GENERATED[@]}"
	fi
}

# snapshot_generated: remember the hashes of what init wrote (generated_files_unchanged
# checks them at the end).
snapshot_generated() {
	local files
	mapfile -t files < <(generated_files)
	(cd "$APP" && sha256sum "${files[@]}") >"$RUN_DIR/generated.sha256"
}

# compose_files_args: -f for each of the scenario's compose files.
compose_files_args() {
	local f
	for f in "${COMPOSE_FILES[@]}"; do printf '%s\n' -f "$APP/$f"; done
}

# shellcheck disable=SC2120 # scenarios pass init's flags, or none
# init_project ARGS...: `containerize init --yes ARGS` on $APP, then remember the generated
# files' hashes and the app images the compose file builds (for cleanup).
init_project() {
	log "[$SCENARIO] containerize init --yes $*"
	timed "[$SCENARIO] containerize init" "$E2E_BIN/containerize" init --yes "$@" "$APP" \
		>"$RUN_DIR/init.log" 2>&1 || { cat "$RUN_DIR/init.log" >&2; die "containerize init failed"; }
	sed 's/^/    init: /' "$RUN_DIR/init.log" >&2
	snapshot_generated
	compose_ready
}

# compose_ready: the harness's compose file for the scenario's compose files, and the app
# images they build (for cleanup); again after a change of COMPOSE_FILES or of the services.
compose_ready() {
	local files
	mapfile -t files < <(compose_files_args)
	compose_override "$RUN_DIR/compose.e2e.yml" "$APP" "${COMPOSE_FILES[@]/#/$APP/}"
	"$DOCKER" compose --project-directory "$APP" "${files[@]}" config --format json 2>"$RUN_DIR/config.stderr" |
		jq -r '[.services[] | select(.build) | .image] | unique[]' >>"$RUN_DIR/app-images"
	sort -u -o "$RUN_DIR/app-images" "$RUN_DIR/app-images"
	[ -s "$RUN_DIR/app-images" ] || die "the generated compose file builds no image"
	APP_IMAGE=$(head -n1 "$RUN_DIR/app-images")
}

# init_again NAME ARGS...: `containerize init ARGS $APP` as a user re-runs it (no flag added,
# no terminal), standard output in $RUN_DIR/init-NAME.out, standard error in .err (and on
# the log); sets INIT_RC. Never dies: the scenario checks the exit code.
INIT_RC=
init_again() {
	local name=$1
	shift
	INIT_RC=0
	timeout 120 "$E2E_BIN/containerize" init "$@" "$APP" </dev/null \
		>"$RUN_DIR/init-$name.out" 2>"$RUN_DIR/init-$name.err" || INIT_RC=$?
	log "[$SCENARIO] containerize init $* -> exit $INIT_RC"
	sed 's/^/    init: /' "$RUN_DIR/init-$name.err" >&2
}

# tree_sum: the sha256 of every file of the project (paths included, so a new or removed
# file shows), but .git and .venv.
tree_sum() {
	(cd "$APP" && find . \( -path ./.git -o -path ./.venv \) -prune -o -type f -print |
		LC_ALL=C sort | xargs -r -d '\n' sha256sum)
}

# tree_is FILE: the project's files are those tree_sum wrote to FILE; the differences when not.
tree_is() {
	local d
	d=$(tree_sum | diff "$1" -) && return 0
	grep '^[<>]' <<<"$d" | head -n 10 >&2
	return 1
}

# as_a_checkout: what a teammate's clone of the project has next to the committed files
# and the generated .env: a git folder and a virtualenv, made after init, so the image checks
# below test .dockerignore itself rather than what detection happened to see.
as_a_checkout() {
	git -C "$APP" init -q
	git -C "$APP" config user.email e2e@localhost
	git -C "$APP" config user.name e2e
	git -C "$APP" add -A
	git -C "$APP" commit -q -m "sample after containerize init"
	# A real virtualenv's marker and layout (no pip: fast, and nothing here runs it).
	/usr/bin/python3 -m venv --without-pip "$APP/.venv"
}

# ---------------------------------------------------------------------------------------
# Compose

# compose ARGS...: docker compose on this scenario's project and files, bounded in time.
compose() {
	local files f
	mapfile -t files < <(compose_files_args)
	files+=(-f "$RUN_DIR/compose.e2e.yml")
	for f in "${EXTRA_COMPOSE_FILES[@]}"; do files+=(-f "$f"); done
	PIP_INDEX_URL=$E2E_INDEX_URL timeout "${COMPOSE_TIMEOUT:-300}" "$DOCKER" compose \
		-p "$PROJECT" --project-directory "$APP" "${files[@]}" "$@"
}

# down_project [-v]: remove the project's containers and networks (and volumes with -v),
# by project name, so it works before the compose files exist too.
down_project() {
	timeout 120 "$DOCKER" compose -p "$PROJECT" down --remove-orphans --timeout 10 "$@"
}

# config_is_clean: `compose config` resolves every variable the compose file uses (a missing
# one becomes an empty string with only a warning: an empty POSTGRES_PASSWORD, say).
config_is_clean() {
	compose config >/dev/null 2>"$RUN_DIR/config.stderr" || { cat "$RUN_DIR/config.stderr" >&2; return 1; }
	! grep -i 'not set' "$RUN_DIR/config.stderr" >&2
}

# config_check: config_is_clean as a check; when it fails, fill in what .env lacks the way
# its user would have to (each missing key of .env.example, "change-me" values replaced by a
# random secret), so the scenario goes on to report everything else.
config_check() {
	local what="compose config resolves every variable (.env has what docker-compose.yml uses)"
	if config_is_clean; then
		log "[$SCENARIO] ok: $what"
		return
	fi
	log "[$SCENARIO] FAIL: $what"
	FAILURES+=("$what")
	complete_dotenv
}

complete_dotenv() {
	local line key value added=()
	while IFS= read -r line; do
		case $line in '' | '#'*) continue ;; esac
		key=${line%%=*} value=${line#*=}
		grep -q "^$key=" "$APP/.env" 2>/dev/null && continue
		[ "$value" != change-me ] || value=e2e$RANDOM$RANDOM$RANDOM
		printf '%s=%s\n' "$key" "$value" >>"$APP/.env"
		added+=("$key")
	done <"$APP/.env.example"
	log "[$SCENARIO] the harness appended to .env what a user would have to add: ${added[*]}"
}

# build NAME [SERVICE...]: `compose build` with plain progress into $RUN_DIR/build-NAME.log;
# records build_NAME_s.
build() {
	local name=$1 start
	shift
	start=$(date +%s)
	if ! COMPOSE_TIMEOUT=$BUILD_TIMEOUT compose --progress plain build "$@" >"$RUN_DIR/build-$name.log" 2>&1; then
		tail -n 60 "$RUN_DIR/build-$name.log" >&2
		die "docker compose build ($name) failed (log: $RUN_DIR/build-$name.log)"
	fi
	record "build_${name}_s" $(($(date +%s) - start))
	log "[$SCENARIO] build $name: $(($(date +%s) - start))s"
}

# up NAME [--no-build]: `compose up --build --wait`, bounded; dies with a service report when
# it fails.
# With --no-build, the stack runs the image the compose file's tag names now (one made by
# containerize build, say).
up() {
	local name=$1 build=${2:---build} start
	start=$(date +%s)
	if ! COMPOSE_TIMEOUT=$((UP_WAIT_TIMEOUT + 120)) compose up "$build" --wait --wait-timeout "$UP_WAIT_TIMEOUT" \
		>"$RUN_DIR/up-$name.log" 2>&1; then
		tail -n 30 "$RUN_DIR/up-$name.log" >&2
		die "docker compose up $build --wait ($name) failed after $(($(date +%s) - start))s"
	fi
	record "up_${name}_s" $(($(date +%s) - start))
	log "[$SCENARIO] up $name: healthy after $(($(date +%s) - start))s"
}

# container_ids: every container of the project, running or not.
container_ids() {
	"$DOCKER" ps -aq --filter "label=com.docker.compose.project=$PROJECT"
}

# report_services: a table of the project's containers (service, state, exit code, health)
# and, for each one that exited non-zero, is unhealthy or never started, its last health
# checks and log lines. This is what a failed run prints, so it names the culprit.
report_services() {
	local id name service state code health
	echo "services of $PROJECT:"
	for id in $(container_ids); do
		IFS='|' read -r name service state code health < <("$DOCKER" inspect -f \
			'{{.Name}}|{{index .Config.Labels "com.docker.compose.service"}}|{{.State.Status}}|{{.State.ExitCode}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' "$id")
		printf '  %-10s %-10s exit=%-4s health=%s\n' "$service" "$state" "$code" "$health"
	done
	for id in $(container_ids); do
		IFS='|' read -r service state code health < <("$DOCKER" inspect -f \
			'{{index .Config.Labels "com.docker.compose.service"}}|{{.State.Status}}|{{.State.ExitCode}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' "$id")
		case "$state/$code/$health" in
		running/*/healthy | running/*/- | exited/0/*) continue ;;
		created/*) echo "--- $service: never started (a service it depends on did not get ready)"; continue ;;
		esac
		echo "--- $service: $state, exit code $code, health $health"
		if [ "$health" != - ]; then
			echo "    last health checks:"
			"$DOCKER" inspect -f '{{range .State.Health.Log}}    [exit {{.ExitCode}}] {{printf "%.300s" .Output}}{{"\n"}}{{end}}' "$id" | tail -n 3
		fi
		echo "    last log lines:"
		timeout 20 "$DOCKER" logs --tail 25 "$id" 2>&1 | sed 's/^/    | /'
	done
}

scenario_cleanup() {
	local rc=$? img
	trap - EXIT
	if [ -n "$RUN_DIR" ] && [ -f "$RUN_DIR/compose.e2e.yml" ]; then
		if [ $rc -ne 0 ] && [ -n "$(container_ids)" ]; then
			log "[$SCENARIO] FAILED (exit $rc); the services:"
			report_services >&2 || true
			timeout 60 "$DOCKER" compose -p "$PROJECT" logs --no-color --timestamps >"$RUN_DIR/compose.log" 2>&1 || true
			log "[$SCENARIO] full service logs: $RUN_DIR/compose.log"
		fi
		down_project -v >"$RUN_DIR/down.log" 2>&1 ||
			log "[$SCENARIO] compose down failed (log: $RUN_DIR/down.log); e2e/teardown.sh removes leftovers"
		# The app images (and those a rebuild replaced): layers stay in the build cache.
		while read -r img; do
			"$DOCKER" image rm "$img" >/dev/null 2>&1 || true
		done <"$RUN_DIR/app-images"
		"$DOCKER" image ls -q --filter dangling=true --filter "label=com.docker.compose.project=$PROJECT" |
			xargs -r "$DOCKER" image rm >/dev/null 2>&1 || true
		if [ -n "$(container_ids)" ]; then
			log "[$SCENARIO] containers left behind: $(container_ids | tr '\n' ' ')"
			rc=1
		fi
	fi
	exit $rc
}

# ---------------------------------------------------------------------------------------
# Checks every scenario runs (see issue 3)

# http_get PATH [CURL ARGS...]: GET $WEB_URL/PATH, body to $RUN_DIR/body, prints the status.
http_get() {
	local path=$1
	shift
	: >"$RUN_DIR/body"
	curl -sS -m 10 -o "$RUN_DIR/body" -w '%{http_code}' "$@" "$WEB_URL$path" || true
}

# status_is WANT PATH [CURL ARGS...]: the status of GET PATH is WANT (logged either way).
status_is() {
	local want=$1 path=$2 got
	shift 2
	got=$(http_get "$path" "$@")
	log "[$SCENARIO] GET $path -> $got"
	[ "$got" = "$want" ] || { tr -s "\n " " " <"$RUN_DIR/body" | head -c 300 >&2; echo >&2; return 1; }
}

# runs_as_non_root SERVICE: the service's process is not root.
runs_as_non_root() {
	local uid
	uid=$(compose exec -T "$1" id -u) || return 1
	log "[$SCENARIO] $1 runs as uid $uid"
	[ "$uid" != 0 ]
}

# image_is_clean IMAGE: no .env (but .env.example), no .git and no virtualenv (a folder with a
# pyvenv.cfg) anywhere under /app.
image_is_clean() {
	local found
	found=$(timeout 60 "$DOCKER" run --rm --entrypoint sh "$1" -c \
		'find /app \( -name .env -o -name ".env.*" -o -name .git -o -name pyvenv.cfg \) ! -name .env.example' 2>&1) ||
		{ echo "$found" >&2; return 1; }
	[ -z "$found" ] || { echo "in the image: $found" | tr '\n' ' ' >&2; echo >&2; return 1; }
}

# history_has_no_index_url IMAGE: the final image's history does not record the package
# index the build used (a private index URL often carries a token).
history_has_no_index_url() {
	! "$DOCKER" history --no-trunc --format '{{.CreatedBy}}' "$1" | grep -F "$E2E_INDEX_URL" >&2
}

# ports_are_local: every port published by a service that does not run the app image
# (databases, caches, mail) is bound to 127.0.0.1 only.
ports_are_local() {
	local id service bindings bad=0
	for id in $(container_ids); do
		grep -qx "$("$DOCKER" inspect -f '{{.Config.Image}}' "$id")" "$RUN_DIR/app-images" && continue
		service=$("$DOCKER" inspect -f '{{index .Config.Labels "com.docker.compose.service"}}' "$id")
		# shellcheck disable=SC2016 # a Go template, not shell
		bindings=$("$DOCKER" inspect -f '{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{.HostIp}}:{{.HostPort}}->{{$p}} {{end}}{{end}}' "$id")
		[ -n "$bindings" ] || continue
		log "[$SCENARIO] $service publishes $bindings"
		# An empty HostIp (":5432->…") means every interface.
		if tr ' ' '\n' <<<"$bindings" | grep -v '^$' | grep -qv '^127\.0\.0\.1:'; then
			bad=1
		fi
	done
	return $bad
}

# step_cached LOG PATTERN: every build step whose name matches PATTERN (an ERE on BuildKit's
# plain progress, e.g. '\[[^]]*build [0-9]+/[0-9]+\]') was CACHED in LOG, and there is one.
step_cached() {
	local logf=$1 pattern=$2 ids id n=0
	# FROM steps are never reported as CACHED (only resolved), so they do not count.
	ids=$(grep -E "^#[0-9]+ $pattern" "$logf" | grep -v '\] FROM ' | awk '{print $1}' | sort -u)
	for id in $ids; do
		n=$((n + 1))
		grep -qx "$id CACHED" "$logf" || { grep -E "^$id " "$logf" | head -n 3 >&2; return 1; }
	done
	[ $n -gt 0 ]
}

# step_ran LOG PATTERN: some step matching PATTERN was executed, not taken from the cache.
step_ran() {
	local logf=$1 pattern=$2 id
	while read -r id; do
		grep -qx "$id CACHED" "$logf" || return 0
	done < <(grep -E "^#[0-9]+ $pattern" "$logf" | awk '{print $1}' | sort -u)
	return 1
}

# code_change_reuses_dependencies FILE: append a comment to FILE (relative to $APP), rebuild
# the web image, and check that the dependency layers came from the cache: every step of
# the build stage and the runtime stage's copy of /opt/venv are CACHED, while the copy of the
# application code ran. Records build_code_s.
code_change_reuses_dependencies() {
	local file=$1 logf=$RUN_DIR/build-code.log
	printf '\n# e2e: a code-only change (%s)\n' "$(date +%s)" >>"$APP/$file"
	build code web
	step_cached "$logf" '\[[^]]*build [0-9]+/[0-9]+\]' || { log "build stage steps were not all cached"; return 1; }
	step_cached "$logf" '\[[^]]*runtime [0-9]+/[0-9]+\] COPY --from=build /opt/venv' ||
		{ log "the virtualenv copy was not cached"; return 1; }
	step_ran "$logf" '\[[^]]*runtime [0-9]+/[0-9]+\] COPY --chown=app:app \. /app/' ||
		{ log "the code copy did not run: the change was not seen"; return 1; }
}

# generated_files_unchanged: the run did not modify what init wrote.
generated_files_unchanged() {
	(cd "$APP" && sha256sum --quiet -c "$RUN_DIR/generated.sha256")
}

# record_image_size IMAGE: the image's size in MB, in the results.
record_image_size() {
	local bytes
	bytes=$("$DOCKER" image inspect -f '{{.Size}}' "$1")
	record image_mb $((bytes / 1000000))
	log "[$SCENARIO] image $1: $((bytes / 1000000)) MB"
}

# common_checks CODE_FILE: the checks issue 3 asks of every scenario, once the stack is up.
common_checks() {
	check "the web process runs as a non-root user" runs_as_non_root web
	check "database and cache ports are published on 127.0.0.1 only" ports_are_local
	check "the image has no .env, .git or virtualenv" image_is_clean "$APP_IMAGE"
	check "the image history does not carry the package index URL" history_has_no_index_url "$APP_IMAGE"
	record_image_size "$APP_IMAGE"
	check "a code-only change reuses the dependency layers" code_change_reuses_dependencies "$1"
	check "the generated files were not changed by the run" generated_files_unchanged
}
