import importlib
import os

import environ

from .conf import CONFIG

root = environ.Path(__file__) - 2
env = environ.Env(
    TRACKER_DEBUG=(bool, False),
    TRACKER_DB_ENGINE=(str, "django.db.backends.mysql"),
    TRACKER_MEDIA_ROOT=(str, root("attachments")),
)

# Site configuration: an uncommitted module (configuration_example.py shows it).
configuration = importlib.import_module(os.environ.get("TRACKER_CONFIGURATION", "tracker.configuration"))

SECRET_KEY = getattr(configuration, "SECRET_KEY")
DEBUG = env("TRACKER_DEBUG")
ALLOWED_HOSTS = CONFIG.ALLOWED_HOSTS
TIME_ZONE = CONFIG.get("TIME_ZONE")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": env("TRACKER_DB_ENGINE"),
        "NAME": "tracker",
        "HOST": CONFIG.DB_HOST,
    }
}

STATIC_URL = "/static/"
STATIC_ROOT = getattr(configuration, "STATIC_ROOT", root("static"))
MEDIA_ROOT = getattr(configuration, "MEDIA_ROOT", env("TRACKER_MEDIA_ROOT")).rstrip("/")
