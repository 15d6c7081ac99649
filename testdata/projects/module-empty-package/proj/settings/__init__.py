"""Settings for proj: pick one with DJANGO_SETTINGS_MODULE (proj.settings.local, proj.settings.prod)."""
# Nothing here on purpose: the modules below hold the settings.
