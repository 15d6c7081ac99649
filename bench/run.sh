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
# The whole run holds the harness's lock: an e2e run meanwhile would rebuild the containerize
# binary under the benchmark, restart the index and load the machine.
harness_lock
"$E2E_DIR/setup.sh"

started_index=0
registry_pid=
cleanup() {
	local rc=$? t
	trap - EXIT
	for t in "$DOCKER_IMAGE" "$LOAD_IMAGE" czb-bench:fresh "$BASE_REF" "$REGISTRY/library:cold" "$REGISTRY/library:warm" "$REGISTRY/library:dockerfile" \
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
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
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

# Each layer of both images, compressed (as the registry stores it) and uncompressed, named by its
# history entry. The Dockerfile's image is pushed to the same registry to learn its compressed sizes.
"$DOCKER" tag "$DOCKER_IMAGE" "$REGISTRY/library:dockerfile"
timeout 300 "$DOCKER" push -q "$REGISTRY/library:dockerfile" >/dev/null
accept='application/vnd.docker.distribution.manifest.v2+json,application/vnd.oci.image.manifest.v1+json'
layers() { # REPO TAG: one "compressed uncompressed .pyc-files created-by" line per layer, bottom up
	local manifest config i=0 d created
	manifest=$(curl -fsS -H "Accept: $accept" "http://$REGISTRY/v2/$1/manifests/$2")
	config=$(curl -fsS "http://$REGISTRY/v2/$1/blobs/$(jq -r .config.digest <<<"$manifest")")
	mapfile -t created < <(jq -r '[.history[] | select(.empty_layer != true) | .created_by // ""] | .[]' <<<"$config" | cut -c1-70 | tr '|' '/')
	for d in $(jq -r '.layers[].digest' <<<"$manifest"); do
		curl -fsS "http://$REGISTRY/v2/$1/blobs/$d" >"$WORK/blob"
		printf '%s %s %s %s\n' "$(stat -c %s "$WORK/blob")" "$(gzip -dc "$WORK/blob" | wc -c)" \
			"$(gzip -dc "$WORK/blob" | tar -t 2>/dev/null | grep -c '\.pyc$' || true)" "${created[$i]:-?}"
		i=$((i + 1))
	done
}
layer_table() { # REPO TAG
	echo "| layer | compressed | uncompressed | .pyc files |"
	echo "|---|---|---|---|"
	layers "$1" "$2" | awk 'function sz(n) { return n < 1e6 ? sprintf("%.1f kB", n / 1e3) : sprintf("%.1f MB", n / 1e6) }
		{ c += $1; u += $2; p += $3; by = $4; for (i = 5; i <= NF; i++) by = by " " $i
		if (by == "?") by = "(no created_by in its history)"
		printf "| %s | %s | %s | %d |\n", by, sz($1), sz($2), $3 }
		END { printf "| **total** | **%s** | **%s** | %d |\n", sz(c), sz(u), p }'
}
daemonless_layers=$(layer_table library warm)
dockerfile_layers=$(layer_table library dockerfile)

# What bounds a warm --load: the daemon's own `docker load` of the one-layer archive --load sends
# (the image but for the layers the daemon has), through the CLI and through the Engine API
# (what containerize uses, with no CLI start-up), against a daemon that already has the rest.
"$CZ" build --base "$BASE_REF" --cache-dir "$WORK/cache-warm" --output "docker,dest=$WORK/full.tar" --tag "$LOAD_IMAGE" "$APP" >/dev/null 2>&1
"$DOCKER" load -i "$WORK/full.tar" >/dev/null
# Every layer but the last (the application's) is in the daemon now: leave their bytes out, as --load
# does (GNU tar --delete mangles this archive: unpack and pack again).
rm -rf "$WORK/slim" && mkdir "$WORK/slim" && tar -xf "$WORK/full.tar" -C "$WORK/slim"
mapfile -t drop < <(jq -r '.[0].Layers[:-1][]' "$WORK/slim/manifest.json")
(cd "$WORK/slim" && rm -f -- "${drop[@]}" && tar -cf "$WORK/slim.tar" -- *)
api_load="curl -fsS --unix-socket /var/run/docker.sock -X POST -H 'Content-Type: application/x-tar' -o /dev/null 'http://docker/images/load?quiet=1' --data-binary"
# And what bounds a cold --load: the daemon unpacking the three new layers (a fresh epoch each run),
# the archive made before each run as a cold --load sends it (the daemon has the base).
cat >"$WORK/fresh.sh" <<EOF
#!/bin/sh
set -e
rm -rf $WORK/fresh && mkdir $WORK/fresh
SOURCE_DATE_EPOCH=\$(date +%s) $daemonless --cache-dir $WORK/cache-warm --output docker,dest=$WORK/fresh/all.tar --tag czb-bench:fresh $APP >/dev/null 2>&1
cd $WORK/fresh && tar -xf all.tar && rm all.tar
rm -f \$(jq -r '.[0].Layers[:-3][]' manifest.json) && tar -cf $WORK/fresh.tar -- *
EOF
chmod +x "$WORK/fresh.sh"
hyperfine --style basic --warmup 1 --runs "$RUNS_WARM" --export-json "$OUT/load.json" \
	-n "docker load (CLI)" "$DOCKER load -i $WORK/slim.tar" \
	-n "docker load (Engine API)" "$api_load @$WORK/slim.tar"
hyperfine --style basic --runs "$RUNS_COLD" --export-json "$OUT/load-cold.json" \
	-n "docker load, cold (Engine API)" --prepare "{ $DOCKER image inspect -f '{{.Id}}' czb-bench:fresh >> $WORK/image-ids 2>/dev/null || true; }; $WORK/fresh.sh" "$api_load @$WORK/fresh.tar"

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
load_cli=$(mean load "docker load (CLI)")
load_api=$(mean load "docker load (Engine API)")
load_cold=$(mean load-cold "docker load, cold (Engine API)")
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
	echo "Load while it ran (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg) at the end; $load_start at the start."
	echo
	echo "- cold: docker build / containerize build --push = **${cold_ratio}×** (goal ≥ 10×); with --load instead of --push: ${cold_load_ratio}×"
	echo "- warm: docker build / containerize build --push = **${warm_ratio}×** (goal ≥ 20×); with --load instead of --push: **${load_ratio}×** (goal ≥ 5×)"
	echo "- docker load alone of the archive a warm --load sends (one layer, the daemon has the rest): $(awk -v m="$load_cli" 'BEGIN { printf "%.0f", m * 1000 }') ms through the CLI, $(awk -v m="$load_api" 'BEGIN { printf "%.0f", m * 1000 }') ms through the Engine API; of the three new layers a cold --load sends: $(awk -v m="$load_cold" 'BEGIN { printf "%.2f", m }') s"
	echo "- image size (docker image inspect): Dockerfile $((docker_size / 1000000)) MB, daemonless $((pushed_size / 1000000)) MB, of which the base $((base_size / 1000000)) MB"
	echo
	echo "Layers of the daemonless image (\`containerize build\`):"
	echo
	echo "$daemonless_layers"
	echo
	echo "Layers of the Dockerfile's image (\`docker build\`, pushed to the same registry):"
	echo
	echo "$dockerfile_layers"
} >"$OUT/summary.md"
cat "$OUT/summary.md"
