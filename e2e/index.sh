#!/usr/bin/env bash
# index.sh start|stop|status: the local package index (e2e/pyindex) serving the wheelhouse
# on 127.0.0.1:$E2E_INDEX_PORT, in the background, its PID in $E2E_CACHE/run/pyindex.pid.
# "start" returns once the index answers (bounded); starting a running index is a no-op.
set -euo pipefail
# shellcheck source=e2e/lib.sh
source "$(dirname "$0")/lib.sh"

pidfile=$E2E_RUN/pyindex.pid

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
answers() { curl -fsS -m 2 -o /dev/null "$E2E_INDEX_URL" 2>/dev/null; }

case ${1:-} in
start)
	if running && answers; then
		log "index: already serving $E2E_INDEX_URL (pid $(cat "$pidfile"))"
		exit 0
	fi
	[ -x "$E2E_BIN/pyindex" ] || die "no $E2E_BIN/pyindex; run e2e/setup.sh wheels"
	if answers; then
		die "something else answers on port $E2E_INDEX_PORT; set E2E_INDEX_PORT"
	fi
	setsid nohup "$E2E_BIN/pyindex" -dir "$E2E_WHEELS" -port "$E2E_INDEX_PORT" \
		>>"$E2E_LOGS/pyindex.log" 2>&1 </dev/null 9>&- &
	echo $! >"$pidfile"
	wait_until 20 "the index on $E2E_INDEX_URL" answers ||
		{ tail -n 20 "$E2E_LOGS/pyindex.log" >&2; die "the index did not start"; }
	log "index: serving $E2E_INDEX_URL (pid $(cat "$pidfile"), log $E2E_LOGS/pyindex.log)"
	;;
stop)
	if running; then
		pid=$(cat "$pidfile")
		kill "$pid"
		# It shuts down within 5 s by itself; do not wait longer than that and a bit.
		for _ in $(seq 1 10); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
		log "index: stopped (pid $pid)"
	fi
	rm -f "$pidfile"
	;;
status)
	if running && answers; then
		echo "serving $E2E_INDEX_URL (pid $(cat "$pidfile"))"
	else
		echo "not running"
		exit 1
	fi
	;;
*)
	echo "usage: $0 start|stop|status" >&2
	exit 2
	;;
esac
