ARG BASE=python:3.12-slim
FROM $BASE as Builder
ENV API_TOKEN=changeme
ARG DB_PASSWORD
WORKDIR app
ENV PYTHONUNBUFFERED 1
run pip install -r requirements.txt
COPY . .
COPY $SRC_DIR ./src
EXPOSE 8000/TCP
CMD gunicorn app.wsgi
CMD ["python", "manage.py", "runserver"]
FROM builder AS builder
