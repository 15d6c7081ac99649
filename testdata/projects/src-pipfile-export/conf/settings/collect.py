"""Settings for collectstatic at image build time: no secrets needed."""
from conf.settings.base import *  # noqa: F403

SECRET_KEY = "django-insecure-collectstatic-only"
