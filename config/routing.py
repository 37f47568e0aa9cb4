"""WebSocket routes of the whole project: each app's own, mounted side by side."""

from livestream import routing as livestream_routing
from shop_ai import routing as shop_ai_routing

websocket_urlpatterns = [
    *shop_ai_routing.websocket_urlpatterns,
    *livestream_routing.websocket_urlpatterns,
]
