#!/usr/bin/env bash
# teardown.sh: remove what the harness started and should not outlive a run: the package
# index, and every compose project named with the harness prefix ($E2E_PROJECT_PREFIX-…),
# with its containers, networks and volumes (scenarios clean up after themselves; this
# catches runs that were killed first); the new-teammate scenario's user and its clones.
#
# Kept on purpose, so the next run is warm: the Docker daemon, the stand-in and base images,
# the Compose binary, the wheels and Docker's build cache. `teardown.sh --daemon` also stops
# a dockerd that setup.sh started; `rm -rf $E2E_CACHE` and removing the images is a full reset.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "$0")/lib.sh"

"$E2E_DIR/index.sh" stop

if "$DOCKER" info >/dev/null 2>&1; then
	projects=$("$DOCKER" ps -a --filter "label=com.docker.compose.project" \
		--format '{{.Label "com.docker.compose.project"}}' | grep "^$E2E_PROJECT_PREFIX-" | sort -u || true)
	for p in $projects; do
		log "teardown: removing leftover compose project $p"
		timeout 120 "$DOCKER" compose -p "$p" down -v --remove-orphans --timeout 10 >/dev/null 2>&1 ||
			log "teardown: compose down $p failed"
	done
	# Volumes and networks whose containers are already gone are not found through ps.
	"$DOCKER" volume ls -q --filter "label=com.docker.compose.project" |
		while read -r v; do
			proj=$("$DOCKER" volume inspect -f '{{index .Labels "com.docker.compose.project"}}' "$v")
			case $proj in "$E2E_PROJECT_PREFIX"-*) "$DOCKER" volume rm "$v" >/dev/null ;; esac
		done
	# Application images a rebuild replaced (the tagged ones stay, for layer reuse).
	"$DOCKER" image ls --filter dangling=true --format '{{.ID}} {{.Label "com.docker.compose.project"}}' |
		while read -r id proj; do
			case $proj in "$E2E_PROJECT_PREFIX"-*) "$DOCKER" image rm "$id" >/dev/null 2>&1 || true ;; esac
		done
	"$DOCKER" network ls -q --filter "label=com.docker.compose.project" |
		while read -r n; do
			proj=$("$DOCKER" network inspect -f '{{index .Labels "com.docker.compose.project"}}' "$n")
			case $proj in "$E2E_PROJECT_PREFIX"-*) "$DOCKER" network rm "$n" >/dev/null ;; esac
		done
fi

# The new-teammate scenario's user, its home (the clones) and the repository it cloned.
if id -u "$E2E_TEAMMATE" >/dev/null 2>&1; then
	log "teardown: removing user $E2E_TEAMMATE and its home"
	userdel --remove "$E2E_TEAMMATE" 2>/dev/null || log "teardown: userdel $E2E_TEAMMATE failed"
	if getent group "$E2E_TEAMMATE" >/dev/null; then groupdel "$E2E_TEAMMATE" 2>/dev/null || true; fi
fi
rm -rf "$E2E_TEAMMATE_ORIGIN"

if [ "${1:-}" = --daemon ] && [ -f "$E2E_RUN/dockerd.pid" ]; then
	pid=$(cat "$E2E_RUN/dockerd.pid")
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		wait_until 30 "dockerd (pid $pid) to exit" sh -c "! kill -0 $pid" || kill -9 "$pid"
		log "teardown: dockerd stopped"
	fi
	rm -f "$E2E_RUN/dockerd.pid"
fi
