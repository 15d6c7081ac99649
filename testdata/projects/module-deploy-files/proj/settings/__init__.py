"""Development settings by default; deployments set DJANGO_SETTINGS_MODULE=proj.settings.live."""
from .base import *  # noqa: F401,F403

DEBUG = True
