#!/usr/bin/env bash
# Issue 14, mysqlclient: the mysql sample (mysqlclient, whose wheel links Debian's
# libmariadb3) against the mysql:8.4 stand-in (MariaDB from Debian), without the mail
# service (`--services mysql`: there is no mail stand-in). The Dockerfile's image installs
# libmariadb3 with apt-get; `containerize build` adds it as a layer. Both images, run with the
# generated compose file, must answer the same: tickets stored through the ORM in MariaDB and
# listed by the variant's JSON view.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"
# shellcheck source=e2e/daemonless.sh
source "$(dirname "$0")/../daemonless.sh"

TICKETS='from tickets.models import Ticket as T
T.objects.create(subject="Printer on fire", description="Third floor", email="a@example.com", priority=T.Priority.URGENT)
T.objects.create(subject="New mouse", description="Left-handed", email="b@example.com", priority=T.Priority.LOW)
T.objects.create(subject="VPN slow", description="Since Monday", email="c@example.com", resolved=True)
print(T.objects.count())'

questions() {
	answer GET /open.json
	printf 'created -> %s\n' "$(compose exec -T web python manage.py shell -c "$TICKETS")"
	answer GET /open.json
	# The form page carries a fresh CSRF token: its status only.
	printf 'GET / -> %s\n' "$(curl -sS -m 20 -o /dev/null -w '%{http_code}' "$WEB_URL/")"
	printf 'client -> %s\n' "$(compose exec -T web python -c 'import MySQLdb; print(MySQLdb.version_info[:3], MySQLdb.get_client_info().split("-")[0].split(".")[0])')"
	printf 'server -> %s\n' "$(compose exec -T web python manage.py shell -c 'from django.db import connection; connection.ensure_connection(); print(connection.vendor, connection.mysql_is_mariadb)')"
}
expect() {
	printf '%s\n' '^GET /open.json -> 200 \{"server":"mysql","tickets":\[\]\}' '^created -> 3$' \
		'^GET /open.json -> 200 \{"server":"mysql","tickets":\[\{"id":1,"priority":"Urgent","subject":"Printer on fire"\},\{"id":2,"priority":"Low","subject":"New mouse"\}\]\}' \
		'^GET / -> 200$' '^client -> \(1, 4, 6\) 3$' '^server -> mysql True$'
}

scenario_start mysql mysql
port_free 3306 || die "127.0.0.1:3306 is taken; the generated .env publishes MariaDB (the db service) there"
prepare_sample mysql
init_project --services mysql
as_a_checkout
config_check
build first
up first
check "the Dockerfile image's stack answers (tickets stored in MariaDB)" ask docker
check "in the Dockerfile image mysqlclient's libraries resolve (ldd)" libs_resolve "$APP_IMAGE" 'py:import MySQLdb._mysql as m; print(m.__file__)'
common_checks tickets/views.py

daemonless_half libmariadb3 -- 'py:import MySQLdb._mysql as m; print(m.__file__)'
scenario_end
