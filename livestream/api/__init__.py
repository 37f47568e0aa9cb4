"""Live rooms' REST API, one module per resource; the view classes the API routes mount."""

from livestream.api.protocol import LiveProtocolView
from livestream.api.rooms import LiveRoomViewSet
from livestream.api.sessions import LiveSessionViewSet

__all__ = ["LiveProtocolView", "LiveRoomViewSet", "LiveSessionViewSet"]
