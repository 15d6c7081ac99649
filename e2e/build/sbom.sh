#!/usr/bin/env bash
# build/sbom.sh: the SBOM `containerize build` writes, checked against Syft's reading of the
# same image, and its attachment to a pushed image.
#
#   e2e/build/sbom.sh [SAMPLE]      default: library
#
# 1. `containerize build --base REGISTRY/python:3.11-slim --push REGISTRY/SAMPLE:sbom
#    --output oci,dest=… --output docker,dest=….tar --json` from an empty cache: the SBOM must be
#    in the layout (sbom.spdx.json), beside the archive (….spdx.json, the same bytes), and attached
#    to the pushed image as a referrer (the registry's referrers API lists it; its blob is the
#    same bytes);
# 2. `syft scan oci-dir:LAYOUT -o json` (Syft built from the module proxy by `setup.sh syft`):
#    the Debian packages (name@version) and Python distributions (name@version and the METADATA
#    they were read from) must be the ones the SBOM lists;
# 3. a warm rebuild with only --push, one .py edited: a new SBOM is attached, and the registry
#    serves none of the base's layers (the per-layer SBOM cache has them).
#
# REGISTRY is e2e/build/registry on 127.0.0.1:$E2E_SBOM_REGISTRY_PORT (default 5124).
# Results: $E2E_CACHE/work/sbom/results (KEY=VALUE), logs and the two package lists beside it.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "$0")/../lib.sh"

REGISTRY=127.0.0.1:${E2E_SBOM_REGISTRY_PORT:-5124}
WORK=$E2E_CACHE/work/sbom
BASE_REF=$REGISTRY/python:3.11-slim
sample=${1:-library}

harness_lock
"$E2E_DIR/setup.sh" packages docker images wheels syft

rm -rf "$WORK"
mkdir -p "$WORK"
: >"$WORK/results"
record() { printf '%s=%s\n' "$1" "$2" >>"$WORK/results"; }

started_index=0
registry_pid=
cleanup() {
	local rc=$?
	trap - EXIT
	"$DOCKER" image rm "$BASE_REF" >/dev/null 2>&1 || true
	if [ -n "$registry_pid" ]; then
		kill "$registry_pid" 2>/dev/null || true
		wait_until 10 "the registry to stop" sh -c "! kill -0 $registry_pid" || kill -9 "$registry_pid" 2>/dev/null || true
	fi
	if [ $started_index = 1 ]; then
		"$E2E_DIR/index.sh" stop
	fi
	if [ $rc -eq 0 ]; then log "sbom: PASS"; else log "sbom: FAIL"; fi
	exit $rc
}
trap cleanup EXIT

port_free "${REGISTRY#*:}" || die "$REGISTRY is taken (set E2E_SBOM_REGISTRY_PORT)"
if ! "$E2E_DIR/index.sh" status >/dev/null 2>&1; then
	"$E2E_DIR/index.sh" start
	started_index=1
fi
(cd "$REPO_ROOT" && go build -o "$E2E_BIN/containerize" ./cmd/containerize && go build -o "$E2E_BIN/registry" ./e2e/build/registry)

# Blobs in memory: every GET of a base layer is in the log, from an empty registry.
setsid nohup "$E2E_BIN/registry" -addr "$REGISTRY" >"$WORK/registry.log" 2>&1 </dev/null 9>&- &
registry_pid=$!
wait_until 20 "the registry on $REGISTRY" curl -fsS -m 2 "http://$REGISTRY/v2/" ||
	{ tail -n 20 "$WORK/registry.log" >&2; die "the registry did not start"; }
"$DOCKER" tag python:3.11-slim "$BASE_REF"
timeout 300 "$DOCKER" push -q "$BASE_REF" >"$WORK/push-base.log" 2>&1 || { cat "$WORK/push-base.log" >&2; die "docker push of the base failed"; }

APP=$WORK/czb-$sample
copy_sample "$sample" "$APP"
if [ -f "$APP/Pipfile" ]; then
	"$E2E_BIN/pinlock" -wheels "$E2E_WHEELS" -pipfile "$APP/Pipfile" -python "$(image_env python:3.11-slim PYTHON_VERSION)" >"$APP/Pipfile.lock"
fi
init_args=(--yes --name "czb-$sample")
[ "$sample" = library ] && init_args+=(--services postgres)
"$E2E_BIN/containerize" init "${init_args[@]}" "$APP" >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log" >&2; die "containerize init failed"; }

PUSH=$REGISTRY/$sample
# build NAME ARGS...: containerize build, the --json result in NAME.json, the log in NAME.log.
build() {
	local name=$1
	shift
	PIP_INDEX_URL=$E2E_INDEX_URL "$E2E_BIN/containerize" build --cache-dir "$WORK/cache" --base "$BASE_REF" --json "$@" "$APP" \
		>"$WORK/$name.json" 2>"$WORK/$name.log"
}

# 1. Cold: every output, and the SBOM beside each.
timed "sbom: containerize build (cold)" build cold --push "$PUSH:sbom" --output "oci,dest=$WORK/oci" --output "docker,dest=$WORK/app.tar" ||
	{ cat "$WORK/cold.log" >&2; die "containerize build failed"; }
