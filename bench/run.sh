#!/usr/bin/env bash
# bench/run.sh: `containerize build` (daemonless) against `docker build` of the Dockerfile that
# `containerize init` generates, for the library sample, on this machine, in one run. See
# README.md for what is measured and how to read it.
#
#   sudo bench/run.sh          # results in bench/results/ (or $BENCH_OUT)
#
# Uses the e2e harness (e2e/setup.sh: Docker, the stand-in python:3.11-slim, the local index
# of wheels) and hyperfine (`apt-get install hyperfine`). WARNING: the cold docker build runs
# `docker builder prune -af` before every run, which empties Docker's whole build cache.
#
# Environment: BENCH_RUNS_COLD (default 5), BENCH_RUNS_WARM (default 10), BENCH_OUT,
# BENCH_REGISTRY_PORT (default 5124).
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"

BENCH_DIR=$REPO_ROOT/bench
OUT=${BENCH_OUT:-$BENCH_DIR/results}
WORK=$E2E_CACHE/work/bench
RUNS_COLD=${BENCH_RUNS_COLD:-5}
RUNS_WARM=${BENCH_RUNS_WARM:-10}
REGISTRY=127.0.0.1:${BENCH_REGISTRY_PORT:-5124}
BASE_REF=$REGISTRY/python:3.11-slim
APP=$WORK/library
CZ=$E2E_BIN/containerize
DOCKER_IMAGE=czb-bench:docker
LOAD_IMAGE=czb-bench:daemonless
export PIP_INDEX_URL=$E2E_INDEX_URL

command -v hyperfine >/dev/null || die "hyperfine is missing: apt-get install hyperfine"
"$E2E_DIR/setup.sh"

started_index=0
registry_pid=
cleanup() {
	local rc=$? t
	trap - EXIT
	for t in "$DOCKER_IMAGE" "$LOAD_IMAGE" "$BASE_REF" "$REGISTRY/library:cold" "$REGISTRY/library:warm" \
		$(sort -u "$WORK/image-ids" 2>/dev/null); do
		timeout 60 "$DOCKER" image rm "$t" >/dev/null 2>&1 || true
	done
	if [ -n "$registry_pid" ]; then
		kill "$registry_pid" 2>/dev/null || true
		wait_until 10 "the registry to stop" sh -c "! kill -0 $registry_pid" || kill -9 "$registry_pid" 2>/dev/null || true
	fi
	if [ $started_index = 1 ]; then
		"$E2E_DIR/index.sh" stop
	fi
	rm -rf "$WORK/registry" "$WORK"/cache-*
	exit $rc
}
trap cleanup EXIT

if ! "$E2E_DIR/index.sh" status >/dev/null 2>&1; then
	"$E2E_DIR/index.sh" start
	started_index=1
fi
(cd "$REPO_ROOT" && go build -o "$CZ" ./cmd/containerize && go build -o "$E2E_BIN/registry" ./e2e/build/registry)

rm -rf "$WORK"
mkdir -p "$WORK" "$OUT"
port_free "${REGISTRY#*:}" || die "$REGISTRY is taken; set BENCH_REGISTRY_PORT"
setsid nohup "$E2E_BIN/registry" -addr "$REGISTRY" -dir "$WORK/registry" >"$WORK/registry.log" 2>&1 </dev/null &
registry_pid=$!
wait_until 20 "the registry on $REGISTRY" curl -fsS -m 2 "http://$REGISTRY/v2/" || die "the registry did not start"
"$DOCKER" tag python:3.11-slim "$BASE_REF"
timeout 300 "$DOCKER" push -q "$BASE_REF" >/dev/null || die "docker push $BASE_REF failed"

# The library sample as the e2e harness runs it: its e2e variant (a Pipfile with Debian's DRF),
# locked against the index.
copy_sample library "$APP"
"$E2E_BIN/pinlock" -wheels "$E2E_WHEELS" -pipfile "$APP/Pipfile" \
	-python "$(image_env python:3.11-slim PYTHON_VERSION)" >"$APP/Pipfile.lock"
"$CZ" init --yes --services postgres "$APP" >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log" >&2; die "containerize init failed"; }

daemonless="$CZ build --base $BASE_REF"
docker_build="$DOCKER build --network host --build-arg PIP_INDEX_URL=$E2E_INDEX_URL -t $DOCKER_IMAGE $APP"
# Each warm run edits one .py file first (a new comment), as a developer's rebuild does.
edit="printf '# bench edit %s\n' \"\$(date +%s%N)\" >> $APP/books/views.py"
# Every run replaces the bench's image tags, leaving the previous images untagged: note their IDs
# before each run (outside the timing) so that cleanup can remove them.
note="{ $DOCKER image inspect -f '{{.Id}}' $DOCKER_IMAGE $LOAD_IMAGE >> $WORK/image-ids 2>/dev/null || true; }"

