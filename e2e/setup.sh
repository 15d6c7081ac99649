#!/usr/bin/env bash
# setup.sh: install and start everything the e2e harness needs on a fresh Debian 12 machine
# that reaches only the Go module proxy and Debian's archive. Idempotent: each step checks
# whether its result already exists and returns at once if so, so warm runs take seconds.
#
#   e2e/setup.sh                 all steps, in order
#   e2e/setup.sh STEP...         only these: packages docker compose images wheels devcontainer
#                                syft (not a default step: only e2e/build/sbom.sh needs it)
#
# Environment: E2E_CACHE (default ~/.cache/containerize-e2e), COMPOSE_VERSION,
# E2E_REBUILD_IMAGES=1 (rebuild the stand-in images even if they exist).
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "$0")/lib.sh"

# Debian packages for the host: the engine, tools to build the stand-in images, and the
# python3-* distributions the wheelhouse repackages for the local index. Recommends are
# skipped, so every package the harness relies on is named here (git also applies the e2e
# variants, e2e/projects/*.patch: Debian's `patch` is not installed on every Debian 12).
APT_PACKAGES=(
	docker.io debootstrap patchelf jq curl ca-certificates git python3-venv
	# The Django stacks of the sample projects.
	python3-django python3-djangorestframework python3-asgiref python3-sqlparse python3-tz
	python3-gunicorn python3-whitenoise python3-psycopg2 python3-psycopg
	python3-dj-database-url python3-django-environ python3-django-redis python3-redis
	python3-celery python3-django-celery-beat
	python3-uvicorn python3-h11 python3-daphne python3-django-channels python3-channels-redis
	python3-pil python3-mysqldb python3-sentry-sdk
	# The geodjango sample's KML export.
	python3-lxml
	# The pdm sample's dev group (locked; the dev image installs it, production never), and
	# requirements-celery's requirements/dev.txt (celery-dev's development image).
	python3-pytest python3-pytest-django python3-django-debug-toolbar
	# The library variant's development-only package (new-teammate, devcontainer).
	python3-coverage
	# watchmedo, which restarts Celery in the development environment (bookworm has no
	# watchfiles).
	python3-watchdog
	# Package managers the generated Dockerfiles install with pip (bookworm has no uv).
	pipenv python3-virtualenv python3-virtualenv-clone python3-platformdirs python3-filelock
	python3-distlib python3-certifi python3-setuptools python3-wheel
	python3-poetry python3-pdm
)

step_packages() {
	local p missing=()
	for p in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "packages: all ${#APT_PACKAGES[@]} installed"
		return
	fi
	log "packages: installing ${missing[*]}"
	apt_install "${missing[@]}"
}

# apt_install PACKAGE...: apt-get update, then install without recommends (log: logs/apt.log).
apt_install() {
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >>"$E2E_LOGS/apt.log" 2>&1 || { tail -n 40 "$E2E_LOGS/apt.log" >&2; die "apt-get update failed"; }
	apt-get install -y -q --no-install-recommends "$@" >>"$E2E_LOGS/apt.log" 2>&1 ||
		{ tail -n 40 "$E2E_LOGS/apt.log" >&2; die "apt-get install failed (log: $E2E_LOGS/apt.log)"; }
}

step_docker() {
	if "$DOCKER" info >/dev/null 2>&1; then
		log "docker: daemon answers"
		return
	fi
	command -v dockerd >/dev/null || die "dockerd not found; run: $0 packages"
	log "docker: starting dockerd (log: $E2E_LOGS/dockerd.log)"
	# setsid + nohup: the daemon outlives this script and its terminal, for warm runs.
	# teardown.sh --daemon stops it by the PID recorded here.
	setsid nohup dockerd >>"$E2E_LOGS/dockerd.log" 2>&1 </dev/null 9>&- &
	echo $! >"$E2E_RUN/dockerd.pid"
	if ! wait_until 60 "dockerd to answer" "$DOCKER" info; then
		tail -n 30 "$E2E_LOGS/dockerd.log" >&2
		die "dockerd did not start"
	fi
	log "docker: $("$DOCKER" version --format 'engine {{.Server.Version}}')"
}

