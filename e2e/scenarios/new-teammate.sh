#!/usr/bin/env bash
# Issue 10, new teammate: the library project, containerized and committed by its author
# (root here), is cloned by a teammate, a non-root user with UID 1234, into a folder with
# another name. `containerize init --yes` in the clone writes only .env (fresh secrets, their
# UID/GID for the development containers) and leaves every committed file as it is; the
# development environment (the compose file and its override, which Compose loads by itself)
# comes up healthy with the containers running as 1234; an edit of a view on the host is live
# within 5 s without a rebuild; makemigrations in the container writes a migration the
# teammate owns; the tests pass with the documented command (and under coverage, whose data
# file the teammate owns too); the development-only package (coverage, the library variant's
# dev-packages) is in the development image and not in the production one; and the production
# path (the compose file alone) still comes up on the same checkout.
#
# Records clone_to_healthy_s (git clone to a healthy development environment, no app image
# yet; E2E_NO_CACHE=1 builds it without Docker's build cache, for a cold figure),
# clone_to_healthy_warm_s (a second clone once the images exist) and edit_visible_ms.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

# The teammate: a user of its own, created once and kept (teardown.sh removes it); its home
# (the clones) is replaced by each run and kept after it for inspection. The author's
# repository is published, read-only, where the teammate can clone it from.
MATE=$E2E_TEAMMATE
MATE_UID=1234
MATE_HOME=/home/$MATE
ORIGIN=$E2E_TEAMMATE_ORIGIN/library.git
EDIT_VISIBLE_LIMIT_MS=5000

scenario_start new-teammate library

ensure_teammate() {
	local holder
	if id -u "$MATE" >/dev/null 2>&1; then
		[ "$(id -u "$MATE")" = "$MATE_UID" ] || die "user $MATE exists with UID $(id -u "$MATE"), not $MATE_UID"
		return
	fi
	holder=$(getent passwd $MATE_UID | cut -d: -f1) || true
	[ -z "$holder" ] || die "UID $MATE_UID belongs to $holder; the scenario needs it for its own user $MATE"
	getent group $MATE_UID >/dev/null || groupadd --gid $MATE_UID "$MATE"
	useradd --uid "$MATE_UID" --gid $MATE_UID --create-home --home-dir "$MATE_HOME" --shell /bin/bash "$MATE" ||
		die "useradd $MATE failed"
	log "[$SCENARIO] created user $MATE (uid $MATE_UID)"
}
ensure_teammate
MATE_GID=$(id -g "$MATE")
find "$MATE_HOME" -mindepth 1 -delete
install -d -o "$MATE" -g "$MATE_GID" "$MATE_HOME/bin" "$MATE_HOME/src"
# The teammate's containerize, in their own bin/.
install -o "$MATE" -g "$MATE_GID" -m 0755 "$E2E_BIN/containerize" "$MATE_HOME/bin/containerize"

# as_mate DIR CMD...: CMD as the teammate in DIR, with a clean login-like environment,
# bounded in time.
as_mate() {
	local dir=$1
	shift
	# shellcheck disable=SC2016 # expanded by that sh
	timeout 300 runuser -u "$MATE" -- env -i HOME="$MATE_HOME" USER="$MATE" LOGNAME="$MATE" LANG=C.UTF-8 \
		PATH="$MATE_HOME/bin:/usr/local/bin:/usr/bin:/bin" sh -c 'cd "$0" && exec "$@"' "$dir" "$@"
}

# 1. The author: init, commit everything but .env, publish.
prepare_sample library
lock_pipfile
init_project --services postgres
git -C "$APP" init -q
git -C "$APP" add -A
git -C "$APP" -c user.email=author@localhost -c user.name=author commit -q -m "containerized"
env_not_committed() { [ -z "$(git -C "$APP" ls-files .env)" ] && git -C "$APP" check-ignore -q .env; }
check "the author's commit has no .env (.gitignore ignores it)" env_not_committed
rm -rf "$E2E_TEAMMATE_ORIGIN"
mkdir -p "$E2E_TEAMMATE_ORIGIN"
git clone -q --bare "$APP" "$ORIGIN"
chmod -R a+rX "$E2E_TEAMMATE_ORIGIN"
# The origin is the author's (root's) repository on this machine: the teammate tells git to
# trust it, as git itself says to (a clone over ssh or https would not need this).
as_mate "$MATE_HOME" git config --global --add safe.directory "$ORIGIN"
AUTHOR_APP=$APP

