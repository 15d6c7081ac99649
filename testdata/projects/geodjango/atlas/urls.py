"""
URL configuration for atlas project.

The `urlpatterns` list routes URLs to views. For more information please see:
    https://docs.djangoproject.com/en/4.2/topics/http/urls/
"""
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("places/", include("places.urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
