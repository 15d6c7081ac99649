"""
WSGI config for shop project.

It exposes the WSGI callable as a module-level variable named ``application``.
The package must be importable: install it (`pip install .`) or put src/ on PYTHONPATH.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

application = get_wsgi_application()
