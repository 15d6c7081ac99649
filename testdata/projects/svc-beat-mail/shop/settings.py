import environ
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://shop@localhost/shop")}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

# Celery talks to the broker the deployment names; the default is RabbitMQ.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="amqp://guest@localhost//")

# Rate limits and the cart cache live in redis.
REDIS_URL = env("REDIS_URL", default="redis://localhost:6379/1")

# Mail goes to the console unless the deployment turns SMTP on.
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if env.bool("ENABLE_EMAIL", default=False):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
