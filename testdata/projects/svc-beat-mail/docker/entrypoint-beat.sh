#!/bin/sh
set -e
python manage.py check --deploy
exec celery --app=shop \
    beat \
    --loglevel=INFO
