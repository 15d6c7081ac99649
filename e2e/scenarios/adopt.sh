#!/usr/bin/env bash
# Issue 10, adopt: the library project already has its own container files, a compose.yaml
# whose web service builds docker/Dockerfile (runserver, a db with a fixed password). Compose
# loads compose.yaml, so init must update it and the Dockerfile it builds, never write a
# docker-compose.yml or Dockerfile beside them: without consent it writes nothing (exit 3);
# with --force it replaces both, keeping compose.yaml.bak and docker/Dockerfile.bak, and the
# stack Compose itself picks in the folder is the generated one, and comes up.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start adopt library
prepare_sample library
lock_pipfile

# The team's own files, from before containerize.
mkdir -p "$APP/docker"
cat >"$APP/compose.yaml" <<-'YAML'
	# Our own compose file, from before containerize.
	services:
	  web:
	    build:
	      context: .
	      dockerfile: docker/Dockerfile
	    command: python manage.py runserver 0.0.0.0:8000
	    ports:
	      - "8000:8000"
	    depends_on:
	      - db
	  db:
	    image: postgres:17
	    environment:
	      POSTGRES_PASSWORD: postgres
YAML
cat >"$APP/docker/Dockerfile" <<-'DOCKERFILE'
	# Our own Dockerfile, from before containerize.
	FROM python:3.11-slim
	WORKDIR /app
	COPY . .
	RUN pip install pipenv && pipenv install --system --deploy
	CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
DOCKERFILE
cp "$APP/compose.yaml" "$RUN_DIR/compose.yaml.theirs"
cp "$APP/docker/Dockerfile" "$RUN_DIR/Dockerfile.theirs"
tree_sum >"$RUN_DIR/tree.theirs"
COMPOSE_FILES=(compose.yaml)

# 1. Without consent: the two files are not containerize's, so nothing is written.
init_again foreign --yes --services postgres
check "init --yes exits 3 on the project's own compose.yaml and Dockerfile (got $INIT_RC)" test "$INIT_RC" = 3
check "init --yes wrote nothing" tree_is "$RUN_DIR/tree.theirs"
names_both() { grep -q 'compose.yaml' "$RUN_DIR/init-foreign.err" && grep -q 'docker/Dockerfile' "$RUN_DIR/init-foreign.err"; }
check "init --yes names compose.yaml and docker/Dockerfile on stderr" names_both

# 2. With --force: those two are rewritten in place, one backup each.
init_again force --yes --force --services postgres
[ "$INIT_RC" = 0 ] || die "init --yes --force failed (exit $INIT_RC)"
written_by_containerize() { grep -q 'written by containerize' "$APP/$1" && ! cmp -s "$APP/$1" "$2"; }
check "compose.yaml is now containerize's" written_by_containerize compose.yaml "$RUN_DIR/compose.yaml.theirs"
check "docker/Dockerfile is now containerize's" written_by_containerize docker/Dockerfile "$RUN_DIR/Dockerfile.theirs"
check "compose.yaml.bak is the project's compose.yaml" cmp "$RUN_DIR/compose.yaml.theirs" "$APP/compose.yaml.bak"
check "docker/Dockerfile.bak is the project's Dockerfile" cmp "$RUN_DIR/Dockerfile.theirs" "$APP/docker/Dockerfile.bak"
no_siblings() {
	local f bad=0
	for f in docker-compose.yml docker-compose.yaml compose.yml Dockerfile; do
		[ ! -e "$APP/$f" ] || { log "[$SCENARIO] init wrote $f beside the adopted files"; bad=1; }
	done
	return "$bad"
}
check "no docker-compose.yml, compose.yml or Dockerfile written beside them" no_siblings
one_backup_each() {
	local extra
	extra=$(cd "$APP" && find . -name '*.bak*' ! -path ./compose.yaml.bak ! -path ./docker/Dockerfile.bak)
	[ -z "$extra" ] || { log "[$SCENARIO] other backups: $extra"; return 1; }
}
check "no other backup" one_backup_each
# Compose's own choice in the folder, as a user types it: no -f, no project name.
services_in_folder() {
	(cd "$APP" && timeout 60 "$DOCKER" compose config --services) >"$RUN_DIR/services" 2>"$RUN_DIR/services.err" ||
		{ cat "$RUN_DIR/services.err" >&2; return 1; }
	log "[$SCENARIO] docker compose config --services in the folder: $(tr '\n' ' ' <"$RUN_DIR/services")"
	grep -qx web "$RUN_DIR/services" && grep -qx migrate "$RUN_DIR/services" && grep -qx db "$RUN_DIR/services"
}
check "docker compose config --services in the folder shows the generated services (web, migrate, db)" services_in_folder
tree_sum >"$RUN_DIR/tree.adopted"
init_again again --yes --json --services postgres
check "init --yes again exits 0: the adopted files are containerize's now (got $INIT_RC)" test "$INIT_RC" = 0
check "init --yes again changes nothing" tree_is "$RUN_DIR/tree.adopted"
production_names_adopted() {
	local cmd
	cmd=$(jq -r '.commands.production // empty' "$RUN_DIR/init-again.out")
	log "[$SCENARIO] the documented production command: ${cmd:-none}"
	[ "$cmd" = "docker compose -f compose.yaml up --build" ]
}
check "the documented production command runs compose.yaml alone" production_names_adopted

# 3. The adopted stack runs.
snapshot_generated
compose_ready
config_check
builds_adopted_dockerfile() {
	[ "$(compose config --format json | jq -r .services.web.build.dockerfile)" = docker/Dockerfile ]
}
check "web still builds docker/Dockerfile" builds_adopted_dockerfile
build first
up first
check "GET /api/v1/ answers 200 with JSON" status_is 200 /api/v1/ -H 'Accept: application/json'
check "static files are served (admin CSS 200)" status_is 200 /static/admin/css/base.css
check "the web process runs as a non-root user" runs_as_non_root web
check "database and cache ports are published on 127.0.0.1 only" ports_are_local
check "the image has no .env, .git or virtualenv" image_is_clean "$APP_IMAGE"
check "the generated files were not changed by the run" generated_files_unchanged
scenario_end
