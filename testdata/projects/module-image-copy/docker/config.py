# Copied to settings/config.py by docker/Dockerfile: the settings the team's image runs.
import os

from .common import *  # noqa: F401,F403

SECRET_KEY = os.environ["SHOP_SECRET_KEY"]
DEBUG = os.environ.get("SHOP_DEBUG", "False") == "True"
ALLOWED_HOSTS = os.environ.get("SHOP_ALLOWED_HOSTS", "localhost").split(",")
