from django.urls import path

from . import views

app_name = 'tickets'

urlpatterns = [
    path('', views.TicketCreateView.as_view(), name='new'),
    path('thanks/', views.ThanksView.as_view(), name='thanks'),
]
