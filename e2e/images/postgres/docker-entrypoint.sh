#!/bin/bash
# Entry point of the postgres:17 stand-in, following the official image's documented behaviour.
set -euo pipefail

# `docker run postgres:17 -c fsync=off` means the server with those options.
if [ "${1#-}" != "$1" ]; then
	set -- postgres "$@"
fi

if [ "$1" != postgres ]; then
	exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
	# A fresh named volume may belong to root; the server refuses to run as root.
	install -d -m 0700 "$PGDATA"
	chown -R postgres:postgres "$PGDATA"
	chmod 0700 "$PGDATA"
	install -d -o postgres -g postgres -m 3777 /var/run/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		echo "error: database is uninitialized and POSTGRES_PASSWORD is not set" >&2
		echo "       set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust)" >&2
		exit 1
	fi
	echo "initializing database in $PGDATA for user $POSTGRES_USER"
	# shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options, split on purpose
	initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:-}") \
		--auth-local=trust ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA"
	# Listen on every interface (the official image's sample config does the same) and
	# let other containers in with a password.
	echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
	printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

	# A temporary server on the Unix socket only, to create the database and run init scripts.
	pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
	psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER")
	if [ "$POSTGRES_DB" != postgres ]; then
		"${psql[@]}" --dbname postgres --set db="$POSTGRES_DB" <<-'SQL'
			CREATE DATABASE :"db";
		SQL
	fi
	for f in /docker-entrypoint-initdb.d/*; do
		# shellcheck disable=SC1090 # sources the user's init scripts
		case "$f" in
		*.sh) echo "running $f"; . "$f" ;;
		*.sql) echo "running $f"; "${psql[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
		*.sql.gz) echo "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$POSTGRES_DB" ;;
		*) ;;
		esac
	done
	pg_ctl -D "$PGDATA" -m fast -w stop
	echo "database initialized; starting the server"
fi

exec "$@"
