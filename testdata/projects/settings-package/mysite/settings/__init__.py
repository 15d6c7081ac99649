# Settings are split by environment: base.py holds what is shared, production.py and
# development.py import it and override. Pick one with DJANGO_SETTINGS_MODULE.
