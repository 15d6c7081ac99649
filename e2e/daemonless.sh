# shellcheck shell=bash
# daemonless.sh: what the scenarios on projects needing Debian runtime libraries share
# (db-psycopg2, mysql, geodjango; issue 14). Source it after scenario.sh. Each of them runs the
# project twice on the generated compose file and asks both stacks the same questions:
#
#   1. the Dockerfile's image: `compose up --build --wait` (scenario.sh's `up`), `ask docker`;
#   2. `containerize build --load` (no Docker build: the Debian packages the plan names become
#      a layer of the image) on the python stand-in given as docker-archive:FILE, tagged as the
#      compose file's image and started with `up --no-build --wait`, `ask daemonless`.
#
# The answers must be identical (`same_answers`) and match the scenario's `expect` patterns, so
# two identically broken stacks do not pass; in both images the driver's shared libraries must
# resolve (`ldd`) and, in the daemonless one, the Debian packages must be registered for dpkg.
# The scenario defines `questions` (answer lines on stdout, lib.sh's `answer`) and `expect`
# (grep -E patterns, one a line).

# The containerize build cache of each scenario outlives the run, so a warm run downloads no
# wheel and no .deb; the cold figure is a run with E2E_COLD_BUILD=1 (or after deleting it).
DAEMONLESS_CACHE=
CONTAINERIZE=$E2E_BIN/containerize

# ask NAME: the scenario's questions to the running stack, into $RUN_DIR/NAME.answers (and the
# log); each `expect` pattern must match a line.
ask() {
	local name=$1 pattern
	# shellcheck disable=SC2034 # read by lib.sh's answer
	ANSWER_BODY=$RUN_DIR/answer-body
	questions >"$RUN_DIR/$name.answers" || { log "[$SCENARIO] asking the $name stack failed"; return 1; }
	sed "s/^/    $name: /" "$RUN_DIR/$name.answers" >&2
	while read -r pattern; do
		grep -Eq "$pattern" "$RUN_DIR/$name.answers" || { log "[$SCENARIO] no $name answer matches $pattern"; return 1; }
	done < <(expect)
}

# same_answers: the two stacks answered alike (diff: - Dockerfile image, + daemonless image).
same_answers() {
	diff -u "$RUN_DIR/docker.answers" "$RUN_DIR/daemonless.answers" >&2
}

# libs_resolve IMAGE FILE...: in IMAGE, `ldd` finds every library each FILE needs; a FILE
# starting with "py:" is a Python expression naming a file (a module's __file__), and none of
# them from a wheel's own copy. Prints what ldd says about the libraries of interest.
libs_resolve() {
	local image=$1 f script='set -e'
	shift
	for f in "$@"; do
		case $f in
		py:*) script="$script; f=\$(python -c 'import sys; ${f#py:}'); echo \"== \$f\"; ldd \"\$f\"" ;;
		*) script="$script; echo \"== $f\"; ldd \"$f\"" ;;
		esac
	done
	timeout 60 "$DOCKER" run --rm --user 0 --entrypoint sh "$image" -c "$script" >"$RUN_DIR/ldd.out" 2>&1 ||
		{ tail -n 20 "$RUN_DIR/ldd.out" >&2; return 1; }
	grep -E '^== |libpq|libmariadb|libgdal|libgeos|libproj' "$RUN_DIR/ldd.out" | sed 's/^/    ldd: /' >&2
	! grep -F 'not found' "$RUN_DIR/ldd.out" >&2 || return 1
	# The Debian packages must be what provides them: a wheel carrying its own copies (a
	# NAME.libs folder, as auditwheel makes) would pass without them.
	! grep -F '.libs/' "$RUN_DIR/ldd.out" >&2 || { log "[$SCENARIO] a library comes from the wheel, not from Debian's package (the wheelhouse's -system-libs)"; return 1; }
}

# packages_registered IMAGE PACKAGE...: `dpkg -l PACKAGE` in IMAGE lists each as installed
# (ii), so dpkg, Trivy and Syft see what the image holds.
packages_registered() {
	local image=$1 out
	shift
	out=$(timeout 60 "$DOCKER" run --rm --user 0 --entrypoint dpkg "$image" -l "$@" 2>&1) || { echo "$out" >&2; return 1; }
	local p
	for p in "$@"; do
		grep -Eq "^ii  $p(:[a-z0-9]+)? " <<<"$out" || { echo "dpkg -l $p: $(grep -E " ${p}[: ]" <<<"$out" || echo 'not listed')" >&2; return 1; }
	done
	grep -E '^ii ' <<<"$out" | awk '{print "    dpkg: " $2 " " $3}' >&2
}

# base_archive: the python stand-in saved as a `docker save` file, kept per image id, so a warm
# run saves nothing.
base_archive() {
	local id dir=$E2E_CACHE/base file
	id=$("$DOCKER" image inspect -f '{{.Id}}' python:3.11-slim) || return 1
	file=$dir/python-3.11-slim-$(cut -c8-19 <<<"$id").tar
	if [ ! -s "$file" ]; then
		mkdir -p "$dir"
		rm -f "$dir"/python-3.11-slim-*.tar
		timeout 300 "$DOCKER" save -o "$file.tmp" python:3.11-slim && mv "$file.tmp" "$file" || return 1
	fi
	echo "$file"
}

