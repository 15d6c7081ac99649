"""Local development settings. Never used by manage.py, wsgi.py or asgi.py by default."""

from .base import *  # noqa: F401,F403

SECRET_KEY = 'django-insecure-development-only-placeholder-key'

DEBUG = True

ALLOWED_HOSTS = ['localhost', '127.0.0.1', '[::1]']

EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'
