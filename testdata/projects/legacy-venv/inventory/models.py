from django.db import models


class Item(models.Model):
    sku = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=0)
    location = models.CharField(max_length=20, help_text='Aisle-shelf-bin, e.g. A-03-2')
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ('sku',)

    def __str__(self):
        return '%s %s' % (self.sku, self.name)
