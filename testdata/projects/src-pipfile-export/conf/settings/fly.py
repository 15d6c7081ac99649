"""Settings of the fly.io deployment (Dockerfile.fly)."""
import os

from conf.settings.base import *  # noqa: F403

SECRET_KEY = os.environ["FLY_SECRET_KEY"]
