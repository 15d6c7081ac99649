# shellcheck shell=bash disable=SC2034 # (variables are for the scripts that source this)
# lib.sh: shared settings and helpers for the e2e scripts. Source it; it runs nothing.
#
# Everything the harness makes that outlives one run (the Compose binary, wheels, logs,
# PID files, the Debian root file system tarball) lives under E2E_CACHE so warm runs reuse it
# and `rm -rf "$E2E_CACHE"` is a full reset (images live in Docker; see teardown.sh).

# debootstrap, dockerd and useradd live in sbin, which some CI environments leave off PATH.
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$E2E_DIR/.." && pwd)
E2E_CACHE=${E2E_CACHE:-$HOME/.cache/containerize-e2e}
E2E_LOGS=$E2E_CACHE/logs
E2E_RUN=$E2E_CACHE/run
E2E_BIN=$E2E_CACHE/bin
E2E_WHEELS=${E2E_WHEELS:-$E2E_CACHE/wheels}

# Debian's own client: it has BuildKit built in. The newer CLI some machines have in
# /usr/local/bin lacks the buildx plugin, and with it DOCKER_BUILDKIT=1 builds fail.
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
# Compose v2.40 builds through buildx bake by default; there is no buildx here, so it says so
# and falls back to its built-in BuildKit client. Ask for that directly.
export COMPOSE_BAKE=false
# Compose talks to the same daemon; the CLI plugin is found through DOCKER_CONFIG.
export DOCKER_CONFIG=${DOCKER_CONFIG:-$HOME/.docker}

# Compose v2 built from the Go module proxy (see setup.sh).
COMPOSE_VERSION=${COMPOSE_VERSION:-v2.40.3}
# Syft checks the SBOM containerize build writes (e2e/build/sbom.sh); built by `setup.sh syft`.
SYFT_VERSION=${SYFT_VERSION:-v1.57.2}
SYFT=$E2E_BIN/syft-$SYFT_VERSION

# The Dev Containers reference CLI (setup.sh's devcontainer step), installed from the npm
# registry into the cache.
DEVCONTAINERS_CLI_VERSION=${DEVCONTAINERS_CLI_VERSION:-0.83.0}
DEVCONTAINER=$E2E_CACHE/devcontainers-cli-$DEVCONTAINERS_CLI_VERSION/node_modules/.bin/devcontainer

# The package index listens here and nowhere else; builds reach it through host networking.
E2E_INDEX_PORT=${E2E_INDEX_PORT:-3141}
E2E_INDEX_URL="http://127.0.0.1:$E2E_INDEX_PORT/simple/"

# Every compose project the harness starts is named with this prefix, so teardown.sh can
# find leftovers of runs that were killed before their own cleanup ran.
E2E_PROJECT_PREFIX=${E2E_PROJECT_PREFIX:-cze2e}

# The new-teammate scenario's user (UID 1234) and where it publishes the author's repository
# for that user to clone; teardown.sh removes both.
E2E_TEAMMATE=${E2E_TEAMMATE:-cze2e-teammate}
E2E_TEAMMATE_ORIGIN=${E2E_TEAMMATE_ORIGIN:-/var/tmp/cze2e-origin}

# Name of the base image the stand-ins are built on (not an official name on purpose).
E2E_BASE_IMAGE=containerize-e2e/debian:bookworm

mkdir -p "$E2E_LOGS" "$E2E_RUN" "$E2E_BIN"

log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# wait_until SECONDS DESCRIPTION CMD...: run CMD once a second until it succeeds, at most
# SECONDS times. Every wait in the harness goes through here so none can hang.
wait_until() {
	local limit=$1 what=$2 i
	shift 2
	for ((i = 0; i < limit; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 1
	done
	log "gave up after ${limit}s waiting for $what"
	return 1
}

# timed NAME CMD...: run CMD and log how long it took (the README's timings come from here).
timed() {
	local name=$1 start rc=0
	shift
	start=$(date +%s)
	"$@" || rc=$?
	log "$name: $(($(date +%s) - start))s (exit $rc)"
	return $rc
}

# debian_mirror: the first Debian archive URI the machine's apt sources use for bookworm,
# from deb822 (*.sources) or one-line (*.list) files. Never a hard-coded host.
debian_mirror() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk '
			/^[[:space:]]*$/ { if (uri != "" && suites ~ /(^| )bookworm( |$)/) { print uri; exit } uri = ""; suites = "" }
			/^URIs:/   { uri = $2 }
			/^Suites:/ { $1 = ""; suites = $0 " " }
			END { if (uri != "" && suites ~ /(^| )bookworm( |$)/) print uri }
		' "$f"
	done | head -n1 | grep . && return 0
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $0 ~ / bookworm / { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' |
		head -n1 | grep .
}

# debian_sources_lines: one-line apt sources for every bookworm suite the machine uses
# (bookworm, -updates, -security), for the stand-in images' /etc/apt/sources.list, so
# packages inside the images come from the same archive and the same point release.
debian_sources_lines() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk '
			function flush(   n, s, i) {
				if (uri != "" && types ~ /deb( |$)/) {
					n = split(suites, s, " ")
					for (i = 1; i <= n; i++) if (s[i] ~ /^bookworm/) print "deb " uri " " s[i] " " comps
				}
				uri = ""; suites = ""; comps = ""; types = ""
			}
			/^[[:space:]]*$/ { flush(); next }
			/^Types:/      { $1 = ""; types = $0 }
			/^URIs:/       { uri = $2 }
			/^Suites:/     { $1 = ""; suites = $0 }
			/^Components:/ { $1 = ""; sub(/^ /, ""); comps = $0 }
			END { flush() }
		' "$f"
	done
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $0 ~ / bookworm/ { sub(/\[[^]]*\] /, ""); print }'
}

