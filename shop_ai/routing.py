"""The kernel's WebSocket route: the seller's studio socket (job progress, notices)."""

from django.urls import path

from shop_ai.consumers import StudioConsumer

websocket_urlpatterns = [
    path("ws/studio/", StudioConsumer.as_asgi()),
]
