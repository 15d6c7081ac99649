"""The Celery app lives in a tasks package, not in proj/celery.py."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")

queue = Celery("proj")
queue.config_from_object("django.conf:settings", namespace="CELERY")
queue.autodiscover_tasks()
