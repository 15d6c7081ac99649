#!/bin/bash
# Entry point of the mysql:8.4 stand-in (MariaDB), following the official image's documented
# behaviour for what the generated compose files use.
set -euo pipefail

# `docker run mysql:8.4 --max-connections=50` means the server with those options.
if [ "${1#-}" != "$1" ]; then
	set -- mariadbd "$@"
fi
case "$1" in mysqld | mariadbd) ;; *) exec "$@" ;; esac

if [ "$(id -u)" = 0 ]; then
	# A fresh named volume may belong to root; the server runs as mysql.
	chown -R mysql:mysql /var/lib/mysql /run/mysqld
	exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
fi

# The official MariaDB image reads MARIADB_*; MySQL's reads MYSQL_*. Either works here.
: "${MYSQL_ROOT_PASSWORD:=${MARIADB_ROOT_PASSWORD:-}}"
: "${MYSQL_ALLOW_EMPTY_PASSWORD:=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-}}"
: "${MYSQL_RANDOM_ROOT_PASSWORD:=${MARIADB_RANDOM_ROOT_PASSWORD:-}}"
: "${MYSQL_DATABASE:=${MARIADB_DATABASE:-}}"
: "${MYSQL_USER:=${MARIADB_USER:-}}"
: "${MYSQL_PASSWORD:=${MARIADB_PASSWORD:-}}"

if [ ! -d /var/lib/mysql/mysql ]; then
	if [ -z "$MYSQL_ROOT_PASSWORD" ] && [ -z "$MYSQL_ALLOW_EMPTY_PASSWORD" ] && [ -z "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
		echo "error: database is uninitialized and password option is not specified" >&2
		echo "       You need to specify one of MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD and MYSQL_RANDOM_ROOT_PASSWORD" >&2
		exit 1
	fi
	if [ -n "$MYSQL_RANDOM_ROOT_PASSWORD" ]; then
		MYSQL_ROOT_PASSWORD=$(head -c 24 /dev/urandom | base64)
		echo "GENERATED ROOT PASSWORD: $MYSQL_ROOT_PASSWORD"
	fi
	echo "initializing database in /var/lib/mysql"
	mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db \
		--auth-root-authentication-method=normal >/dev/null
	# A temporary server on the Unix socket only, to create the users and run init scripts.
	socket=/run/mysqld/init.sock
	"$@" --skip-networking --socket="$socket" &
	pid=$!
	mysql=(mariadb --protocol=socket --socket="$socket" -uroot)
	for _ in $(seq 1 60); do
		"${mysql[@]}" -e 'SELECT 1' >/dev/null 2>&1 && break
		sleep 0.5
	done
	"${mysql[@]}" -e 'SELECT 1' >/dev/null || { echo "error: the temporary server did not start" >&2; exit 1; }
	# sql_quote VALUE: VALUE as a SQL string literal.
	sql_quote() { local v=${1//\\/\\\\}; printf "'%s'" "${v//\'/\\\'}"; }
	rootpw=$(sql_quote "$MYSQL_ROOT_PASSWORD")
	{
		echo "SET @@SESSION.SQL_LOG_BIN=0;"
		echo "DROP USER IF EXISTS ''@'localhost', ''@'$(hostname)';"
		echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $rootpw;"
		echo "CREATE USER 'root'@'%' IDENTIFIED BY $rootpw;"
		echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
		if [ -n "$MYSQL_DATABASE" ]; then
			echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
		fi
		if [ -n "$MYSQL_USER" ] && [ -n "$MYSQL_PASSWORD" ]; then
			echo "CREATE USER '$MYSQL_USER'@'%' IDENTIFIED BY $(sql_quote "$MYSQL_PASSWORD");"
			if [ -n "$MYSQL_DATABASE" ]; then
				echo "GRANT ALL ON \`${MYSQL_DATABASE//_/\\_}\`.* TO '$MYSQL_USER'@'%';"
			fi
		fi
		echo "FLUSH PRIVILEGES;"
	} | "${mysql[@]}"
	mysql+=(-p"$MYSQL_ROOT_PASSWORD")
	for f in /docker-entrypoint-initdb.d/*; do
		# shellcheck disable=SC1090 # sources the user's init scripts
		case "$f" in
		*.sh) echo "running $f"; . "$f" ;;
		*.sql) echo "running $f"; "${mysql[@]}" ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} <"$f" ;;
		*.sql.gz) echo "running $f"; gunzip -c "$f" | "${mysql[@]}" ${MYSQL_DATABASE:+"$MYSQL_DATABASE"} ;;
		*) ;;
		esac
	done
	kill "$pid"
	wait "$pid" || true
	echo "database initialized; starting the server"
fi

exec "$@"