# 2. The teammate: clone (another folder name), init --yes.
# clone_and_init NAME: clone into ~/src/NAME and run init --yes --json there as the teammate;
# APP becomes the clone. Dies when either fails.
clone_and_init() {
	APP=$MATE_HOME/src/$1
	log "[$SCENARIO] as $MATE: git clone $ORIGIN $APP"
	as_mate "$MATE_HOME/src" git clone -q "$ORIGIN" "$APP" >"$RUN_DIR/clone-$1.log" 2>&1 ||
		{ cat "$RUN_DIR/clone-$1.log" >&2; die "git clone as $MATE failed"; }
	INIT_RC=0
	as_mate "$APP" containerize init --yes --json . >"$RUN_DIR/init-$1.out" 2>"$RUN_DIR/init-$1.err" </dev/null || INIT_RC=$?
	log "[$SCENARIO] as $MATE: containerize init --yes --json -> exit $INIT_RC"
	sed 's/^/    init: /' "$RUN_DIR/init-$1.err" >&2
	[ "$INIT_RC" = 0 ] || die "containerize init --yes in the teammate's clone failed (exit $INIT_RC)"
}

clone_start=$(date +%s)
clone_and_init bookshelf
only_env_written() {
	local changed ignored
	changed=$(as_mate "$APP" git status --porcelain) || return 1
	ignored=$(as_mate "$APP" git status --porcelain --ignored) || return 1
	[ -z "$changed" ] && [ "$ignored" = '!! .env' ] && return 0
	log "[$SCENARIO] git status --porcelain --ignored: $(tr '\n' ' ' <<<"$ignored")"
	return 1
}
check "init in the clone changed no committed file and wrote only .env (git status)" only_env_written
json_says_only_env() {
	jq -e '[.files[] | select(.action != "unchanged") | {(.path): .action}] == [{".env": "created"}]' \
		"$RUN_DIR/init-bookshelf.out" >/dev/null ||
		{ jq -c '[.files[] | {(.path): .action}]' "$RUN_DIR/init-bookshelf.out" >&2; return 1; }
}
check "init --json says .env created, every other file unchanged" json_says_only_env
env_value() { sed -n "s/^$1=//p" "$APP/.env"; }
env_is_the_teammates() {
	log "[$SCENARIO] .env: DEV_UID=$(env_value DEV_UID) DEV_GID=$(env_value DEV_GID), owner $(stat -c %u:%g "$APP/.env")"
	[ "$(env_value DEV_UID)" = "$MATE_UID" ] && [ "$(env_value DEV_GID)" = "$MATE_GID" ] &&
		[ "$(stat -c %u "$APP/.env")" = "$MATE_UID" ]
}
check ".env has DEV_UID=$MATE_UID and DEV_GID=$MATE_GID and belongs to the teammate" env_is_the_teammates
fresh_secrets() {
	[ -n "$(env_value SECRET_KEY)" ] && [ "$(env_value SECRET_KEY)" != "$(sed -n 's/^SECRET_KEY=//p' "$AUTHOR_APP/.env")" ]
}
check ".env has its own secrets (not the author's)" fresh_secrets

