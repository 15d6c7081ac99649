from django.apps import AppConfig


class EarlyConfig(AppConfig):
    name = 'stories'
