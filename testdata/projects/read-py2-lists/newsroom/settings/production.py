from base import *


def extra_apps(apps):
    return apps + ('django.contrib.sitemaps',)


INSTALLED_APPS += ('raven.contrib.django.raven_compat',)
INSTALLED_APPS = list(INSTALLED_APPS)
INSTALLED_APPS.append('django.contrib.humanize')
INSTALLED_APPS.insert(0, 'stories.apps.EarlyConfig')
INSTALLED_APPS = extra_apps(tuple(INSTALLED_APPS))
MIDDLEWARE_CLASSES += ['django.middleware.clickjacking.XFrameOptionsMiddleware']
