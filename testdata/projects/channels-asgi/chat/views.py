from django.shortcuts import render

from .models import Message


def index(request):
    return render(request, 'chat/index.html')


def room(request, room_name):
    history = Message.objects.filter(room=room_name).order_by('-sent')[:50]
    return render(request, 'chat/room.html', {'room_name': room_name, 'history': reversed(history)})
