#!/usr/bin/env python
# os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commented.out")
"""
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "in.a.docstring")
"""
import os, sys
if __name__ == "__main__":
    os.environ.setdefault(
        "DJANGO_SETTINGS_MODULE",  # the real one
        'geo.settings'
    )
    from django.core.management import execute_from_command_line; execute_from_command_line(sys.argv)
