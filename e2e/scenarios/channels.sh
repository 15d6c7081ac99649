#!/usr/bin/env bash
# Scenario 3b, channels: an ASGI project served by daphne (the server init picks for it),
# with postgres and redis for the channel layer. Plain HTTP pages render (one reads
# postgres), and a websocket handshake on the chat route is accepted (101 Switching
# Protocols), which needs the consumer to join its group on the redis channel layer.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start channels channels-asgi
prepare_sample channels-asgi
# The sample declares no Python version; the only interpreter the stand-ins have is 3.11.
init_project --python 3.11
as_a_checkout
config_check
build first
up first

served_by_daphne() {
	local server
	server=$(curl -sS -m 10 -o /dev/null -D - "$WEB_URL/chat/" | tr -d '\r' | awk -F': ' 'tolower($1) == "server" {print $2}')
	log "[$SCENARIO] Server: $server"
	[ "$server" = daphne ]
}
check "the web service is daphne" served_by_daphne
check "GET /chat/ answers 200" status_is 200 /chat/
check "GET /chat/lobby/ (reads postgres) answers 200" status_is 200 /chat/lobby/

# A websocket upgrade by hand: curl prints the status line it got; the connection is then
# held open by the server, so -m bounds it (exit 28 is expected).
websocket_accepted() {
	local got
	got=$(curl --http1.1 -sS -m 5 -o /dev/null -w '%{http_code}' \
		-H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
		-H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H "Origin: http://localhost:$WEB_PORT" \
		"$WEB_URL/ws/chat/lobby/" 2>/dev/null) || true
	log "[$SCENARIO] websocket upgrade /ws/chat/lobby/ -> $got"
	[ "$got" = 101 ]
}
check "a websocket handshake on /ws/chat/lobby/ is accepted (101)" websocket_accepted

common_checks chat/views.py
scenario_end
