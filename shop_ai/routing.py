"""WebSocket routes of the whole project."""

from django.urls import path

from livestream.consumers import StudioRoomConsumer, ViewerConsumer
from shop_ai.consumers import StudioConsumer

websocket_urlpatterns = [
    path("ws/studio/", StudioConsumer.as_asgi()),
    path("ws/studio/<int:room_id>/", StudioRoomConsumer.as_asgi()),
    path("ws/live/<slug:slug>/", ViewerConsumer.as_asgi()),
]
