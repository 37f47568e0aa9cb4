"""The live room's routes under /api/v1/: rooms, sessions and the socket protocol's schema."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from livestream.api.protocol import LiveProtocolView
from livestream.api.rooms import LiveRoomViewSet
from livestream.api.sessions import LiveSessionViewSet

router = SimpleRouter()
router.register("live-rooms", LiveRoomViewSet, basename="live-room")
router.register("live-sessions", LiveSessionViewSet, basename="live-session")

urlpatterns = [
    path("live/protocol.json", LiveProtocolView.as_view(), name="live-protocol"),
    *router.urls,
]
