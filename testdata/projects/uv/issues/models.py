from django.conf import settings
from django.db import models


class Issue(models.Model):
    class State(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    state = models.CharField(max_length=6, choices=State.choices, default=State.OPEN)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_issues"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]

    def __str__(self):
        return f"#{self.pk} {self.title}"
