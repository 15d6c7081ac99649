from django.db import models


class Ticket(models.Model):
    class Priority(models.IntegerChoices):
        LOW = 1
        NORMAL = 2
        URGENT = 3

    subject = models.CharField(max_length=200)
    description = models.TextField()
    email = models.EmailField()
    priority = models.IntegerField(choices=Priority.choices, default=Priority.NORMAL)
    resolved = models.BooleanField(default=False)
    opened = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ['resolved', '-priority', 'opened']

    def __str__(self):
        return f'#{self.pk} {self.subject}'
