import os
from celery.schedules import crontab

SECRET_KEY = os.environ["SECRET_KEY"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "orders",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql_psycopg2", "NAME": "proj"}}
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "amqp://guest:guest@localhost:5672//")
CELERY_RESULT_BACKEND = "redis://localhost:6379/1"
CELERY_BEAT_SCHEDULE = {
    "nightly-report": {
        "task": "orders.tasks.report",
        "schedule": crontab(hour=3, minute=0),
    },
}
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
    }
}
WSGI_APPLICATION = "proj.wsgi.application"
