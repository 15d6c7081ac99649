SECRET_KEY = 'x'  # café
INSTALLED_APPS = ['django.contrib.admin']
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3'}}
