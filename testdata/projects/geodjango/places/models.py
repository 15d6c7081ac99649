from django.contrib.gis.db import models


class Place(models.Model):
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # WGS84 longitude/latitude, as GPS devices and web maps report them.
    location = models.PointField(srid=4326)
    photo = models.ImageField(upload_to="places/", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
