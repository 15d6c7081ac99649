from django.urls import path

from . import views

urlpatterns = [
    path("places.geojson", views.geojson, name="places-geojson"),
    path("nearby.geojson", views.nearby, name="places-nearby"),
    path("places.kml", views.kml, name="places-kml"),
]
