# >>> containerize: settings from the environment >>>
# Added by `containerize init`; delete the block to undo. Each value falls back to what the
# settings above say, so the project still runs unchanged outside Docker. The image sets
# CONTAINERIZE_FAIL_CLOSED=1: there DEBUG is off unless set, and NOTES_SECRET_KEY must be set.
import os as _os
import re as _re
from pathlib import Path as _Path
from urllib.parse import unquote as _unquote, urlsplit as _urlsplit

_fail_closed = _os.environ.get("CONTAINERIZE_FAIL_CLOSED") == "1"
if _os.environ.get("NOTES_SECRET_KEY"):
    SECRET_KEY = _os.environ["NOTES_SECRET_KEY"]
elif _fail_closed:
    raise RuntimeError(
        "NOTES_SECRET_KEY is not set: the image does not use the key in the settings. Give it one "
        "(docker run --env-file .env, or -e NOTES_SECRET_KEY=...; docker compose reads .env)."
    )
DEBUG = _os.environ.get("DEBUG", "False" if _fail_closed else str(globals().get("DEBUG", False))).lower() in ("1", "true", "yes", "on")
# Lists are separated by commas or spaces.
if _os.environ.get("ALLOWED_HOSTS"):
    ALLOWED_HOSTS = [_h for _h in _re.split(r"[\s,]+", _os.environ["ALLOWED_HOSTS"]) if _h]
if _os.environ.get("CSRF_TRUSTED_ORIGINS"):
    CSRF_TRUSTED_ORIGINS = [_o for _o in _re.split(r"[\s,]+", _os.environ["CSRF_TRUSTED_ORIGINS"]) if _o]


def _database_from_url(url):
    """DATABASES["default"] from a URL such as postgres://user:password@host:5432/name."""
    parts = _urlsplit(url)
    engines = {
        "postgres": "django.db.backends.postgresql",
        "postgresql": "django.db.backends.postgresql",
        "postgis": "django.contrib.gis.db.backends.postgis",
        "mysql": "django.db.backends.mysql",
        "sqlite": "django.db.backends.sqlite3",
    }
    if parts.scheme not in engines:
        raise ValueError("DATABASE_URL: unsupported scheme %r" % parts.scheme)
    if parts.scheme == "sqlite":
        # sqlite:////data/db.sqlite3 is an absolute path, sqlite:///db.sqlite3 a relative one.
        return {"ENGINE": engines["sqlite"], "NAME": _unquote(parts.path[1:]) or ":memory:"}
    return {
        "ENGINE": engines[parts.scheme],
        "NAME": _unquote(parts.path.lstrip("/")),
        "USER": _unquote(parts.username or ""),
        "PASSWORD": _unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
    }


if _os.environ.get("DATABASE_URL"):
    DATABASES = {**globals().get("DATABASES", {}), "default": _database_from_url(_os.environ["DATABASE_URL"])}
if _os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(_os.environ.get("EMAIL_PORT", "25"))
try:
    import whitenoise  # noqa: F401  (installed in the image by containerize)
except ImportError:
    pass
else:
    # Serves the collected static files from the application server.
    if "whitenoise.middleware.WhiteNoiseMiddleware" not in MIDDLEWARE:
        MIDDLEWARE = list(MIDDLEWARE)
        _at = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1 if "django.middleware.security.SecurityMiddleware" in MIDDLEWARE else 0
        MIDDLEWARE.insert(_at, "whitenoise.middleware.WhiteNoiseMiddleware")
if not globals().get("LOGGING"):
    # Errors reach `docker compose logs` even with DEBUG off.
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"console": {"class": "logging.StreamHandler"}},
        "root": {"handlers": ["console"], "level": _os.environ.get("LOG_LEVEL", "WARNING")},
    }
# <<< containerize <<<
