#!/usr/bin/env bash
# e2e/corpus/run.sh: the run rate of containerize on the corpus (testdata/corpus/repos):
# for each real repository whose dependencies the local index can serve, `containerize init
# --yes` on its tree as committed, `docker compose up --wait`, then GET / and the admin login;
# how many come up healthy and answer, and why each failure fails. `make e2e-corpus` runs it.
# Not part of `make e2e`/CI: it needs the repositories' mirrors (internal/corpus/README.md),
# which the CI machine lacks.
#
#   e2e/corpus/run.sh                 the servable repositories (e2e/corpus/servable decides)
#   e2e/corpus/run.sh --all           every repository, to see why the others fail (their
#                                     build is cut at NONSERVABLE_BUILD_TIMEOUT, 60 s)
#   e2e/corpus/run.sh --only saleor   repositories whose owner/name contains this
#   CORPUS_MIRRORS=DIR                the mirrors (default /work/.mirror)
#   CORPUS_DATA=DIR                   the entries (default testdata/corpus/repos)
#
# Results: $E2E_CACHE/work/corpus/results.json and results.md (a table), one folder per
# repository with init, build, up and service logs. Exit 0 when the run itself worked (a
# repository that does not come up is a result, not an error of the run).
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "$0")/../lib.sh"

all=0 only=
while [ $# -gt 0 ]; do
	case $1 in
	--all) all=1 ;;
	--only) only=${2:?--only needs a value}; shift ;;
	*) die "usage: $0 [--all] [--only SUBSTRING]" ;;
	esac
	shift
done
MIRRORS=${CORPUS_MIRRORS:-/work/.mirror}
# The corpus entries (another folder of the same format, for a check of the script itself).
DATA=${CORPUS_DATA:-$REPO_ROOT/testdata/corpus/repos}
[ -d "$MIRRORS" ] || die "no mirrors at $MIRRORS (set CORPUS_MIRRORS; internal/corpus/README.md says how to get them)"
BUILD_TIMEOUT=${BUILD_TIMEOUT:-900}
NONSERVABLE_BUILD_TIMEOUT=${NONSERVABLE_BUILD_TIMEOUT:-60}
UP_WAIT_TIMEOUT=${UP_WAIT_TIMEOUT:-180}
WORK=$E2E_CACHE/work/corpus
WEB_URL=http://127.0.0.1:8000

harness_lock
"$E2E_DIR/setup.sh" packages docker compose images wheels

index_until_exit

(cd "$REPO_ROOT" && go build -o "$E2E_BIN/containerize" ./cmd/containerize && go build -o "$E2E_BIN/servable" ./e2e/corpus/servable) ||
	die "building containerize or servable failed"

