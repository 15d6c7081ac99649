from django.urls import path

from . import views

urlpatterns = [
    path("", views.issue_list, name="issue-list"),
    path("<int:pk>/", views.issue_detail, name="issue-detail"),
]
