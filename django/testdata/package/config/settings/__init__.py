import os

# Pick the settings module from the environment.
if os.environ.get("DJANGO_ENV") == "production":
    from .production import *  # noqa
else:
    from .local import *  # noqa
