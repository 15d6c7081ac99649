from .base import *  # noqa: F401,F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("POSTGRES_DB", "shop"),
        "USER": os.environ.get("POSTGRES_USER", "shop"),
        "HOST": os.environ.get("POSTGRES_HOST", "db"),
    }
}
INSTALLED_APPS += ["storages"]
STATIC_ROOT = BASE_DIR / "staticfiles"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": "memcached:11211",
    }
}
EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
