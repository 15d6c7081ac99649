from .base import *  # noqa

DEBUG = True
SECRET_KEY = "local-only"
INSTALLED_APPS += ["debug_toolbar"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