# The stand-in python image is the only Python the machine has. When it offers a single
# minor version, every repository is initialised with --python at that version: the
# machine's limit, not an edit of the project (the project's own declaration is reported).
mapfile -t py_tags < <("$DOCKER" image ls python --format '{{.Tag}}' | sed -n 's/^\([0-9]*\.[0-9]*\)-slim$/\1/p' | sort -u)
[ ${#py_tags[@]} -gt 0 ] || die "no python:*-slim stand-in image (run e2e/setup.sh images)"
python_flag=()
if [ ${#py_tags[@]} -eq 1 ]; then
	python_flag=(--python "${py_tags[0]}")
	log "the stand-in python image offers only Python ${py_tags[0]}: init gets --python ${py_tags[0]}"
fi
py=${py_tags[0]}

rm -rf "$WORK"
mkdir -p "$WORK/trees"
log "corpus: exporting the repositories and checking what the index serves"
only_args=()
[ -z "$only" ] || only_args=(-only "$only")
"$E2E_BIN/servable" -data "$DATA" -mirrors "$MIRRORS" -bin "$E2E_BIN/containerize" \
	-wheels "$E2E_WHEELS" -python "$py" -work "$WORK/trees" "${only_args[@]}" -json >"$WORK/servable.json" ||
	die "servable failed"
log "corpus: $(jq '[.[] | select(.servable)] | length' "$WORK/servable.json") of $(jq length "$WORK/servable.json") repositories servable"

# ---------------------------------------------------------------------------------------
# One repository

# first_match FILE ERE: the first line of FILE matching ERE, trimmed to 200 characters.
first_match() { grep -m1 -E "$2" "$1" 2>/dev/null | sed 's/^#[0-9]* [0-9.]* //' | cut -c1-200; }

# build_reason LOG: why a build failed, classified, with the failing step's last output line
# (BuildKit's plain progress: "#N ERROR: …" names the step, "#N 12.3 text" is its output).
build_reason() {
	local logf=$1 line step name last
	step=$(grep -m1 -oE '^#[0-9]+ ERROR' "$logf" | cut -d' ' -f1)
	name=$(grep -m1 -E "^$step \\[" "$logf" | sed 's/^#[0-9]* //')
	last=$(grep -E "^$step [0-9.]+ ." "$logf" | tail -n1 | sed 's/^#[0-9]* [0-9.]* //' | cut -c1-200)
	if line=$(first_match "$logf" 'No matching distribution found for|Could not find a version that satisfies') && [ -n "$line" ]; then
		echo "unservable dependency: $line"
	elif line=$(first_match "$logf" 'pull access denied|failed to resolve source metadata|failed to do request|not found: manifest unknown') && [ -n "$line" ]; then
		echo "base image unavailable: $line"
	elif line=$(first_match "$logf" 'THESE PACKAGES DO NOT MATCH THE HASHES|do not match the hashes') && [ -n "$line" ]; then
		echo "hash mismatch: $line"
	elif [[ $name == *collectstatic* ]]; then
		echo "collectstatic failed at build: $last"
	else
		echo "build error in $(grep -oE '^\[[^]]*\]' <<<"${name:-[an unnamed step]}"): ${last:-$(grep -m1 -E 'failed to solve|ERROR' "$logf" | cut -c1-200)}"
	fi
}

# up_reason PROJECT: which service failed and how, from the containers' state and logs.
up_reason() {
	local project=$1 id service state code health last
	for id in $("$DOCKER" ps -aq --filter "label=com.docker.compose.project=$project"); do
		IFS='|' read -r service state code health < <("$DOCKER" inspect -f \
			'{{index .Config.Labels "com.docker.compose.service"}}|{{.State.Status}}|{{.State.ExitCode}}|{{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' "$id")
		last=$(timeout 20 "$DOCKER" logs --tail 40 "$id" 2>&1 | grep -E 'Error|Exception|error:|FATAL|ImproperlyConfigured' | tail -n1 | cut -c1-200)
		[ -n "$last" ] || last=$(timeout 20 "$DOCKER" logs --tail 1 "$id" 2>&1 | cut -c1-200)
		case "$service/$state/$code/$health" in
		*/running/*/healthy | */running/*/- | */exited/0/*) ;;
		migrate/exited/*) echo "migrate failed (exit $code): $last"; return ;;
		*/exited/* | */restarting/*) echo "$service did not start (exit $code): $last"; return ;;
		*/running/*/unhealthy | */running/*/starting)
			echo "$service $health: $("$DOCKER" inspect -f '{{range .State.Health.Log}}{{printf "%.150s" .Output}}{{"\n"}}{{end}}' "$id" | grep . | tail -n1) / $last"
			return
			;;
		esac
	done
	echo "up --wait failed: $(grep -m1 -iE 'error|unhealthy|exited' "$2" | cut -c1-200)"
}

# http_status PATH: the status of GET PATH (000 when nothing answers).
http_status() { curl -sS -m 10 -o /dev/null -w '%{http_code}' "$WEB_URL$1" 2>/dev/null || true; }

# run_repo INDEX: init, build, up, requests, down for the INDEX-th entry of servable.json;
# appends its result to results.jsonl.
run_repo() {
	local i=$1 repo dir servable admin slug project rdir init_rc=0 forced=false build_to reason='' healthy=false
	local root_status=- admin_status=- start
	repo=$(jq -r ".[$i].repo" "$WORK/servable.json")
	dir=$(jq -r ".[$i].dir" "$WORK/servable.json")
	servable=$(jq -r ".[$i].servable" "$WORK/servable.json")
	admin=$(jq -r ".[$i].admin_url" "$WORK/servable.json")
	slug=$(tr 'A-Z/+.' 'a-z---' <<<"$repo")
	project=$E2E_PROJECT_PREFIX-corpus-$slug
	rdir=$WORK/logs/${repo/\//+}
	mkdir -p "$rdir"
	start=$(date +%s)
	log "[$repo] init --yes ${python_flag[*]}"

	finish() {
		jq -n --arg repo "$repo" --argjson servable "$servable" --argjson init_rc "$init_rc" \
			--argjson forced "$forced" --argjson healthy "$healthy" --arg root "$root_status" \
			--arg admin_url "$admin" --arg admin "$admin_status" --arg reason "$reason" \
			--argjson seconds $(($(date +%s) - start)) --arg why_not_servable "$(jq -r ".[$i].why_not // \"\"" "$WORK/servable.json")" \
			'{repo: $repo, servable: $servable, init_rc: $init_rc, forced: $forced, healthy: $healthy,
			  root_status: $root, admin_url: $admin_url, admin_status: $admin, reason: $reason,
			  why_not_servable: $why_not_servable, seconds: $seconds}' >>"$WORK/results.jsonl"
		log "[$repo] healthy=$healthy / $root_status $admin $admin_status${reason:+ — $reason}"
	}

	"$E2E_BIN/containerize" init --yes --json "${python_flag[@]}" "$dir" </dev/null >"$rdir/init.json" 2>"$rdir/init.log" || init_rc=$?
	if [ $init_rc = 3 ]; then
		# Files the project already has (its own Dockerfile, compose file): init asks before
		# replacing them. --force is what its user would answer; the originals stay as .bak.
		forced=true
		init_rc=0
		"$E2E_BIN/containerize" init --yes --json --force "${python_flag[@]}" "$dir" </dev/null >"$rdir/init.json" 2>"$rdir/init-force.log" || init_rc=$?
	fi
	if [ $init_rc != 0 ]; then
		reason="init failed (exit $init_rc): $(grep -v '^warning\|^note' "$rdir/init"*.log | tail -n1 | sed 's/^[^:]*log://' | cut -c1-200)"
		finish
		return
	fi

	# The compose file init wrote: docker-compose.yml, or the project's own compose.yaml it
	# replaced in place. Its development override is left out: this is the production stack.
	local compose_file
	compose_file=$(jq -r '.plan.files.compose // "docker-compose.yml"' "$rdir/init.json" 2>/dev/null || echo docker-compose.yml)
	local files=(-f "$dir/$compose_file" -f "$rdir/compose.e2e.yml")
	if ! compose_override "$rdir/compose.e2e.yml" "$dir" "$dir/$compose_file" >"$rdir/config.log" 2>&1; then
		reason="compose config failed: $(grep -m1 . "$rdir/config.log" | cut -c1-200)"
		finish
		return
	fi
	# dc SECONDS ARGS...: docker compose on this repository's files, bounded in time.
	dc() {
		local to=$1
		shift
		PIP_INDEX_URL=$E2E_INDEX_URL timeout "$to" "$DOCKER" compose -p "$project" --project-directory "$dir" "${files[@]}" "$@"
	}

	build_to=$BUILD_TIMEOUT
	[ "$servable" = true ] || build_to=$NONSERVABLE_BUILD_TIMEOUT
	local brc=0
	dc "$build_to" --progress plain build >"$rdir/build.log" 2>&1 || brc=$?
	if [ $brc != 0 ]; then
		if [ $brc = 124 ]; then
			reason="build timeout (${build_to}s): last step $(grep -E '^#[0-9]+ \[' "$rdir/build.log" | tail -n1 | cut -c1-150)"
		else
			reason=$(build_reason "$rdir/build.log")
		fi
		cleanup_repo
		finish
		return
	fi

	if ! dc $((UP_WAIT_TIMEOUT + 60)) up --wait --wait-timeout "$UP_WAIT_TIMEOUT" >"$rdir/up.log" 2>&1; then
		reason=$(up_reason "$project" "$rdir/up.log")
	else
		healthy=true
	fi
	root_status=$(http_status /)
	admin_status=$(http_status "${admin%/}/login/")
	if [ "$healthy" = true ]; then
		case $root_status in 5* | 000) reason="HTTP $root_status on /" ;; esac
		case $admin_status in
		200) ;;
		*) reason="${reason:+$reason; }HTTP $admin_status on ${admin%/}/login/" ;;
		esac
	fi
	timeout 60 "$DOCKER" compose -p "$project" logs --no-color >"$rdir/compose.log" 2>&1 || true
	cleanup_repo
	finish
}

# cleanup_repo: the repository's containers, networks, volumes and app images.
cleanup_repo() {
	timeout 120 "$DOCKER" compose -p "$project" down -v --remove-orphans --timeout 10 >"$rdir/down.log" 2>&1 || true
	"$DOCKER" image ls -q --filter "label=com.docker.compose.project=$project" | xargs -r "$DOCKER" image rm -f >/dev/null 2>&1 || true
}

: >"$WORK/results.jsonl"
n=$(jq length "$WORK/servable.json")
for ((i = 0; i < n; i++)); do
	if [ $all = 1 ] || [ "$(jq -r ".[$i].servable" "$WORK/servable.json")" = true ]; then
		run_repo "$i"
	fi
done

jq -s . "$WORK/results.jsonl" >"$WORK/results.json"
{
	echo "| repository | servable | init | healthy | / | admin login | reason |"
	echo "|---|---|---|---|---|---|---|"
	jq -r '.[] | "| \(.repo) | \(if .servable then "yes" else "no: \(.why_not_servable)" end) | \(if .init_rc != 0 then "exit \(.init_rc)" elif .forced then "--force" else "ok" end) | \(if .healthy then "yes" else "no" end) | \(.root_status) | \(.admin_url | rtrimstr("/"))/login/ \(.admin_status) | \(.reason | gsub("\\|"; "\\|")) |"' "$WORK/results.json"
} >"$WORK/results.md"
cat "$WORK/results.md"
log "corpus: $(jq '[.[] | select(.healthy)] | length' "$WORK/results.json") healthy, $(jq '[.[] | select(.healthy and (.root_status | test("^[1-4]"))and .admin_status == "200")] | length' "$WORK/results.json") answering, of $(jq length "$WORK/results.json") run; results in $WORK/results.{json,md}"
