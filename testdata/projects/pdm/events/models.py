from django.db import models


class Event(models.Model):
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField(default=50)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.title} @ {self.venue}"


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    name = models.CharField(max_length=100)
    email = models.EmailField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="one_registration_per_email"),
        ]
