#!/usr/bin/env bash
# Scenario 3a, pdm: a lockfile install. The project's pdm.lock is exported with hashes and
# installed with --require-hashes; the image holds exactly the default group at the locked
# versions (no dev group), and the app serves its JSON view from postgres.
#
# Poetry is not the lockfile scenario because Debian bookworm's poetry 1.3.2 has no `export`
# command and the archive has no poetry-plugin-export, which the generated Dockerfile
# installs; uv is not in the archive at all. See README.md.
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

scenario_start pdm pdm
prepare_sample pdm
lock_pdm
init_project
as_a_checkout
config_check
build first
up first

# Exactly the default group, at the locked versions: what --require-hashes installed.
installed_as_locked() {
	compose exec -T web python - <<-'PY'
		import importlib.metadata as m, sys
		want = {"django": "3.2.25", "django-environ": "0.4.4", "gunicorn": "20.1.0", "psycopg2-binary": "2.9.5"}
		got = {n: m.version(n) for n in want}
		dev = [n for n in ("pytest", "pytest-django") if any(d.metadata["Name"].lower() == n for d in m.distributions())]
		print("installed:", got, "dev packages:", dev)
		sys.exit(got != want or bool(dev))
	PY
}
check "the image has the default group at the locked versions and no dev group" installed_as_locked

add_event() {
	compose exec -T web python manage.py shell -c "
from datetime import timedelta
from django.utils import timezone
from events.models import Event
Event.objects.create(title='Packaging night', venue='Library', starts_at=timezone.now() + timedelta(days=7))"
}
event_listed() {
	status_is 200 /events/ && jq -e '.events | length == 1 and .[0].title == "Packaging night"' "$RUN_DIR/body" >/dev/null
}
check "GET /events/ answers 200 with JSON" status_is 200 /events/
check "an event stored in postgres through the ORM" add_event
check "GET /events/ lists it" event_listed

common_checks events/views.py
scenario_end
