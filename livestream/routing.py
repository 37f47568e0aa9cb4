"""The live room's WebSocket routes: the viewer feed and a room's studio socket."""

from django.urls import path

from livestream.consumers import StudioRoomConsumer, ViewerConsumer

websocket_urlpatterns = [
    path("ws/studio/<int:room_id>/", StudioRoomConsumer.as_asgi()),
    path("ws/live/<slug:slug>/", ViewerConsumer.as_asgi()),
]
