"""WebSocket routes of the whole project."""

from django.urls import path

from shop_ai.consumers import StudioConsumer

websocket_urlpatterns = [
    path("ws/studio/", StudioConsumer.as_asgi()),
]