# 3. The development environment: what Compose loads in the folder by itself.
OVERRIDE=$(jq -r '.plan.files.override // empty' "$RUN_DIR/init-bookshelf.out")
OVERRIDE=${OVERRIDE:-docker-compose.override.yml}
dev_stack "$OVERRIDE"
# The onboarding script's check before `up` (as root here, who reaches the engine, like `up`).
doctor_clears() {
	local rc=0
	# The harness's docker (/usr/bin) first, as everywhere else.
	PATH=$(dirname "$DOCKER"):$PATH timeout 120 "$E2E_BIN/containerize" doctor --json "$APP" >"$RUN_DIR/doctor.json" 2>"$RUN_DIR/doctor.err" || rc=$?
	jq -r '.findings[] | select(.severity != "ok") | "    doctor: \(.severity): \(.summary)"' "$RUN_DIR/doctor.json" >&2 2>/dev/null || true
	log "[$SCENARIO] containerize doctor --json -> exit $rc"
	[ "$rc" = 0 ] && ! jq -e '.findings[] | select(.severity == "blocking")' "$RUN_DIR/doctor.json" >/dev/null
}
check "containerize doctor in the clone: nothing blocks docker compose up" doctor_clears
snapshot_generated
compose_ready
config_check
if [ "${E2E_NO_CACHE:-0}" = 1 ]; then
	log "[$SCENARIO] E2E_NO_CACHE=1: building without Docker's build cache"
	COMPOSE_TIMEOUT=$BUILD_TIMEOUT compose --progress plain build --no-cache >"$RUN_DIR/build-no-cache.log" 2>&1 ||
		{ tail -n 40 "$RUN_DIR/build-no-cache.log" >&2; die "build --no-cache failed"; }
fi
up dev
record clone_to_healthy_s $(($(date +%s) - clone_start))
log "[$SCENARIO] git clone to a healthy development environment: $(($(date +%s) - clone_start))s"

runs_as_teammate() {
	local id user bad=0
	for id in $(container_ids); do
		grep -qx "$("$DOCKER" inspect -f '{{.Config.Image}}' "$id")" "$RUN_DIR/app-images" || continue
		user=$("$DOCKER" inspect -f '{{index .Config.Labels "com.docker.compose.service"}} {{.Config.User}}' "$id")
		log "[$SCENARIO] $user"
		[ "${user#* }" = "$MATE_UID:$MATE_GID" ] || bad=1
	done
	[ "$(compose exec -T web id -u)" = "$MATE_UID" ] || bad=1
	return "$bad"
}
check "the development containers run as $MATE_UID:$MATE_GID" runs_as_teammate
check "GET /api/v1/ answers 200 with JSON" status_is 200 /api/v1/ -H 'Accept: application/json'
WEB_ID=$(compose ps -q web)
WEB_STARTED=$("$DOCKER" inspect -f '{{.State.StartedAt}} {{.Image}}' "$WEB_ID")

# An edit of the view on the host, as the teammate: live without a rebuild or restart.
MARKER=edited-$RANDOM$RANDOM
edit_is_live() {
	local start now ms
	as_mate "$APP" sh -c 'cat >>books/views.py' <<-PY

		    # Added on the host by the e2e teammate.
		    def list(self, request, *args, **kwargs):
		        response = super().list(request, *args, **kwargs)
		        response.data['edited'] = '$MARKER'
		        return response
	PY
	start=$(date +%s%N)
	while :; do
		if curl -sS -m 2 -H 'Accept: application/json' "$WEB_URL/api/v1/books/" 2>/dev/null |
			jq -e --arg m "$MARKER" '.edited == $m' >/dev/null 2>&1; then
			break
		fi
		now=$(date +%s%N)
		if [ $(((now - start) / 1000000)) -gt 20000 ]; then
			log "[$SCENARIO] the edit did not show within 20 s"
			compose logs --no-color --tail 15 web 2>&1 | sed 's/^/    | /' >&2
			return 1
		fi
		sleep 0.1
	done
	ms=$((($(date +%s%N) - start) / 1000000))
	record edit_visible_ms "$ms"
	log "[$SCENARIO] the edit of books/views.py showed in GET /api/v1/books/ after ${ms} ms"
	[ "$ms" -le "$EDIT_VISIBLE_LIMIT_MS" ]
}
check "an edit of a view on the host shows in the API within $((EDIT_VISIBLE_LIMIT_MS / 1000)) s" edit_is_live
not_rebuilt() {
	[ "$(compose ps -q web)" = "$WEB_ID" ] &&
		[ "$("$DOCKER" inspect -f '{{.State.StartedAt}} {{.Image}}' "$WEB_ID")" = "$WEB_STARTED" ]
}
check "... without a rebuild or a restart of the web container" not_rebuilt

