SECRET_KEY = __import__("os").environ["SECRET_KEY"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "rest_framework", "corsheaders"]
DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "NAME": "api", "HOST": "mysql"}}
WSGI_APPLICATION = "api.wsgi.application"