# build_module MODULE VERSION PACKAGE BIN LDFLAGS: build PACKAGE of a Go module from the
# module proxy into BIN. `go install` refuses modules whose go.mod has exclude or replace
# directives (Compose has), so build inside a copy of the downloaded module, outside any
# module, so nothing touches the project's go.mod/go.sum. Log: $E2E_LOGS/NAME-build.log.
build_module() {
	local module=$1 version=$2 pkg=$3 bin=$4 ldflags=$5 name work dir
	name=$(basename "$bin")
	name=${name%%-v*}
	work=$(mktemp -d "$E2E_CACHE/$name-build.XXXXXX")
	dir=$(cd "$work" && go mod download -json "$module@$version" |
		sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
	[ -n "$dir" ] || die "go mod download of $module $version failed"
	cp -r "$dir" "$work/src"
	chmod -R u+w "$work/src"
	(cd "$work/src" && GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w $ldflags" \
		-o "$bin.tmp" "$pkg") >"$E2E_LOGS/$name-build.log" 2>&1 ||
		{ tail -n 30 "$E2E_LOGS/$name-build.log" >&2; die "$name build failed"; }
	mv "$bin.tmp" "$bin"
	rm -rf "$work"
}

# Compose v2, cached per version.
step_compose() {
	local bin=$E2E_BIN/docker-compose-$COMPOSE_VERSION plugin=$DOCKER_CONFIG/cli-plugins/docker-compose
	if [ ! -x "$bin" ]; then
		log "compose: building $COMPOSE_VERSION from the Go module proxy (several minutes, once)"
		build_module github.com/docker/compose/v2 "$COMPOSE_VERSION" ./cmd "$bin" \
			"-X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION"
	fi
	if ! cmp -s "$bin" "$plugin"; then
		install -D -m 0755 "$bin" "$plugin"
	fi
	log "compose: $("$DOCKER" compose version --short)"
}

# Syft, a second opinion on what an image holds (e2e/build/sbom.sh compares its findings with
# the SBOM containerize build writes), cached per version: about 6 minutes on 2 cores. Not a
# default step: only sbom.sh needs it.
step_syft() {
	if [ ! -x "$SYFT" ]; then
		log "syft: building $SYFT_VERSION from the Go module proxy (several minutes, once)"
		build_module github.com/anchore/syft "$SYFT_VERSION" ./cmd/syft "$SYFT" "-X main.version=$SYFT_VERSION"
	fi
	log "syft: $("$SYFT" version -o json | jq -r .version)"
}

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# Each stand-in is labelled with a digest of its build folder and of the base image it sits
# on, so editing e2e/images/* or rebuilding the base rebuilds it, and nothing else does.
SOURCE_LABEL=org.containerize.e2e.source
image_source() { "$DOCKER" image inspect -f "{{index .Config.Labels \"$SOURCE_LABEL\"}}" "$1" 2>/dev/null; }
# source_digest DIR [BASE]: BASE is the stand-in DIR's Dockerfile starts FROM (default the
# debootstrap base).
source_digest() {
	{
		(cd "$E2E_DIR/images/$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
		"$DOCKER" image inspect -f '{{.Id}}' "${2:-$E2E_BASE_IMAGE}"
	} | sha256sum | cut -c1-16
}

# The base of every stand-in: a minimal Debian bookworm from debootstrap, slimmed like the
# official debian:bookworm-slim (no docs, man pages or locales; no apt lists), with apt
# sources copied from this machine so `apt-get install` in images uses the same archive.
build_base() {
	local mirror rootfs
	mirror=$(debian_mirror) || die "no Debian bookworm mirror in /etc/apt/sources.list.d/"
	rootfs=$(mktemp -d "$E2E_CACHE/rootfs.XXXXXX")
	log "images: debootstrap minbase bookworm from $mirror"
	debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$E2E_LOGS/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$E2E_LOGS/debootstrap.log" >&2; die "debootstrap failed"; }
	# Packages installed later in image builds skip the same files.
	cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<-'EOF'
		path-exclude /usr/share/doc/*
		path-include /usr/share/doc/*/copyright
		path-exclude /usr/share/man/*
		path-exclude /usr/share/info/*
		path-exclude /usr/share/locale/*
		path-include /usr/share/locale/locale.alias
		path-exclude /usr/share/lintian/*
	EOF
	find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
	rm -rf "$rootfs/usr/share/man/"* "$rootfs/usr/share/info/"* "$rootfs/usr/share/lintian"
	find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
	# No init system in a container: package scripts must not try to start services.
	printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
	chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
		>"$rootfs/etc/apt/apt.conf.d/90e2e-no-recommends"
	debian_sources_lines >"$rootfs/etc/apt/sources.list"
	rm -rf "$rootfs/var/lib/apt/lists/"* "$rootfs/var/cache/apt/"*.bin "$rootfs/var/cache/apt/archives/"*.deb
	# debootstrap unmounts what it mounted; refuse to delete a tree that still has mounts.
	if grep -q " $rootfs/" /proc/mounts; then
		die "$rootfs still has mounts; not importing"
	fi
	tar --numeric-owner -C "$rootfs" -c . |
		"$DOCKER" import \
			-c "LABEL $SOURCE_LABEL=$BASE_REVISION" \
			-c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
			-c 'ENV LANG=C.UTF-8' \
			-c 'CMD ["bash"]' - "$E2E_BASE_IMAGE" >/dev/null
	rm -rf "$rootfs"
}

# build_image TAG DIR [ARGS...]: the stand-in image from e2e/images/DIR, unless the image
# with that tag was built from the same sources. Host networking lets apt reach the archive
# the same way this machine does. IMAGE_FROM names the stand-in it starts FROM when that is
# not the debootstrap base.
build_image() {
	local tag=$1 dir=$2 digest
	shift 2
	digest=$(source_digest "$dir" "${IMAGE_FROM:-}")
	if [ "${E2E_REBUILD_IMAGES:-0}" != 1 ] && [ "$(image_source "$tag")" = "$digest" ]; then
		return
	fi
	log "images: building $tag"
	"$DOCKER" build --network host --label "$SOURCE_LABEL=$digest" -t "$tag" "$@" "$E2E_DIR/images/$dir" \
		>"$E2E_LOGS/image-$dir.log" 2>&1 ||
		{ tail -n 30 "$E2E_LOGS/image-$dir.log" >&2; die "building $tag failed (log: $E2E_LOGS/image-$dir.log)"; }
}

# Bump when build_base changes, so the next run makes a new base (and new stand-ins).
BASE_REVISION=base-1

step_images() {
	local pyver
	if [ "${E2E_REBUILD_IMAGES:-0}" = 1 ] || [ "$(image_source "$E2E_BASE_IMAGE")" != "$BASE_REVISION" ]; then
		build_base
	fi
	# The interpreter version the archive serves, without the Debian revision; the python
	# image's build checks that its python3 reports the same. Only asked when building.
	pyver() {
		apt-cache policy python3.11 | awk '/Candidate:/ { sub(/-.*/, "", $2); print $2 }' | grep . ||
			die "cannot tell python3.11's version from apt-cache"
	}
	if [ "${E2E_REBUILD_IMAGES:-0}" = 1 ] || [ "$(image_source python:3.11-slim)" != "$(source_digest python)" ]; then
		pyver=$(pyver)
		build_image python:3.11-slim python --build-arg "PYTHON_VERSION=$pyver"
	fi
	build_image postgres:17 postgres
	build_image redis:7 redis
	# The database servers of the samples needing Debian runtime libraries (psycopg2,
	# mysqlclient, GeoDjango): MariaDB as mysql:8.4, PostGIS on the postgres stand-in.
	build_image mysql:8.4 mysql
	IMAGE_FROM=postgres:17 build_image postgis/postgis:17-3.5 postgis
	# Stand-ins replaced by a rebuild are left untagged; drop them.
	"$DOCKER" image prune -f --filter "label=$SOURCE_LABEL" >/dev/null
	"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' |
		grep -E '^(python:3.11-slim|postgres:17|redis:7|mysql:8.4|postgis/postgis:17-3.5|containerize-e2e/debian:bookworm) ' |
		while read -r name size; do log "images: $name $size"; done
}

