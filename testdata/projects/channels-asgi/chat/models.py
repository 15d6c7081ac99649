from django.db import models


class Message(models.Model):
    room = models.CharField(max_length=100, db_index=True)
    author = models.CharField(max_length=150)
    text = models.TextField()
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ['sent']

    def __str__(self):
        return f'[{self.room}] {self.author}: {self.text[:30]}'
