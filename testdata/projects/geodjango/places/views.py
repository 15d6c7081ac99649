from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.serializers import serialize
from django.http import HttpResponse, HttpResponseBadRequest
from lxml import etree

from .models import Place

KML_NS = "http://www.opengis.net/kml/2.2"


def geojson(request):
    data = serialize("geojson", Place.objects.all(), geometry_field="location", fields=["name"])
    return HttpResponse(data, content_type="application/geo+json")


def nearby(request):
    try:
        point = Point(float(request.GET["lon"]), float(request.GET["lat"]), srid=4326)
        km = float(request.GET.get("km", "5"))
    except (KeyError, ValueError):
        return HttpResponseBadRequest("lon, lat (and optionally km) are required numbers")
    places = (
        Place.objects.filter(location__distance_lte=(point, D(km=km)))
        .annotate(distance=Distance("location", point))
        .order_by("distance")
    )
    data = serialize("geojson", places, geometry_field="location", fields=["name"])
    return HttpResponse(data, content_type="application/geo+json")


def kml(request):
    root = etree.Element("{%s}kml" % KML_NS, nsmap={None: KML_NS})
    document = etree.SubElement(root, "{%s}Document" % KML_NS)
    for place in Place.objects.all():
        mark = etree.SubElement(document, "{%s}Placemark" % KML_NS)
        etree.SubElement(mark, "{%s}name" % KML_NS).text = place.name
        point = etree.SubElement(mark, "{%s}Point" % KML_NS)
        etree.SubElement(point, "{%s}coordinates" % KML_NS).text = f"{place.location.x},{place.location.y}"
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return HttpResponse(body, content_type="application/vnd.google-earth.kml+xml")
