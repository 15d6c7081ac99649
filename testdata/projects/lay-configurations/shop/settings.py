from pathlib import Path

from configurations import Configuration, values

BASE_DIR = Path(__file__).resolve().parent.parent


class Common(Configuration):
    SECRET_KEY = values.SecretValue()
    DEBUG = values.BooleanValue(False)
    ALLOWED_HOSTS = values.ListValue(["localhost"])

    INSTALLED_APPS = [
        "django.contrib.admin",
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
        "django.contrib.staticfiles",
    ]
    ROOT_URLCONF = "shop.urls"
    WSGI_APPLICATION = "shop.wsgi.application"

    DATABASES = values.DatabaseURLValue(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")

    STATIC_URL = "/static/"
    STATIC_ROOT = BASE_DIR / "staticfiles"


class Dev(Common):
    DEBUG = True


class Prod(Common):
    DATABASES = values.DatabaseURLValue("postgres://shop@localhost/shop")

    @property
    def MEDIA_ROOT(self):
        return BASE_DIR / "uploads"
