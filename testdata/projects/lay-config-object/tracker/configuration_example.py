# Copy to configuration.py and fill in.
SECRET_KEY = "django-insecure-lay-config-object-placeholder"
