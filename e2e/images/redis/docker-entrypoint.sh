#!/bin/bash
# Entry point of the redis:7 stand-in, following the official image's behaviour.
set -euo pipefail

# `docker run redis:7 --appendonly yes` means redis-server with those options.
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = redis-server ]; then
	shift
	# The official image is built with protected mode off and listens on every interface,
	# so other containers on the network can connect. Debian's defaults differ; restore them
	# before the caller's own options, which win because later options override earlier ones.
	conf=()
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
		conf=("$1")
		shift
	fi
	set -- redis-server "${conf[@]}" --bind 0.0.0.0 --protected-mode no --dir /data "$@"
	if [ "$(id -u)" = 0 ]; then
		# A fresh named volume may be owned by root; the server runs unprivileged.
		find /data \! -user redis -exec chown redis:redis '{}' + 2>/dev/null || true
		exec setpriv --reuid=redis --regid=redis --init-groups "$@"
	fi
fi
exec "$@"
