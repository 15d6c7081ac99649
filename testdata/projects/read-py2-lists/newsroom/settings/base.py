# -*- coding: utf-8 -*-
# Settings written for Python 2.7 (print statement, "except X, e", 0644, ur'').
import os

import dj_database_url

print "loading newsroom settings"

BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SECRET_KEY = os.environ["NEWSROOM_SECRET_KEY"]
DEBUG = os.environ.get("NEWSROOM_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("NEWSROOM_HOSTS", "localhost").split(",")

DJANGO_APPS = (
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'django.contrib.staticfiles',
)
THIRD_PARTY_APPS = ('django_extensions',)
LOCAL_APPS = ['stories']
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + tuple(LOCAL_APPS)

MIDDLEWARE_CLASSES = [
    'django.middleware.security.SecurityMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
]

ROOT_URLCONF = 'newsroom.urls'
WSGI_APPLICATION = 'newsroom.wsgi.application'

DATABASES = {'default': dj_database_url.config(default='sqlite:///' + os.path.join(BASE_DIR, 'db.sqlite3'))}

try:
    import raven
except ImportError, e:
    raven = None

FILE_UPLOAD_PERMISSIONS = 0644
STATIC_URL = ur'/static/'
STATIC_ROOT = os.path.join(BASE_DIR, 'staticfiles')

if DEBUG:
    EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'
EMAIL_HOST = os.environ.get('NEWSROOM_SMTP_HOST', 'smtp.example.com')