# containerize_build NAME: `containerize build --load` of the project into the compose file's
# image name, base: the python stand-in as docker-archive:FILE; output in
# $RUN_DIR/containerize-build-NAME.{out,log}. Records containerize_build_NAME_s.
containerize_build() {
	local name=$1 base start rc=0
	base=$(base_archive) || { log "[$SCENARIO] docker save python:3.11-slim failed"; return 1; }
	start=$(date +%s)
	PIP_INDEX_URL=$E2E_INDEX_URL timeout 900 "$CONTAINERIZE" build --base "docker-archive:$base" \
		--cache-dir "$DAEMONLESS_CACHE" --load --tag "$APP_IMAGE" "$APP" \
		>"$RUN_DIR/containerize-build-$name.out" 2>"$RUN_DIR/containerize-build-$name.log" || rc=$?
	record "containerize_build_${name}_s" $(($(date +%s) - start))
	log "[$SCENARIO] containerize build --load ($name): exit $rc after $(($(date +%s) - start))s"
	sed 's/^/    build: /' "$RUN_DIR/containerize-build-$name.log" >&2
	return $rc
}

# daemonless_half PACKAGE... -- LIBFILE...: the second run (see the top of this file): the
# Debian PACKAGEs must be registered in the daemonless image and each LIBFILE's libraries
# resolve there (libs_resolve's forms). Takes the first run's stack down, volumes too: both
# runs start from an empty database.
daemonless_half() {
	local pkgs=() libs docker_id id
	while [ "$1" != -- ]; do pkgs+=("$1"); shift; done
	shift
	libs=("$@")
	compose down -v --timeout 10 >"$RUN_DIR/down-docker.log" 2>&1 || die "compose down failed (log: $RUN_DIR/down-docker.log)"
	# This run's binary, whatever another checkout's run writes to $E2E_BIN meanwhile.
	cp "$E2E_BIN/containerize" "$RUN_DIR/containerize"
	CONTAINERIZE=$RUN_DIR/containerize
	DAEMONLESS_CACHE=$E2E_CACHE/containerize-build/$SCENARIO
	[ "${E2E_COLD_BUILD:-0}" != 1 ] || rm -rf "$DAEMONLESS_CACHE"
	# What the build will add, and why (the plan of Debian packages), for the log.
	PIP_INDEX_URL=$E2E_INDEX_URL timeout 300 "$CONTAINERIZE" build --print-deb-plan \
		--base "docker-archive:$(base_archive)" --cache-dir "$DAEMONLESS_CACHE" "$APP" \
		>"$RUN_DIR/deb-plan.out" 2>"$RUN_DIR/deb-plan.log" || log "[$SCENARIO] --print-deb-plan failed (log: $RUN_DIR/deb-plan.log)"
	head -n 40 "$RUN_DIR/deb-plan.out" | sed 's/^/    deb plan: /' >&2
	docker_id=$("$DOCKER" image inspect -f '{{.Id}}' "$APP_IMAGE" 2>/dev/null || true)
	record docker_image_mb $(($("$DOCKER" image inspect -f '{{.Size}}' "$APP_IMAGE") / 1000000))
	containerize_build first || die "containerize build failed (log: $RUN_DIR/containerize-build-first.log)"
	# Warm: nothing changed, so nothing is downloaded (wheels, .debs) and the layers are reused.
	containerize_build warm || die "the warm containerize build failed (log: $RUN_DIR/containerize-build-warm.log)"
	check "the warm containerize build reuses the Debian layer" grep -q '^debian: [0-9]* packages cached' "$RUN_DIR/containerize-build-warm.log"
	check "the warm containerize build asks the package index nothing" grep -q ': 0 requests, 0 bytes downloaded' "$RUN_DIR/containerize-build-warm.log"
	id=$("$DOCKER" image inspect -f '{{.Id}}' "$APP_IMAGE") || die "containerize build --load left no $APP_IMAGE"
	[ "$id" != "$docker_id" ] || die "$APP_IMAGE is still the Dockerfile's image after containerize build --load"
	record daemonless_image_mb $(($("$DOCKER" image inspect -f '{{.Size}}' "$APP_IMAGE") / 1000000))
	log "[$SCENARIO] images: Dockerfile $(($("$DOCKER" image inspect -f '{{.Size}}' "$docker_id" 2>/dev/null || echo 0) / 1000000)) MB, daemonless $(($("$DOCKER" image inspect -f '{{.Size}}' "$APP_IMAGE") / 1000000)) MB"
	check "the daemonless image registers the Debian packages (dpkg -l ${pkgs[*]})" packages_registered "$APP_IMAGE" "${pkgs[@]}"
	check "in the daemonless image the driver's libraries resolve (ldd)" libs_resolve "$APP_IMAGE" "${libs[@]}"
	up daemonless --no-build
	check "the daemonless image's stack answers (expected answers)" ask daemonless
	check "both images answer the same questions the same way" same_answers
	check "the daemonless web process runs as a non-root user" runs_as_non_root web
}
