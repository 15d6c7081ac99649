import os

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", "site"),
        "HOST": os.environ.get("DB_HOST", "localhost"),
    }
}
