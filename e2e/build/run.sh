#!/usr/bin/env bash
# build/run.sh: `containerize build` (the daemonless build) end to end, against the image the
# generated Dockerfile gives, on a real Docker engine.
#
#   e2e/build/run.sh [SAMPLE...]     default: library, and requirements-celery when its e2e
#                                    variant (e2e/projects/requirements-celery.patch) exists
#
# For each sample: copy it with its e2e variant, lock it (pinlock, for a Pipfile), run
# `containerize init --yes`, then
#   1. Dockerfile image: `docker compose build` (host network, the harness's override),
#      `up --wait`, ask the API a fixed list of questions, `down -v`;
#   2. daemonless image: `containerize build --base REGISTRY/python:3.11-slim --push
#      REGISTRY/SAMPLE:e2e` from an empty cache, a warm rebuild after editing one .py (the
#      index must not be asked, only the application layer may change), `docker pull`, tag it
#      as the compose file's image, `up --no-build --wait`, the same questions, `down -v`;
#   3. the answers must be identical, and the daemonless image no larger.
#
# REGISTRY is e2e/build/registry (go-containerregistry's registry) on 127.0.0.1:$E2E_REGISTRY_PORT
# (default 5123), holding the stand-in python:3.11-slim pushed by Docker (plain HTTP is allowed
# for 127.0.0.0/8). Services are published on 18000/15432/16379, not the generated defaults,
# so this can run next to the other scenarios. Everything it starts is stopped on exit; the
# stand-in images, the wheels and Docker's build cache stay (as for the other scenarios).
# Results: $E2E_CACHE/work/build/results (KEY=VALUE), logs beside it.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "$0")/../lib.sh"

REGISTRY_PORT=${E2E_REGISTRY_PORT:-5123}
REGISTRY=127.0.0.1:$REGISTRY_PORT
WORK=$E2E_CACHE/work/build
export WEB_PUBLISH_PORT=${E2E_BUILD_WEB_PORT:-18000}
export POSTGRES_PUBLISH_PORT=${E2E_BUILD_POSTGRES_PORT:-15432}
export REDIS_PUBLISH_PORT=${E2E_BUILD_REDIS_PORT:-16379}
WEB_URL=http://127.0.0.1:$WEB_PUBLISH_PORT
BASE_REF=$REGISTRY/python:3.11-slim
UP_WAIT_TIMEOUT=${UP_WAIT_TIMEOUT:-180}

