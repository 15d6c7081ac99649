#!/usr/bin/env bash
# Issue 14, GeoDjango: the geodjango sample (django.contrib.gis, the postgis backend, a
# PointField) against the postgis/postgis:17-3.5 stand-in (Debian's PostGIS 3.3 on
# PostgreSQL 15). Django loads GDAL and GEOS with ctypes (find_library, i.e. the loader's
# cache), psycopg2 links libpq5: the Dockerfile's image installs gdal-bin and libpq5 with
# apt-get, `containerize build` adds them as a layer. Both images, run with the generated
# compose file, must answer the same spatial queries (distance from a point, in PostGIS).
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"
# shellcheck source=e2e/daemonless.sh
source "$(dirname "$0")/../daemonless.sh"

PLACES='from django.contrib.gis.geos import Point
from places.models import Place
Place.objects.create(name="Brandenburg Gate", location=Point(13.3777, 52.5163, srid=4326))
Place.objects.create(name="Reichstag", location=Point(13.3762, 52.5186, srid=4326))
Place.objects.create(name="Eiffel Tower", location=Point(2.2945, 48.8584, srid=4326))
print(Place.objects.count())'
VERSIONS='from django.contrib.gis import gdal, geos
from django.db import connection
print(gdal.gdal_version().decode(), geos.geos_version().decode().split("-")[0], connection.ops.spatial_version[:2])'

# names: the names of the features of the GeoJSON body just answered, in order.
names() { jq -r '[.features[].properties.name] | join(", ")' "$ANSWER_BODY"; }

questions() {
	answer GET /places/places.geojson
	printf 'created -> %s\n' "$(compose exec -T web python manage.py shell -c "$PLACES")"
	answer GET /places/places.geojson
	answer GET '/places/nearby.geojson?lon=13.38&lat=52.52&km=2'
	printf 'nearby Berlin -> %s\n' "$(names)"
	answer GET '/places/nearby.geojson?lon=2.29&lat=48.86&km=5'
	printf 'nearby Paris -> %s\n' "$(names)"
	answer GET '/places/nearby.geojson?lon=east'
	answer GET /places/places.kml
	printf 'libraries -> %s\n' "$(compose exec -T web python manage.py shell -c "$VERSIONS")"
}
expect() {
	printf '%s\n' '^created -> 3$' '^nearby Berlin -> Reichstag, Brandenburg Gate$' '^nearby Paris -> Eiffel Tower$' \
		'^GET /places/nearby.geojson\?lon=east -> 400 ' '^GET /places/places.kml -> 200 ' \
		'^libraries -> 3\.6\.[0-9]+ 3\.11\.[0-9]+ \(3, 3\)$'
}

# The libraries GeoDjango loads, where Debian's packages put them (uname runs in the image).
# shellcheck disable=SC2016
GIS_LIBS=('/usr/lib/$(uname -m)-linux-gnu/libgdal.so.32' '/usr/lib/$(uname -m)-linux-gnu/libgeos_c.so.1'
	'/usr/lib/$(uname -m)-linux-gnu/libproj.so.25' 'py:import psycopg2._psycopg as m; print(m.__file__)')

scenario_start geodjango geodjango
prepare_sample geodjango
lock_pipfile
init_project
as_a_checkout
config_check
build first
up first
check "the Dockerfile image's stack answers spatial queries (PostGIS)" ask docker
check "in the Dockerfile image GDAL, GEOS, PROJ and psycopg2's libraries resolve (ldd)" libs_resolve "$APP_IMAGE" "${GIS_LIBS[@]}"
common_checks places/views.py

daemonless_half gdal-bin libgdal32 libgeos-c1v5 libproj25 libpq5 -- "${GIS_LIBS[@]}"
scenario_end
