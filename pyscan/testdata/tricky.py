# -*- coding: utf-8 -*-
import os, sys
from django.core.exceptions import ImproperlyConfigured  # noqa: F401

NOTE = """
SECRET_KEY = 'this is not a setting'
DEBUG = True
"""
ANOTHER = '''it's got "both" quotes
and INSTALLED_APPS = []'''
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY",  # comment in a call
    'fallback-'  'joined'
)
DEBUG = os.environ.get('DEBUG', 'False').lower() in ('1', 'true', 'yes')
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
PATTERN = r"^\d+\\$"
UNICODE = "caf\u00e9 \u2022"
BYTES_VALUE = b"\x00\x01"
EMPTY = ""
CONTINUED = "first " \
    "second"
A = B = "chained"
X, Y = "x", "y"
COUNT: int = 3
MIDDLEWARE = ["a"]; MIDDLEWARE += ["b",]
if DEBUG:
    INSTALLED_APPS = ["debug_toolbar"]
LIST_OF_TUPLES = [
    ("a", 1),  # first
    ("b", 2),
]
ESCAPED_QUOTE = 'don\'t "stop"'
FSTRING = f"{os.getcwd()}/static"
TABBED = "a\tb"
def helper():
    return {"SECRET_KEY": "inside a function"}
class Settings:
    NAME = "class attribute"
LAST = 'end'