# Wheels from the python3-* distributions installed above; the wheelhouse skips wheels that
# are already newer than their source, so warm runs only re-hash. psycopg2 and mysqlclient
# link Debian's libpq5 and libmariadb3 (as when pip builds them from source with the -dev
# packages), so an image without those packages fails to import them; psycopg2-binary, the
# same distribution published under that name, carries its libraries.
step_wheels() {
	local tool
	for tool in wheelhouse pyindex pinlock; do
		(cd "$REPO_ROOT" && go build -o "$E2E_BIN/$tool" "./e2e/$tool")
	done
	"$E2E_BIN/wheelhouse" -out "$E2E_WHEELS" -alias psycopg2=psycopg2-binary \
		-system-libs psycopg2,mysqlclient >"$E2E_LOGS/wheelhouse.log" 2>&1 ||
		{ tail -n 30 "$E2E_LOGS/wheelhouse.log" >&2; die "wheelhouse failed (log: $E2E_LOGS/wheelhouse.log)"; }
	log "wheels: $(find "$E2E_WHEELS" -name '*.whl' | wc -l) in $E2E_WHEELS ($(tail -n1 "$E2E_LOGS/wheelhouse.log"))"
}

# The Dev Containers reference CLI, @devcontainers/cli, from the npm registry with npm, into
# the cache (one folder a version; a warm run installs nothing). The pinned version is the
# last whose engines admit Node 18, Debian bookworm's nodejs (0.85.0 and later want Node 20);
# it has no dependencies, one bundled script. Node and npm come from Debian when the machine
# has none.
step_devcontainer() {
	local dir=$E2E_CACHE/devcontainers-cli-$DEVCONTAINERS_CLI_VERSION
	if [ -x "$DEVCONTAINER" ] && [ "$("$DEVCONTAINER" --version 2>/dev/null)" = "$DEVCONTAINERS_CLI_VERSION" ]; then
		log "devcontainer: @devcontainers/cli $DEVCONTAINERS_CLI_VERSION (node $(node --version))"
		return
	fi
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		log "devcontainer: installing Debian's nodejs and npm"
		apt_install nodejs npm
	fi
	node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 16 || (a === 16 && b >= 13) ? 0 : 1)' ||
		die "node $(node --version) is older than @devcontainers/cli $DEVCONTAINERS_CLI_VERSION needs (^16.13.0 || >=18.0.0)"
	log "devcontainer: npm install @devcontainers/cli@$DEVCONTAINERS_CLI_VERSION (node $(node --version), npm $(npm --version))"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	timeout 600 npm install --prefix "$dir.tmp" --no-audit --no-fund --no-save --no-update-notifier \
		"@devcontainers/cli@$DEVCONTAINERS_CLI_VERSION" >"$E2E_LOGS/npm.log" 2>&1 ||
		{ tail -n 30 "$E2E_LOGS/npm.log" >&2; die "npm install @devcontainers/cli failed (log: $E2E_LOGS/npm.log)"; }
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	[ "$("$DEVCONTAINER" --version)" = "$DEVCONTAINERS_CLI_VERSION" ] || die "the installed devcontainer CLI does not run"
}

main() {
	local steps=("$@") s
	[ ${#steps[@]} -gt 0 ] || steps=(packages docker compose images wheels devcontainer)
	[ "$(id -u)" = 0 ] || die "run as root (apt-get, dockerd and debootstrap need it)"
	for s in "${steps[@]}"; do
		declare -F "step_$s" >/dev/null || die "unknown step $s (packages docker compose images wheels devcontainer syft)"
		timed "setup $s" "step_$s"
	done
}

main "$@"
