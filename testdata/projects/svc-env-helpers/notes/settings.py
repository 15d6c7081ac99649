import os
from pathlib import Path

from notes.envparse import get_bool_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def envsecret(name, default=None):
    """A secret from NAME, or from the file NAME_FILE points at."""
    if path := os.getenv(name + "_FILE"):
        return Path(path).read_text().strip()
    return os.getenv(name, default)


def envbool(name, default):
    value = os.getenv(name, default)
    if value not in ("", "True", "False"):
        raise ValueError(f"{name} must be True or False, not {value!r}")
    return value == "True"


SECRET_KEY = envsecret("NOTES_SECRET_KEY")
DEBUG = envbool("NOTES_DEBUG", "False")
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "localhost").split(",")
USE_X_FORWARDED_HOST = get_bool_from_env("NOTES_BEHIND_PROXY")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "notes.urls"
WSGI_APPLICATION = "notes.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "db.sqlite3",
    }
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static-collected"

# Django's MAILERS: SMTP only when the deployment names a server.
MAILERS = {}
if os.getenv("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.getenv("EMAIL_HOST", ""),
                "port": int(os.getenv("EMAIL_PORT", "587")),
                "password": envsecret("EMAIL_HOST_PASSWORD", ""),
            },
        },
    }