grep 'SBOM' "$WORK/cold.log" | sed 's/^/    /' >&2
digest=$(jq -r .digest "$WORK/cold.json")
cmp "$WORK/oci/sbom.spdx.json" "$WORK/app.spdx.json" || die "the layout's and the archive's SBOMs differ"
[ "$(jq -r '.images[0].sbom.files | length' "$WORK/cold.json")" = 2 ] || die "--json lists $(jq -c .images[0].sbom "$WORK/cold.json")"
referrer=$(jq -r .images[0].sbom.referrer "$WORK/cold.json")
curl -fsS "http://$REGISTRY/v2/$sample/referrers/$digest" >"$WORK/referrers.json" || die "the registry lists no referrers of $digest"
[[ $(jq -r '.manifests | length' "$WORK/referrers.json") = 1 && "$PUSH@$(jq -r '.manifests[0].digest' "$WORK/referrers.json")" = "$referrer" ]] ||
	die "referrers of $digest: $(cat "$WORK/referrers.json"), containerize said $referrer"
curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REGISTRY/v2/$sample/manifests/${referrer#*@}" >"$WORK/artifact.json"
[[ $(jq -r .artifactType "$WORK/artifact.json") = application/spdx+json && $(jq -r .subject.digest "$WORK/artifact.json") = "$digest" ]] ||
	die "the attached artifact: $(cat "$WORK/artifact.json")"
curl -fsS "http://$REGISTRY/v2/$sample/blobs/$(jq -r '.layers[0].digest' "$WORK/artifact.json")" | cmp - "$WORK/oci/sbom.spdx.json" ||
	die "the attached SBOM differs from the layout's"
record sbom_bytes "$(wc -c <"$WORK/oci/sbom.spdx.json")"

# 2. Syft's reading of the layout: the same Debian packages and Python distributions.
scan() { "$SYFT" scan "oci-dir:$WORK/oci" -o json -q >"$WORK/syft.json" 2>"$WORK/syft.log"; }
timed "sbom: syft scan oci-dir" scan || { cat "$WORK/syft.log" >&2; die "syft scan failed"; }
# Debian packages as name@version; Python distributions as name@version and the METADATA (or
# PKG-INFO) they were read from, since one may be in several places (setuptools in Debian's
# dist-packages and in the venv). Python names in PEP 503 form: Syft normalises some, the SBOM
# keeps METADATA's spelling. No difference is allowed.
norm() { awk -F'[@ ]' '{n=tolower($1); gsub(/[-_.]+/, "-", n); print "pypi:" n "@" $2 " " $3}'; }
jq -r '.artifacts[] | select(.type == "deb") | "deb:\(.name)@\(.version)"' "$WORK/syft.json" >"$WORK/syft.deb"
jq -r '.artifacts[] | select(.type == "python") | "\(.name)@\(.version) \(.locations[0].path)"' "$WORK/syft.json" | norm >"$WORK/syft.py"
sort "$WORK/syft.deb" "$WORK/syft.py" >"$WORK/syft.packages"
jq -r '.packages[] | select(.SPDXID | startswith("SPDXRef-deb-")) | "deb:\(.name)@\(.versionInfo)"' "$WORK/oci/sbom.spdx.json" >"$WORK/ours.deb"
jq -r '.packages[] | select(.SPDXID | startswith("SPDXRef-pypi-")) | "\(.name)@\(.versionInfo) \(.sourceInfo | ltrimstr("read from "))"' "$WORK/oci/sbom.spdx.json" |
	norm >"$WORK/ours.py"
sort "$WORK/ours.deb" "$WORK/ours.py" >"$WORK/ours.packages"
record syft_packages "$(wc -l <"$WORK/syft.packages")"
record sbom_packages "$(wc -l <"$WORK/ours.packages")"
record sbom_debian "$(wc -l <"$WORK/ours.deb")"
record sbom_python "$(wc -l <"$WORK/ours.py")"
log "sbom: Syft found $(wc -l <"$WORK/syft.packages") Debian/Python packages, the SBOM lists $(wc -l <"$WORK/ours.packages") ($(wc -l <"$WORK/ours.deb") Debian, $(wc -l <"$WORK/ours.py") Python)"
if ! diff -u "$WORK/syft.packages" "$WORK/ours.packages" >"$WORK/packages.diff"; then
	cat "$WORK/packages.diff" >&2
	die "the SBOM and Syft disagree (above: - Syft only, + SBOM only)"
fi

# 3. Warm, push only: a new SBOM attached, no base layer downloaded.
py=$(cd "$APP" && find . -name '*.py' -path '*/views.py' | sort | head -n1)
printf '\n# edited by e2e/build/sbom.sh\n' >>"$APP/$py"
mark=$(wc -l <"$WORK/registry.log")
timed "sbom: containerize build (warm, push only)" build warm --push "$PUSH:sbom2" ||
	{ cat "$WORK/warm.log" >&2; die "warm containerize build failed"; }
warm=$(jq -r .digest "$WORK/warm.json")
[ "$warm" != "$digest" ] || die "the warm build made the same image"
curl -fsS "http://$REGISTRY/v2/$sample/referrers/$warm" | jq -e '.manifests | length == 1' >/dev/null || die "no SBOM attached to the warm build's $warm"
base_layers=$(curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
	"http://$REGISTRY/v2/python/manifests/3.11-slim" | jq -r '.layers[].digest')
gets=0
for l in $base_layers; do
	gets=$((gets + $(tail -n +"$((mark + 1))" "$WORK/registry.log" | grep -c "GET /v2/python/blobs/$l" || true)))
done
record warm_base_layer_gets "$gets"
[ "$gets" = 0 ] || die "the warm build downloaded $gets base layers"
log "sbom: warm build attached a new SBOM and downloaded no base layer"
