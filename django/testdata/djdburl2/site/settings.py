from pathlib import Path
import dj_database_url
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "django-insecure-abc"
DATABASES = {}
DATABASES["default"] = dj_database_url.config(
    default=f"postgres://postgres:postgres@localhost:5432/site",
    conn_max_age=600,
)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
INSTALLED_APPS = ["django.contrib.gis"]
