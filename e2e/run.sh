#!/usr/bin/env bash
# run.sh: issue 3's end-to-end scenarios. Sets up the harness (setup.sh), starts the local
# package index, builds containerize, runs each scenario in its own process (so one's
# failure or trap cannot touch the next), and prints a summary. `make e2e` calls this.
#
#   e2e/run.sh                  every scenario, in order
#   e2e/run.sh library pdm      only these (names are the files in e2e/scenarios/)
#
# Exit status: 0 when every scenario passed. A machine without Docker fails in setup.sh; it
# never skips.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "$0")/lib.sh"

ALL=(library celery celery-dev pdm channels legacy-venv real-venv unreachable-db rerun adopt new-teammate devcontainer db-psycopg2 mysql geodjango)
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=("${ALL[@]}")
for s in "${scenarios[@]}"; do
	[ -f "$E2E_DIR/scenarios/$s.sh" ] || die "no scenario $s (have: ${ALL[*]})"
done

harness_lock
run_start=$(date +%s)
"$E2E_DIR/setup.sh"

index_until_exit

(cd "$REPO_ROOT" && go build -o "$E2E_BIN/containerize" ./cmd/containerize) || die "building containerize failed"

declare -A result seconds
for s in "${scenarios[@]}"; do
	start=$(date +%s)
	if bash "$E2E_DIR/scenarios/$s.sh"; then result[$s]=PASS; else result[$s]=FAIL; fi
	seconds[$s]=$(($(date +%s) - start))
done

# The summary: one line a scenario, with what it recorded (image size, build and up times).
failed=0
log "summary (work folders under $E2E_CACHE/work/):"
for s in "${scenarios[@]}"; do
	extra=""
	if [ -f "$E2E_CACHE/work/$s/results" ]; then
		extra=$(tr '\n' ' ' <"$E2E_CACHE/work/$s/results")
	fi
	log "$(printf '  %-15s %-4s %4ss  %s' "$s" "${result[$s]}" "${seconds[$s]}" "$extra")"
	[ "${result[$s]}" = PASS ] || failed=$((failed + 1))
done
log "total: $(($(date +%s) - run_start))s, ${#scenarios[@]} scenario(s), $failed failed"
[ $failed -eq 0 ]
