#!/usr/bin/env bash
# Scenario 1, library: the DRF tutorial project (Pipfile + Pipfile.lock) with postgres.
# The API answers and takes a record that survives `compose down` and `up`; migrations ran
# against postgres, not sqlite; static files are served; the web process is not root. Also
# times a code-only rebuild against one that changes the dependencies.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start library library
prepare_sample library
lock_pipfile
init_project --services postgres
as_a_checkout
config_check
build first
up first

# The router root lists the books endpoint, as JSON.
api_root() {
	status_is 200 /api/v1/ -H 'Accept: application/json' && jq -e .books "$RUN_DIR/body" >/dev/null
}
check "GET /api/v1/ answers 200 with JSON listing books" api_root

# DjangoModelPermissionsOrAnonReadOnly: writing needs a user with the add permission; DRF's
# default authentication classes include HTTP Basic, so a superuser can POST directly.
SU_PASS=e2e-$RANDOM-$RANDOM
create_superuser() {
	compose exec -T -e DJANGO_SUPERUSER_USERNAME=e2e -e DJANGO_SUPERUSER_EMAIL=e2e@example.com \
		-e DJANGO_SUPERUSER_PASSWORD="$SU_PASS" web python manage.py createsuperuser --noinput
}
BOOK='{"title": "Two Scoops of Django", "author": "Greenfeld", "isbn": "9780692915721", "published": "2020-05-01"}'
create_book() {
	local got
	got=$(curl -sS -m 10 -o "$RUN_DIR/body" -w '%{http_code}' -u "e2e:$SU_PASS" \
		-H 'Content-Type: application/json' -H 'Accept: application/json' -d "$BOOK" "$WEB_URL/api/v1/books/")
	log "[$SCENARIO] POST /api/v1/books/ -> $got $(head -c 200 "$RUN_DIR/body")"
	[ "$got" = 201 ] && jq -e '.isbn == "9780692915721"' "$RUN_DIR/body" >/dev/null
}
anonymous_cannot_write() {
	local got
	got=$(curl -sS -m 10 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$BOOK" "$WEB_URL/api/v1/books/")
	[ "$got" = 403 ] || [ "$got" = 401 ]
}
book_listed() {
	status_is 200 /api/v1/books/ -H 'Accept: application/json' &&
		jq -e '.count == 1 and .results[0].isbn == "9780692915721"' "$RUN_DIR/body" >/dev/null
}
check "createsuperuser --noinput in the web container" create_superuser
check "an anonymous POST is refused" anonymous_cannot_write
check "POST /api/v1/books/ as the superuser creates a book (201)" create_book
check "GET /api/v1/books/ lists the new book" book_listed

# shellcheck disable=SC2016 # expanded by the db container's shell
psql_db() { compose exec -T db sh -c 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "$0"' "$1"; }
migrated_in_postgres() {
	local n
	n=$(psql_db "select count(*) from django_migrations where app = 'books'") || return 1
	log "[$SCENARIO] postgres has $n books migration(s); books rows: $(psql_db 'select count(*) from books_book')"
	[ "${n:-0}" -ge 1 ]
}
# shellcheck disable=SC2016 # expanded by the web container's shell
no_sqlite_file() { compose exec -T web sh -c 'test -z "$(find /app -name "*.sqlite3")"'; }
check "migrations ran against postgres" migrated_in_postgres
check "no sqlite database in the web container" no_sqlite_file
check "static files are served (admin CSS 200)" status_is 200 /static/admin/css/base.css

common_checks books/views.py

# A dependency change: one more pinned package, locked again. Everything from the lockfile
# copy on must run again; the time is the cost of a dependency change. The comment with the
# time makes the change new to Docker's build cache on every run (a warm machine has built
# "library + six" before), so the measured time is a real reinstall each time.
deps_change_rebuilds() {
	sed -i "s/^\\[packages\\]\$/[packages]\\n# e2e: added at $(date +%s)\\nsix = \"==1.16.0\"/" "$APP/Pipfile"
	lock_pipfile
	build deps web
	step_ran "$RUN_DIR/build-deps.log" '\[[^]]*build [0-9]+/[0-9]+\] RUN .*pip install --require-hashes'
}
check "a dependency change reinstalls the dependencies" deps_change_rebuilds

# The record outlives the containers: the data lives in the named volume.
log "[$SCENARIO] compose down (keeping volumes), then up again"
compose down --timeout 10 >"$RUN_DIR/down-keep.log" 2>&1 || die "compose down failed"
up second
check "the book is still there after down and up" book_listed
check "the rebuilt image has the added dependency" compose exec -T web python -c 'import six'

scenario_end