# compose_override OUT PROJECT_DIR [COMPOSE_FILE...]: write a harness-only compose file that
# builds every service with a build section on the host network, so pip in the build reaches
# the index on 127.0.0.1. It lives outside the project (not in the build context, generated
# files untouched) and is passed with -f after the project's own files. The files it reads
# are named (default: PROJECT_DIR/docker-compose.yml alone), never Compose's choice in the
# folder, which would add the development override (docker-compose.override.yml).
compose_override() {
	local out=$1 dir=$2 services f files=()
	shift 2
	[ $# -gt 0 ] || set -- "$dir/docker-compose.yml"
	for f in "$@"; do files+=(-f "$f"); done
	services=$("$DOCKER" compose --project-directory "$dir" "${files[@]}" config --format json |
		jq -r '.services | to_entries[] | select(.value.build) | .key')
	{
		echo "# Written by the e2e harness: builds use the host network to reach the local package index."
		echo "services:"
		for s in $services; do
			printf '  %s:\n    build:\n      network: host\n' "$s"
		done
	} >"$out"
}

# answer METHOD PATH [CURL ARGS...]: one line, "METHOD PATH -> STATUS BODY", for comparing two
# stacks' answers: the body as canonical JSON without its timestamps (created, finished), or
# the start of its sha256 when not JSON. Asks $WEB_URL; the body is left in $ANSWER_BODY.
answer() {
	local method=$1 path=$2 status body
	shift 2
	status=$(curl -sS -m 20 -X "$method" -o "$ANSWER_BODY" -w '%{http_code}' "$@" "$WEB_URL$path")
	if body=$(jq -cS 'walk(if type == "object" then del(.created, .finished) else . end)' "$ANSWER_BODY" 2>/dev/null); then
		:
	else
		body=sha256:$(sha256sum <"$ANSWER_BODY" | cut -c1-16)
	fi
	printf '%s %s -> %s %s\n' "$method" "$path" "$status" "$body"
}

# image_env IMAGE NAME: the value of an ENV of an image.
image_env() {
	"$DOCKER" image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$1" | sed -n "s/^$2=//p"
}

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# copy_sample SAMPLE DIR: testdata/projects/SAMPLE copied to DIR (which must not exist), with
# its e2e variant applied when there is one: e2e/projects/SAMPLE.patch, a `git diff` against the
# sample (renames included), applied by `git apply` in DIR, all or nothing. DIR is no
# repository: the ceiling keeps git from finding one above it (from a repository's subfolder,
# git apply would skip every path and succeed). Files it writes are 0644 whatever the umask.
copy_sample() {
	local sample=$1 dir=$2 variant=$E2E_DIR/projects/$1.patch
	cp -R "$REPO_ROOT/testdata/projects/$sample" "$dir"
	[ -f "$variant" ] || return 0
	(umask 022 && cd "$dir" && GIT_CEILING_DIRECTORIES=$(cd .. && pwd) git apply --whitespace=nowarn "$variant") ||
		die "the e2e variant $variant does not apply to testdata/projects/$sample"
}

# harness_lock waits (at most an hour, saying so) until no other run of the harness on this
# machine holds the cache: runs share the containerize binary, the index, the ports and the
# engine, and two at once overwrite each other's binary and fight over ports. The lock is
# released when the process exits, so every daemon the harness leaves running (dockerd, the
# index, the registry) is started with `9>&-`: one that inherited fd 9 would hold the lock for
# its whole life and make the next run of the harness wait for nothing.
# lock_holders names the processes (pid and command) with the file open, for the message.
lock_holders() {
	local f fd pid out=
	f=$(readlink -f "$1")
	for fd in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "$f" ] || continue
		pid=${fd#/proc/}
		pid=${pid%%/*}
		[ "$pid" = $$ ] && continue
		out="$out${out:+, }$pid $(cat "/proc/$pid/comm" 2>/dev/null)"
	done
	echo "${out:-holder unknown}"
}

harness_lock() {
	mkdir -p "$E2E_CACHE"
	exec 9>"$E2E_CACHE/harness.lock"
	if ! flock -n 9; then
		log "another e2e run holds $E2E_CACHE/harness.lock ($(lock_holders "$E2E_CACHE/harness.lock")); waiting for it (at most 60 min)"
		flock -w 3600 9 || die "the other e2e run did not end within 60 min"
	fi
}

# index_until_exit: the local package index serving for this script. A script that started it
# stops it when it exits (an EXIT trap); one that was already serving is left to its owner.
E2E_STARTED_INDEX=0
index_until_exit() {
	if ! "$E2E_DIR/index.sh" status >/dev/null 2>&1; then
		"$E2E_DIR/index.sh" start
		E2E_STARTED_INDEX=1
	fi
	trap '[ $E2E_STARTED_INDEX = 0 ] || "$E2E_DIR/index.sh" stop' EXIT
}
