# -*- coding: utf-8 -*-
"""
Settings for geo.

Old values, kept for reference:
SECRET_KEY = "from-the-docstring"
DEBUG = False
INSTALLED_APPS = ["fake"]
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = 'dj-insecure-\'quoted\'-"key"#not-a-comment'  # trailing comment
DEBUG = True
# DEBUG = False

ALLOWED_HOSTS = ['localhost', "127.0.0.1"]

INSTALLED_APPS = [
    'django.contrib.admin',      # the admin
    "django.contrib.auth",       # auth, with a "quote" in the comment
    # 'django.contrib.sites',
    '''django.contrib.gis''',
    "rest_framework",
    "rest_framework_gis",  # ]
]

HELP = '''
INSTALLED_APPS += ["fake_from_string"]
DATABASES = {}
'''

INSTALLED_APPS += [
    "geo.places",
]
INSTALLED_APPS.append("django_extensions")

if DEBUG:
    INSTALLED_APPS += ["debug_toolbar"]

MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
]

DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': 'geo',
        'USER': 'geo',
        'PASSWORD': 'geo',
        'HOST': 'localhost',
    },
}
DATABASES['default']['ENGINE'] = 'django.contrib.gis.db.backends.postgis'

MEDIA_ROOT = BASE_DIR / 'media'
STATIC_URL = '/static/'
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"; EMAIL_HOST = "mail"

try:
    from .local_settings import *  # noqa
except ImportError:
    pass