# A model field added on the host; makemigrations in a container writes the teammate's file.
as_mate "$APP" sed -i "s/^    published = .*/&\\n    pages = models.PositiveIntegerField(null=True, blank=True)/" books/models.py
grep -q 'pages = models.PositiveIntegerField' "$APP/books/models.py" || die "adding a field to books/models.py failed"
makemigrations_owned() {
	local f
	compose run --rm -T web python manage.py makemigrations books </dev/null >"$RUN_DIR/makemigrations.log" 2>&1 ||
		{ cat "$RUN_DIR/makemigrations.log" >&2; return 1; }
	sed 's/^/    | /' "$RUN_DIR/makemigrations.log" >&2
	f=$(find "$APP/books/migrations" -name '0002_*.py' | head -n1)
	[ -n "$f" ] || { log "[$SCENARIO] no books/migrations/0002_*.py"; return 1; }
	log "[$SCENARIO] ${f#"$APP"/} is owned by $(stat -c %u:%g "$f")"
	[ "$(stat -c %u "$f")" = "$MATE_UID" ]
}
check "makemigrations in the container creates a migration file owned by UID $MATE_UID" makemigrations_owned
check "migrate in the container applies it" compose run --rm -T web python manage.py migrate --noinput </dev/null

# The tests, with the command init documents (--json's commands.test, also in the override).
tests_pass() {
	local cmd words
	cmd=$(jq -r '.commands.test // empty' "$RUN_DIR/init-bookshelf.out")
	[ -n "$cmd" ] || { log "[$SCENARIO] init --json gives no commands.test"; return 1; }
	log "[$SCENARIO] the documented test command: $cmd"
	grep -qF "$cmd" "$APP/$OVERRIDE" || log "[$SCENARIO] (not in $OVERRIDE's comments)"
	case $cmd in "docker compose "*) ;; *) log "[$SCENARIO] not a docker compose command"; return 1 ;; esac
	read -ra words <<<"${cmd#docker compose }"
	compose "${words[@]}" </dev/null >"$RUN_DIR/tests.log" 2>&1 || { tail -n 30 "$RUN_DIR/tests.log" >&2; return 1; }
	tail -n 4 "$RUN_DIR/tests.log" | sed 's/^/    | /' >&2
}
check "the tests pass in the container with the documented command" tests_pass
dev_has_coverage() {
	local v
	v=$(compose exec -T web python -c 'import coverage; print(coverage.__version__)') || return 1
	log "[$SCENARIO] coverage $v in the development container"
}
check "the development-only package (coverage) is importable in the development container" dev_has_coverage
coverage_file_owned() {
	compose run --rm -T web python -m coverage run manage.py test </dev/null >"$RUN_DIR/coverage.log" 2>&1 ||
		{ tail -n 20 "$RUN_DIR/coverage.log" >&2; return 1; }
	[ -f "$APP/.coverage" ] || { log "[$SCENARIO] no .coverage in the clone"; return 1; }
	log "[$SCENARIO] .coverage is owned by $(stat -c %u:%g "$APP/.coverage")"
	[ "$(stat -c %u "$APP/.coverage")" = "$MATE_UID" ]
}
check "python -m coverage run manage.py test in the container writes a .coverage the teammate owns" coverage_file_owned
nothing_foreign() {
	local foreign
	foreign=$(find "$APP" ! -uid "$MATE_UID" | head -n 5)
	[ -z "$foreign" ] || { log "[$SCENARIO] not the teammate's: $foreign"; return 1; }
}
check "every file in the clone belongs to the teammate (none written as root or 10001)" nothing_foreign
check "the generated files were not changed by the run" generated_files_unchanged

# 4. Production on the same checkout, with the command init documents: the compose file alone.
PRODUCTION=$(jq -r '.commands.production // empty' "$RUN_DIR/init-bookshelf.out")
log "[$SCENARIO] the documented production command: ${PRODUCTION:-none}"
check "the production command names the compose file alone (-f docker-compose.yml)" \
	test "$PRODUCTION" = "docker compose -f docker-compose.yml up --build"
