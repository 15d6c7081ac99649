"""
WSGI config for chat_project project.

It exposes the WSGI callable as a module-level variable named ``application``.
Websockets need the ASGI application in asgi.py; this file serves plain HTTP only.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chat_project.settings')

application = get_wsgi_application()
