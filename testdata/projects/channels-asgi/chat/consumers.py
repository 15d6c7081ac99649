import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from .models import Message


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.room_name = self.scope['url_route']['kwargs']['room_name']
        self.room_group_name = f'chat_{self.room_name}'

        # Join room group
        await self.channel_layer.group_add(self.room_group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, close_code):
        # Leave room group
        await self.channel_layer.group_discard(self.room_group_name, self.channel_name)

    # Receive message from WebSocket
    async def receive(self, text_data):
        message = json.loads(text_data)['message']
        user = self.scope.get('user')
        author = user.username if user and user.is_authenticated else 'anonymous'
        await self.save_message(author, message)

        # Send message to room group
        await self.channel_layer.group_send(
            self.room_group_name,
            {'type': 'chat.message', 'message': message, 'author': author},
        )

    # Receive message from room group
    async def chat_message(self, event):
        await self.send(text_data=json.dumps({'message': event['message'], 'author': event['author']}))

    @database_sync_to_async
    def save_message(self, author, text):
        Message.objects.create(room=self.room_name, author=author, text=text)
