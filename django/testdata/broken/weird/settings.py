SECRET_KEY = get_secret("x")
INSTALLED_APPS = [
    "django.contrib.auth",
    *get_plugins(),
    "weird.core"
DEBUG = True
DATABASES = {"default": make_db()}
CACHES = {
    "default": {"BACKEND": f"{CACHE_BACKEND}"},
}
STATIC_ROOT = None
EMAIL_BACKEND = "$$$" $ 2
