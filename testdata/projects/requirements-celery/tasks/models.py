from django.db import models


class TaskRun(models.Model):
    """The outcome of one background job, kept so the API can report it."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCESS = "success"
        FAILURE = "failure"

    name = models.CharField(max_length=100)
    celery_id = models.CharField(max_length=50, unique=True, null=True, blank=True)
    arguments = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    result = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} [{self.status}]"