COMPOSE_FILES=(docker-compose.yml)
compose_ready
PROD_IMAGE=$(compose config --format json | jq -r .services.web.image)
up production
prod_user() {
	local uid
	uid=$(compose exec -T web id -u) || return 1
	log "[$SCENARIO] production web runs as uid $uid"
	[ "$uid" != 0 ] && [ "$uid" != "$MATE_UID" ]
}
check "production: the web process runs as the image's user (not root, not the teammate)" prod_user
prod_api() {
	status_is 200 /api/v1/books/ -H 'Accept: application/json' && jq -e --arg m "$MARKER" '.edited == $m' "$RUN_DIR/body" >/dev/null
}
check "production: GET /api/v1/books/ answers 200 with the edited view (code in the image)" prod_api
prod_has_no_coverage() {
	! timeout 60 "$DOCKER" run --rm --entrypoint python "$PROD_IMAGE" -c 'import coverage' 2>/dev/null
}
check "production: the image ($PROD_IMAGE) has no coverage (a development-only package)" prod_has_no_coverage
check "production: the image has no .env, .git or virtualenv" image_is_clean "$PROD_IMAGE"

# 5. Warm: a second clone, once the images exist. The first clone's stack (production) still
# runs under the same Compose project name, so `containerize doctor` in the second clone
# blocks on it, naming the first clone's folder. Then down -v (volumes removed: a machine that
# has the images, not the first clone's database, whose password is in the first clone's .env).
log "[$SCENARIO] a second clone, with the images built and the first clone's stack running"
FIRST_APP=$APP
COMPOSE_FILES=(docker-compose.yml "$OVERRIDE")
clone_start=$(date +%s)
clone_and_init second-clone
clone_s=$(($(date +%s) - clone_start))
check "the second clone: init wrote only .env" only_env_written
# The harness names every project with -p; doctor gets the same name the way a user would
# give it, COMPOSE_PROJECT_NAME (the committed compose file's name: is what a user's clones share).
doctor_sees_first_clone() {
	local rc=0
	COMPOSE_PROJECT_NAME=$PROJECT PATH=$(dirname "$DOCKER"):$PATH timeout 120 "$E2E_BIN/containerize" doctor --json "$APP" \
		>"$RUN_DIR/doctor-second.json" 2>"$RUN_DIR/doctor-second.err" || rc=$?
	jq -r '.findings[] | select(.severity != "ok") | "    doctor: \(.severity): \(.summary)", (select(.id == "compose.project") | "    doctor: fix: \(.fix)")' \
		"$RUN_DIR/doctor-second.json" >&2 2>/dev/null || true
	log "[$SCENARIO] COMPOSE_PROJECT_NAME=$PROJECT containerize doctor --json (second clone) -> exit $rc"
	[ "$rc" = 1 ] && jq -e --arg dir "$FIRST_APP" --arg name "$PROJECT" '[.findings[] | select(.id == "compose.project" and
		.severity == "blocking" and (.summary | contains("running from another folder, " + $dir)) and
		(.fix | contains("COMPOSE_PROJECT_NAME=" + $name + "-")))] | length == 1' "$RUN_DIR/doctor-second.json" >/dev/null
}
check "containerize doctor in the second clone: blocking, the project runs from the first clone's folder ($FIRST_APP)" doctor_sees_first_clone
log "[$SCENARIO] down -v"
down_project -v >"$RUN_DIR/down-first.log" 2>&1 || die "compose down failed"
# The warm figure is clone, init and up: the doctor run and down -v are left out.
clone_start=$(($(date +%s) - clone_s))
compose_ready
up dev-warm
record clone_to_healthy_warm_s $(($(date +%s) - clone_start))
log "[$SCENARIO] git clone to a healthy development environment, images built: $(($(date +%s) - clone_start))s"
check "the second clone: GET /api/v1/ answers 200" status_is 200 /api/v1/ -H 'Accept: application/json'
scenario_end
