from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=500)
    pinned = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pinned", "id"]

    def __str__(self):
        return self.text
