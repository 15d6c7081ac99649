# shellcheck shell=bash disable=SC2154 # psql is the entry point's
# Sourced by the postgres stand-in's entry point on first start (psql is its command array,
# the temporary server is up): the official postgis image's initdb script, trimmed to the
# extensions a GeoDjango project uses.
"${psql[@]}" --dbname postgres <<-'SQL'
	CREATE DATABASE template_postgis IS_TEMPLATE true;
SQL
for db in template_postgis "$POSTGRES_DB"; do
	echo "loading PostGIS extensions into $db"
	"${psql[@]}" --dbname "$db" <<-'SQL'
		CREATE EXTENSION IF NOT EXISTS postgis;
		CREATE EXTENSION IF NOT EXISTS postgis_topology;
	SQL
done