# Cold: the daemonless build starts from an empty --cache-dir (no wheels, no layers, no facts
# about the base: its layers are read from the registry), and a fresh SOURCE_DATE_EPOCH per
# run makes every layer it adds new to the registry, so the push uploads them all. docker
# build starts from an empty build cache (its pip cache mount included); the base image stays
# in the daemon, as the base stays in the registry.
log "bench: cold builds ($RUNS_COLD runs each)"
hyperfine --style basic --runs "$RUNS_COLD" --export-json "$OUT/cold.json" --export-markdown "$OUT/cold.md" \
	-n "containerize build --push (cold)" --prepare "$note; rm -rf $WORK/cache-cold" \
	"SOURCE_DATE_EPOCH=\$(date +%s) $daemonless --cache-dir $WORK/cache-cold --push $REGISTRY/library:cold $APP" \
	-n "containerize build --load (cold)" --prepare "$note; rm -rf $WORK/cache-cold" \
	"SOURCE_DATE_EPOCH=\$(date +%s) $daemonless --cache-dir $WORK/cache-cold --load --tag $LOAD_IMAGE $APP" \
	-n "docker build (cold)" --prepare "$note; $DOCKER builder prune -af" \
	"$docker_build"

# Warm: the caches of a previous build (the warmup run), then one .py edited per run.
log "bench: warm builds after editing one .py ($RUNS_WARM runs each)"
hyperfine --style basic --warmup 1 --runs "$RUNS_WARM" --export-json "$OUT/warm.json" --export-markdown "$OUT/warm.md" \
	-n "containerize build --push (warm)" --prepare "$note; $edit" \
	"$daemonless --cache-dir $WORK/cache-warm --push $REGISTRY/library:warm $APP" \
	-n "containerize build --load (warm)" --prepare "$note; $edit" \
	"$daemonless --cache-dir $WORK/cache-warm --load --tag $LOAD_IMAGE $APP" \
	-n "docker build (warm)" --prepare "$note; $edit" \
	"$docker_build"

# Image sizes as Docker reports them (uncompressed layers, base included), for the last image
# of each kind.
timeout 300 "$DOCKER" pull -q "$REGISTRY/library:warm" >/dev/null
size() { "$DOCKER" image inspect -f '{{.Size}}' "$1"; }
docker_size=$(size "$DOCKER_IMAGE")
pushed_size=$(size "$REGISTRY/library:warm")
base_size=$(size python:3.11-slim)

mean() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .mean' "$OUT/$1.json"; }
sd() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .stddev' "$OUT/$1.json"; }
row() {
	awk -v n="$2" -v m="$(mean "$1" "$2")" -v s="$(sd "$1" "$2")" 'BEGIN {
		if (m < 1) printf "| %s | %.0f ms ± %.0f |\n", n, m * 1000, s * 1000
		else printf "| %s | %.2f s ± %.2f |\n", n, m, s
	}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
cold_ratio=$(ratio "$(mean cold "docker build (cold)")" "$(mean cold "containerize build --push (cold)")")
cold_load_ratio=$(ratio "$(mean cold "docker build (cold)")" "$(mean cold "containerize build --load (cold)")")
warm_ratio=$(ratio "$(mean warm "docker build (warm)")" "$(mean warm "containerize build --push (warm)")")
load_ratio=$(ratio "$(mean warm "docker build (warm)")" "$(mean warm "containerize build --load (warm)")")
{
	echo "# bench results, $(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo); $("$DOCKER" version --format 'Docker engine {{.Server.Version}}'); $(hyperfine --version)."
	echo "Sample: testdata/projects/library with e2e/projects/library.patch, base python:3.11-slim (stand-in), index $E2E_INDEX_URL."
	echo
	echo "| build | mean ± σ |"
	echo "|---|---|"
	row cold "containerize build --push (cold)"
	row cold "containerize build --load (cold)"
	row cold "docker build (cold)"
	row warm "containerize build --push (warm)"
	row warm "containerize build --load (warm)"
	row warm "docker build (warm)"
	echo
	echo "- cold: docker build / containerize build --push = **${cold_ratio}×** (goal ≥ 3×); with --load instead of --push: ${cold_load_ratio}×"
	echo "- warm: docker build / containerize build --push = **${warm_ratio}×** (goal ≥ 10×); with --load instead of --push: ${load_ratio}×"
	echo "- image size (docker image inspect): Dockerfile $((docker_size / 1000000)) MB, daemonless $((pushed_size / 1000000)) MB, of which the base $((base_size / 1000000)) MB"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
