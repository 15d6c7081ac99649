# Copy to production_local.py and fill in: a template, never imported.
from .production import *  # noqa: F403

ALLOWED_HOSTS = ["shop.example.com"]
