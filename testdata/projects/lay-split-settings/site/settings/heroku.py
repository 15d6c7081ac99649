import os

SECRET_KEY = os.environ["HEROKU_SECRET_KEY"]