samples=("$@")
if [ ${#samples[@]} -eq 0 ]; then
	samples=(library)
	if [ -f "$E2E_DIR/projects/requirements-celery.patch" ]; then
		samples+=(requirements-celery)
	else
		log "build: no e2e variant of requirements-celery yet; library only"
	fi
fi

harness_lock
"$E2E_DIR/setup.sh"

rm -rf "$WORK"
mkdir -p "$WORK"
: >"$WORK/results"
record() { printf '%s=%s\n' "$1" "$2" >>"$WORK/results"; }
ANSWER_BODY=$WORK/body

started_index=0
registry_pid=
PROJECT=
TAGS=()      # image names this run made, removed on exit
IMAGE_IDS=() # the Dockerfile-built images, untagged when the daemonless image takes their name

# down: remove the current compose project, its containers, networks and volumes.
down() {
	[ -n "$PROJECT" ] || return 0
	timeout 120 "$DOCKER" compose -p "$PROJECT" down -v --remove-orphans --timeout 10 >>"$WORK/down.log" 2>&1 ||
		log "build: compose down $PROJECT failed (log: $WORK/down.log); e2e/teardown.sh removes leftovers"
	PROJECT=
}

cleanup() {
	local rc=$? t
	trap - EXIT
	if [ $rc -ne 0 ] && [ -n "$PROJECT" ]; then
		log "build: FAILED (exit $rc); logs of $PROJECT follow"
		timeout 60 "$DOCKER" compose -p "$PROJECT" logs --no-color --tail 60 2>&1 | tail -n 150 >&2 || true
	fi
	down
	for t in "${TAGS[@]}" "${IMAGE_IDS[@]}"; do
		timeout 60 "$DOCKER" image rm "$t" >/dev/null 2>&1 || true
	done
	if [ -n "$registry_pid" ]; then
		kill "$registry_pid" 2>/dev/null || true
		wait_until 10 "the registry to stop" sh -c "! kill -0 $registry_pid" || kill -9 "$registry_pid" 2>/dev/null || true
		rm -f "$E2E_RUN/registry.pid"
	fi
	if [ $started_index = 1 ]; then
		"$E2E_DIR/index.sh" stop
	fi
	if [ $rc -eq 0 ]; then log "build: PASS"; else log "build: FAIL"; fi
	exit $rc
}
trap cleanup EXIT

for p in "$WEB_PUBLISH_PORT" "$POSTGRES_PUBLISH_PORT" "$REDIS_PUBLISH_PORT" "$REGISTRY_PORT"; do
	port_free "$p" || die "127.0.0.1:$p is taken (set E2E_BUILD_WEB_PORT, E2E_BUILD_POSTGRES_PORT, E2E_BUILD_REDIS_PORT or E2E_REGISTRY_PORT)"
done

if ! "$E2E_DIR/index.sh" status >/dev/null 2>&1; then
	"$E2E_DIR/index.sh" start
	started_index=1
fi

(cd "$REPO_ROOT" && go build -o "$E2E_BIN/containerize" ./cmd/containerize && go build -o "$E2E_BIN/registry" ./e2e/build/registry)

# The registry: blobs on disk under $E2E_CACHE/registry, so a warm run's push finds the base's
# layers there; manifests in memory.
setsid nohup "$E2E_BIN/registry" -addr "$REGISTRY" -dir "$E2E_CACHE/registry" >>"$E2E_LOGS/registry.log" 2>&1 </dev/null 9>&- &
registry_pid=$!
echo "$registry_pid" >"$E2E_RUN/registry.pid"
wait_until 20 "the registry on $REGISTRY" curl -fsS -m 2 "http://$REGISTRY/v2/" ||
	{ tail -n 20 "$E2E_LOGS/registry.log" >&2; die "the registry did not start"; }
log "build: registry on $REGISTRY (pid $registry_pid, log $E2E_LOGS/registry.log)"

"$DOCKER" tag python:3.11-slim "$BASE_REF"
TAGS+=("$BASE_REF")
push_base() { timeout 300 "$DOCKER" push "$BASE_REF" >"$WORK/push-base.log" 2>&1; }
timed "build: docker push $BASE_REF" push_base || { tail -n 20 "$WORK/push-base.log" >&2; die "docker push of the base failed"; }

# prepare SAMPLE DIR: the sample copied to DIR with its e2e variant applied (copy_sample in
# lib.sh, as the scenarios do), and a Pipfile.lock from the wheels the index serves when the
# sample has a Pipfile.
prepare() {
	local sample=$1 app=$2
	copy_sample "$sample" "$app"
	if [ -f "$app/Pipfile" ]; then
		"$E2E_BIN/pinlock" -wheels "$E2E_WHEELS" -pipfile "$app/Pipfile" \
			-python "$(image_env python:3.11-slim PYTHON_VERSION)" >"$app/Pipfile.lock"
	fi
}

# compose FILES... -- ARGS...: docker compose on $PROJECT in $APP, bounded.
compose() {
	local files=()
	while [ "$1" != -- ]; do files+=(-f "$1"); shift; done
	shift
	PIP_INDEX_URL=$E2E_INDEX_URL timeout "${COMPOSE_TIMEOUT:-300}" "$DOCKER" compose -p "$PROJECT" \
		--project-directory "$APP" "${files[@]}" "$@"
}

# The questions, per sample; each writes answer lines to stdout.
questions_library() {
	local pass=e2e-$RANDOM$RANDOM
	compose "$APP/docker-compose.yml" -- exec -T -e DJANGO_SUPERUSER_USERNAME=e2e -e DJANGO_SUPERUSER_EMAIL=e2e@example.com \
		-e DJANGO_SUPERUSER_PASSWORD="$pass" web python manage.py createsuperuser --noinput >"$WORK/superuser.log" 2>&1 ||
		{ cat "$WORK/superuser.log" >&2; return 1; }
	answer GET /api/v1/ -H 'Accept: application/json'
	answer GET /api/v1/books/ -H 'Accept: application/json'
	local book='{"title": "Two Scoops of Django", "author": "Greenfeld", "isbn": "9780692915721", "published": "2020-05-01"}'
	answer POST /api/v1/books/ -H 'Content-Type: application/json' -H 'Accept: application/json' -d "$book"
	answer POST /api/v1/books/ -u "e2e:$pass" -H 'Content-Type: application/json' -H 'Accept: application/json' -d "$book"
	answer GET /api/v1/books/ -H 'Accept: application/json'
	answer GET /api/v1/books/1/ -H 'Accept: application/json'
	answer GET /static/admin/css/base.css
	answer GET /static/rest_framework/css/bootstrap.min.css
	answer GET /no/such/page/
	printf 'admin login page -> %s\n' "$(curl -sS -m 20 -o /dev/null -w '%{http_code}' "$WEB_URL/admin/login/")"
	printf 'web uid -> %s\n' "$(compose "$APP/docker-compose.yml" -- exec -T web id -u)"
}

questions_requirements-celery() {
	local id
	answer GET /api/runs/
	answer POST /api/runs/add/ -H 'Content-Type: application/json' -d '{"x": 2, "y": 40}'
	id=$(jq -r .id "$WORK/body" 2>/dev/null || true)
	if [[ $id =~ ^[0-9]+$ ]]; then
		# The worker runs the task in the background: wait (bounded) for its result.
		for _ in $(seq 1 60); do
			curl -sS -m 10 -o "$WORK/run.json" "$WEB_URL/api/runs/$id/" &&
				jq -e '.status == "success"' "$WORK/run.json" >/dev/null 2>&1 && break
			sleep 1
		done
		answer GET "/api/runs/$id/"
	fi
	answer GET /api/runs/
	answer POST /api/runs/add/ -H 'Content-Type: application/json' -d '{"x": "two"}'
	answer GET /static/admin/css/base.css
	printf 'web uid -> %s\n' "$(compose "$APP/docker-compose.yml" -- exec -T web id -u)"
	printf 'worker uid -> %s\n' "$(compose "$APP/docker-compose.yml" -- exec -T worker id -u)"
}

# expect_SAMPLE: patterns (grep -E) the answers must match, so that the comparison is between
# two working stacks, not two identically broken ones.
expect_library() {
	printf '%s\n' '^GET /api/v1/ -> 200 \{"books":' '^POST /api/v1/books/ -> 201 ' \
		'^GET /static/admin/css/base.css -> 200 ' '^web uid -> [1-9]'
}
expect_requirements-celery() {
	printf '%s\n' '^POST /api/runs/add/ -> 202 ' '^GET /api/runs/[0-9]+/ -> 200 .*"status":"success"' \
		'^GET /static/admin/css/base.css -> 200 ' '^worker uid -> [1-9]'
}

# up_and_ask NAME FILES...: up --wait (no build), the sample's questions into $WORK/SAMPLE.NAME.answers.
up_and_ask() {
	local name=$1 start
	shift
	start=$(date +%s)
	COMPOSE_TIMEOUT=$((UP_WAIT_TIMEOUT + 120)) compose "$@" -- up --no-build --wait --wait-timeout "$UP_WAIT_TIMEOUT" \
		>"$WORK/$sample.up-$name.log" 2>&1 || { tail -n 30 "$WORK/$sample.up-$name.log" >&2; die "$sample: up --wait ($name) failed"; }
	record "${sample}_${name}_up_s" $(($(date +%s) - start))
	"questions_$sample" >"$WORK/$sample.$name.answers" || die "$sample: asking the $name stack failed"
	sed "s/^/    $name: /" "$WORK/$sample.$name.answers" >&2
	down
}

for sample in "${samples[@]}"; do
	declare -F "questions_$sample" >/dev/null || die "no questions for sample $sample"
	# The project's name (--name below) becomes the compose image name: not the sample's, so
	# that this run's images do not replace the other scenarios'.
	APP=$WORK/$sample/czb-$sample
	mkdir -p "$WORK/$sample"
	log "build: $sample: preparing $APP"
	prepare "$sample" "$APP"
	init_args=(--yes --name "czb-$sample")
	[ "$sample" = library ] && init_args+=(--services postgres)
	"$E2E_BIN/containerize" init "${init_args[@]}" "$APP" >"$WORK/$sample.init.log" 2>&1 ||
		{ cat "$WORK/$sample.init.log" >&2; die "$sample: containerize init failed"; }
	# The production stack: the generated compose file alone, never the development override
	# Compose would add in the folder.
	compose_override "$WORK/$sample/compose.e2e.yml" "$APP" "$APP/docker-compose.yml"
	image=$("$DOCKER" compose --project-directory "$APP" -f "$APP/docker-compose.yml" config --format json |
		jq -r '[.services[] | select(.build) | .image] | unique[0]')
	TAGS+=("$image" "$REGISTRY/$sample:e2e")

	# 1. The Dockerfile's image.
	PROJECT=$E2E_PROJECT_PREFIX-build-$sample-docker
	build_docker() { COMPOSE_TIMEOUT=900 compose "$APP/docker-compose.yml" "$WORK/$sample/compose.e2e.yml" -- --progress plain build >"$WORK/$sample.docker-build.log" 2>&1; }
	timed "build: $sample: docker compose build" build_docker || { tail -n 40 "$WORK/$sample.docker-build.log" >&2; die "$sample: docker compose build failed"; }
	docker_size=$("$DOCKER" image inspect -f '{{.Size}}' "$image")
	IMAGE_IDS+=("$("$DOCKER" image inspect -f '{{.Id}}' "$image")")
	up_and_ask docker "$APP/docker-compose.yml" "$WORK/$sample/compose.e2e.yml"

	# 2. The daemonless image, from an empty cache, pushed to the registry.
	PROJECT=$E2E_PROJECT_PREFIX-build-$sample-daemonless
	build_flags=(--cache-dir "$WORK/$sample/cache" --base "$BASE_REF" --push "$REGISTRY/$sample:e2e")
	# psycopg2 (not -binary): detection asks for Debian's libpq5, which both builds add from the
	# base's own apt sources (the daemonless one without apt: see package deb/install).
	daemonless() { PIP_INDEX_URL=$E2E_INDEX_URL "$E2E_BIN/containerize" build "${build_flags[@]}" "$APP" >"$WORK/$sample.build-$1.out" 2>"$WORK/$sample.build-$1.log"; }
	timed "build: $sample: containerize build (cold)" daemonless cold || { cat "$WORK/$sample.build-cold.log" >&2; die "$sample: containerize build failed"; }
	sed 's/^/    cold: /' "$WORK/$sample.build-cold.log" >&2
	# Warm: one .py edited; only the application layer may change and the index is not asked.
	py=$(cd "$APP" && find . -name '*.py' -path '*/views.py' | sort | head -n1)
	printf '\n# edited by e2e/build/run.sh\n' >>"$APP/$py"
	timed "build: $sample: containerize build (warm, $py edited)" daemonless warm || { cat "$WORK/$sample.build-warm.log" >&2; die "$sample: warm containerize build failed"; }
	grep -q ' packages cached → ' "$WORK/$sample.build-warm.log" || die "$sample: the warm build did not reuse the dependency layer"
	if grep -q '^debian: ' "$WORK/$sample.build-cold.log"; then
		grep -q '^debian: [0-9]* packages cached' "$WORK/$sample.build-warm.log" || die "$sample: the warm build did not reuse the Debian layer"
	fi
	grep -q ': 0 requests, 0 bytes downloaded' "$WORK/$sample.build-warm.log" || die "$sample: the warm build asked the index"
	grep -A40 '^warning: ' "$WORK/$sample.build-cold.log" | grep -E '^  [a-z0-9.-]+==' >"$WORK/$sample.unpinned" || true
	record "${sample}_unpinned" "$(awk '{print $1}' "$WORK/$sample.unpinned" | paste -sd, -)"
	timeout 300 "$DOCKER" pull -q "$REGISTRY/$sample:e2e" >/dev/null || die "$sample: docker pull failed"
	"$DOCKER" tag "$REGISTRY/$sample:e2e" "$image"
	daemonless_size=$("$DOCKER" image inspect -f '{{.Size}}' "$image")
	up_and_ask daemonless "$APP/docker-compose.yml"

	# 3. Same answers, image no larger.
	record "${sample}_docker_image_bytes" "$docker_size"
	record "${sample}_daemonless_image_bytes" "$daemonless_size"
	log "build: $sample: image size: Dockerfile $((docker_size / 1000000)) MB, daemonless $((daemonless_size / 1000000)) MB"
	if ! diff -u "$WORK/$sample.docker.answers" "$WORK/$sample.daemonless.answers" >&2; then
		die "$sample: the daemonless image answers differently (above: - Dockerfile image, + daemonless image)"
	fi
	[ "$daemonless_size" -le "$docker_size" ] || die "$sample: the daemonless image is larger than the Dockerfile's"
	while read -r pattern; do
		grep -Eq "$pattern" "$WORK/$sample.docker.answers" ||
			die "$sample: no answer matches $pattern, from either image: the generated stack itself does not work (not a daemonless-build problem)"
	done < <("expect_$sample")
	log "build: $sample: same $(wc -l <"$WORK/$sample.docker.answers") answers from both images"
done
