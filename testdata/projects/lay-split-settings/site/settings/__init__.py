import os

from split_settings.tools import include, optional

# Settings split into components, run in this module's globals by django-split-settings.
extra = []
if os.environ.get("ON_HEROKU"):
    extra.append("heroku.py")
elif os.environ.get("SITE_ENV") == "production":
    extra.append("production.py")

include(
    "components/*.py",
    *extra,
    optional("local_settings.py"),
)
