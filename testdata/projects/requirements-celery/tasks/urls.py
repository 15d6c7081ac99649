from django.urls import path

from . import views

urlpatterns = [
    path("runs/", views.run_list, name="run-list"),
    path("runs/add/", views.enqueue_add, name="run-add"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
]
